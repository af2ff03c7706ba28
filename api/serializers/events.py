"""Events, bookings and the waitlist as the API reads and writes them. Money in pence."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from api.serializers.common import EventKindField, PageUrlField
from api.serializers.organisations import OrganisationSummarySerializer
from events.calendar import webcal_url
from events.enums import BookingStatus, PaymentMethod
from events.models import AgendaItem, Attendee, Booking, Event, TicketType, WaitlistEntry
from events.pricing import price_quote
from events.queries import SeatUse, event_organiser_test, seats_available
from events.services import AttendeeData, InvoiceDetails
from exchange.models import Organisation


def _seat_use(context: dict[str, Any], event: Event) -> SeatUse:
    """Seats taken, from the viewset's per-response map (no query per event)."""
    return context.get("seat_use", {}).get(event.pk, SeatUse())


class AgendaItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "uid",
            "starts_at",
            "ends_at",
            "title",
            "description",
            "speaker_name",
            "speaker_organisation",
            "speaker_bio",
            "sequence",
            "last_modified",
        ]
        read_only_fields = fields


class TicketTypeSerializer(serializers.ModelSerializer):
    """A ticket type with the price that applies now (one seat) and the seats left."""

    price_now_pence = serializers.SerializerMethodField(
        help_text="Unit price for one seat bought now (early-bird price when it applies)."
    )
    early_bird_now = serializers.SerializerMethodField()
    seats_left = serializers.SerializerMethodField()
    on_sale = serializers.SerializerMethodField()

    class Meta:
        model = TicketType
        fields = [
            "id",
            "name",
            "description",
            "price_pence",
            "price_now_pence",
            "early_bird_now",
            "early_bird_price_pence",
            "early_bird_until",
            "group_tiers",
            "capacity",
            "seats_left",
            "max_per_booking",
            "sales_start",
            "sales_end",
            "on_sale",
        ]
        read_only_fields = fields

    def _now(self) -> Any:
        return self.context.setdefault("now", timezone.now())

    def get_price_now_pence(self, ticket_type: TicketType) -> int:
        return price_quote(ticket_type.rules, 1, self._now()).unit_pence

    def get_early_bird_now(self, ticket_type: TicketType) -> bool:
        return price_quote(ticket_type.rules, 1, self._now()).early_bird

    def get_seats_left(self, ticket_type: TicketType) -> int:
        event = ticket_type.event
        return seats_available(event, ticket_type, _seat_use(self.context, event))

    def get_on_sale(self, ticket_type: TicketType) -> bool:
        return ticket_type.on_sale(self._now())


