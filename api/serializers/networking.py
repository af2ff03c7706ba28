"""Pitch applications, meeting slots and meeting requests as the API reads and writes them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import _enum_schema
from events.enums import MeetingStatus, PitchStatus
from events.models import Event, MeetingRequest, MeetingSlot, PitchApplication
from exchange.models import Organisation
from listings.models import Listing


@extend_schema_field(_enum_schema(PitchStatus), component_name="PitchStatusEnum")
class PitchStatusField(serializers.CharField):
    pass


@extend_schema_field(_enum_schema(MeetingStatus), component_name="MeetingStatusEnum")
class MeetingStatusField(serializers.CharField):
    pass


class PitchApplicationSerializer(serializers.ModelSerializer):
    event: serializers.PrimaryKeyRelatedField[Event] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    event_title = serializers.CharField(source="event.title", read_only=True)
    listing: serializers.PrimaryKeyRelatedField[Listing] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    listing_title = serializers.CharField(source="listing.title", read_only=True)
    organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    status = PitchStatusField(read_only=True)
    agenda_item = serializers.UUIDField(source="agenda_item.uid", read_only=True, allow_null=True)

    class Meta:
        model = PitchApplication
        fields = [
            "id",
            "event",
            "event_title",
            "listing",
            "listing_title",
            "organisation",
            "pitch",
            "status",
            "decline_reason",
            "agenda_item",
            "decided_at",
            "created_at",
        ]
        read_only_fields = fields


class PitchApplicationCreateSerializer(serializers.Serializer):
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.none())
    listing = serializers.PrimaryKeyRelatedField(queryset=Listing.objects.none())
    pitch = serializers.CharField(max_length=2000)

    def __init__(self, *args: Any, events: Any = None, listings: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if events is not None:
            self.fields["event"].queryset = events  # type: ignore[attr-defined]
        if listings is not None:
            self.fields["listing"].queryset = listings  # type: ignore[attr-defined]


class PitchAcceptSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True)


class PitchDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class MeetingSlotSerializer(serializers.ModelSerializer):
    event: serializers.PrimaryKeyRelatedField[Event] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )

    class Meta:
        model = MeetingSlot
        fields = ["id", "event", "starts_at", "ends_at", "tables"]
        read_only_fields = fields


class MeetingSlotCreateSerializer(serializers.Serializer):
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.none())
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    tables = serializers.IntegerField(min_value=1, max_value=500)

    def __init__(self, *args: Any, events: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if events is not None:
            self.fields["event"].queryset = events  # type: ignore[attr-defined]


class MeetingRequestSerializer(serializers.ModelSerializer):
    event: serializers.PrimaryKeyRelatedField[Event] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )
    from_organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    to_organisation: serializers.SlugRelatedField[Organisation] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    status = MeetingStatusField(read_only=True)
    starts_at = serializers.DateTimeField(source="slot.starts_at", read_only=True, allow_null=True)
    ends_at = serializers.DateTimeField(source="slot.ends_at", read_only=True, allow_null=True)

    class Meta:
        model = MeetingRequest
        fields = [
            "id",
            "uid",
            "event",
            "from_organisation",
            "to_organisation",
            "message",
            "status",
            "starts_at",
            "ends_at",
            "table",
            "decline_reason",
            "sequence",
            "last_modified",
            "created_at",
        ]
        read_only_fields = fields


class MeetingRequestCreateSerializer(serializers.Serializer):
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.none())
    to_organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all()
    )
    from_organisation = serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.none(), required=False
    )
    message = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def __init__(self, *args: Any, events: Any = None, mine: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if events is not None:
            self.fields["event"].queryset = events  # type: ignore[attr-defined]
        if mine is not None:
            self.fields["from_organisation"].queryset = mine  # type: ignore[attr-defined]


class MeetingDeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
