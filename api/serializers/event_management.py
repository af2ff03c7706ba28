"""What organisers send to create and run an event: the event itself, its ticket types, its
agenda and its linked listings. Inputs only (answers use ``api.serializers.events``), except
a linked listing, which has no other representation. Money in pence.

Date-times are ISO 8601; give an offset (``Z``, ``+01:00``): without one, UK time is assumed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import EventKindField, TagNamesField, _enum_schema
from events.enums import ListingRole
from events.forms.common import MAX_CAPACITY, MAX_PRICE
from events.models import AgendaItem, Event, EventListing, TicketType
from exchange.models import Organisation
from listings.models import Listing
from listings.queries import listings_visible_to

MAX_PRICE_PENCE = int(MAX_PRICE * 100)
# Every moment an organiser gives lies in these years, so copying an event (which moves all of
# its times by one difference) can never run past the calendar's end.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)


class EventTimeField(serializers.DateTimeField):
    default_error_messages = {"range": "Give a date and time in the years 2000 to 2999."}

    def to_internal_value(self, value: Any) -> datetime:
        moment = super().to_internal_value(value)
        if not EARLIEST <= moment <= LATEST:
            self.fail("range")
        return moment


@extend_schema_field(_enum_schema(ListingRole), component_name="ListingRoleEnum")
class ListingRoleField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=ListingRole.choices, **kwargs)


# --- Events -----------------------------------------------------------------------------------


class EventUpdateSerializer(serializers.ModelSerializer):
    """Input of ``event_update``: omitted fields stay; ``tags`` replaces the tags."""

    kind = EventKindField()
    starts_at = EventTimeField()
    ends_at = EventTimeField()
    booking_opens_at = EventTimeField(
        required=False, allow_null=True, help_text="Null: as soon as the event is published."
    )
    booking_closes_at = EventTimeField(
        required=False, allow_null=True, help_text="Null: when the event starts."
    )
    capacity = serializers.IntegerField(
        min_value=1, max_value=MAX_CAPACITY, help_text="Seats across all ticket types."
    )
    venue_address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    online_url = serializers.URLField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text="Joining link: shown only to people with a confirmed booking (never in the "
        "event's API representation).",
    )
    cancellation_cutoff_hours = serializers.IntegerField(
        min_value=0,
        max_value=24 * 60,
        required=False,
        help_text="Attendees may cancel until this many hours before the start.",
    )
    tags = TagNamesField(max_length=12, required=False, help_text="Free-text tag names.")

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "summary",
            "description",
            "starts_at",
            "ends_at",
            "timezone",
            "venue_name",
            "venue_address",
            "venue_postcode",
            "map_url",
            "online_url",
            "region",
            "capacity",
            "tags",
            "booking_opens_at",
            "booking_closes_at",
            "cancellation_cutoff_hours",
        ]

    def service_arguments(self) -> dict[str, Any]:
        """``validated_data`` under the names ``event_create`` / ``event_update`` take."""
        arguments = dict(self.validated_data)
        if "tags" in arguments:
            arguments["tag_names"] = arguments.pop("tags")
        return arguments


class EventCreateSerializer(EventUpdateSerializer):
    """Input of ``event_create``: a draft organised by an organisation the caller belongs to."""

    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        help_text="Slug of the organiser organisation; you must be one of its members.",
    )

    class Meta(EventUpdateSerializer.Meta):
        fields = ["organisation", *EventUpdateSerializer.Meta.fields]


class EventCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Sent to everyone booked or waiting.")


class EventCopySerializer(serializers.Serializer):
    starts_at = EventTimeField(
        help_text="When the copy starts; every other time of the event moves by as much."
    )


# --- Ticket types -----------------------------------------------------------------------------


class GroupTierSerializer(serializers.Serializer):
    min_seats = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY)
    percent_off = serializers.IntegerField(min_value=0, max_value=100)


class TicketTypeWriteSerializer(serializers.ModelSerializer):
    """Input of ``ticket_type_create`` / ``ticket_type_update``."""

    price_pence = serializers.IntegerField(
        min_value=0, max_value=MAX_PRICE_PENCE, help_text="0 for free tickets."
    )
    capacity = serializers.IntegerField(min_value=1, max_value=MAX_CAPACITY)
    max_per_booking = serializers.IntegerField(min_value=1, max_value=100, required=False)
    sales_start = EventTimeField(required=False, allow_null=True)
    sales_end = EventTimeField(required=False, allow_null=True)
    early_bird_price_pence = serializers.IntegerField(
        min_value=0,
        max_value=MAX_PRICE_PENCE,
        required=False,
        allow_null=True,
        help_text="Below the full price; give it with early_bird_until (both or neither).",
    )
    early_bird_until = EventTimeField(required=False, allow_null=True)
    group_tiers = serializers.ListField(
        child=GroupTierSerializer(),
        max_length=10,
        required=False,
        help_text="Group discounts: the tier with the largest min_seats a booking reaches "
        'applies, e.g. [{"min_seats": 5, "percent_off": 10}].',
    )
    position = serializers.IntegerField(min_value=0, max_value=1000, required=False)

    class Meta:
        model = TicketType
        fields = [
            "name",
            "description",
            "price_pence",
            "capacity",
            "max_per_booking",
            "sales_start",
            "sales_end",
            "early_bird_price_pence",
            "early_bird_until",
            "group_tiers",
            "position",
        ]

    def service_arguments(self) -> dict[str, Any]:
        arguments = dict(self.validated_data)
        if "group_tiers" in arguments:
            arguments["group_tiers"] = [dict(tier) for tier in arguments["group_tiers"]]
        return arguments


# --- Agenda -----------------------------------------------------------------------------------


class AgendaItemWriteSerializer(serializers.ModelSerializer):
    """Input of ``agenda_item_create`` / ``agenda_item_update``; the speaker is optional."""

    starts_at = EventTimeField()
    ends_at = EventTimeField(required=False, allow_null=True)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    speaker_bio = serializers.CharField(max_length=1000, required=False, allow_blank=True)

    class Meta:
        model = AgendaItem
        fields = [
            "starts_at",
            "ends_at",
            "title",
            "description",
            "speaker_name",
            "speaker_organisation",
            "speaker_bio",
        ]


# --- Linked listings --------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class _VisibleListingField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """A listing the requester may see (others read as "does not exist": 400)."""

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None:
            return Listing.objects.none()
        return listings_visible_to(request.user).prefetch_related(None)


class EventListingLinkSerializer(serializers.Serializer):
    """Input of ``event_listing_link``. Linking a linked listing again changes its role."""

    listing = _VisibleListingField(help_text="Id of a published listing you can see.")
    role = ListingRoleField(default=ListingRole.SHOWCASED)


class EventListingSerializer(serializers.ModelSerializer):
    """A listing linked to an event: pitched on the agenda, or showcased."""

    listing: serializers.PrimaryKeyRelatedField[Listing] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    listing_url: serializers.HyperlinkedRelatedField[Listing] = serializers.HyperlinkedRelatedField(
        source="listing", view_name="api:listing-detail", read_only=True
    )
    title = serializers.CharField(source="listing.title", read_only=True)
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        source="listing.organisation", slug_field="slug", read_only=True
    )
    role = ListingRoleField(read_only=True)

    class Meta:
        model = EventListing
        fields = ["listing", "listing_url", "title", "organisation", "role", "created_at"]
        read_only_fields = fields
