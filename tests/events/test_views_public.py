from datetime import timedelta

import pytest
from django.urls import reverse

from events import services
from events.models import Booking
from tests.factories.events import book, in_days, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db

LIST = reverse("event-list")


def titles(response):
    return [event.title for event in response.context["events"]]


def test_event_list_empty_state(client):
    response = client.get(LIST)

    assert response.status_code == 200
    assert titles(response) == []
    assert "No upcoming events." in response.content.decode()


def test_event_list_shows_upcoming_published_soonest_first(client):
    make_event(title="Later", starts_at=in_days(20))
    make_event(title="Sooner", starts_at=in_days(5))
    make_event(title="Draft", publish=False)
    cancelled = make_event(title="Cancelled")
    services.event_cancel(actor=organiser_of(cancelled), event=cancelled, reason="")

    response = client.get(LIST)

    assert titles(response) == ["Sooner", "Later"]
    assert "2 upcoming events" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=workshop", ["Workshop"]),
        ("tag=care", ["Breakfast"]),
        ("region=london", ["Workshop"]),
        ("price=free", ["Breakfast"]),
        ("price=paid", ["Workshop"]),
        (f"date_from={in_days(9).date()}", ["Workshop"]),
        (f"date_to={in_days(9).date()}", ["Breakfast"]),
        ("kind=nonsense&price=maybe&date_from=yesterday", ["Breakfast", "Workshop"]),
    ],
)
def test_event_list_filters(client, query, expected):
    make_event(title="Breakfast", tag_names=("care",), region="north_west", starts_at=in_days(7))
    make_event(
        title="Workshop",
        kind="workshop",
        region="london",
        starts_at=in_days(10),
        tickets=[{"name": "Paid", "price_pence": 1000}],
    )

    response = client.get(f"{LIST}?{query}")

    assert response.status_code == 200
    assert titles(response) == expected


def test_event_detail_shows_agenda_speakers_seats_and_booking_form(client, supplier):
    event = make_event(capacity=30)
    organiser = organiser_of(event)
    services.agenda_item_create(
        actor=organiser,
        event=event,
        starts_at=event.starts_at + timedelta(minutes=15),
        ends_at=event.starts_at + timedelta(minutes=45),
        title="Falls prevention that worked",
        speaker_name="Dr Ada Lovelace",
        speaker_organisation="Northshire Care",
        speaker_bio="Runs the falls service.",
    )
    listing = make_listing(organisation=supplier, title="Smart sensors")
    services.event_listing_link(actor=organiser, event=event, listing=listing, role="on_agenda")
    book(ticket(event), quantity=4)

    response = client.get(event.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "08:15–08:45" in html
    assert "Falls prevention that worked" in html
    assert "Dr Ada Lovelace</strong>, Northshire Care" in html
    assert "26 of 30 left" in html
    assert "26 seats left" in html
    assert f'action="{reverse("event-book", args=[event.slug])}"' in html
    assert response.context["on_agenda"] == [listing]


def test_event_detail_sold_out_offers_waitlist(client):
    event = make_event(capacity=1)
    book(ticket(event))
    client.force_login(UserFactory())

    response = client.get(event.get_absolute_url())

    html = response.content.decode()
    assert "Sold out" in html
    assert reverse("event-waitlist-join", args=[event.slug]) in html
    assert reverse("event-book", args=[event.slug]) not in html


def test_event_detail_online_link_only_for_ticket_holders(client):
    event = make_event(venue_name="", online_url="https://meet.example.org/secret-room")
    booker = UserFactory()
    book(ticket(event), user=booker)

    anonymous = client.get(event.get_absolute_url()).content.decode()
    client.force_login(booker)
    holder = client.get(event.get_absolute_url()).content.decode()

    assert "secret-room" not in anonymous
    assert "the joining link is on your ticket" in anonymous
    assert "https://meet.example.org/secret-room" in holder


def test_draft_event_visible_only_to_organiser_members(client):
    event = make_event(title="Secret draft", publish=False)
    colleague = add_member(event.organiser)

    outsider = client.get(event.get_absolute_url())
    client.force_login(UserFactory())
    stranger = client.get(event.get_absolute_url())
    client.force_login(colleague)
    member = client.get(event.get_absolute_url())

    assert (outsider.status_code, stranger.status_code, member.status_code) == (404, 404, 200)
    assert "Draft: only your organisation can see this page" in member.content.decode()
    assert titles(client.get(LIST)) == []  # drafts never listed


def test_cancelled_event_page_says_so(client):
    event = make_event()
    services.event_cancel(actor=organiser_of(event), event=event, reason="Venue flooded")

    html = client.get(event.get_absolute_url()).content.decode()

    assert "This event has been cancelled.</strong> Venue flooded" in html
    assert reverse("event-book", args=[event.slug]) not in html


def test_event_ics_download(client):
    event = make_event(online_url="https://meet.example.org/secret-room")

    response = client.get(reverse("event-ics", args=[event.slug]))

    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    assert f"UID:{event.uid}@open-innovation-exchange\r\n" in body
    assert "secret-room" not in body.replace("\r\n ", "")


def test_event_ics_of_draft_is_404_for_outsiders(client):
    event = make_event(publish=False)

    assert client.get(reverse("event-ics", args=[event.slug])).status_code == 404


def test_event_detail_query_count_does_not_grow_with_agenda(client, django_assert_max_num_queries):
    event = make_event()
    for minute in range(5):
        services.agenda_item_create(
            actor=organiser_of(event),
            event=event,
            starts_at=event.starts_at + timedelta(minutes=minute * 10),
            title=f"Item {minute}",
            speaker_name=f"Speaker {minute}",
        )
    make_organisation()  # unrelated rows do not matter

    with django_assert_max_num_queries(16):
        response = client.get(event.get_absolute_url())

    assert len(response.context["speakers"]) == 5
    assert Booking.objects.count() == 0
