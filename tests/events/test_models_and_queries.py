from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from events import queries, services
from events.enums import BOOKING_TRANSITIONS, BookingStatus, PaymentMethod
from events.models import Booking, Event, TicketType, WaitlistEntry
from exchange.exceptions import InvalidTransition
from tests.factories.events import book, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory, add_member

pytestmark = pytest.mark.django_db


def violates(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


# --- Constraints: the last line of defence ----------------------------------------------------


def test_event_constraints():
    event = make_event()
    qs = Event.objects.filter(pk=event.pk)

    violates(lambda: qs.update(ends_at=event.starts_at))
    violates(lambda: qs.update(capacity=0))
    violates(lambda: qs.update(status="archived"))
    violates(lambda: qs.update(venue_name="", online_url=""))
    violates(lambda: qs.update(published_at=None))


def test_booking_constraints():
    booking = book(ticket(make_event()))
    qs = Booking.objects.filter(pk=booking.pk)

    violates(lambda: qs.update(total_pence=100))  # free but not zero, and not unit × seats
    violates(lambda: qs.update(status="pending"))  # pending without a card hold
    violates(lambda: qs.update(payment_method="invoice", unit_price_pence=1, total_pence=1))
    violates(lambda: qs.update(quantity=0))
    violates(lambda: qs.update(confirmed_at=None))


def test_ticket_type_and_waitlist_constraints():
    event = make_event(capacity=1)
    tt = ticket(event)
    violates(lambda: TicketType.objects.filter(pk=tt.pk).update(early_bird_price_pence=1))
    book(tt)
    user = UserFactory()
    entry = services.waitlist_join(actor=user, ticket_type=tt, quantity=1)

    violates(
        lambda: WaitlistEntry.objects.create(event=event, ticket_type=tt, user=user, quantity=1)
    )
    violates(lambda: WaitlistEntry.objects.filter(pk=entry.pk).update(status="offered"))


# --- State table ------------------------------------------------------------------------------

BOOKING_TABLE = [
    # status, booker may cancel, hold release applies
    (BookingStatus.PENDING, True, True),
    (BookingStatus.CONFIRMED, True, False),
    (BookingStatus.CANCELLED, False, False),
    (BookingStatus.REFUNDED, False, False),
    (BookingStatus.EXPIRED, False, False),
]


def _booking_in(status):
    event = make_event(tickets=[{"name": "Paid", "price_pence": 1000}])
    booking = book(ticket(event), payment_method=PaymentMethod.CARD)
    Booking.objects.filter(pk=booking.pk).update(
        status=status,
        confirmed_at=timezone.now(),
        hold_expires_at=timezone.now() - timedelta(hours=2),
    )
    booking.refresh_from_db()
    return booking


@pytest.mark.parametrize(("status", "can_cancel", "releases"), BOOKING_TABLE)
def test_booking_cancel_allowed_and_refused_by_state(stripe_on, status, can_cancel, releases):
    booking = _booking_in(status)

    if can_cancel:
        services.booking_cancel(actor=booking.booker, booking=booking)
    else:
        with pytest.raises(InvalidTransition, match="This booking is already"):
            services.booking_cancel(actor=booking.booker, booking=booking)

    booking.refresh_from_db()
    assert booking.status == ("cancelled" if can_cancel else status)


@pytest.mark.parametrize(("status", "can_cancel", "releases"), BOOKING_TABLE)
def test_booking_hold_release_applies_only_to_pending(stripe_on, status, can_cancel, releases):
    booking = _booking_in(status)

    released = services.booking_hold_release(booking_id=booking.pk)

    booking.refresh_from_db()
    assert (released, booking.status) == (releases, "expired" if releases else status)


def test_booking_transition_map_is_closed():
    assert set(BOOKING_TRANSITIONS) == set(BookingStatus.values)
    for targets in BOOKING_TRANSITIONS.values():
        assert targets <= set(BookingStatus.values)
    assert BOOKING_TRANSITIONS[BookingStatus.REFUNDED] == frozenset()


# --- Queries ----------------------------------------------------------------------------------


def test_events_visible_to_drafts_only_for_organiser_members():
    published = make_event(title="Published")
    draft = make_event(title="Draft", publish=False)
    member = add_member(draft.organiser)
    staff = UserFactory(is_superuser=True)

    def visible(user):
        from django.contrib.auth.models import AnonymousUser

        return sorted(e.title for e in queries.events_visible_to(user or AnonymousUser()))

    assert visible(None) == ["Published"]
    assert visible(UserFactory()) == ["Published"]
    assert visible(member) == ["Draft", "Published"]
    assert visible(staff) == ["Draft", "Published"]
    assert published.pk != draft.pk


def test_event_counts_per_ticket_type(stripe_on):
    event = make_event(
        capacity=10,
        tickets=[
            {"name": "Free", "capacity": 4},
            {"name": "Paid", "price_pence": 500, "capacity": 8},
        ],
    )
    free = book(ticket(event, "Free"), quantity=3)
    book(ticket(event, "Paid"), quantity=2, payment_method="card")
    services.attendee_check_in(
        actor=organiser_of(event), event=event, code=free.attendees.first().code
    )
    book(ticket(event, "Free"))
    services.waitlist_join(actor=UserFactory(), ticket_type=ticket(event, "Free"), quantity=2)

    counts = queries.event_counts(event)

    assert (counts.confirmed, counts.held, counts.waiting, counts.checked_in, counts.available) == (
        4,
        2,
        2,
        1,
        4,
    )
    assert [
        (r.ticket_type.name, r.confirmed, r.held, r.waiting, r.available) for r in counts.tickets
    ] == [
        ("Free", 4, 0, 2, 0),
        ("Paid", 0, 2, 0, 4),
    ]
