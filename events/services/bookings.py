"""Bookings: take seats under the capacity lock, confirm, cancel, release lapsed holds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from events import payments
from events.enums import (
    BOOKING_TRANSITIONS,
    EVENT_MANAGE,
    BookingStatus,
    EventStatus,
    PaymentMethod,
    PaymentStatus,
)
from events.models import Attendee, Booking, Event, Payment, Refund, TicketType
from events.pricing import PriceQuote, price_quote
from events.queries import seat_use, seats_available
from events.services.common import (
    SoldOut,
    hold_minutes,
    local_time,
    lock_event,
    new_check_in_code,
    new_reference,
    notify_booker,
    pounds,
)
from events.services.seats import offer_freed_seats
from exchange.enums import NotificationKind
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Membership, Notification, Organisation, User
from exchange.notifications import notify
from exchange.outbox import domain_event_record, outbox_task
from exchange.permissions import has_perm
from exchange.queue import enqueue_after_commit


@dataclass(frozen=True)
class AttendeeData:
    name: str
    email: str


@dataclass(frozen=True)
class InvoiceDetails:
    purchase_order: str
    billing_name: str
    billing_email: str
    billing_address: str = ""


# --- Checks -----------------------------------------------------------------------------------


def check_bookable(event: Event, ticket_type: TicketType, *, now: datetime) -> None:
    """Raise InvalidTransition unless ``ticket_type`` can be booked at ``now``."""
    if event.status != EventStatus.PUBLISHED:
        raise InvalidTransition("This event is not open for booking.")
    if event.booking_opens_at and now < event.booking_opens_at:
        raise InvalidTransition(f"Booking opens {local_time(event, event.booking_opens_at)}.")
    if now >= event.booking_deadline:
        raise InvalidTransition("Booking for this event has closed.")
    if not ticket_type.on_sale(now):
        raise InvalidTransition(f"“{ticket_type.name}” tickets are not on sale at the moment.")


def check_member(actor: User, organisation: Organisation | None) -> None:
    if organisation is None or actor.is_superuser:
        return
    if not Membership.objects.filter(user=actor, organisation=organisation).exists():
        raise PermissionDenied("You can only book on behalf of an organisation you belong to.")


def _clean_attendees(attendees: Sequence[AttendeeData], ticket_type: TicketType) -> list[Attendee]:
    if not attendees:
        raise ValidationError({"quantity": "Book at least one seat."})
    if len(attendees) > ticket_type.max_per_booking:
        raise ValidationError(
            {"quantity": f"Book at most {ticket_type.max_per_booking} seats at a time."}
        )
    rows = []
    for position, data in enumerate(attendees):
        attendee = Attendee(
            name=" ".join(data.name.split()),
            email=data.email.strip().lower(),
            code=new_check_in_code(),
            position=position,
        )
        try:
            attendee.full_clean(exclude=["booking", "code"])
        except ValidationError as exc:
            message = f"Seat {position + 1}: {' '.join(exc.messages)}"
            raise ValidationError({"attendees": message}) from exc
        rows.append(attendee)
    return rows


def _payment_method(
    quote: PriceQuote,
    requested: str,
    organisation: Organisation | None,
    invoice: InvoiceDetails | None,
) -> str:
    if quote.is_free:
        return PaymentMethod.FREE
    if requested == PaymentMethod.CARD:
        if not payments.enabled():
            raise ValidationError(
                {"payment_method": "Card payments are not available here; pay by invoice."}
            )
        return PaymentMethod.CARD
    if requested == PaymentMethod.INVOICE:
        if organisation is None or not organisation.is_public_body:
            raise ValidationError(
                {"payment_method": "Invoices are for public bodies: book for your council."}
            )
        if invoice is None or not invoice.purchase_order.strip():
            raise ValidationError({"purchase_order": "Give the purchase-order number."})
        if not invoice.billing_name.strip() or not invoice.billing_email.strip():
            raise ValidationError({"billing_name": "Give the billing contact's name and email."})
        return PaymentMethod.INVOICE
    raise ValidationError({"payment_method": "Choose how you will pay."})


def _price_note(quote: PriceQuote) -> str:
    notes = []
    if quote.early_bird:
        notes.append("early-bird price")
    if quote.percent_off:
        notes.append(f"group discount {quote.percent_off}%")
    return ", ".join(notes)


# --- Creating ---------------------------------------------------------------------------------


def create_locked(
    *,
    event: Event,
    ticket_type: TicketType,
    actor: User,
    attendees: Sequence[AttendeeData],
    payment_method: str,
    organisation: Organisation | None,
    invoice: InvoiceDetails | None,
    now: datetime,
    exclude_entry_id: int | None = None,
) -> Booking:
    """Take the seats and write the booking. The caller holds the event's row lock.

    ``exclude_entry_id``: a waitlist entry whose offered seats this booking takes over.
    """
    rows = _clean_attendees(attendees, ticket_type)
    quantity = len(rows)
    available = seats_available(
        event, ticket_type, seat_use(event.pk, exclude_entry_id=exclude_entry_id)
    )
    if available < quantity:
        left = "No seats are" if available == 0 else f"Only {available} seat(s) are"
        raise SoldOut(f"{left} left for “{ticket_type.name}”. Join the waitlist instead.")
    quote = price_quote(ticket_type.rules, quantity, now)
    method = _payment_method(quote, payment_method, organisation, invoice)
    booking = Booking(
        reference=new_reference(),
        event=event,
        ticket_type=ticket_type,
        booker=actor,
        organisation=organisation,
        quantity=quantity,
        payment_method=method,
        unit_price_pence=quote.unit_pence,
        total_pence=quote.total_pence,
        price_note=_price_note(quote),
    )
    if method == PaymentMethod.CARD:
        booking.status = BookingStatus.PENDING
        booking.hold_expires_at = now + hold_minutes()
    else:
        booking.status = BookingStatus.CONFIRMED
        booking.confirmed_at = now
    if method == PaymentMethod.INVOICE and invoice is not None:
        booking.purchase_order = invoice.purchase_order.strip()
        booking.billing_name = invoice.billing_name.strip()
        booking.billing_email = invoice.billing_email.strip().lower()
        booking.billing_address = invoice.billing_address.strip()
        booking.invoice_reference = f"OIX-{booking.reference}"
    # Field validation only: the rows behind the keys are locked or were just read, the
    # reference was checked unique by new_reference(), and the check constraints are enforced
    # by the database on insert. Validating them here would cost a query each while the
    # capacity lock is held.
    booking.full_clean(
        exclude=["event", "ticket_type", "booker", "organisation", "reference"],
        validate_constraints=False,
    )
    booking.save()
    for row in rows:
        row.booking = booking
    Attendee.objects.bulk_create(rows)
    if booking.status == BookingStatus.CONFIRMED:
        announce_confirmation(booking, now=now)
    return booking


@transaction.atomic
def booking_create(
    *,
    actor: User,
    ticket_type: TicketType,
    attendees: Sequence[AttendeeData],
    payment_method: str = PaymentMethod.FREE,
    organisation: Organisation | None = None,
    invoice: InvoiceDetails | None = None,
    now: datetime | None = None,
) -> Booking:
    """Book seats of one ticket type: one attendee per seat.

    Takes the event's row lock, counts confirmed, held and offered seats, and writes the
    booking in the same transaction, so N concurrent requests for C seats confirm exactly
    min(N, C). Free and invoice bookings are confirmed at once; card bookings are held
    (``pending``) until Stripe's webhook confirms payment or the hold lapses.

    Raises SoldOut when too few seats are left, InvalidTransition outside the booking
    window, PermissionDenied for an organisation the actor does not belong to, and
    ValidationError for bad attendee or payment details.
    Side effects (confirmed): notification and confirmation email with tickets and .ics.
    """
    now = now or timezone.now()
    event = lock_event(ticket_type.event_id)
    ticket_type = TicketType.objects.get(pk=ticket_type.pk)
    check_bookable(event, ticket_type, now=now)
    check_member(actor, organisation)
    return create_locked(
        event=event,
        ticket_type=ticket_type,
        actor=actor,
        attendees=attendees,
        payment_method=payment_method,
        organisation=organisation,
        invoice=invoice,
        now=now,
    )


def announce_confirmation(booking: Booking, *, now: datetime) -> None:
    """Notify the booker and put the confirmation email (tickets + .ics) in the outbox."""
    event = booking.event
    seats = f"{booking.quantity} × {booking.ticket_type.name}"
    created = notify(
        recipients=[booking.booker],
        kind=NotificationKind.BOOKING,
        text=(
            f"Booking confirmed: {seats} for {event.title}, {local_time(event)}. "
            f"Reference {booking.reference}."
        ),
        link=booking.get_absolute_url(),
        target=booking,
    )
    # The confirmation email carries the tickets and the .ics file and covers this
    # notification; marking it emailed stops the plain notification email going out too.
    Notification.objects.filter(pk__in=[n.pk for n in created]).update(emailed_at=now)
    # Through the outbox: the booking is made even when the broker is down at commit, and
    # its confirmation must still go out (once) when the broker is back.
    outbox_task("events.tasks.send_booking_confirmation", booking.pk)
    domain_event_record(
        "booking.confirmed",
        resource="booking",
        id=booking.pk,
        organisation_ids=[booking.organisation_id, event.organiser_id],
    )


def confirm_locked(booking: Booking, *, now: datetime) -> None:
    """pending/expired → confirmed. The caller holds the event and booking locks."""
    if BookingStatus.CONFIRMED not in BOOKING_TRANSITIONS[booking.status]:
        raise InvalidTransition(
            f"A {booking.get_status_display().lower()} booking cannot be confirmed."
        )
    booking.status = BookingStatus.CONFIRMED
    booking.confirmed_at = now
    booking.save(update_fields=["status", "confirmed_at", "updated_at"])
    announce_confirmation(booking, now=now)


# --- Cancelling -------------------------------------------------------------------------------


def cancel_locked(
    booking: Booking, *, by: User | None, reason: str, now: datetime
) -> Refund | None:
    """Cancel a booking; refund a card payment. The caller holds the event and booking locks.

    Side effects: a Refund row and its Stripe call queued after commit; an open Checkout
    Session closed after commit. Freed seats are offered by the caller.
    """
    if BookingStatus.CANCELLED not in BOOKING_TRANSITIONS[booking.status]:
        raise InvalidTransition(f"This booking is already {booking.get_status_display().lower()}.")
    was_pending = booking.status == BookingStatus.PENDING
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = by
    booking.cancellation_reason = reason[:300]
    booking.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "cancellation_reason",
            "updated_at",
        ]
    )
    if not was_pending:  # partners heard of it (booking.confirmed): tell them it is off
        domain_event_record(
            "booking.cancelled",
            resource="booking",
            id=booking.pk,
            organisation_ids=[booking.organisation_id, booking.event.organiser_id],
        )
    refunds = [
        refund
        for payment in booking.payments.filter(status=PaymentStatus.PAID)
        if (refund := refund_payment_locked(payment, reason=reason or "Booking cancelled"))
    ]
    if was_pending:
        for payment in booking.payments.filter(status=PaymentStatus.OPEN):
            enqueue_after_commit("events.tasks.expire_checkout_session", payment.pk)
    return refunds[0] if refunds else None


def refund_payment_locked(payment: Payment, *, reason: str) -> Refund | None:
    """Record a full refund of a card payment (once) and queue the Stripe call after commit."""
    if Refund.objects.filter(payment=payment).exists():
        return None
    refund = Refund.objects.create(
        payment=payment,
        booking_id=payment.booking_id,
        amount_pence=payment.amount_pence,
        reason=reason[:200],
    )
    enqueue_after_commit("events.tasks.send_refund", refund.pk)
    return refund


@transaction.atomic
def booking_cancel(
    *, actor: User, booking: Booking, reason: str = "", now: datetime | None = None
) -> Booking:
    """Cancel a booking: the booker until the event's cancellation cutoff, organisers any
    time before the event ends. A pending (unpaid) booking can always be abandoned.

    Side effects: card payments refunded through Stripe (after commit; confirmed by
    webhook); the freed seats offered to the waitlist in this transaction; the booker
    notified.
    """
    now = now or timezone.now()
    event = lock_event(booking.event_id)
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("ticket_type")
        .get(pk=booking.pk)
    )
    is_organiser = has_perm(actor, EVENT_MANAGE, event)
    if booking.booker_id != actor.pk and not is_organiser:
        raise PermissionDenied("Only the booker or the organisers can cancel this booking.")
    if not booking.is_active:
        raise InvalidTransition(f"This booking is already {booking.get_status_display().lower()}.")
    if now >= event.ends_at:
        raise InvalidTransition("The event is over; the booking can no longer be cancelled.")
    if (
        not is_organiser
        and booking.status == BookingStatus.CONFIRMED
        and now >= event.cancellation_deadline
    ):
        raise InvalidTransition(
            f"Cancellations closed {local_time(event, event.cancellation_deadline)}. "
            "Contact the organiser."
        )
    refund = cancel_locked(booking, by=actor, reason=reason, now=now)
    offer_freed_seats(event, now=now)
    text = f"Your booking {booking.reference} for {event.title} is cancelled."
    if booking.booker_id != actor.pk:
        text = f"The organisers cancelled your booking {booking.reference} for {event.title}."
        if reason:
            text += f" Reason: {reason}"
    if refund is not None:
        text += f" A refund of {pounds(refund.amount_pence)} is on its way to your card."
    notify_booker(booking, text)
    return booking


@transaction.atomic
def booking_invoice_mark_paid(
    *, actor: User, booking: Booking, now: datetime | None = None
) -> Booking:
    """The organiser records that an invoice booking was paid. Side effect: booker notified."""
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update(of=("self",)).select_related("event").get(pk=booking.pk)
    )
    if not has_perm(actor, EVENT_MANAGE, booking.event):
        raise PermissionDenied("Only the event's organisers can mark invoices paid.")
    if booking.payment_method != PaymentMethod.INVOICE:
        raise InvalidTransition("Only invoice bookings are marked paid by hand.")
    if booking.invoice_paid_at is not None:
        raise InvalidTransition("This invoice is already marked paid.")
    if booking.status != BookingStatus.CONFIRMED:
        raise InvalidTransition("Only a confirmed booking's invoice can be marked paid.")
    booking.invoice_paid_at = now
    booking.save(update_fields=["invoice_paid_at", "updated_at"])
    notify_booker(
        booking,
        f"Payment received for invoice {booking.invoice_reference} "
        f"({pounds(booking.total_pence)}, {booking.event.title}). Thank you.",
    )
    return booking


# --- Lapsed holds -----------------------------------------------------------------------------


@transaction.atomic
def booking_hold_release(*, booking_id: int, now: datetime | None = None) -> bool:
    """Expire one pending booking whose hold (plus a grace period) has lapsed.

    Returns False when there is nothing to do (paid meanwhile, already released).
    Side effects: seats offered to the waitlist; the Checkout Session closed after commit;
    the booker notified.
    """
    now = now or timezone.now()
    booking = Booking.objects.filter(pk=booking_id).only("event_id").first()
    if booking is None:
        return False
    event = lock_event(booking.event_id)
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("ticket_type")
        .get(pk=booking_id)
    )
    grace = timedelta(minutes=settings.BOOKING_HOLD_GRACE_MINUTES)
    if (
        booking.status != BookingStatus.PENDING
        or booking.hold_expires_at is None
        or booking.hold_expires_at + grace > now
    ):
        return False
    expire_locked(booking, now=now)
    offer_freed_seats(event, now=now)
    notify_booker(
        booking,
        f"We released the seats held for booking {booking.reference} ({event.title}) "
        "because payment was not completed in time.",
    )
    return True


def expire_locked(booking: Booking, *, now: datetime) -> None:
    """pending → expired, closing any open Checkout Session after commit."""
    booking.status = BookingStatus.EXPIRED
    booking.save(update_fields=["status", "updated_at"])
    for payment in booking.payments.filter(status=PaymentStatus.OPEN):
        enqueue_after_commit("events.tasks.expire_checkout_session", payment.pk)


def holds_release_expired(*, now: datetime | None = None) -> int:
    """Release every lapsed hold. Each booking in its own transaction. Returns how many."""
    now = now or timezone.now()
    grace = timedelta(minutes=settings.BOOKING_HOLD_GRACE_MINUTES)
    ids = list(
        Booking.objects.filter(
            status=BookingStatus.PENDING, hold_expires_at__lte=now - grace
        ).values_list("pk", flat=True)
    )
    return sum(booking_hold_release(booking_id=pk, now=now) for pk in ids)


def open_payment(booking: Booking, *, now: datetime) -> Payment | None:
    return (
        booking.payments.filter(status=PaymentStatus.OPEN, expires_at__gt=now)
        .exclude(checkout_url="")
        .first()
    )
