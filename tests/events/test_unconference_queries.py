"""Unconference reads: who sees which sessions, linked listings through visibility, the
people a publication notifies, the grid, and a person's starred items."""

from __future__ import annotations

import pytest

from events import services
from events.queries import (
    confirmed_attendee_users,
    schedule_grid,
    sessions_for_api,
    sessions_visible_to,
    starred_for_user,
    votes_left,
)
from events.services import unconference as uc
from tests.factories.events import book, organiser_of, ticket
from tests.factories.exchange import UserFactory, add_member
from tests.factories.listings import make_listing
from tests.factories.unconference import (
    add_rooms,
    add_slots,
    attendee,
    make_unconference,
    propose,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return make_unconference()


def titles(qs):
    return [s.title for s in qs]


def test_withdrawn_sessions_seen_by_proposer_and_organisers_only(event):
    propose(event, title="Kept")
    gone = propose(event, title="Gone")
    uc.session_withdraw(actor=gone.proposer, session=gone)

    assert titles(sessions_visible_to(UserFactory(), event)) == ["Kept"]
    assert titles(sessions_visible_to(gone.proposer, event)) == ["Kept", "Gone"]
    assert titles(sessions_visible_to(organiser_of(event), event)) == ["Kept", "Gone"]
    assert titles(sessions_for_api(UserFactory())) == ["Kept"]
    assert titles(sessions_for_api(organiser_of(event))) == ["Kept", "Gone"]


def test_sessions_of_a_draft_are_hidden_from_outsiders():
    draft = make_unconference(publish=False)
    # Sessions open once the event is published: a draft's board is empty and hidden.
    assert list(sessions_visible_to(UserFactory(), draft)) == []
    assert list(sessions_for_api(UserFactory())) == []


def test_linked_listing_shows_only_to_who_may_see_it(event, council):
    member = attendee(event)
    add_member(council, member)
    private = make_listing(organisation=council, title="Members only", visibility="members")
    session = propose(event, member, title="About our listing", listing=private)

    as_member = sessions_visible_to(member, event).get(pk=session.pk)
    as_anonymous = sessions_visible_to(UserFactory(), event).get(pk=session.pk)

    assert as_member.listing == private
    assert as_anonymous.listing is None


def test_voted_and_starred_flags_describe_the_requester(event):
    session = propose(event)
    voter = attendee(event)
    uc.session_vote(actor=voter, session=session)
    uc.session_star(actor=voter, session=session)

    mine = sessions_visible_to(voter, event).get()
    theirs = sessions_visible_to(UserFactory(), event).get()

    assert (mine.voted_by_me, mine.starred_by_me) == (True, True)
    assert (theirs.voted_by_me, theirs.starred_by_me) == (False, False)
    assert votes_left(voter, event) == 4


def test_confirmed_attendee_users_are_bookers_and_seat_holders_once(event):
    booker = UserFactory(email="boss@example.org")
    seat_holder = UserFactory(email="deputy@example.org")
    inactive = UserFactory(email="gone@example.org", is_active=False)
    services.booking_create(
        actor=booker,
        ticket_type=ticket(event),
        attendees=[
            services.AttendeeData(name="Boss", email="boss@example.org"),
            services.AttendeeData(name="Deputy", email="DEPUTY@example.org"),
            services.AttendeeData(name="Gone", email="gone@example.org"),
        ],
        payment_method="free",
    )
    cancelled = UserFactory()
    services.booking_cancel(actor=cancelled, booking=book(ticket(event), user=cancelled))

    people = list(confirmed_attendee_users(event))

    assert people == [booker, seat_holder]
    assert inactive.is_active is False


def test_schedule_grid_rows_and_cells(event):
    hall, annex = add_rooms(event, ("Hall", 40), ("Annex", 10))
    first, second = add_slots(event, 2)
    session = propose(event)
    uc.session_move(actor=organiser_of(event), session=session, room=annex, slot=second)

    grid = schedule_grid(event)

    assert grid.rooms == [hall, annex]
    assert [row.slot for row in grid.rows] == [first, second]
    assert [[(c.room, c.session) for c in row.cells] for row in grid.rows] == [
        [(hall, None), (annex, None)],
        [(hall, None), (annex, session)],
    ]
    assert grid.is_empty is False


def test_starred_items_of_a_cancelled_event_stay_for_the_feed(event):
    add_rooms(event, ("Hall", 40))
    add_slots(event, 1)
    session = propose(event)
    organiser = organiser_of(event)
    uc.schedule_run(actor=organiser, event=event)
    uc.schedule_publish(actor=organiser, event=event)
    fan = UserFactory()
    uc.session_star(actor=fan, session=session)
    services.event_cancel(actor=organiser, event=event, reason="Venue flooded")

    starred = starred_for_user(fan)

    assert list(starred.sessions) == [session]
    assert starred.sessions[0].event.status == "cancelled"
