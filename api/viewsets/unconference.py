"""Unconference rooms and slots (organisers write, anyone who sees the event reads),
sessions (propose, withdraw, vote, star; organisers move and pin) and the schedule of an
event (the grid; organisers run the scheduler and publish). Every write is a service.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from api.filters.unconference import RoomFilterSet, SessionFilterSet, SlotFilterSet
from api.schema import error_responses
from api.serializers.unconference import (
    RoomCreateSerializer,
    RoomSerializer,
    RoomUpdateSerializer,
    SchedulePublishSerializer,
    ScheduleRunSerializer,
    ScheduleSerializer,
    SessionMoveResultSerializer,
    SessionMoveSerializer,
    SessionNotesSerializer,
    SessionProposeSerializer,
    SessionSerializer,
    SessionVoteResultSerializer,
    SlotCreateSerializer,
    SlotSerializer,
    SlotUpdateSerializer,
    VoteBudgetSerializer,
)
from api.viewsets.base import ReadWriteViewSet
from events import queries
from events.enums import EventKind
from events.models import Event, Room, SessionProposal, Slot
from events.services import unconference as uc
from listings.queries import member_organisation_ids

_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


def _organiser_event_ids(user: Any, event_ids: set[int]) -> set[int]:
    """The events among ``event_ids`` that ``user`` organises (one query)."""
    if not user.is_authenticated or not event_ids:
        return set()
    if user.is_superuser:
        return event_ids
    orgs = member_organisation_ids(user)
    return set(
        Event.objects.filter(pk__in=event_ids, organiser_id__in=orgs).values_list("pk", flat=True)
    )


class _GridPartViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ReadWriteViewSet,
):
    """A room or a time slot of the grid: anyone who sees the event reads it; organisers add,
    change and remove it, each through its one service (which checks who may)."""

    serializer_class: type[BaseSerializer[Any]]  # what is read back
    part: str  # the services' keyword for the object: "room", "slot"
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    # The services, as static methods: create(actor, **input), update(actor, <part>, **input),
    # delete(actor, <part>).
    create_part: Callable[..., Any]
    update_part: Callable[..., Any]
    delete_part: Callable[..., Any]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.write_serializers["create"](
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        part = self.create_part(actor=self.actor, **serializer.validated_data)
        return Response(self.serializer_class(part).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.write_serializers["partial_update"](data=request.data)
        serializer.is_valid(raise_exception=True)
        part = self.update_part(
            actor=self.actor, **{self.part: self.get_object()}, **serializer.validated_data
        )
        return Response(self.serializer_class(part).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.delete_part(actor=self.actor, **{self.part: self.get_object()})
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["unconference"])
@extend_schema_view(
    list=extend_schema(summary="Rooms of unconferences you can see (filter by ?event=)"),
    retrieve=extend_schema(summary="One room"),
    create=extend_schema(
        summary="Add a room (organisers)",
        request=RoomCreateSerializer,
        responses={201: RoomSerializer, **error_responses(400, 401, 403, 409)},
    ),
    partial_update=extend_schema(
        summary="Rename, resize or reorder a room (organisers)",
        request=RoomUpdateSerializer,
        responses={200: RoomSerializer, **_WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Remove a room; its sessions lose their place (organisers)",
        responses={204: None, **error_responses(401, 403, 404, 409)},
    ),
)
class RoomViewSet(_GridPartViewSet):
    serializer_class = RoomSerializer
    write_serializers = {"create": RoomCreateSerializer, "partial_update": RoomUpdateSerializer}
    filterset_class = RoomFilterSet
    part = "room"
    create_part = staticmethod(uc.room_create)
    update_part = staticmethod(uc.room_update)
    delete_part = staticmethod(uc.room_delete)

    def get_queryset(self) -> QuerySet[Room]:
        return queries.rooms_for_api(self.request.user)


@extend_schema(tags=["unconference"])
@extend_schema_view(
    list=extend_schema(summary="Time slots of unconferences you can see (filter by ?event=)"),
    retrieve=extend_schema(summary="One time slot"),
    create=extend_schema(
        summary="Add a time slot within the event (organisers)",
        request=SlotCreateSerializer,
        responses={201: SlotSerializer, **error_responses(400, 401, 403, 409)},
    ),
    partial_update=extend_schema(
        summary="Move a time slot (organisers)",
        request=SlotUpdateSerializer,
        responses={200: SlotSerializer, **_WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Remove a time slot; its sessions lose their place (organisers)",
        responses={204: None, **error_responses(401, 403, 404, 409)},
    ),
)
class SlotViewSet(_GridPartViewSet):
    serializer_class = SlotSerializer
    write_serializers = {"create": SlotCreateSerializer, "partial_update": SlotUpdateSerializer}
    filterset_class = SlotFilterSet
    part = "slot"
    create_part = staticmethod(uc.slot_create)
    update_part = staticmethod(uc.slot_update)
    delete_part = staticmethod(uc.slot_delete)

    def get_queryset(self) -> QuerySet[Slot]:
        return queries.slots_for_api(self.request.user)


@extend_schema(tags=["unconference"])
@extend_schema_view(
    list=extend_schema(
        summary="Sessions of unconferences you can see (filter by ?event=)",
        description="Proposed sessions for everyone who sees the event; withdrawn ones for "
        "their proposer and the organisers. Room and slot show once the schedule is published.",
    ),
    retrieve=extend_schema(summary="One session"),
    create=extend_schema(
        summary="Propose a session (people with a confirmed place)",
        request=SessionProposeSerializer,
        responses={201: SessionSerializer, **error_responses(400, 401, 403, 409)},
    ),
)
class SessionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ReadWriteViewSet
):
    serializer_class = SessionSerializer
    write_serializers = {
        "create": SessionProposeSerializer,
        "move": SessionMoveSerializer,
        "pin": SessionMoveSerializer,
        "notes": SessionNotesSerializer,
    }
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_class = SessionFilterSet
    ordering_fields = ["vote_count", "created_at", "id"]
    ordering = ["-vote_count", "id"]
    modified_fields = ("updated_at",)

    def get_queryset(self) -> QuerySet[SessionProposal]:
        return queries.sessions_for_api(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        sessions = [*(page if page is not None else queryset)]
        serializer = self.get_serializer(sessions, many=True, context=self._context(sessions))
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._represent(self.get_object()))

    def etag_data(self, obj: Any) -> Any:
        return self._represent(obj)

    def _context(self, sessions: Sequence[SessionProposal]) -> dict[str, Any]:
        event_ids = {s.event_id for s in sessions}
        return {
            **self.get_serializer_context(),
            "organiser_event_ids": _organiser_event_ids(self.request.user, event_ids),
        }

    def _represent(self, session: SessionProposal, **extra: Any) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=session.pk)
        data = dict(SessionSerializer(fresh, context=self._context([fresh])).data)
        return {**data, **extra}

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = SessionProposeSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        session = uc.session_propose(actor=self.actor, **serializer.service_arguments())
        return Response(self._represent(session), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Withdraw your session (its votes go back to the voters)",
        request=None,
        responses={200: SessionSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        session = uc.session_withdraw(actor=self.actor, session=self.get_object())
        return Response(self._represent(session))

    def _vote_result(self, session: SessionProposal) -> Response:
        votes_left = queries.votes_left(self.actor, session.event)
        return Response(self._represent(session, votes_left=votes_left))

    @extend_schema(
        summary="Vote for a session (one vote each, within the event's vote budget)",
        request=None,
        responses={200: SessionVoteResultSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def vote(self, request: Request, pk: str | None = None) -> Response:
        return self._vote_result(uc.session_vote(actor=self.actor, session=self.get_object()))

    @extend_schema(
        summary="Take your vote back",
        request=None,
        responses={200: SessionVoteResultSerializer, **error_responses(401, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def unvote(self, request: Request, pk: str | None = None) -> Response:
        return self._vote_result(uc.session_unvote(actor=self.actor, session=self.get_object()))

    @extend_schema(
        summary="Star a session: once scheduled it is in your personal calendar feed",
        request=None,
        responses={200: SessionSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def star(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        uc.session_star(actor=self.actor, session=session)
        return Response(self._represent(session))

    @extend_schema(
        summary="Remove your star",
        request=None,
        responses={200: SessionSerializer, **error_responses(401, 404)},
    )
    @action(detail=True, methods=["post"])
    def unstar(self, request: Request, pk: str | None = None) -> Response:
        session = self.get_object()
        uc.session_unstar(actor=self.actor, session=session)
        return Response(self._represent(session))

    def _move(self, request: Request, *, pin: bool) -> Response:
        serializer = SessionMoveSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        service = uc.session_pin if pin else uc.session_move
        result = service(actor=self.actor, session=self.get_object(), **serializer.validated_data)
        return Response({"session": self._represent(result.session), "warnings": result.warnings})

    @extend_schema(
        summary="Move a session to a room and slot, or out of the grid (organisers)",
        description="An occupied cell is refused (409). Clashes that are allowed come back as "
        "warnings: the proposer speaking twice at once, a room smaller than the vote count.",
        request=SessionMoveSerializer,
        responses={200: SessionMoveResultSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def move(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, pin=False)

    @extend_schema(
        summary="Pin a session to a cell the scheduler keeps, or unpin with nulls (organisers)",
        request=SessionMoveSerializer,
        responses={200: SessionMoveResultSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def pin(self, request: Request, pk: str | None = None) -> Response:
        return self._move(request, pin=True)

    @extend_schema(
        summary="Record notes and outputs (the proposer, once the event has started)",
        request=SessionNotesSerializer,
        responses={200: SessionSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, pk: str | None = None) -> Response:
        serializer = SessionNotesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = uc.session_notes_update(
            actor=self.actor,
            session=self.get_object(),
            notes=serializer.validated_data["notes"],
            output_links=serializer.validated_data.get("output_links", []),
        )
        return Response(self._represent(session))


@extend_schema(tags=["unconference"])
@extend_schema_view(
    retrieve=extend_schema(
        summary="The rooms × slots grid of an unconference (by event id)",
        description="Rows appear once the schedule is published; organisers see the working "
        "grid at any time.",
    ),
)
class ScheduleViewSet(mixins.RetrieveModelMixin, ReadWriteViewSet):
    serializer_class = ScheduleSerializer
    write_serializers = {"vote_budget": VoteBudgetSerializer}
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_class = None
    modified_fields = ("last_modified",)

    def get_queryset(self) -> QuerySet[Event]:
        return queries.events_visible_to(self.request.user).filter(kind=EventKind.UNCONFERENCE)

    def _grid(self, event: Event) -> dict[str, Any]:
        user = self.request.user
        if event.schedule_published_at is not None:
            grid = queries.published_grid(event, user)
        elif queries.is_event_organiser(user, event):
            grid = queries.schedule_grid(event)
        else:
            grid = None
        return dict(
            ScheduleSerializer(
                {
                    "event": event.pk,
                    "published_at": event.schedule_published_at,
                    "vote_budget": event.vote_budget,
                    "rooms": grid.rooms if grid else list(queries.rooms_of(event)),
                    "rows": grid.rows if grid else [],
                }
            ).data
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._grid(self.get_object()))

    def etag_data(self, obj: Any) -> Any:
        return self._grid(obj)

    @extend_schema(
        summary="Run the scheduler (organisers): placements stored, the unplaced explained",
        request=None,
        responses={200: ScheduleRunSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def run(self, request: Request, pk: str | None = None) -> Response:
        result = uc.schedule_run(actor=self.actor, event=self.get_object())
        return Response(ScheduleRunSerializer(result).data)

    @extend_schema(
        summary="Publish the grid (organisers): attendees are notified, feeds update",
        request=None,
        responses={200: SchedulePublishSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        event = self.get_object()
        notified = uc.schedule_publish(actor=self.actor, event=event)
        event.refresh_from_db(fields=["schedule_published_at"])
        return Response(
            SchedulePublishSerializer(
                {"published_at": event.schedule_published_at, "notified": notified}
            ).data
        )

    @extend_schema(
        summary="Set how many sessions each attendee may vote for (organisers)",
        request=VoteBudgetSerializer,
        responses={200: VoteBudgetSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="vote-budget")
    def vote_budget(self, request: Request, pk: str | None = None) -> Response:
        serializer = VoteBudgetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = uc.vote_budget_set(
            actor=self.actor,
            event=self.get_object(),
            vote_budget=serializer.validated_data["vote_budget"],
        )
        return Response({"vote_budget": event.vote_budget})
