"""Unconference rooms, slots, sessions and schedules as the API reads and writes them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import PageUrlField
from api.serializers.organisations import OrganisationSummarySerializer
from events.enums import EventKind, SessionStatus
from events.models import Event, Room, SessionProposal, Slot
from events.queries import events_visible_to, rooms_for_api, slots_for_api
from exchange.models import Organisation
from listings.models import Listing
from listings.queries import listings_visible_to


@extend_schema_field(OpenApiTypes.INT)
class _VisibleUnconferenceField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    """An unconference the requester may see (others read as "does not exist": 400)."""

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None:
            return Event.objects.none()
        return events_visible_to(request.user).filter(kind=EventKind.UNCONFERENCE)


@extend_schema_field(OpenApiTypes.INT)
class _VisibleListingField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None:
            return Listing.objects.none()
        return listings_visible_to(request.user).prefetch_related(None)


@extend_schema_field(OpenApiTypes.INT)
class _OwnOrganisationField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    def get_queryset(self) -> Any:
        request = self.context.get("request")
        if request is None or not request.user.is_authenticated:
            return Organisation.objects.none()
        return Organisation.objects.filter(memberships__user=request.user)


@extend_schema_field(OpenApiTypes.INT)
class _VisibleRoomField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return rooms_for_api(request.user) if request else Room.objects.none()


@extend_schema_field(OpenApiTypes.INT)
class _VisibleSlotField(serializers.PrimaryKeyRelatedField):  # type: ignore[type-arg]
    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return slots_for_api(request.user) if request else Slot.objects.none()


@extend_schema_field(
    {
        "type": "string",
        "enum": list(SessionStatus.values),
        "description": "\n".join(f"* `{v}` - {label}" for v, label in SessionStatus.choices),
    },
    component_name="SessionStatusEnum",
)
class SessionStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=SessionStatus.choices, **kwargs)


class RoomSerializer(serializers.ModelSerializer):
    class Meta:
        model = Room
        fields = ["id", "event", "name", "capacity", "order"]
        read_only_fields = fields


class RoomCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    event = _VisibleUnconferenceField()
    name = serializers.CharField(max_length=100)
    capacity = serializers.IntegerField(min_value=1, max_value=100_000)
    order = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class RoomUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    name = serializers.CharField(max_length=100, required=False)
    capacity = serializers.IntegerField(min_value=1, max_value=100_000, required=False)
    order = serializers.IntegerField(min_value=0, max_value=1000, required=False)


class SlotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Slot
        fields = ["id", "event", "starts_at", "ends_at"]
        read_only_fields = fields


class SlotCreateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    event = _VisibleUnconferenceField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class SlotUpdateSerializer(serializers.Serializer):  # type: ignore[type-arg]
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class OutputLinkSerializer(serializers.Serializer):  # type: ignore[type-arg]
    title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    url = serializers.URLField(max_length=500)


class SessionSerializer(serializers.ModelSerializer):
    """A session as read. Its room and slot show once the schedule is published (organisers
    see them at once); ``voted_by_me`` and ``starred_by_me`` describe the requester."""

    page_url = PageUrlField()
    proposer_name = serializers.CharField(source="proposer.display_name", read_only=True)
    organisation = OrganisationSummarySerializer(read_only=True, allow_null=True)
    tags: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    listing = serializers.SerializerMethodField()
    room = serializers.SerializerMethodField()
    slot = serializers.SerializerMethodField()
    status = SessionStatusField(read_only=True)
    pinned = serializers.BooleanField(source="is_pinned", read_only=True)
    voted_by_me = serializers.BooleanField(read_only=True, default=False)
    starred_by_me = serializers.BooleanField(read_only=True, default=False)
    output_links = OutputLinkSerializer(many=True, read_only=True)

    class Meta:
        model = SessionProposal
        fields = [
            "id",
            "uid",
            "event",
            "page_url",
            "title",
            "description",
            "tags",
            "listing",
            "organisation",
            "proposer_name",
            "status",
            "vote_count",
            "voted_by_me",
            "starred_by_me",
            "room",
            "slot",
            "pinned",
            "notes",
            "output_links",
            "sequence",
            "last_modified",
            "created_at",
        ]
        read_only_fields = fields

    def _place_shown(self, session: SessionProposal) -> bool:
        organiser_of = self.context.get("organiser_event_ids", set())
        return session.event.schedule_published_at is not None or session.event_id in organiser_of

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_listing(self, session: SessionProposal) -> int | None:
        # A listing the requester may not see reads as None (prefetched through the visibility
        # query by sessions_visible_to).
        return session.listing.pk if session.listing is not None else None

    @extend_schema_field(RoomSerializer(allow_null=True))
    def get_room(self, session: SessionProposal) -> dict[str, Any] | None:
        if session.placed_room is None or not self._place_shown(session):
            return None
        return dict(RoomSerializer(session.placed_room).data)

    @extend_schema_field(SlotSerializer(allow_null=True))
    def get_slot(self, session: SessionProposal) -> dict[str, Any] | None:
        if session.placed_slot is None or not self._place_shown(session):
            return None
        return dict(SlotSerializer(session.placed_slot).data)


class SessionVoteResultSerializer(SessionSerializer):
    votes_left = serializers.IntegerField(read_only=True)

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "votes_left"]
        read_only_fields = fields


class SessionProposeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    event = _VisibleUnconferenceField()
    title = serializers.CharField(max_length=160)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, max_length=20
    )
    listing = _VisibleListingField(required=False, allow_null=True)
    organisation = _OwnOrganisationField(required=False, allow_null=True)

    def service_arguments(self) -> dict[str, Any]:
        data = self.validated_data
        organisation = data.get("organisation")
        return {
            "event": data["event"],
            "title": data["title"],
            "description": data.get("description", ""),
            "tag_names": data.get("tags", []),
            "listing": data.get("listing"),
            "organisation_id": organisation.pk if organisation else None,
        }


class SessionMoveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """A cell of the session's event; both null takes the session out of the grid."""

    room = _VisibleRoomField(allow_null=True)
    slot = _VisibleSlotField(allow_null=True)