class EventSerializer(serializers.ModelSerializer):
    """An event as read. ``online_url`` is shown to the event's organisers only; attendees
    find the joining link on their tickets."""

    url = serializers.HyperlinkedIdentityField(view_name="api:event-detail")
    page_url = PageUrlField()
    kind = EventKindField(read_only=True)
    organiser = OrganisationSummarySerializer(read_only=True)
    tags: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    online = serializers.SerializerMethodField()
    online_url = serializers.SerializerMethodField(
        help_text="The joining link: for the event's organisers; null for everyone else."
    )
    seats_left = serializers.SerializerMethodField()
    cancellation_deadline = serializers.DateTimeField(read_only=True)
    agenda = AgendaItemSerializer(source="agenda_items", many=True, read_only=True)
    ticket_types = TicketTypeSerializer(many=True, read_only=True)
    ics_url = serializers.SerializerMethodField(
        help_text="The event's calendar feed (the event and its programme), https."
    )
    webcal_url = serializers.SerializerMethodField(
        help_text="The same feed as webcal://, for calendar apps to subscribe."
    )

    class Meta:
        model = Event
        fields = [
            "id",
            "uid",
            "url",
            "page_url",
            "kind",
            "title",
            "slug",
            "summary",
            "description",
            "organiser",
            "starts_at",
            "ends_at",
            "timezone",
            "venue_name",
            "venue_address",
            "venue_postcode",
            "map_url",
            "online",
            "online_url",
            "region",
            "tags",
            "capacity",
            "seats_left",
            "status",
            "booking_opens_at",
            "booking_closes_at",
            "cancellation_deadline",
            "sequence",
            "last_modified",
            "agenda",
            "ticket_types",
            "ics_url",
            "webcal_url",
        ]
        read_only_fields = fields

    def get_ics_url(self, event: Event) -> str:
        path = reverse("event-feed", kwargs={"slug": event.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else settings.SITE_URL + path

    def get_webcal_url(self, event: Event) -> str:
        return webcal_url(self.get_ics_url(event))

    def get_online(self, event: Event) -> bool:
        return bool(event.online_url)

    def get_online_url(self, event: Event) -> str | None:
        if "is_organiser" not in self.context:  # once per response, shared by a list's rows
            user = getattr(self.context.get("request"), "user", None)
            self.context["is_organiser"] = event_organiser_test(user)
        if event.online_url and self.context["is_organiser"](event):
            return event.online_url
        return None

    def get_seats_left(self, event: Event) -> int:
        return max(0, event.capacity - _seat_use(self.context, event).total)


class AttendeeInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    email = serializers.EmailField()


class AttendeeSerializer(serializers.ModelSerializer):
    """An attendee as the booker sees them: the ticket link once the booking is confirmed."""

    ticket_url = serializers.SerializerMethodField()

    class Meta:
        model = Attendee
        fields = ["name", "email", "ticket_url", "checked_in_at"]
        read_only_fields = fields

    def get_ticket_url(self, attendee: Attendee) -> str | None:
        if attendee.booking.status != BookingStatus.CONFIRMED:
            return None
        request = self.context.get("request")
        path = attendee.get_absolute_url()
        return request.build_absolute_uri(path) if request else path


class BookingSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:booking-detail", lookup_field="reference"
    )
    event: serializers.PrimaryKeyRelatedField[Event] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    event_title = serializers.CharField(source="event.title", read_only=True)
    ticket_type: serializers.PrimaryKeyRelatedField[TicketType] = (
        serializers.PrimaryKeyRelatedField(read_only=True)
    )
    ticket_type_name = serializers.CharField(source="ticket_type.name", read_only=True)
    organisation: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    attendees = AttendeeSerializer(many=True, read_only=True)

    class Meta:
        model = Booking
        fields = [
            "reference",
            "url",
            "event",
            "event_title",
            "ticket_type",
            "ticket_type_name",
            "organisation",
            "quantity",
            "status",
            "payment_method",
            "unit_price_pence",
            "total_pence",
            "price_note",
            "hold_expires_at",
            "purchase_order",
            "invoice_reference",
            "invoice_paid_at",
            "attendees",
            "created_at",
            "confirmed_at",
            "cancelled_at",
        ]
        read_only_fields = fields


class PaymentInSerializer(serializers.Serializer):
    """How a paid booking is paid: card (Stripe Checkout) or invoice (public bodies)."""

    payment_method = serializers.ChoiceField(
        choices=PaymentMethod.choices, default=PaymentMethod.FREE
    )
    purchase_order = serializers.CharField(max_length=60, required=False, default="")
    billing_name = serializers.CharField(max_length=150, required=False, default="")
    billing_email = serializers.EmailField(required=False, default="")
    billing_address = serializers.CharField(
        max_length=500, required=False, default="", allow_blank=True
    )
    attendees = serializers.ListField(
        child=AttendeeInSerializer(), allow_empty=False, max_length=100
    )

    def service_arguments(self) -> dict[str, Any]:
        d = self.validated_data
        invoice = None
        if d["payment_method"] == PaymentMethod.INVOICE:
            invoice = InvoiceDetails(
                purchase_order=d["purchase_order"],
                billing_name=d["billing_name"],
                billing_email=d["billing_email"],
                billing_address=d["billing_address"],
            )
        return {
            "attendees": [AttendeeData(a["name"], a["email"]) for a in d["attendees"]],
            "payment_method": d["payment_method"],
            "invoice": invoice,
        }


class BookingCreateSerializer(PaymentInSerializer):
    """Input of ``booking_create``: one attendee per seat."""

    ticket_type: serializers.PrimaryKeyRelatedField[TicketType] = (
        serializers.PrimaryKeyRelatedField(queryset=TicketType.objects.all())
    )
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Slug of an organisation you belong to (needed for invoices).",
    )

    def service_arguments(self) -> dict[str, Any]:
        return {
            **super().service_arguments(),
            "ticket_type": self.validated_data["ticket_type"],
            "organisation": self.validated_data["organisation"],
        }


class BookingCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class CheckoutSerializer(serializers.Serializer):
    checkout_url = serializers.URLField()


class WaitlistEntrySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:waitlist-entry-detail")
    event: serializers.PrimaryKeyRelatedField[Event] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    ticket_type: serializers.PrimaryKeyRelatedField[TicketType] = (
        serializers.PrimaryKeyRelatedField(read_only=True)
    )
    booking: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="reference", read_only=True
    )

    class Meta:
        model = WaitlistEntry
        fields = [
            "id",
            "url",
            "event",
            "ticket_type",
            "quantity",
            "status",
            "offered_at",
            "offer_expires_at",
            "booking",
            "created_at",
        ]
        read_only_fields = fields


class WaitlistJoinSerializer(serializers.Serializer):
    ticket_type: serializers.PrimaryKeyRelatedField[TicketType] = (
        serializers.PrimaryKeyRelatedField(queryset=TicketType.objects.all())
    )
    quantity = serializers.IntegerField(min_value=1, max_value=100)
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )


class OrganiserAttendeeSerializer(serializers.ModelSerializer):
    """An attendee as the organisers see them (no ticket code)."""

    booking = serializers.CharField(source="booking.reference", read_only=True)
    booking_status = serializers.CharField(source="booking.status", read_only=True)
    ticket_type = serializers.CharField(source="booking.ticket_type.name", read_only=True)
    organisation = serializers.SerializerMethodField()
    payment_method = serializers.CharField(source="booking.payment_method", read_only=True)

    class Meta:
        model = Attendee
        fields = [
            "id",
            "name",
            "email",
            "booking",
            "booking_status",
            "ticket_type",
            "organisation",
            "payment_method",
            "checked_in_at",
        ]
        read_only_fields = fields

    def get_organisation(self, attendee: Attendee) -> str | None:
        organisation = attendee.booking.organisation
        return organisation.slug if organisation else None


class CheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=500, help_text="The ticket code, or the scanned URL.")
