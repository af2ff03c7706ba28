"""The organiser console's list of events: seats booked, held and waitlisted per event."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from events import services
from events.queries import SeatSummary, seat_summaries
from events.views.organiser import UNCONFERENCE_BOARD_URL_NAMES, unconference_board_url
from tests.factories.events import book, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory

pytestmark = pytest.mark.django_db


def rows(html: str) -> list[list[str]]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def full_breakfast():
    """Capacity 3 and two seats confirmed."""
    event = make_event(title="Digital breakfast", capacity=3)
    book(ticket(event), quantity=2)
    return event


def test_seat_summaries_exact(full_breakfast):
    event = full_breakfast
    book(ticket(event))  # the third and last seat
    services.waitlist_join(actor=UserFactory(), ticket_type=ticket(event), quantity=2)
    services.waitlist_join(actor=UserFactory(), ticket_type=ticket(event), quantity=1)
    other = make_event(title="Empty")

    assert seat_summaries([event.pk, other.pk]) == {
        event.pk: SeatSummary(booked=3, held=0, offered=0, waiting=3),
        other.pk: SeatSummary(),
    }


def test_organising_page_shows_seats_per_event(client, full_breakfast):
    event = full_breakfast
    book(ticket(event))
    services.waitlist_join(actor=UserFactory(), ticket_type=ticket(event), quantity=2)
    draft = make_event(
        organisation=event.organiser, title="Next breakfast", publish=False, capacity=40
    )
    client.force_login(organiser_of(event))

    html = client.get(reverse("event-organising")).content.decode()

    table = rows(html)
    assert [r[0] for r in table] == [
        f"{draft.title} Breakfast meeting · {event.organiser.name}",
        f"{event.title} Breakfast meeting · {event.organiser.name}",
    ]
    assert [r[2:6] for r in table] == [
        ["Draft", "0 / 40", "0", "0"],
        ["Published", "3 / 3", "0", "2"],
    ]
    assert f'href="/events/{event.slug}/check-in/">Check-in' in html
    assert "Unconference board" not in html


def test_organising_page_links_an_unconference_to_its_board(client):
    event = make_event(kind="unconference", title="Open space")
    client.force_login(organiser_of(event))
    expected = ""
    for name in UNCONFERENCE_BOARD_URL_NAMES:
        try:
            expected = reverse(name, kwargs={"slug": event.slug})
            break
        except NoReverseMatch:
            continue

    html = client.get(reverse("event-organising")).content.decode()
    console = client.get(reverse("event-manage", args=[event.slug])).content.decode()

    assert unconference_board_url(event) == expected
    if expected:
        assert f'<a href="{expected}">Unconference board' in html
        assert f'<a href="{expected}">Unconference board</a>' in console
    else:
        assert "Unconference board" not in html + console


def test_breakfast_console_has_no_board_link(client, full_breakfast):
    client.force_login(organiser_of(full_breakfast))

    console = client.get(reverse("event-manage", args=[full_breakfast.slug])).content.decode()

    assert unconference_board_url(full_breakfast) == ""
    assert "Unconference board" not in console


def test_organising_page_query_count_does_not_grow(client, django_assert_num_queries):
    first = make_event(title="One")
    organiser = organiser_of(first)
    client.force_login(organiser)
    client.get(reverse("event-organising"))
    with CaptureQueriesContext(connection) as with_one:
        client.get(reverse("event-organising"))
    queries_with_one = len(with_one)  # now: the next request clears the query log
    for i in range(2):
        event = make_event(
            organisation=first.organiser, actor=organiser, title=f"More {i}", capacity=2
        )
        book(ticket(event), quantity=2)

    with django_assert_num_queries(queries_with_one):
        response = client.get(reverse("event-organising"))

    assert len(rows(response.content.decode())) == 3