class SessionMoveResultSerializer(serializers.Serializer):  # type: ignore[type-arg]
    session = SessionSerializer(read_only=True)
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)


class SessionNotesSerializer(serializers.Serializer):  # type: ignore[type-arg]
    notes = serializers.CharField(max_length=10000, allow_blank=True)
    output_links = OutputLinkSerializer(many=True, required=False)


class GridCellSerializer(serializers.Serializer):  # type: ignore[type-arg]
    room = serializers.IntegerField(source="room.pk", read_only=True)
    session = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_session(self, cell: Any) -> int | None:
        return cell.session.pk if cell.session is not None else None


class GridRowSerializer(serializers.Serializer):  # type: ignore[type-arg]
    slot = SlotSerializer(read_only=True)
    cells = GridCellSerializer(many=True, read_only=True)


class ScheduleSerializer(serializers.Serializer):  # type: ignore[type-arg]
    """The rooms × slots grid. Before publication only organisers get rows."""

    event = serializers.IntegerField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    vote_budget = serializers.IntegerField(read_only=True)
    rooms = RoomSerializer(many=True, read_only=True)
    rows = GridRowSerializer(many=True, read_only=True)


class UnplacedSerializer(serializers.Serializer):  # type: ignore[type-arg]
    session = serializers.IntegerField(source="session.pk", read_only=True)
    title = serializers.CharField(source="session.title", read_only=True)
    vote_count = serializers.IntegerField(source="session.vote_count", read_only=True)
    reason = serializers.CharField(read_only=True)


class ScheduleRunSerializer(serializers.Serializer):  # type: ignore[type-arg]
    placed = serializers.IntegerField(read_only=True)
    unplaced = UnplacedSerializer(many=True, read_only=True)


class SchedulePublishSerializer(serializers.Serializer):  # type: ignore[type-arg]
    published_at = serializers.DateTimeField(read_only=True)
    notified = serializers.IntegerField(read_only=True)


class VoteBudgetSerializer(serializers.Serializer):  # type: ignore[type-arg]
    vote_budget = serializers.IntegerField(min_value=1, max_value=100)
