from datetime import timedelta

import pytest
from django.utils import timezone

from events import services
from events.enums import PaymentMethod, WaitlistStatus
from events.models import Booking, WaitlistEntry
from events.services import SoldOut
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Notification
from tests.factories.events import book, make_event, people, ticket
from tests.factories.exchange import UserFactory

pytestmark = pytest.mark.django_db


def full_event(capacity=2, **kwargs):
    event = make_event(capacity=capacity, **kwargs)
    first = book(ticket(event), quantity=capacity)
    return event, first


def join(event, user=None, quantity=1, now=None):
    return services.waitlist_join(
        actor=user or UserFactory(), ticket_type=ticket(event), quantity=quantity, now=now
    )


def statuses():
    return list(WaitlistEntry.objects.order_by("pk").values_list("status", flat=True))


def test_waitlist_join_refused_while_seats_are_free():
    event = make_event(capacity=2)

    with pytest.raises(InvalidTransition, match="Seats are still available"):
        join(event)

    assert WaitlistEntry.objects.count() == 0


def test_waitlist_join_when_sold_out_and_not_twice():
    event, _ = full_event()
    user = UserFactory()

    entry = join(event, user, quantity=2)
    with pytest.raises(ValidationError, match="already on the waitlist"):
        join(event, user)

    assert (entry.status, entry.quantity) == ("waiting", 2)
    assert statuses() == ["waiting"]


def test_waitlist_join_allowed_when_fewer_seats_than_wanted():
    event = make_event(capacity=3)
    book(ticket(event), quantity=2)

    entry = join(event, quantity=2)

    assert entry.status == "waiting"


def test_freed_seat_offered_at_once_to_first_waiting_entry(settings):
    settings.WAITLIST_OFFER_HOURS = 48
    event, first = full_event(capacity=2)
    waiters = [UserFactory(), UserFactory()]
    entries = [join(event, user) for user in waiters]
    now = timezone.now()

    services.booking_cancel(actor=first.booker, booking=first, now=now)

    for entry in entries:
        entry.refresh_from_db()
    # Two seats came free: both one-seat entries are offered in the same transaction.
    assert [e.status for e in entries] == ["offered", "offered"]
    assert entries[0].offer_expires_at == now + timedelta(hours=48)
    note = Notification.objects.get(recipient=waiters[0])
    assert (note.kind, note.text.startswith("A place came free: 1 seat (Standard)")) == (
        "booking",
        True,
    )
    assert note.link.startswith("/waitlist/offers/")
    with pytest.raises(SoldOut):  # offered seats are reserved
        book(ticket(event))


def test_offer_skips_entry_too_big_for_freed_seats():
    event = make_event(capacity=3)
    one = book(ticket(event), quantity=1)
    book(ticket(event), quantity=2)
    big = join(event, quantity=2)
    small = join(event, quantity=1)

    services.booking_cancel(actor=one.booker, booking=one)

    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, small.status) == ("waiting", "offered")


def test_waitlist_offer_accept_free_confirms_booking():
    event, first = full_event(capacity=1)
    user = UserFactory()
    entry = join(event, user)
    services.booking_cancel(actor=first.booker, booking=first)
    entry.refresh_from_db()

    booking = services.waitlist_offer_accept(
        actor=user, entry=entry, attendees=people(1), payment_method=PaymentMethod.FREE
    )

    entry.refresh_from_db()
    assert (booking.status, booking.quantity) == ("confirmed", 1)
    assert (entry.status, entry.booking) == ("accepted", booking)


def test_waitlist_offer_accept_paid_goes_to_card_hold(stripe_on):
    event = make_event(capacity=1, tickets=[{"name": "Delegate", "price_pence": 3000}])
    first = book(ticket(event), payment_method=PaymentMethod.CARD)
    user = UserFactory()
    entry = join(event, user)
    services.booking_cancel(actor=first.booker, booking=first)
    entry.refresh_from_db()

    booking = services.waitlist_offer_accept(
        actor=user, entry=entry, attendees=people(1), payment_method=PaymentMethod.CARD
    )

    assert (booking.status, booking.payment_method, booking.total_pence) == (
        "pending",
        "card",
        3000,
    )


def test_waitlist_offer_accept_refused_for_someone_else_and_wrong_count():
    event, first = full_event(capacity=2)
    user = UserFactory()
    entry = join(event, user, quantity=2)
    services.booking_cancel(actor=first.booker, booking=first)
    entry.refresh_from_db()

    with pytest.raises(PermissionDenied):
        services.waitlist_offer_accept(
            actor=UserFactory(), entry=entry, attendees=people(2), payment_method="free"
        )
    with pytest.raises(ValidationError, match="Name all 2 attendees"):
        services.waitlist_offer_accept(
            actor=user, entry=entry, attendees=people(1), payment_method="free"
        )

    entry.refresh_from_db()
    assert (entry.status, Booking.objects.filter(status="confirmed").count()) == ("offered", 0)


