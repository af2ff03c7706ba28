"""Unconference pages: the board, voting and stars with and without JS, organiser's board, grid."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from events.models import Event, SessionProposal, SessionVote, Star
from events.services import agenda_item_create
from events.services import unconference as uc
from tests.factories.events import make_event, organiser_of
from tests.factories.exchange import UserFactory
from tests.factories.unconference import (
    add_rooms,
    add_slots,
    attendee,
    make_unconference,
    propose,
    vote,
)

pytestmark = pytest.mark.django_db
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def event():
    return make_unconference()


def url(name, event, **kwargs):
    return reverse(name, kwargs={"slug": event.slug, **kwargs})


def session_url(name, session):
    return url(name, session.event, session_id=session.pk)


# --- The session board ------------------------------------------------------------------------


def test_board_empty_state_for_anonymous(client, event):
    response = client.get(url("event-sessions", event))

    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["sessions"] == []
    assert "No sessions yet." in body
    assert "Log in</a> with a confirmed place" in body
    assert response.context["form"] is None


def test_board_lists_sessions_most_voted_first_with_votes_left(client, event):
    quiet = propose(event, title="Quiet one")
    popular = propose(event, title="Popular one")
    vote(popular, voters=2)
    me = attendee(event)
    uc.session_vote(actor=me, session=quiet)
    client.force_login(me)

    response = client.get(url("event-sessions", event))

    body = response.content.decode()
    assert [s.title for s in response.context["sessions"]] == ["Popular one", "Quiet one"]
    assert response.context["votes_left"] == 4
    assert "<span data-votes-left>4</span> of 5 votes left" in body
    assert "Take vote back" in body
    assert "Propose a session" in body


def test_board_for_a_breakfast_is_404(client):
    breakfast = make_event(kind="breakfast")

    assert client.get(url("event-sessions", breakfast)).status_code == 404


def test_propose_through_the_form(client, event):
    me = attendee(event)
    client.force_login(me)

    response = client.post(
        url("event-sessions", event),
        {
            "title": "Shared data standards",
            "description": "Let us agree one.",
            "tags": "data, standards",
        },
    )

    assert response.status_code == 302
    session = SessionProposal.objects.get()
    assert (session.title, session.proposer) == ("Shared data standards", me)
    assert sorted(t.slug for t in session.tags.all()) == ["data", "standards"]


def test_propose_with_blank_title_shows_field_error(client, event):
    client.force_login(attendee(event))

    response = client.post(url("event-sessions", event), {"title": ""})

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["title"]
    assert SessionProposal.objects.count() == 0


def test_propose_without_booking_is_refused(client, event):
    client.force_login(UserFactory())

    response = client.post(url("event-sessions", event), {"title": "Sneaky"})

    assert response.status_code == 302
    assert SessionProposal.objects.count() == 0


def test_propose_anonymous_goes_to_login(client, event):
    response = client.post(url("event-sessions", event), {"title": "Sneaky"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert SessionProposal.objects.count() == 0


# --- Voting and starring ----------------------------------------------------------------------


def test_vote_without_js_redirects_back(client, event):
    session = propose(event)
    client.force_login(attendee(event))
    board = url("event-sessions", event)

    response = client.post(session_url("event-session-vote", session), {"next": board})

    assert response.status_code == 302
    assert response.url == board
    session.refresh_from_db()
    assert session.vote_count == 1


def test_vote_ignores_an_offsite_next(client, event):
    session = propose(event)
    client.force_login(attendee(event))

    response = client.post(
        session_url("event-session-vote", session), {"next": "https://evil.example/"}
    )

    assert response.url == url("event-sessions", event)


def test_vote_and_unvote_with_js_answer_json(client, event):
    session = propose(event)
    client.force_login(attendee(event))

    voted = client.post(session_url("event-session-vote", session), **JSON)
    unvoted = client.post(session_url("event-session-unvote", session), **JSON)

    assert voted.json() == {
        "voted": True,
        "vote_count": 1,
        "votes_left": 4,
        "action": session_url("event-session-unvote", session),
    }
    assert unvoted.json() == {
        "voted": False,
        "vote_count": 0,
        "votes_left": 5,
        "action": session_url("event-session-vote", session),
    }


def test_vote_over_budget_with_js_is_409_and_changes_nothing(client, event):
    uc.vote_budget_set(actor=organiser_of(event), event=event, vote_budget=1)
    first, second = propose(event, title="A"), propose(event, title="B")
    me = attendee(event)
    uc.session_vote(actor=me, session=first)
    client.force_login(me)

    response = client.post(session_url("event-session-vote", second), **JSON)

    assert response.status_code == 409
    assert response.json() == {"detail": "You have used all 1 of your votes."}
    second.refresh_from_db()
    assert second.vote_count == 0
    assert SessionVote.objects.filter(voter=me).count() == 1


def test_vote_get_is_not_allowed(client, event):
    session = propose(event)
    client.force_login(attendee(event))

    assert client.get(session_url("event-session-vote", session)).status_code == 405
    assert SessionVote.objects.count() == 0


def test_star_session_and_agenda_item(client, event):
    session = propose(event)
    item = agenda_item_create(
        actor=organiser_of(event), event=event, starts_at=event.starts_at, title="Welcome"
    )
    fan = UserFactory()
    client.force_login(fan)

    starred = client.post(session_url("event-session-star", session), **JSON)
    client.post(reverse("agenda-item-star", kwargs={"slug": event.slug, "pk": item.pk}))
    page = client.get(event.get_absolute_url())

    assert starred.json() == {
        "starred": True,
        "action": session_url("event-session-unstar", session),
    }
    assert Star.objects.filter(user=fan).count() == 2
    assert (
        reverse("agenda-item-unstar", kwargs={"slug": event.slug, "pk": item.pk})
        in page.content.decode()
    )


def test_withdraw_by_proposer(client, event):
    session = propose(event)
    client.force_login(session.proposer)

    response = client.post(session_url("event-session-withdraw", session))

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == "withdrawn"


def test_withdraw_by_someone_else_changes_nothing(client, event):
    session = propose(event)
    client.force_login(attendee(event))

    client.post(session_url("event-session-withdraw", session))

    session.refresh_from_db()
    assert session.status == "proposed"


# --- Session page and notes -------------------------------------------------------------------


def test_session_page_hides_notes_form_before_the_event(client, event):
    session = propose(event)
    client.force_login(session.proposer)

    response = client.get(session.get_absolute_url())

    assert response.status_code == 200
    assert response.context["notes_form"] is None
    assert "once the event has started" in response.content.decode()


def test_notes_saved_by_proposer_after_the_event(client):
    past = make_unconference(starts_at=None)
    session = propose(past)
    Event.objects.filter(pk=past.pk).update(
        starts_at=past.starts_at - timedelta(days=30), ends_at=past.ends_at - timedelta(days=30)
    )
    client.force_login(session.proposer)

    response = client.post(
        session_url("event-session-notes", session),
        {
            "notes": "We agreed **one schema**.",
            "links": "Slides | https://example.org/s\nhttps://example.org/r",
        },
    )
    page = client.get(session.get_absolute_url())

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.output_links == [
        {"title": "Slides", "url": "https://example.org/s"},
        {"title": "https://example.org/r", "url": "https://example.org/r"},
    ]
    assert "<strong>one schema</strong>" in page.content.decode()


def test_notes_with_a_bad_link_show_field_error(client):
    past = make_unconference()
    session = propose(past)
    Event.objects.filter(pk=past.pk).update(
        starts_at=past.starts_at - timedelta(days=30), ends_at=past.ends_at - timedelta(days=30)
    )
    client.force_login(session.proposer)

    response = client.post(
        session_url("event-session-notes", session), {"notes": "x", "links": "Bad | ftp://x"}
    )

    assert response.status_code == 400
    assert list(response.context["notes_form"].errors) == ["links"]
    session.refresh_from_db()
    assert session.notes == ""


# --- Organiser's board and the grid -----------------------------------------------------------


def test_manage_board_empty_state(client, event):
    client.force_login(organiser_of(event))

    response = client.get(url("event-unconference-manage", event))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Add rooms and time slots to build the grid." in body
    assert "No sessions proposed yet." in body


def test_manage_board_denied_to_attendees(client, event):
    client.force_login(attendee(event))

    assert client.get(url("event-unconference-manage", event)).status_code == 403


def test_organiser_adds_room_and_slot_through_forms(client, event):
    client.force_login(organiser_of(event))
    start = event.starts_at.astimezone(event.tz)

    room = client.post(url("event-room-create", event), {"name": "Hall", "capacity": "40"})
    slot = client.post(
        url("event-slot-create", event),
        {
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert (room.status_code, slot.status_code) == (302, 302)
    assert list(event.rooms.values_list("name", "capacity")) == [("Hall", 40)]
    assert list(event.slots.values_list("starts_at", "ends_at")) == [
        (event.starts_at, event.starts_at + timedelta(hours=1))
    ]


def test_slot_outside_the_event_shows_field_error(client, event):
    client.force_login(organiser_of(event))
    late = event.ends_at.astimezone(event.tz)

    response = client.post(
        url("event-slot-create", event),
        {
            "starts_at": late.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (late + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.status_code == 400
    assert list(response.context["slot_form"].errors) == ["starts_at"]
    assert event.slots.count() == 0


def test_run_shows_unplaced_with_reasons(client, event):
    add_rooms(event, ("Hall", 40))
    add_slots(event, 1)
    top = propose(event, title="Top")
    vote(top, voters=1)
    propose(event, title="Left out")
    client.force_login(organiser_of(event))

    response = client.post(url("event-schedule-run", event))

    body = response.content.decode()
    assert response.status_code == 200
    assert "1 session placed." in body
    assert "<strong>Left out</strong> (0 votes): Not enough rooms × slots" in body


def test_move_shows_clash_warnings(client, event):
    hall, annex = add_rooms(event, ("Hall", 40), ("Annex", 1))
    (slot,) = add_slots(event, 1)
    speaker = attendee(event)
    first = propose(event, speaker, title="First")
    second = propose(event, speaker, title="Second")
    vote(second, voters=2)
    organiser = organiser_of(event)
    uc.session_move(actor=organiser, session=first, room=hall, slot=slot)
    client.force_login(organiser)

    response = client.post(
        session_url("event-session-move", second),
        {"room": annex.pk, "slot": slot.pk},
        follow=True,
    )

    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        "“Second” moved.",
        "The proposer is also speaking at the same time in “First”.",
        "Annex seats 1 but 2 people voted for it.",
    ]


def test_grid_before_publication(client, event):
    response = client.get(url("event-schedule", event))

    assert response.status_code == 200
    assert response.context["grid"] is None
    assert "The schedule is not published yet." in response.content.decode()


def test_grid_after_publication_is_a_table_with_headers(client, event):
    add_rooms(event, ("Hall", 40), ("Annex", 10))
    add_slots(event, 2)
    session = propose(event, title="Data in planning")
    organiser = organiser_of(event)
    uc.schedule_run(actor=organiser, event=event)
    client.force_login(organiser)
    published = client.post(url("event-schedule-publish", event))

    response = client.get(url("event-schedule", event))

    body = response.content.decode()
    assert published.url == url("event-schedule", event)
    assert '<th scope="col">Hall <span class="meta">(40 seats)</span></th>' in body
    assert '<th scope="row"><time' in body
    assert f'<a href="{session.get_absolute_url()}">Data in planning</a>' in body
    grid = response.context["grid"]
    assert [[c.session for c in row.cells] for row in grid.rows] == [[session, None], [None, None]]


def test_event_page_links_the_board_for_unconferences_only(client, event):
    breakfast = make_event(kind="breakfast", title="Breakfast")

    unconf = client.get(event.get_absolute_url()).content.decode()
    other = client.get(breakfast.get_absolute_url()).content.decode()

    assert url("event-sessions", event) in unconf
    assert "Session board" not in other


def test_board_queries_do_not_grow_with_sessions(client, event, django_assert_num_queries):
    me = attendee(event)
    propose(event, title="One")
    client.force_login(me)
    client.get(url("event-sessions", event))  # warm caches (content types, session)

    with django_assert_num_queries(15) as one:
        client.get(url("event-sessions", event))
    propose(event, title="Two")
    propose(event, title="Three")
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url("event-sessions", event))
