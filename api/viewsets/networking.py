"""Pitch applications, meeting slots and 1:1 meeting requests. Every write is a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.schema import error_responses
from api.serializers.networking import (
    MeetingDeclineSerializer,
    MeetingRequestCreateSerializer,
    MeetingRequestSerializer,
    MeetingSlotCreateSerializer,
    MeetingSlotSerializer,
    PitchAcceptSerializer,
    PitchApplicationCreateSerializer,
    PitchApplicationSerializer,
    PitchDeclineSerializer,
)
from api.viewsets.base import ReadWriteViewSet
from events import networking
from events.models import MeetingRequest, MeetingSlot, PitchApplication
from events.queries import events_visible_to
from events.services import networking as services
from exchange.models import Organisation

_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)
EVENT_PARAM = OpenApiParameter(
    "event", OpenApiTypes.INT, description="Only this event's (by id).", required=False
)


def _event_filter(request: Request) -> int | None:
    raw = request.query_params.get("event", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise exceptions.ValidationError({"event": ["Give an event id (a whole number)."]})
    return int(raw)


class _Base(ReadWriteViewSet):
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = None
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]

    def validated(self, serializer: Any) -> dict[str, Any]:
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def represent(self, obj: Any, *, created: bool = False) -> Response:
        fresh = self.get_queryset().filter(pk=obj.pk).first() or obj
        read = self.serializer_class
        data = read(fresh, context=self.get_serializer_context()).data  # type: ignore[misc]
        return Response(data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


@extend_schema(tags=["pitch applications"])
@extend_schema_view(
    list=extend_schema(
        summary="Pitch applications of your organisations and to events you organise",
        parameters=[
            EVENT_PARAM,
            OpenApiParameter(
                "side",
                OpenApiTypes.STR,
                enum=["mine", "organiser"],
                description="`mine`: your organisations' applications; `organiser`: "
                "applications to your events.",
            ),
        ],
    ),
    retrieve=extend_schema(summary="One pitch application"),
)
class PitchApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """pending → accepted (an agenda item) / declined (with a reason) / withdrawn."""

    serializer_class = PitchApplicationSerializer
    write_serializers = {
        "create": PitchApplicationCreateSerializer,
        "accept": PitchAcceptSerializer,
        "decline": PitchDeclineSerializer,
    }

    def get_queryset(self) -> QuerySet[PitchApplication]:
        user = self.request.user
        side = self.request.query_params.get("side", "")
        if side == "mine":
            qs = networking.pitch_applications_of(user)
        elif side == "organiser":
            qs = networking.pitch_applications_for_organiser(user)
        elif side:
            raise exceptions.ValidationError({"side": ["Use mine or organiser."]})
        else:
            qs = networking.pitch_applications_visible_to(user)
        event = _event_filter(self.request)
        return qs.filter(event_id=event) if event is not None else qs

    @extend_schema(
        summary="Apply to pitch one of your published listings at a breakfast",
        request=PitchApplicationCreateSerializer,
        responses={201: PitchApplicationSerializer, **_WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = self.validated(
            PitchApplicationCreateSerializer(
                data=request.data,
                events=events_visible_to(request.user),
                listings=networking.pitchable_listings(request.user),
            )
        )
        application = services.pitch_application_create(actor=self.actor, **data)
        return self.represent(application, created=True)

    def _move(self, service: Callable[..., PitchApplication], **data: Any) -> Response:
        return self.represent(service(actor=self.actor, application=self.get_object(), **data))

    @extend_schema(
        summary="Accept (organisers): the pitch becomes an agenda item at starts_at",
        request=PitchAcceptSerializer,
        responses={200: PitchApplicationSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        data = self.validated(PitchAcceptSerializer(data=request.data))
        return self._move(services.pitch_application_accept, **data)

    @extend_schema(
        summary="Decline (organisers), with a reason the applicant reads",
        request=PitchDeclineSerializer,
        responses={200: PitchApplicationSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        data = self.validated(PitchDeclineSerializer(data=request.data))
        return self._move(services.pitch_application_decline, **data)

    @extend_schema(
        summary="Withdraw (the applicant's organisation)",
        request=None,
        responses={200: PitchApplicationSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._move(services.pitch_application_withdraw)


@extend_schema(tags=["meetings"])
@extend_schema_view(
    list=extend_schema(summary="Meeting slots of events you can see", parameters=[EVENT_PARAM]),
    retrieve=extend_schema(summary="One meeting slot"),
    destroy=extend_schema(
        summary="Remove a slot no meeting uses (organisers)",
        responses={204: None, **error_responses(401, 403, 404, 409)},
    ),
)
class MeetingSlotViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, _Base
):
    """Windows of an event's networking time, each with a number of tables."""

    serializer_class = MeetingSlotSerializer
    write_serializers = {"create": MeetingSlotCreateSerializer}
    ordering_fields = ["starts_at", "id"]
    ordering = ["starts_at", "id"]

    def get_queryset(self) -> QuerySet[MeetingSlot]:
        qs = networking.meeting_slots_visible_to(self.request.user)
        event = _event_filter(self.request)
        return qs.filter(event_id=event) if event is not None else qs

    @extend_schema(
        summary="Add a meeting slot (organisers)",
        request=MeetingSlotCreateSerializer,
        responses={201: MeetingSlotSerializer, **_WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = self.validated(
            MeetingSlotCreateSerializer(data=request.data, events=events_visible_to(request.user))
        )
        return self.represent(services.meeting_slot_create(actor=self.actor, **data), created=True)

    def perform_destroy(self, instance: MeetingSlot) -> None:
        services.meeting_slot_delete(actor=self.actor, slot=instance)


@extend_schema(tags=["meetings"])
@extend_schema_view(
    list=extend_schema(
        summary="1:1 meeting requests your organisations sent or received",
        parameters=[EVENT_PARAM],
    ),
    retrieve=extend_schema(summary="One meeting request"),
)
class MeetingRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _Base):
    """requested → accepted (a slot and a table, nobody double-booked) / declined /
    cancelled; accepted → cancelled. Accepted meetings appear in both personal feeds."""

    serializer_class = MeetingRequestSerializer
    write_serializers = {
        "create": MeetingRequestCreateSerializer,
        "decline": MeetingDeclineSerializer,
    }

    def get_queryset(self) -> QuerySet[MeetingRequest]:
        qs = networking.meetings_visible_to(self.request.user)
        event = _event_filter(self.request)
        return qs.filter(event_id=event) if event is not None else qs

    @extend_schema(
        summary="Ask another attending organisation for a 1:1 meeting (booked attendees)",
        request=MeetingRequestCreateSerializer,
        responses={201: MeetingRequestSerializer, **_WRITE_ERRORS},
    )
    def create(self, request: Request) -> Response:
        data = self.validated(
            MeetingRequestCreateSerializer(
                data=request.data,
                events=events_visible_to(request.user),
                mine=Organisation.objects.filter(memberships__user=self.actor),
            )
        )
        meeting = services.meeting_request_create(actor=self.actor, **data)
        return self.represent(meeting, created=True)

    def _move(self, service: Callable[..., MeetingRequest], **data: Any) -> Response:
        return self.represent(service(actor=self.actor, meeting=self.get_object(), **data))

    @extend_schema(
        summary="Accept (the invited organisation): gets the earliest free slot and table",
        request=None,
        responses={200: MeetingRequestSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._move(services.meeting_request_accept)

    @extend_schema(
        summary="Decline (the invited organisation)",
        request=MeetingDeclineSerializer,
        responses={200: MeetingRequestSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        data = self.validated(MeetingDeclineSerializer(data=request.data))
        return self._move(services.meeting_request_decline, **data)

    @extend_schema(
        summary="Cancel (either organisation)",
        request=None,
        responses={200: MeetingRequestSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._move(services.meeting_request_cancel)
