"""Card payments through Stripe Checkout, their refunds, and processed webhook events."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from events.enums import PaymentStatus, RefundStatus
from events.models.booking import Booking


class Payment(models.Model):
    """One Stripe Checkout Session for a booking, and what became of it."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="payments")
    checkout_session_id = models.CharField(max_length=255, unique=True)
    checkout_url = models.URLField(max_length=2000, blank=True)
    payment_intent_id = models.CharField(max_length=255, blank=True, db_index=True)
    amount_pence = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="gbp")
    status = models.CharField(
        max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.OPEN
    )
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | Q(paid_at__isnull=False),
                name="payment_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checkout_session_id} ({self.status})"


class Refund(models.Model):
    """Money going back to the card of a paid booking. Confirmed by Stripe's webhook."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="refunds")
    amount_pence = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.REQUESTED
    )
    stripe_refund_id = models.CharField(max_length=255, unique=True, null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RefundStatus.values), name="refund_status_valid"
            ),
            models.CheckConstraint(condition=Q(amount_pence__gte=1), name="refund_amount_positive"),
            # One refund per payment: a booking is refunded in full, once.
            models.UniqueConstraint(fields=["payment"], name="refund_one_per_payment"),
        ]

    def __str__(self) -> str:
        return f"Refund of {self.amount_pence}p for {self.booking.reference} ({self.status})"


class StripeEvent(models.Model):
    """A Stripe webhook event we processed. The unique id makes delivery idempotent."""

    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100)
    outcome = models.CharField(max_length=200, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"
