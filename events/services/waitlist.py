"""The waitlist: join when sold out, leave, accept an offer, pass on lapsed offers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from events.enums import WAITLIST_ACTIVE_STATUSES, WaitlistStatus
from events.models import Booking, TicketType, WaitlistEntry
from events.queries import seat_use, seats_available
from events.services.bookings import (
    AttendeeData,
    InvoiceDetails,
    check_bookable,
    check_member,
    create_locked,
)
from events.services.common import lock_event
from events.services.seats import offer_freed_seats
from exchange.enums import NotificationKind
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Organisation, User
from exchange.notifications import notify


@transaction.atomic
def waitlist_join(
    *,
    actor: User,
    ticket_type: TicketType,
    quantity: int,
    organisation: Organisation | None = None,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Join the waitlist of a sold-out ticket type for ``quantity`` seats.

    Refused while enough seats are free to book (book them instead), and when the person
    already waits for this ticket type.
    """
    now = now or timezone.now()
    event = lock_event(ticket_type.event_id)
    ticket_type = TicketType.objects.get(pk=ticket_type.pk)
    check_bookable(event, ticket_type, now=now)
    check_member(actor, organisation)
    if not 1 <= quantity <= ticket_type.max_per_booking:
        raise ValidationError({"quantity": f"Ask for 1 to {ticket_type.max_per_booking} seats."})
    if seats_available(event, ticket_type, seat_use(event.pk)) >= quantity:
        raise InvalidTransition("Seats are still available: book them now instead.")
    entry = WaitlistEntry(
        event=event,
        ticket_type=ticket_type,
        user=actor,
        organisation=organisation,
        quantity=quantity,
    )
    entry.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise ValidationError("You are already on the waitlist for these tickets.") from exc
    return entry


@transaction.atomic
def waitlist_leave(
    *, actor: User, entry: WaitlistEntry, now: datetime | None = None
) -> WaitlistEntry:
    """Leave the waitlist (or decline an offer). Seats reserved by an offer go to the next."""
    now = now or timezone.now()
    event = lock_event(entry.event_id)
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.user_id != actor.pk:
        raise PermissionDenied("This is not your place on the waitlist.")
    if entry.status not in WAITLIST_ACTIVE_STATUSES:
        raise InvalidTransition("You are no longer on this waitlist.")
    was_offered = entry.status == WaitlistStatus.OFFERED
    entry.status = WaitlistStatus.LEFT
    entry.closed_at = now
    entry.save(update_fields=["status", "closed_at"])
    if was_offered:
        offer_freed_seats(event, now=now)
    return entry


@transaction.atomic
def waitlist_offer_accept(
    *,
    actor: User,
    entry: WaitlistEntry,
    attendees: Sequence[AttendeeData],
    payment_method: str,
    invoice: InvoiceDetails | None = None,
    now: datetime | None = None,
) -> Booking:
    """Turn an offer into a booking of the offered seats (free → confirmed; paid → card
    hold and Checkout, or invoice). The offer's reserved seats become the booking's.
    """
    now = now or timezone.now()
    event = lock_event(entry.event_id)
    entry = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("ticket_type", "organisation")
        .get(pk=entry.pk)
    )
    if entry.user_id != actor.pk:
        raise PermissionDenied("This offer was made to someone else.")
    if entry.status != WaitlistStatus.OFFERED:
        raise InvalidTransition("This offer is no longer open.")
    if entry.offer_expires_at is None or entry.offer_expires_at <= now:
        raise InvalidTransition("This offer has expired.")
    if len(attendees) != entry.quantity:
        raise ValidationError({"attendees": f"Name all {entry.quantity} attendees."})
    check_bookable(event, entry.ticket_type, now=now)
    booking = create_locked(
        event=event,
        ticket_type=entry.ticket_type,
        actor=actor,
        attendees=attendees,
        payment_method=payment_method,
        organisation=entry.organisation,
        invoice=invoice,
        now=now,
        exclude_entry_id=entry.pk,
    )
    entry.status = WaitlistStatus.ACCEPTED
    entry.closed_at = now
    entry.booking = booking
    entry.save(update_fields=["status", "closed_at", "booking"])
    return booking


@transaction.atomic
def waitlist_offer_expire(*, entry_id: int, now: datetime | None = None) -> bool:
    """Expire one lapsed offer and pass its seats on. False when nothing was due."""
    now = now or timezone.now()
    entry = WaitlistEntry.objects.filter(pk=entry_id).only("event_id").first()
    if entry is None:
        return False
    event = lock_event(entry.event_id)
    entry = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=entry_id)
    )
    if (
        entry.status != WaitlistStatus.OFFERED
        or entry.offer_expires_at is None
        or entry.offer_expires_at > now
    ):
        return False
    entry.status = WaitlistStatus.EXPIRED
    entry.closed_at = now
    entry.save(update_fields=["status", "closed_at"])
    notify(
        recipients=[entry.user],
        kind=NotificationKind.BOOKING,
        text=f"Your offer of a place at {event.title} expired and was passed on.",
        link=event.get_absolute_url(),
        target=entry,
    )
    offer_freed_seats(event, now=now)
    return True


def waitlist_offers_expire(*, now: datetime | None = None) -> int:
    """Expire every lapsed offer, each in its own transaction. Returns how many."""
    now = now or timezone.now()
    ids = list(
        WaitlistEntry.objects.filter(
            status=WaitlistStatus.OFFERED, offer_expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    return sum(waitlist_offer_expire(entry_id=pk, now=now) for pk in ids)
