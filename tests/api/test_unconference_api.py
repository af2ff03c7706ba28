"""The unconference API: rooms, slots, sessions (propose, vote, star, withdraw, move) and
schedules (grid, run, publish) — permissions, exact bodies, query counts."""

from __future__ import annotations

import pytest

from events.models import Room, SessionProposal, SessionVote, Slot, Star
from events.services import unconference as uc
from exchange.models import Notification
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

SESSIONS = "/api/v1/sessions/"
ROOMS = "/api/v1/session-rooms/"
SLOTS = "/api/v1/session-slots/"


@pytest.fixture
def event():
    return make_unconference()


@pytest.fixture
def as_user(api_client):
    def authenticate(user):
        api_client.force_authenticate(user)
        return api_client

    return authenticate


# --- Rooms and slots --------------------------------------------------------------------------


def test_room_create_by_organiser(as_user, event):
    response = as_user(organiser_of(event)).post(
        ROOMS, {"event": event.pk, "name": "Hall", "capacity": 40}, format="json"
    )

    room = Room.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": room.pk,
        "event": event.pk,
        "name": "Hall",
        "capacity": 40,
        "order": 0,
    }


def test_room_create_by_attendee_is_403_and_changes_nothing(as_user, event):
    response = as_user(attendee(event)).post(
        ROOMS, {"event": event.pk, "name": "Hall", "capacity": 40}, format="json"
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Room.objects.count() == 0


def test_room_create_anonymous_is_401(api_client, event):
    response = api_client.post(ROOMS, {"event": event.pk, "name": "Hall", "capacity": 4})

    assert response.status_code == 401
    assert Room.objects.count() == 0


def test_room_create_for_a_draft_you_cannot_see_is_400(as_user):
    draft = make_unconference(publish=False)

    response = as_user(UserFactory()).post(
        ROOMS, {"event": draft.pk, "name": "Hall", "capacity": 4}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["event"]
    assert Room.objects.count() == 0


def test_room_update_and_delete_by_organiser(as_user, event):
    (room,) = add_rooms(event, ("Hall", 40))
    client = as_user(organiser_of(event))

    updated = client.patch(f"{ROOMS}{room.pk}/", {"capacity": 60}, format="json")
    deleted = client.delete(f"{ROOMS}{room.pk}/")

    assert updated.json()["capacity"] == 60
    assert deleted.status_code == 204
    assert Room.objects.count() == 0


def test_rooms_of_a_draft_are_hidden(api_client):
    draft = make_unconference(publish=False)
    add_rooms(draft, ("Hall", 40))

    response = api_client.get(ROOMS, {"event": draft.pk})

    assert response.json()["results"] == []


def test_slot_create_outside_event_is_400_with_field(as_user, event):
    response = as_user(organiser_of(event)).post(
        SLOTS,
        {
            "event": event.pk,
            "starts_at": event.ends_at.isoformat(),
            "ends_at": (event.ends_at.replace(hour=23)).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["starts_at"]
    assert Slot.objects.count() == 0


def test_slot_list_by_event(api_client, event):
    first, second = add_slots(event, 2)

    response = api_client.get(SLOTS, {"event": event.pk})

    assert [s["id"] for s in response.json()["results"]] == [first.pk, second.pk]


# --- Sessions ---------------------------------------------------------------------------------


def test_propose_by_attendee(as_user, event):
    me = attendee(event)

    response = as_user(me).post(
        SESSIONS,
        {"event": event.pk, "title": "Data standards", "tags": ["Data", "standards"]},
        format="json",
    )

    session = SessionProposal.objects.get()
    body = response.json()
    assert response.status_code == 201
    assert body["id"] == session.pk
    assert body["uid"] == str(session.uid)
    assert (body["title"], body["status"], body["vote_count"]) == ("Data standards", "proposed", 0)
    assert body["tags"] == ["data", "standards"]
    assert (body["room"], body["slot"], body["pinned"]) == (None, None, False)


def test_propose_without_booking_is_403_and_changes_nothing(as_user, event):
    response = as_user(UserFactory()).post(
        SESSIONS, {"event": event.pk, "title": "Sneaky"}, format="json"
    )

    assert response.status_code == 403
    assert SessionProposal.objects.count() == 0


def test_propose_at_a_breakfast_is_400(as_user):
    breakfast = make_event(kind="breakfast")

    response = as_user(attendee(breakfast)).post(
        SESSIONS, {"event": breakfast.pk, "title": "Wrong"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["event"]


def test_vote_unvote_and_budget(as_user, event):
    uc.vote_budget_set(actor=organiser_of(event), event=event, vote_budget=1)
    first, second = propose(event, title="A"), propose(event, title="B")
    client = as_user(attendee(event))

    voted = client.post(f"{SESSIONS}{first.pk}/vote/")
    refused = client.post(f"{SESSIONS}{second.pk}/vote/")
    again = client.post(f"{SESSIONS}{first.pk}/vote/")

    assert (voted.status_code, voted.json()["vote_count"], voted.json()["votes_left"]) == (
        200,
        1,
        0,
    )
    assert voted.json()["voted_by_me"] is True
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == "You have used all 1 of your votes."
    assert again.status_code == 409
    assert SessionVote.objects.count() == 1
    second.refresh_from_db()
    assert second.vote_count == 0

    unvoted = client.post(f"{SESSIONS}{first.pk}/unvote/")

    assert (unvoted.json()["vote_count"], unvoted.json()["votes_left"]) == (0, 1)


def test_vote_anonymous_is_401(api_client, event):
    session = propose(event)

    assert api_client.post(f"{SESSIONS}{session.pk}/vote/").status_code == 401
    assert SessionVote.objects.count() == 0


def test_star_and_unstar(as_user, event):
    session = propose(event)
    fan = UserFactory()
    client = as_user(fan)

    starred = client.post(f"{SESSIONS}{session.pk}/star/")
    unstarred = client.post(f"{SESSIONS}{session.pk}/unstar/")

    assert starred.json()["starred_by_me"] is True
    assert unstarred.json()["starred_by_me"] is False
    assert Star.objects.count() == 0


def test_withdraw_by_other_is_403_and_hidden_after_withdrawal(as_user, api_client, event):
    session = propose(event)

    denied = as_user(attendee(event)).post(f"{SESSIONS}{session.pk}/withdraw/")
    done = as_user(session.proposer).post(f"{SESSIONS}{session.pk}/withdraw/")
    api_client.force_authenticate(None)
    public = api_client.get(f"{SESSIONS}{session.pk}/")

    assert denied.status_code == 403
    assert done.json()["status"] == "withdrawn"
    assert public.status_code == 404


def test_room_and_slot_hidden_until_published(as_user, api_client, event):
    (room,) = add_rooms(event, ("Hall", 40))
    (slot,) = add_slots(event, 1)
    session = propose(event)
    organiser = organiser_of(event)
    uc.schedule_run(actor=organiser, event=event)

    before = api_client.get(f"{SESSIONS}{session.pk}/").json()
    as_organiser = as_user(organiser).get(f"{SESSIONS}{session.pk}/").json()
    uc.schedule_publish(actor=organiser, event=event)
    api_client.force_authenticate(None)
    after = api_client.get(f"{SESSIONS}{session.pk}/").json()

    assert (before["room"], before["slot"]) == (None, None)
    assert as_organiser["room"]["id"] == room.pk
    assert after["room"] == {
        "id": room.pk,
        "event": event.pk,
        "name": "Hall",
        "capacity": 40,
        "order": 0,
    }
    assert after["slot"]["id"] == slot.pk


def test_move_with_warnings_and_occupied_cell(as_user, event):
    hall, annex = add_rooms(event, ("Hall", 40), ("Annex", 1))
    (slot,) = add_slots(event, 1)
    speaker = attendee(event)
    first = propose(event, speaker, title="First")
    second = propose(event, speaker, title="Second")
    vote(second, voters=2)
    client = as_user(organiser_of(event))

    moved = client.post(
        f"{SESSIONS}{first.pk}/move/", {"room": hall.pk, "slot": slot.pk}, format="json"
    )
    occupied = client.post(
        f"{SESSIONS}{second.pk}/move/", {"room": hall.pk, "slot": slot.pk}, format="json"
    )
    warned = client.post(
        f"{SESSIONS}{second.pk}/move/", {"room": annex.pk, "slot": slot.pk}, format="json"
    )

    assert moved.json()["warnings"] == []
    assert occupied.status_code == 409
    assert warned.json()["warnings"] == [
        "The proposer is also speaking at the same time in “First”.",
        "Annex seats 1 but 2 people voted for it.",
    ]


def test_move_by_attendee_is_403_and_changes_nothing(as_user, event):
    (room,) = add_rooms(event, ("Hall", 40))
    (slot,) = add_slots(event, 1)
    session = propose(event)

    response = as_user(session.proposer).post(
        f"{SESSIONS}{session.pk}/move/", {"room": room.pk, "slot": slot.pk}, format="json"
    )

    assert response.status_code == 403
    session.refresh_from_db()
    assert session.placed_room_id is None


# --- Schedules --------------------------------------------------------------------------------


def test_schedule_run_and_publish(as_user, api_client, event):
    (room,) = add_rooms(event, ("Hall", 40))
    (slot,) = add_slots(event, 1)
    top = propose(event, title="Top")
    vote(top, voters=1)
    left = propose(event, title="Left out")
    client = as_user(organiser_of(event))

    run = client.post(f"/api/v1/schedules/{event.pk}/run/")
    published = client.post(f"/api/v1/schedules/{event.pk}/publish/")
    api_client.force_authenticate(None)
    grid = api_client.get(f"/api/v1/schedules/{event.pk}/")

    assert run.json() == {
        "placed": 1,
        "unplaced": [
            {
                "session": left.pk,
                "title": "Left out",
                "vote_count": 0,
                "reason": "Not enough rooms × slots: every cell holds a session with at least "
                "as many votes.",
            }
        ],
    }
    assert published.json()["notified"] == 3  # two proposers and one voter
    body = grid.json()
    assert body["rows"] == [
        {
            "slot": {
                "id": slot.pk,
                "event": event.pk,
                "starts_at": body["rows"][0]["slot"]["starts_at"],
                "ends_at": body["rows"][0]["slot"]["ends_at"],
            },
            "cells": [{"room": room.pk, "session": top.pk}],
        }
    ]
    assert body["published_at"] is not None


def test_schedule_run_by_attendee_is_403_and_changes_nothing(as_user, event):
    add_rooms(event, ("Hall", 40))
    add_slots(event, 1)
    session = propose(event)

    response = as_user(session.proposer).post(f"/api/v1/schedules/{event.pk}/run/")

    assert response.status_code == 403
    session.refresh_from_db()
    assert session.placed_slot_id is None


def test_schedule_publish_by_attendee_is_403_and_notifies_nobody(as_user, event):
    add_rooms(event, ("Hall", 40))
    add_slots(event, 1)
    session = propose(event)
    uc.schedule_run(actor=organiser_of(event), event=event)
    Notification.objects.all().delete()

    response = as_user(session.proposer).post(f"/api/v1/schedules/{event.pk}/publish/")

    assert response.status_code == 403
    assert Notification.objects.count() == 0


def test_unpublished_grid_has_no_rows_for_the_public(api_client, event):
    add_rooms(event, ("Hall", 40))
    add_slots(event, 1)
    propose(event)
    uc.schedule_run(actor=organiser_of(event), event=event)

    body = api_client.get(f"/api/v1/schedules/{event.pk}/").json()

    assert (body["published_at"], body["rows"]) == (None, [])


def test_schedule_of_a_breakfast_is_404(api_client):
    breakfast = make_event(kind="breakfast")

    assert api_client.get(f"/api/v1/schedules/{breakfast.pk}/").status_code == 404


# --- Query counts -----------------------------------------------------------------------------

# count, page (sessions joined with event, proposer, organisation, rooms, slots), tags
# (no linked listings here, so no listing query)
SESSIONS_ANONYMOUS_QUERIES = 3
# + the requester's memberships (visibility), + organiser check of the page's events
SESSIONS_MEMBER_QUERIES = 5


@pytest.mark.parametrize("n", [1, 3])
def test_session_list_query_count_is_constant(api_client, django_assert_num_queries, event, n):
    for i in range(n):
        propose(event, title=f"Session {i}", tag_names=["data", f"tag {i}"])

    with django_assert_num_queries(SESSIONS_ANONYMOUS_QUERIES):
        response = api_client.get(SESSIONS, {"event": event.pk})

    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_session_list_query_count_is_constant_signed_in(
    as_user, django_assert_num_queries, event, n
):
    me = attendee(event)
    for i in range(n):
        vote(propose(event, title=f"Session {i}"))
    client = as_user(me)

    with django_assert_num_queries(SESSIONS_MEMBER_QUERIES):
        response = client.get(SESSIONS, {"event": event.pk})

    assert len(response.json()["results"]) == n


@pytest.mark.parametrize("n", [1, 3])
def test_room_list_query_count_is_constant(api_client, django_assert_num_queries, event, n):
    add_rooms(event, *[(f"Room {i}", 10 + i) for i in range(n)])

    with django_assert_num_queries(2):
        response = api_client.get(ROOMS, {"event": event.pk})

    assert len(response.json()["results"]) == n
