"""Unconference services: proposing, withdrawing, voting within a budget, stars, the schedule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from events import services
from events.enums import SessionStatus
from events.models import Event, SessionProposal, SessionVote, Star
from events.queries import starred_for_user, votes_left
from events.scheduler import REASON_FULL, REASON_PROPOSER_BUSY
from events.services import unconference as uc
from exchange.exceptions import InvalidTransition
from exchange.models import Notification
from tests.factories.events import book, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory, add_member
from tests.factories.unconference import (
    add_rooms,
    add_slots,
    attendee,
    make_unconference,
    propose,
    vote,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return make_unconference()


# --- Proposing --------------------------------------------------------------------------------


def test_propose_by_confirmed_attendee_creates_session(event):
    person = attendee(event)

    session = uc.session_propose(
        actor=person,
        event=event,
        title="  Open   data in planning ",
        description="What councils publish.",
        tag_names=["Open Data", "planning"],
    )

    session.refresh_from_db()
    assert session.title == "Open data in planning"
    assert session.status == SessionStatus.PROPOSED
    assert session.proposer == person
    assert session.vote_count == 0
    assert session.sequence == 0
    assert sorted(t.slug for t in session.tags.all()) == ["open-data", "planning"]


def test_propose_by_seat_holder_named_in_someone_elses_booking(event):
    colleague = UserFactory(email="seat@example.org")
    services.booking_create(
        actor=UserFactory(),
        ticket_type=ticket(event),
        attendees=[services.AttendeeData(name="Seat", email="SEAT@example.org")],
        payment_method="free",
    )

    session = uc.session_propose(actor=colleague, event=event, title="Procurement myths")

    assert session.proposer == colleague


def test_propose_without_booking_is_denied(event):
    with pytest.raises(PermissionDenied):
        uc.session_propose(actor=UserFactory(), event=event, title="Sneaky")

    assert SessionProposal.objects.count() == 0


def test_propose_with_cancelled_booking_is_denied(event):
    person = UserFactory()
    booking = book(ticket(event), user=person)
    services.booking_cancel(actor=person, booking=booking)

    with pytest.raises(PermissionDenied):
        uc.session_propose(actor=person, event=event, title="Too late")

    assert SessionProposal.objects.count() == 0


def test_propose_during_event_allowed_after_end_refused(event):
    person = attendee(event)

    during = uc.session_propose(
        actor=person, event=event, title="Pop-up", now=event.starts_at + timedelta(hours=3)
    )
    with pytest.raises(InvalidTransition):
        uc.session_propose(actor=person, event=event, title="After", now=event.ends_at)

    assert list(SessionProposal.objects.values_list("pk", flat=True)) == [during.pk]


def test_propose_at_a_breakfast_is_refused():
    breakfast = make_event(kind="breakfast")
    person = attendee(breakfast)

    with pytest.raises(InvalidTransition):
        uc.session_propose(actor=person, event=breakfast, title="Wrong kind")

    assert SessionProposal.objects.count() == 0


def test_propose_with_blank_title_is_a_field_error(event):
    with pytest.raises(ValidationError) as info:
        uc.session_propose(actor=attendee(event), event=event, title="   ")

    assert list(info.value.message_dict) == ["title"]
    assert SessionProposal.objects.count() == 0


def test_propose_for_someone_elses_organisation_is_refused(event, council):
    with pytest.raises(ValidationError) as info:
        uc.session_propose(
            actor=attendee(event), event=event, title="X", organisation_id=council.pk
        )

    assert list(info.value.message_dict) == ["organisation"]
    assert SessionProposal.objects.count() == 0


def test_propose_for_own_organisation(event, council):
    person = attendee(event)
    add_member(council, person)

    session = uc.session_propose(actor=person, event=event, title="X", organisation_id=council.pk)

    assert session.organisation == council


# --- Withdrawing ------------------------------------------------------------------------------


def test_withdraw_releases_votes_and_cell(event):
    (_room,) = add_rooms(event, ("Hall", 50))
    (_slot,) = add_slots(event, 1)
    session = propose(event)
    voters = vote(session, voters=2)
    uc.schedule_run(actor=organiser_of(event), event=event)

    uc.session_withdraw(actor=session.proposer, session=session)

    session.refresh_from_db()
    assert session.status == SessionStatus.WITHDRAWN
    assert (session.placed_room_id, session.placed_slot_id) == (None, None)
    assert session.vote_count == 0
    assert SessionVote.objects.count() == 0
    assert session.sequence == 2  # placed by the run, then withdrawn
    assert votes_left(voters[0], event) == 5


def test_withdraw_by_someone_else_changes_nothing(event):
    session = propose(event)
    vote(session)

    with pytest.raises(PermissionDenied):
        uc.session_withdraw(actor=attendee(event), session=session)

    session.refresh_from_db()
    assert (session.status, session.vote_count, session.sequence) == ("proposed", 1, 0)
    assert SessionVote.objects.count() == 1


def test_withdraw_twice_is_refused(event):
    session = propose(event)
    uc.session_withdraw(actor=session.proposer, session=session)

    with pytest.raises(InvalidTransition):
        uc.session_withdraw(actor=session.proposer, session=session)


# --- Voting -----------------------------------------------------------------------------------


def test_vote_counts_once_per_person(event):
    session = propose(event)
    voter = attendee(event)
    uc.session_vote(actor=voter, session=session)

    with pytest.raises(InvalidTransition):
        uc.session_vote(actor=voter, session=session)

    session.refresh_from_db()
    assert session.vote_count == 1
    assert SessionVote.objects.filter(voter=voter).count() == 1
    assert votes_left(voter, event) == 4


def test_vote_budget_is_enforced(event):
    uc.vote_budget_set(actor=organiser_of(event), event=event, vote_budget=2)
    event.refresh_from_db()
    sessions = [propose(event, title=f"S{i}") for i in range(3)]
    voter = attendee(event)
    uc.session_vote(actor=voter, session=sessions[0])
    uc.session_vote(actor=voter, session=sessions[1])

    with pytest.raises(InvalidTransition) as info:
        uc.session_vote(actor=voter, session=sessions[2])

    assert info.value.message == "You have used all 2 of your votes."
    sessions[2].refresh_from_db()
    assert sessions[2].vote_count == 0
    assert SessionVote.objects.filter(voter=voter).count() == 2
    assert votes_left(voter, event) == 0


def test_unvote_gives_the_vote_back(event):
    uc.vote_budget_set(actor=organiser_of(event), event=event, vote_budget=1)
    first, second = propose(event, title="A"), propose(event, title="B")
    voter = attendee(event)
    uc.session_vote(actor=voter, session=first)

    uc.session_unvote(actor=voter, session=first)
    uc.session_vote(actor=voter, session=second)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.vote_count, second.vote_count) == (0, 1)


def test_unvote_without_a_vote_is_refused(event):
    session = propose(event)
    vote(session)

    with pytest.raises(InvalidTransition):
        uc.session_unvote(actor=attendee(event), session=session)

    session.refresh_from_db()
    assert session.vote_count == 1


def test_vote_without_booking_is_denied(event):
    session = propose(event)

    with pytest.raises(PermissionDenied):
        uc.session_vote(actor=UserFactory(), session=session)

    session.refresh_from_db()
    assert session.vote_count == 0
    assert SessionVote.objects.count() == 0


def test_vote_on_withdrawn_session_is_refused(event):
    session = propose(event)
    uc.session_withdraw(actor=session.proposer, session=session)

    with pytest.raises(InvalidTransition):
        uc.session_vote(actor=attendee(event), session=session)

    assert SessionVote.objects.count() == 0


def test_vote_after_the_event_is_refused(event):
    session = propose(event)

    with pytest.raises(InvalidTransition):
        uc.session_vote(actor=attendee(event), session=session, now=event.ends_at)

    assert SessionVote.objects.count() == 0


def test_vote_budget_outside_range_is_a_field_error(event):
    with pytest.raises(ValidationError):
        uc.vote_budget_set(actor=organiser_of(event), event=event, vote_budget=0)

    event.refresh_from_db()
    assert event.vote_budget == 5


def test_vote_budget_set_by_attendee_is_denied(event):
    with pytest.raises(PermissionDenied):
        uc.vote_budget_set(actor=attendee(event), event=event, vote_budget=9)

    event.refresh_from_db()
    assert event.vote_budget == 5


# --- Rooms and slots --------------------------------------------------------------------------


def test_slot_outside_the_event_is_a_field_error(event):
    with pytest.raises(ValidationError) as info:
        uc.slot_create(
            actor=organiser_of(event),
            event=event,
            starts_at=event.ends_at,
            ends_at=event.ends_at + timedelta(hours=1),
        )

    assert list(info.value.message_dict) == ["starts_at"]
    assert event.slots.count() == 0


def test_room_create_by_attendee_is_denied(event):
    with pytest.raises(PermissionDenied):
        uc.room_create(actor=attendee(event), event=event, name="Annex", capacity=5)

    assert event.rooms.count() == 0


def test_room_delete_unplaces_its_sessions(event):
    big, small = add_rooms(event, ("Hall", 50), ("Annex", 10))
    add_slots(event, 1)
    first, second = propose(event, title="A"), propose(event, title="B")
    vote(first, voters=2)
    uc.schedule_run(actor=organiser_of(event), event=event)

    unplaced = uc.room_delete(actor=organiser_of(event), room=big)

    first.refresh_from_db()
    second.refresh_from_db()
    assert unplaced == [first.pk]
    assert (first.placed_room_id, first.sequence) == (None, 2)
    assert second.placed_room_id == small.pk


def test_room_rename_bumps_sessions_placed_in_it(event):
    (room,) = add_rooms(event, ("Hall", 50))
    add_slots(event, 1)
    session = propose(event)
    uc.schedule_run(actor=organiser_of(event), event=event)

    uc.room_update(actor=organiser_of(event), room=room, name="Great Hall")

    session.refresh_from_db()
    assert session.sequence == 2


# --- The schedule -----------------------------------------------------------------------------


def test_schedule_run_places_and_explains(event):
    hall, annex = add_rooms(event, ("Hall", 60), ("Annex", 12))
    (slot,) = add_slots(event, 1)
    speaker = attendee(event)
    top = propose(event, speaker, title="Top")
    vote(top, voters=3)
    twin = propose(event, speaker, title="Same speaker")
    vote(twin, voters=2)
    other = propose(event, title="Other")
    vote(other, voters=1)
    last = propose(event, title="Last")

    run = uc.schedule_run(actor=organiser_of(event), event=event)

    assert run.placed == 2
    assert [(u.session.pk, u.reason) for u in run.unplaced] == [
        (twin.pk, REASON_PROPOSER_BUSY),
        (last.pk, REASON_FULL),
    ]
    placed = dict(
        SessionProposal.objects.filter(placed_slot=slot).values_list("pk", "placed_room_id")
    )
    assert placed == {top.pk: hall.pk, other.pk: annex.pk}


def test_schedule_run_bumps_only_sessions_that_moved(event):
    add_rooms(event, ("Hall", 60))
    add_slots(event, 2)
    _first, _second = propose(event, title="A"), propose(event, title="B")
    organiser = organiser_of(event)
    uc.schedule_run(actor=organiser, event=event)

    uc.schedule_run(actor=organiser, event=event)

    assert list(SessionProposal.objects.order_by("pk").values_list("sequence", flat=True)) == [1, 1]


def test_schedule_run_by_attendee_is_denied(event):
    add_rooms(event, ("Hall", 60))
    add_slots(event, 1)
    session = propose(event)

    with pytest.raises(PermissionDenied):
        uc.schedule_run(actor=session.proposer, event=event)

    session.refresh_from_db()
    assert session.placed_slot_id is None


def test_move_into_occupied_cell_is_refused(event):
    (room,) = add_rooms(event, ("Hall", 60))
    (slot,) = add_slots(event, 1)
    _first, second = propose(event, title="A"), propose(event, title="B")
    uc.schedule_run(actor=organiser_of(event), event=event)

    with pytest.raises(InvalidTransition):
        uc.session_move(actor=organiser_of(event), session=second, room=room, slot=slot)

    second.refresh_from_db()
    assert (second.placed_room_id, second.sequence) == (None, 0)


def test_move_warns_of_clashes(event):
    hall, annex = add_rooms(event, ("Hall", 60), ("Annex", 1))
    slot, _later = add_slots(event, 2)
    speaker = attendee(event)
    first = propose(event, speaker, title="First")
    second = propose(event, speaker, title="Second")
    vote(second, voters=2)
    organiser = organiser_of(event)
    uc.session_move(actor=organiser, session=first, room=hall, slot=slot)

    result = uc.session_move(actor=organiser, session=second, room=annex, slot=slot)

    assert result.warnings == [
        "The proposer is also speaking at the same time in “First”.",
        "Annex seats 1 but 2 people voted for it.",
    ]
    second.refresh_from_db()
    assert (second.placed_room_id, second.placed_slot_id, second.sequence) == (
        annex.pk,
        slot.pk,
        1,
    )


def test_move_by_attendee_is_denied(event):
    (room,) = add_rooms(event, ("Hall", 60))
    (slot,) = add_slots(event, 1)
    session = propose(event)

    with pytest.raises(PermissionDenied):
        uc.session_move(actor=session.proposer, session=session, room=room, slot=slot)

    session.refresh_from_db()
    assert session.placed_slot_id is None


def test_move_to_another_events_room_is_refused(event):
    other = make_unconference(title="Other unconference")
    (foreign,) = add_rooms(other, ("Elsewhere", 9))
    (foreign_slot,) = add_slots(other, 1)
    session = propose(event)

    with pytest.raises(ValidationError):
        uc.session_move(actor=organiser_of(event), session=session, room=foreign, slot=foreign_slot)


def test_pin_displaces_and_scheduler_keeps_pin(event):
    hall, annex = add_rooms(event, ("Hall", 60), ("Annex", 10))
    (slot,) = add_slots(event, 1)
    popular = propose(event, title="Popular")
    vote(popular, voters=3)
    quiet = propose(event, title="Quiet")
    organiser = organiser_of(event)
    uc.schedule_run(actor=organiser, event=event)

    result = uc.session_pin(actor=organiser, session=quiet, room=hall, slot=slot)
    uc.schedule_run(actor=organiser, event=event)

    assert result.warnings == ["“Popular” lost its place; run the scheduler again."]
    quiet.refresh_from_db()
    popular.refresh_from_db()
    assert (quiet.pinned_room_id, quiet.placed_room_id) == (hall.pk, hall.pk)
    assert popular.placed_room_id == annex.pk


def test_publish_notifies_each_attendee_once(event):
    add_rooms(event, ("Hall", 60))
    add_slots(event, 1)
    booker = UserFactory(email="boss@example.org")
    seat_holder = UserFactory(email="deputy@example.org")
    services.booking_create(
        actor=booker,
        ticket_type=ticket(event),
        attendees=[
            services.AttendeeData(name="Boss", email="boss@example.org"),
            services.AttendeeData(name="Deputy", email="Deputy@example.org"),
        ],
        payment_method="free",
    )
    gone = UserFactory()
    services.booking_cancel(actor=gone, booking=book(ticket(event), user=gone))
    session = propose(event)
    organiser = organiser_of(event)
    uc.schedule_run(actor=organiser, event=event)
    Notification.objects.all().delete()
    sequence_before = Event.objects.get(pk=event.pk).sequence

    notified = uc.schedule_publish(actor=organiser, event=event)

    recipients = sorted(Notification.objects.values_list("recipient__email", flat=True))
    assert recipients == sorted(["boss@example.org", "deputy@example.org", session.proposer.email])
    assert notified == 3
    event.refresh_from_db()
    session.refresh_from_db()
    assert event.schedule_published_at is not None
    assert event.sequence == sequence_before + 1
    assert session.sequence == 2
    assert seat_holder.notifications.get().link == f"/events/{event.slug}/schedule/"


def test_publish_without_placements_is_refused(event):
    propose(event)

    with pytest.raises(InvalidTransition):
        uc.schedule_publish(actor=organiser_of(event), event=event)

    event.refresh_from_db()
    assert event.schedule_published_at is None
    assert (
        Notification.objects.filter(kind="event", text__startswith="The session grid").count() == 0
    )


def test_publish_by_attendee_is_denied(event):
    add_rooms(event, ("Hall", 60))
    add_slots(event, 1)
    session = propose(event)
    uc.schedule_run(actor=organiser_of(event), event=event)

    with pytest.raises(PermissionDenied):
        uc.schedule_publish(actor=session.proposer, event=event)

    event.refresh_from_db()
    assert event.schedule_published_at is None


# --- Stars and notes --------------------------------------------------------------------------


def test_starred_for_user_lists_own_published_stars_only(event):
    add_rooms(event, ("Hall", 60))
    add_slots(event, 2)
    placed = propose(event, title="Placed")
    vote(placed, voters=1)
    unplaced_session = propose(event, title="Also placed")
    fan, other = UserFactory(), UserFactory()
    uc.session_star(actor=fan, session=placed)
    uc.session_star(actor=fan, session=placed)  # idempotent
    uc.session_star(actor=other, session=unplaced_session)
    item = services.agenda_item_create(
        actor=organiser_of(event), event=event, starts_at=event.starts_at, title="Welcome"
    )
    uc.agenda_item_star(actor=fan, item=item)
    organiser = organiser_of(event)
    uc.schedule_run(actor=organiser, event=event)

    before = starred_for_user(fan)
    assert list(before.sessions) == []
    uc.schedule_publish(actor=organiser, event=event)
    after = starred_for_user(fan)

    assert list(after.sessions) == [placed]
    assert list(after.agenda_items) == [item]
    assert Star.objects.filter(user=fan).count() == 2


def test_star_on_a_draft_event_is_denied():
    draft = make_unconference(publish=False)
    item = services.agenda_item_create(
        actor=organiser_of(draft), event=draft, starts_at=draft.starts_at, title="Welcome"
    )

    with pytest.raises(PermissionDenied):
        uc.agenda_item_star(actor=UserFactory(), item=item)

    assert Star.objects.count() == 0


def test_unstar_removes_the_star(event):
    session = propose(event)
    fan = UserFactory()
    uc.session_star(actor=fan, session=session)

    uc.session_unstar(actor=fan, session=session)

    assert Star.objects.count() == 0


def test_notes_by_proposer_after_start(event):
    session = propose(event)

    uc.session_notes_update(
        actor=session.proposer,
        session=session,
        notes="We agreed a **shared schema**.",
        output_links=[
            {"title": "Slides", "url": "https://example.org/slides"},
            {"url": "https://example.org/x"},
        ],
        now=event.ends_at + timedelta(days=1),
    )

    session.refresh_from_db()
    assert session.notes == "We agreed a **shared schema**."
    assert session.output_links == [
        {"title": "Slides", "url": "https://example.org/slides"},
        {"title": "https://example.org/x", "url": "https://example.org/x"},
    ]


def test_notes_before_the_event_are_refused(event):
    session = propose(event)

    with pytest.raises(InvalidTransition):
        uc.session_notes_update(actor=session.proposer, session=session, notes="Early")

    session.refresh_from_db()
    assert session.notes == ""


def test_notes_by_someone_else_are_denied(event):
    session = propose(event)

    with pytest.raises(PermissionDenied):
        uc.session_notes_update(
            actor=attendee(event), session=session, notes="Mine now", now=event.ends_at
        )

    session.refresh_from_db()
    assert session.notes == ""


def test_notes_with_a_non_web_link_are_a_field_error(event):
    session = propose(event)

    with pytest.raises(ValidationError) as info:
        uc.session_notes_update(
            actor=session.proposer,
            session=session,
            notes="x",
            output_links=[{"title": "Bad", "url": "javascript:alert(1)"}],
            now=event.ends_at,
        )

    assert list(info.value.message_dict) == ["output_links"]
    session.refresh_from_db()
    assert session.output_links == []