def test_waitlist_offer_accept_refused_after_expiry():
    event, first = full_event(capacity=1)
    user = UserFactory()
    entry = join(event, user)
    now = timezone.now()
    services.booking_cancel(actor=first.booker, booking=first, now=now)
    entry.refresh_from_db()

    with pytest.raises(InvalidTransition, match=r"^This offer has expired\.$"):
        services.waitlist_offer_accept(
            actor=user,
            entry=entry,
            attendees=people(1),
            payment_method="free",
            now=entry.offer_expires_at,
        )

    entry.refresh_from_db()
    assert entry.status == "offered"


def test_waitlist_offers_expire_passes_seats_to_next():
    event, first = full_event(capacity=1)
    first_waiter, second_waiter = UserFactory(), UserFactory()
    a = join(event, first_waiter)
    b = join(event, second_waiter)
    now = timezone.now()
    services.booking_cancel(actor=first.booker, booking=first, now=now)
    a.refresh_from_db()

    early = services.waitlist_offers_expire(now=a.offer_expires_at - timedelta(seconds=1))
    expired = services.waitlist_offers_expire(now=a.offer_expires_at)

    a.refresh_from_db()
    b.refresh_from_db()
    assert (early, expired) == (0, 1)
    assert (a.status, b.status) == ("expired", "offered")
    assert Notification.objects.filter(recipient=first_waiter).order_by("-pk").first().text == (
        "Your offer of a place at Digital breakfast expired and was passed on."
    )


def test_waitlist_leave_offered_entry_hands_seats_over():
    event, first = full_event(capacity=1)
    a_user = UserFactory()
    a = join(event, a_user)
    b = join(event)
    services.booking_cancel(actor=first.booker, booking=first)

    services.waitlist_leave(actor=a_user, entry=a)

    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, b.status) == ("left", "offered")


def test_waitlist_leave_refused_for_others_and_twice():
    event, _ = full_event()
    user = UserFactory()
    entry = join(event, user)

    with pytest.raises(PermissionDenied):
        services.waitlist_leave(actor=UserFactory(), entry=entry)
    services.waitlist_leave(actor=user, entry=entry)
    with pytest.raises(InvalidTransition, match="no longer on this waitlist"):
        services.waitlist_leave(actor=user, entry=entry)

    assert statuses() == ["left"]


def test_capacity_raise_offers_new_seats_to_waitlist():
    event, _ = full_event(capacity=2)
    entry = join(event, quantity=2)
    organiser = event.organiser.memberships.first().user

    services.event_update(actor=organiser, event=event, capacity=4)
    tt = ticket(event)
    services.ticket_type_update(actor=organiser, ticket_type=tt, capacity=4)

    entry.refresh_from_db()
    assert entry.status == "offered"


def test_accepting_an_offer_uses_its_reserved_seats_not_the_next_entrys():
    event, first = full_event(capacity=1)
    user = UserFactory()
    a = join(event, user)
    b = join(event)
    services.booking_cancel(actor=first.booker, booking=first)
    a.refresh_from_db()
    booking = services.waitlist_offer_accept(
        actor=user, entry=a, attendees=people(1), payment_method="free"
    )
    b.refresh_from_db()

    assert (booking.status, b.status) == ("confirmed", "waiting")


def test_offer_token_round_trip_and_superseded():
    event, first = full_event(capacity=1)
    entry = join(event)
    services.booking_cancel(actor=first.booker, booking=first)
    entry.refresh_from_db()
    token = services.offer_token(entry)

    assert services.entry_from_token(token) == entry
    WaitlistEntry.objects.filter(pk=entry.pk).update(offered_at=timezone.now())
    with pytest.raises(ValidationError, match="not valid"):
        services.entry_from_token(token)
    with pytest.raises(ValidationError, match="not valid"):
        services.entry_from_token(token[:-2] + "xx")


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (WaitlistStatus.WAITING, True),
        (WaitlistStatus.OFFERED, True),
        (WaitlistStatus.ACCEPTED, False),
        (WaitlistStatus.EXPIRED, False),
        (WaitlistStatus.LEFT, False),
    ],
)
def test_waitlist_leave_allowed_only_from_active_states(status, allowed):
    event, _ = full_event()
    user = UserFactory()
    entry = join(event, user)
    expiry = timezone.now() + timedelta(hours=1)
    WaitlistEntry.objects.filter(pk=entry.pk).update(status=status, offer_expires_at=expiry)

    if allowed:
        services.waitlist_leave(actor=user, entry=entry)
        assert statuses() == ["left"]
    else:
        with pytest.raises(InvalidTransition):
            services.waitlist_leave(actor=user, entry=entry)
        assert statuses() == [status]
