"""Bookings, the attendees they hold, and the waitlist."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from events.enums import BookingStatus, PaymentMethod, WaitlistStatus
from events.models.event import Event, TicketType
from exchange.models import Organisation


class Booking(models.Model):
    """Seats of one ticket type, booked by a person for themselves or their organisation.

    A card booking is ``pending`` (its seats held until ``hold_expires_at``) until Stripe's
    verified webhook confirms the payment. Free and invoice bookings are confirmed at once.
    """

    reference = models.CharField(max_length=12, unique=True)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="bookings")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="bookings")
    booker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="bookings"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="bookings"
    )
    quantity = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=BookingStatus.choices)
    payment_method = models.CharField(max_length=10, choices=PaymentMethod.choices)
    unit_price_pence = models.PositiveIntegerField()
    total_pence = models.PositiveIntegerField()
    price_note = models.CharField(max_length=120, blank=True)
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    # Invoice bookings (public bodies): purchase order, billing contact, our reference.
    purchase_order = models.CharField(max_length=60, blank=True)
    billing_name = models.CharField(max_length=150, blank=True)
    billing_email = models.EmailField(blank=True)
    billing_address = models.TextField(blank=True, max_length=500)
    invoice_reference = models.CharField(max_length=30, unique=True, null=True, blank=True)
    invoice_paid_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancellation_reason = models.CharField(max_length=300, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["event", "status"], name="booking_event_status"),
            models.Index(fields=["status", "hold_expires_at"], name="booking_holds"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BookingStatus.values), name="booking_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(payment_method__in=PaymentMethod.values),
                name="booking_payment_method_valid",
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="booking_quantity_positive"),
            models.CheckConstraint(
                condition=Q(total_pence=models.F("unit_price_pence") * models.F("quantity")),
                name="booking_total_is_unit_times_quantity",
            ),
            models.CheckConstraint(
                condition=Q(payment_method="free", total_pence=0)
                | (~Q(payment_method="free") & Q(total_pence__gt=0)),
                name="booking_free_iff_zero_total",
            ),
            models.CheckConstraint(
                condition=~Q(status="pending")
                | Q(payment_method="card", hold_expires_at__isnull=False),
                name="booking_pending_is_held_card",
            ),
            models.CheckConstraint(
                condition=~Q(payment_method="invoice")
                | (~Q(purchase_order="") & Q(invoice_reference__isnull=False)),
                name="booking_invoice_has_po_and_reference",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="booking_confirmed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} – {self.event} × {self.quantity}"

    def get_absolute_url(self) -> str:
        return reverse("booking-detail", kwargs={"reference": self.reference})

    @property
    def is_active(self) -> bool:
        return self.status in (BookingStatus.PENDING, BookingStatus.CONFIRMED)


class Attendee(models.Model):
    """One seat of a booking. ``code`` is the unguessable ticket and check-in code."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField(max_length=150)
    email = models.EmailField()
    code = models.CharField(max_length=43, unique=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["booking_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def get_absolute_url(self) -> str:
        return reverse("ticket-detail", kwargs={"code": self.code})


class WaitlistEntry(models.Model):
    """A person waiting for seats of a sold-out ticket type.

    When seats free up, the earliest entry that fits is ``offered`` them: the seats are
    reserved for it until ``offer_expires_at``; accepting makes a booking.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="waitlist")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    booking = models.OneToOneField(
        Booking, on_delete=models.SET_NULL, null=True, blank=True, related_name="waitlist_entry"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        indexes = [
            models.Index(fields=["event", "status", "created_at"], name="waitlist_queue"),
            models.Index(fields=["status", "offer_expires_at"], name="waitlist_offers"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=WaitlistStatus.values), name="waitlist_status_valid"
            ),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="waitlist_quantity_positive"),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(offer_expires_at__isnull=False),
                name="waitlist_offer_has_expiry",
            ),
            models.UniqueConstraint(
                fields=["ticket_type", "user"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_one_active_entry_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} waiting for {self.quantity} × {self.ticket_type.name}"
