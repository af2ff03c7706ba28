"""Card payments: start Stripe Checkout, apply verified webhooks, send refunds.

Only the verified webhook confirms a card booking. Every Stripe event is applied once
(its id is stored in the same transaction), and every handler checks the current state
before acting, so replays and out-of-order delivery end in the right state: an ``expired``
after a ``completed`` leaves the paid booking alone; a payment that lands after its hold
was released re-confirms the booking if seats are still free and is refunded otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from events import payments
from events.enums import (
    REFUND_RANK,
    BookingStatus,
    EventStatus,
    PaymentMethod,
    PaymentStatus,
    RefundStatus,
)
from events.models import Booking, Event, Payment, Refund, StripeEvent
from events.queries import seat_use, seats_available
from events.services.bookings import (
    cancel_locked,
    confirm_locked,
    expire_locked,
    open_payment,
    refund_payment_locked,
)
from events.services.common import lock_event, notify_booker, notify_organisers, pounds
from events.services.seats import offer_freed_seats
from exchange.exceptions import InvalidTransition, PermissionDenied
from exchange.models import User

# Stripe accepts a Checkout Session expiry between 30 minutes and 24 hours ahead.
MIN_SESSION_MINUTES = 31
REFUND_RETRY_MINUTES = 10

PAID_SESSION_STATUSES = frozenset({"paid", "no_payment_required"})
REFUND_STATUS_MAP = {
    "pending": RefundStatus.PENDING,
    "requires_action": RefundStatus.PENDING,
    "succeeded": RefundStatus.SUCCEEDED,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.FAILED,
}


# --- Starting a payment -----------------------------------------------------------------------


def booking_checkout_start(*, actor: User, booking: Booking, now: datetime | None = None) -> str:
    """The Stripe Checkout URL for a pending card booking; the session is created once.

    Deliberately not one transaction: the Stripe request must not run while row locks are
    held, so the session is recorded afterwards in its own short transaction. An open
    session is reused; the idempotency key is derived from the booking and the session's
    expiry, so the library's retries never open a second session.

    Raises PermissionDenied (not the booker), InvalidTransition (not awaiting payment, or
    the hold lapsed), payments.PaymentError and payments.PaymentsDisabled.
    """
    now = now or timezone.now()
    booking = Booking.objects.select_related("event", "ticket_type", "booker").get(pk=booking.pk)
    if booking.booker_id != actor.pk:
        raise PermissionDenied("Only the booker can pay for this booking.")
    if booking.status != BookingStatus.PENDING or booking.payment_method != PaymentMethod.CARD:
        raise InvalidTransition("This booking is not awaiting a card payment.")
    if booking.hold_expires_at is None or booking.hold_expires_at <= now:
        raise InvalidTransition("The seats are no longer held for you. Please book again.")
    existing = open_payment(booking, now=now)
    if existing is not None:
        return existing.checkout_url
    expires_at = max(booking.hold_expires_at, now + timedelta(minutes=MIN_SESSION_MINUTES))
    page = settings.SITE_URL + booking.get_absolute_url()
    session = payments.create_checkout_session(
        reference=booking.reference,
        item_name=f"{booking.event.title} – {booking.ticket_type.name}",
        unit_amount_pence=booking.unit_price_pence,
        quantity=booking.quantity,
        customer_email=booking.booker.email,
        success_url=f"{page}?paid=1",
        cancel_url=page,
        expires_at=expires_at,
        idempotency_key=f"oix-booking-{booking.reference}-checkout-{int(expires_at.timestamp())}",
        metadata={"booking": booking.reference},
    )
    with transaction.atomic():
        Payment.objects.get_or_create(
            checkout_session_id=session.id,
            defaults={
                "booking": booking,
                "checkout_url": session.url,
                "amount_pence": session.amount_total_pence or booking.total_pence,
                "expires_at": session.expires_at,
            },
        )
    return session.url


def checkout_session_close(*, payment_id: int) -> bool:
    """Close an open Checkout Session at Stripe (after its booking was cancelled or expired).

    Stripe answers with ``checkout.session.expired``, which the webhook applies. A session
    that was completed meanwhile cannot be closed; its payment is refunded by the webhook.
    """
    payment = Payment.objects.filter(pk=payment_id, status=PaymentStatus.OPEN).first()
    if payment is None:
        return False
    try:
        payments.expire_checkout_session(payment.checkout_session_id)
    except payments.PaymentNetworkError:
        raise
    except (payments.PaymentError, payments.PaymentsDisabled):
        return False  # already completed or expired: the webhook tells us which
    return True


def refunds_send_requested(*, now: datetime | None = None) -> int:
    """Send refunds still waiting for Stripe (a lost task, an outage). Returns how many."""
    now = now or timezone.now()
    ids = list(
        Refund.objects.filter(
            status=RefundStatus.REQUESTED,
            stripe_refund_id__isnull=True,
            created_at__lte=now - timedelta(minutes=REFUND_RETRY_MINUTES),
        ).values_list("pk", flat=True)
    )
    sent = 0
    for pk in ids:
        try:
            sent += refund_send(refund_id=pk, now=now)
        except payments.PaymentNetworkError:
            break  # Stripe unreachable: try again on the next run
    return sent


# --- Refunds ----------------------------------------------------------------------------------


def refund_send(*, refund_id: int, now: datetime | None = None) -> bool:
    """Ask Stripe to refund a recorded refund. Idempotent (key derived from the refund).

    Not one transaction: the Stripe call runs without locks; the answer is recorded in a
    short transaction. Stripe's webhook confirms the outcome.
    """
    now = now or timezone.now()
    refund = Refund.objects.select_related("payment", "booking").filter(pk=refund_id).first()
    if refund is None or refund.stripe_refund_id or refund.status != RefundStatus.REQUESTED:
        return False
    if not refund.payment.payment_intent_id:
        with transaction.atomic():
            event, booking, _ = _lock_chain(refund.payment)
            refund = Refund.objects.select_for_update().get(pk=refund.pk)
            failure = "Stripe did not report the payment intent."
            _refund_status(refund, RefundStatus.FAILED, event, booking, now=now, failure=failure)
        return False
    try:
        result = payments.create_refund(
            payment_intent_id=refund.payment.payment_intent_id,
            amount_pence=refund.amount_pence,
            idempotency_key=f"oix-refund-{refund.pk}",
            metadata={"booking": refund.booking.reference, "refund": str(refund.pk)},
        )
    except payments.PaymentNetworkError:
        raise  # the task retries; the sweep below picks it up after that
    except (payments.PaymentError, payments.PaymentsDisabled) as exc:
        with transaction.atomic():
            event, booking, _ = _lock_chain(refund.payment)
            refund = Refund.objects.select_for_update().get(pk=refund.pk)
            _refund_status(refund, RefundStatus.FAILED, event, booking, now=now, failure=str(exc))
        return False
    with transaction.atomic():
        event, booking, _ = _lock_chain(refund.payment)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if not refund.stripe_refund_id:
            refund.stripe_refund_id = result.id
            refund.save(update_fields=["stripe_refund_id", "updated_at"])
        status = REFUND_STATUS_MAP.get(result.status, RefundStatus.PENDING)
        _refund_status(refund, status, event, booking, now=now)
    return True


def _refund_status(
    refund: Refund,
    status: str,
    event: Event,
    booking: Booking,
    *,
    now: datetime,
    failure: str = "",
) -> bool:
    """Move a refund forward (never back). Callers hold the event and booking locks."""
    if REFUND_RANK[status] <= REFUND_RANK[refund.status]:
        return False
    refund.status = status
    fields = ["status", "updated_at"]
    if status == RefundStatus.SUCCEEDED:
        refund.succeeded_at = now
        fields.append("succeeded_at")
    if status == RefundStatus.FAILED:
        refund.failure_reason = (failure or "Stripe could not refund the card.")[:200]
        fields.append("failure_reason")
    refund.save(update_fields=fields)
    if status == RefundStatus.SUCCEEDED:
        Payment.objects.filter(pk=refund.payment_id).update(
            status=PaymentStatus.REFUNDED, updated_at=now
        )
        if booking.status == BookingStatus.CANCELLED:
            booking.status = BookingStatus.REFUNDED
            booking.save(update_fields=["status", "updated_at"])
        notify_booker(
            booking,
            f"Refund of {pounds(refund.amount_pence)} for booking {booking.reference} "
            f"({event.title}) has been processed.",
        )
    if status == RefundStatus.FAILED:
        notify_organisers(
            event,
            f"The card refund of {pounds(refund.amount_pence)} for booking "
            f"{booking.reference} failed: {refund.failure_reason} Please refund another way.",
        )
    return True


# --- Webhooks ---------------------------------------------------------------------------------


def _lock_chain(payment: Payment) -> tuple[Event, Booking, Payment]:
    """Lock event, booking and payment in the order every service uses (no deadlocks)."""
    event = lock_event(payment.booking.event_id)
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("ticket_type", "event", "booker")
        .get(pk=payment.booking_id)
    )
    return event, booking, Payment.objects.select_for_update().get(pk=payment.pk)


def _id(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def _payment_for_session(obj: dict[str, Any], now: datetime) -> Payment | None:
    """Our record of a Checkout Session; created from its metadata if the response was lost."""
    payment = (
        Payment.objects.select_related("booking").filter(checkout_session_id=obj["id"]).first()
    )
    if payment is not None:
        return payment
    reference = (obj.get("metadata") or {}).get("booking") or obj.get("client_reference_id")
    booking = Booking.objects.filter(reference=reference or "").first()
    if booking is None:
        return None
    expires = obj.get("expires_at")
    payment, _ = Payment.objects.get_or_create(
        checkout_session_id=obj["id"],
        defaults={
            "booking": booking,
            "checkout_url": obj.get("url") or "",
            "amount_pence": int(obj.get("amount_total") or booking.total_pence),
            "expires_at": datetime.fromtimestamp(int(expires), tz=UTC) if expires else now,
        },
    )
    return payment


def _paid(
    event: Event, booking: Booking, payment: Payment, obj: dict[str, Any], now: datetime
) -> str:
    if payment.status in (PaymentStatus.PAID, PaymentStatus.REFUNDED):
        return "already paid"
    payment.status = PaymentStatus.PAID
    payment.paid_at = now
    payment.payment_intent_id = _id(obj.get("payment_intent")) or payment.payment_intent_id
    payment.save(update_fields=["status", "paid_at", "payment_intent_id", "updated_at"])
    if booking.status == BookingStatus.PENDING:
        confirm_locked(booking, now=now)
        return "confirmed"
    if booking.status == BookingStatus.EXPIRED:
        free = seats_available(event, booking.ticket_type, seat_use(event.pk))
        if (
            event.status == EventStatus.PUBLISHED
            and now < event.ends_at
            and free >= booking.quantity
        ):
            confirm_locked(booking, now=now)
            return "confirmed after the hold lapsed"
        cancel_locked(booking, by=None, reason="Paid after the held seats were released", now=now)
        notify_booker(
            booking,
            f"Your payment for booking {booking.reference} arrived after the seats were "
            f"released and they have gone. {pounds(payment.amount_pence)} will be refunded.",
        )
        return "refunding: paid after the seats were released"
    reason = (
        "Duplicate payment" if booking.status == BookingStatus.CONFIRMED else "Booking cancelled"
    )
    refund_payment_locked(payment, reason=reason)
    return f"refunding: {reason.lower()}"


def _session_completed(obj: dict[str, Any], now: datetime) -> str:
    payment = _payment_for_session(obj, now)
    if payment is None:
        return "ignored: no booking for this session"
    event, booking, payment = _lock_chain(payment)
    if obj.get("payment_status") in PAID_SESSION_STATUSES:
        return _paid(event, booking, payment, obj, now)
    if not payment.payment_intent_id and obj.get("payment_intent"):
        payment.payment_intent_id = _id(obj.get("payment_intent"))
        payment.save(update_fields=["payment_intent_id", "updated_at"])
    return "awaiting an asynchronous payment"


def _session_async_succeeded(obj: dict[str, Any], now: datetime) -> str:
    payment = _payment_for_session(obj, now)
    if payment is None:
        return "ignored: no booking for this session"
    event, booking, payment = _lock_chain(payment)
    return _paid(event, booking, payment, obj, now)


def _release(event: Event, booking: Booking, payment: Payment, status: str, now: datetime) -> str:
    """A session ended unpaid: mark it; release the hold unless the booking was paid."""
    if payment.status == PaymentStatus.OPEN:
        payment.status = status
        payment.save(update_fields=["status", "updated_at"])
    if booking.status != BookingStatus.PENDING:
        return f"ignored: booking {booking.get_status_display().lower()}"
    if booking.payments.filter(status__in=[PaymentStatus.OPEN, PaymentStatus.PAID]).exists():
        return "ignored: another payment is open"
    expire_locked(booking, now=now)
    offer_freed_seats(event, now=now)
    notify_booker(
        booking,
        f"The payment for booking {booking.reference} ({event.title}) was not completed, "
        "so the held seats were released.",
    )
    return "hold released"


def _session_expired(obj: dict[str, Any], now: datetime) -> str:
    payment = _payment_for_session(obj, now)
    if payment is None:
        return "ignored: no booking for this session"
    event, booking, payment = _lock_chain(payment)
    return _release(event, booking, payment, PaymentStatus.EXPIRED, now)


def _session_async_failed(obj: dict[str, Any], now: datetime) -> str:
    payment = _payment_for_session(obj, now)
    if payment is None:
        return "ignored: no booking for this session"
    event, booking, payment = _lock_chain(payment)
    return _release(event, booking, payment, PaymentStatus.FAILED, now)


def _charge_refunded(obj: dict[str, Any], now: datetime) -> str:
    """A charge was refunded in full: confirm our refund, or record one made in Stripe."""
    payment = (
        Payment.objects.select_related("booking")
        .filter(payment_intent_id=_id(obj.get("payment_intent")) or "-")
        .first()
    )
    if payment is None:
        return "ignored: unknown payment"
    if not obj.get("refunded") and int(obj.get("amount_refunded") or 0) < payment.amount_pence:
        return "ignored: partial refund"
    event, booking, payment = _lock_chain(payment)
    refund = Refund.objects.select_for_update().filter(payment=payment).first()
    if refund is None:
        # Refunded from the Stripe dashboard: record it first (so cancelling does not ask
        # Stripe for a second refund), then the booking is off and the seats go on.
        refund = Refund.objects.create(
            payment=payment,
            booking=booking,
            amount_pence=payment.amount_pence,
            status=RefundStatus.PENDING,
            reason="Refunded in Stripe",
        )
        if booking.is_active:
            cancel_locked(booking, by=None, reason="Refunded by the organiser", now=now)
            offer_freed_seats(event, now=now)
    changed = _refund_status(refund, RefundStatus.SUCCEEDED, event, booking, now=now)
    return "refund succeeded" if changed else "ignored: refund already recorded"


def _refund_updated(obj: dict[str, Any], now: datetime) -> str:
    refund = (
        Refund.objects.select_related("payment", "payment__booking")
        .filter(stripe_refund_id=obj["id"])
        .first()
    )
    if refund is None:
        our_id = str((obj.get("metadata") or {}).get("refund") or "")
        if our_id.isdigit():
            refund = (
                Refund.objects.select_related("payment", "payment__booking")
                .filter(pk=int(our_id))
                .first()
            )
    if refund is None:
        return "ignored: unknown refund"
    event, booking, _ = _lock_chain(refund.payment)
    refund = Refund.objects.select_for_update().get(pk=refund.pk)
    if not refund.stripe_refund_id:
        refund.stripe_refund_id = obj["id"]
        refund.save(update_fields=["stripe_refund_id", "updated_at"])
    status = REFUND_STATUS_MAP.get(obj.get("status") or "", RefundStatus.PENDING)
    changed = _refund_status(
        refund, status, event, booking, now=now, failure=obj.get("failure_reason") or ""
    )
    return f"refund {status}" if changed else "ignored: refund already further along"


HANDLERS: dict[str, Callable[[dict[str, Any], datetime], str]] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_async_succeeded,
    "checkout.session.async_payment_failed": _session_async_failed,
    "checkout.session.expired": _session_expired,
    "charge.refunded": _charge_refunded,
    "charge.refund.updated": _refund_updated,
    "refund.created": _refund_updated,
    "refund.updated": _refund_updated,
    "refund.failed": _refund_updated,
}


@transaction.atomic
def stripe_event_process(*, event: payments.WebhookEvent, now: datetime | None = None) -> str:
    """Apply one verified Stripe event, once. Returns what happened (logged and stored).

    The event id is stored in the same transaction as its effects: a replay finds it and
    does nothing; a failure rolls both back so Stripe's retry applies it later.
    """
    now = now or timezone.now()
    try:
        with transaction.atomic():  # a savepoint: the duplicate insert must not poison us
            record = StripeEvent.objects.create(event_id=event.id, type=event.type[:100])
    except IntegrityError:
        return "duplicate"
    handler = HANDLERS.get(event.type)
    outcome = handler(event.object, now) if handler else "ignored: not handled"
    record.outcome = outcome[:200]
    record.save(update_fields=["outcome"])
    return outcome
