"""Staff views of events, bookings and payments.

Read-only on purpose: seats, money and calendar sequences only change through the
services (which lock, count and notify). Staff act through the admin actions below, which
call those services, or through the organiser pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from events import services
from events.models import (
    AgendaItem,
    Attendee,
    Booking,
    Event,
    EventListing,
    Payment,
    Refund,
    SessionProposal,
    StripeEvent,
    TicketType,
    WaitlistEntry,
)
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TicketTypeInline(ReadOnlyMixin, admin.TabularInline):
    model = TicketType
    fields = ["name", "price_pence", "capacity", "early_bird_price_pence", "early_bird_until"]
    extra = 0


class AgendaItemInline(ReadOnlyMixin, admin.TabularInline):
    model = AgendaItem
    fields = ["starts_at", "title", "speaker_name", "speaker_organisation"]
    extra = 0


class EventListingInline(ReadOnlyMixin, admin.TabularInline):
    model = EventListing
    fields = ["listing", "role"]
    extra = 0


@admin.register(Event)
class EventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["title", "kind", "organiser", "starts_at", "status", "capacity", "sequence"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["title", "slug", "organiser__name"]
    date_hierarchy = "starts_at"
    inlines = [TicketTypeInline, AgendaItemInline, EventListingInline]
    actions = ["cancel_events"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Allow the change list's actions; the form itself shows read-only fields.
        return bool(request.user.is_superuser)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Event._meta.fields] + ["tags"]

    @admin.action(description="Cancel the selected events (refunds everyone)")
    def cancel_events(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        for event in queryset:
            try:
                services.event_cancel(
                    actor=request.user,  # type: ignore[arg-type]
                    event=event,
                    reason="Cancelled by the exchange staff.",
                )
            except (InvalidTransition, PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{event}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{event} cancelled.", messages.SUCCESS)


class AttendeeInline(ReadOnlyMixin, admin.TabularInline):
    model = Attendee
    fields = ["name", "email", "checked_in_at"]
    extra = 0


@admin.register(Booking)
class BookingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "reference",
        "event",
        "ticket_type",
        "booker",
        "quantity",
        "status",
        "payment_method",
        "total_pence",
        "created_at",
    ]
    list_filter = ["status", "payment_method"]
    search_fields = ["reference", "invoice_reference", "booker__email", "event__title"]
    list_select_related = ["event", "ticket_type", "booker"]
    inlines = [AttendeeInline]
    actions = ["cancel_bookings"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Booking._meta.fields]

    @admin.action(description="Cancel the selected bookings (refunds card payments)")
    def cancel_bookings(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        for booking in queryset:
            try:
                services.booking_cancel(
                    actor=request.user,  # type: ignore[arg-type]
                    booking=booking,
                    reason="Cancelled by the exchange staff.",
                )
            except (InvalidTransition, PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{booking.reference}: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"{booking.reference} cancelled.", messages.SUCCESS)


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["event", "ticket_type", "user", "quantity", "status", "offer_expires_at"]
    list_filter = ["status"]
    search_fields = ["user__email", "event__title"]
    list_select_related = ["event", "ticket_type", "user"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["checkout_session_id", "booking", "amount_pence", "status", "paid_at"]
    list_filter = ["status"]
    search_fields = ["checkout_session_id", "payment_intent_id", "booking__reference"]
    list_select_related = ["booking", "booking__event"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["booking", "amount_pence", "status", "stripe_refund_id", "created_at"]
    list_filter = ["status"]
    search_fields = ["stripe_refund_id", "booking__reference"]
    list_select_related = ["booking", "booking__event"]


@admin.register(StripeEvent)
class StripeEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["event_id", "type", "outcome", "received_at"]
    list_filter = ["type"]
    search_fields = ["event_id"]


@admin.register(SessionProposal)
class SessionProposalAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Unconference sessions, read only: proposers and organisers change them on the site."""

    list_display = ["title", "event", "proposer", "status", "vote_count", "placed_room"]
    list_filter = ["status"]
    search_fields = ["title", "event__title", "proposer__email"]
    list_select_related = ["event", "proposer", "placed_room"]
