"""Pilot requests: the state machine, the transition log and the message thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Prefetch, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from guardian.core import ObjectPermissionChecker
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters.workflows import PilotFilterSet
from api.permissions import ObjectPermissions
from api.schema import error_responses
from api.serializers.case_studies import CaseStudySerializer
from api.serializers.pilots import (
    PilotCancelSerializer,
    PilotCompleteSerializer,
    PilotCreateSerializer,
    PilotDeclineSerializer,
    PilotMessageCreateSerializer,
    PilotMessageSerializer,
    PilotNoteSerializer,
    PilotSerializer,
)
from api.viewsets.workflow_base import WorkflowViewSet
from listings import workflows
from listings.models import PilotRequest, PilotTransition
from listings.permissions import PILOT_VIEW
from listings.queries import pilot_messages, pilots_visible_to

_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)
_MOVED = {200: PilotSerializer, **_WRITE_ERRORS}


@extend_schema(tags=["pilots"])
@extend_schema_view(
    list=extend_schema(
        summary="Pilots between your organisations and others",
        description="`side=asked_for` for the pilots your organisations asked for, "
        "`side=asked_of` for those asked of them. Co-owners of a request also see the pilots "
        "that answer it. Each pilot lists the transitions you may make now in `actions`.",
    ),
    retrieve=extend_schema(
        summary="One pilot with its history",
        responses={200: PilotSerializer, **error_responses(404)},
    ),
    create=extend_schema(
        summary="Ask the supplier of an offer for a pilot (councils and third sector)",
        request=PilotCreateSerializer,
        responses={201: PilotSerializer, **_WRITE_ERRORS},
    ),
)
class PilotViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, WorkflowViewSet
):
    """requested → accepted / declined / withdrawn; accepted → active → completed; accepted or
    active → cancelled. The supplier answers; the requester runs; either may cancel."""

    serializer_class = PilotSerializer
    permission_classes = [ObjectPermissions]
    # Rights are checked by the services (guardian permissions per side); the object
    # permission here makes an action by the wrong side a 403 before the state is examined.
    object_permissions = {
        name: (transition.perm,) for name, transition in workflows.PILOT_ACTIONS.items()
    } | {"messages": (), "case_study": (PILOT_VIEW,)}
    write_serializers = {
        "create": PilotCreateSerializer,
        "accept": PilotNoteSerializer,
        "decline": PilotDeclineSerializer,
        "withdraw": PilotNoteSerializer,
        "start": PilotNoteSerializer,
        "complete": PilotCompleteSerializer,
        "cancel": PilotCancelSerializer,
        "messages": PilotMessageCreateSerializer,
    }
    filterset_class = PilotFilterSet
    ordering_fields = ["created_at", "updated_at", "id"]
    ordering = ["-created_at", "-id"]
    modified_fields = ("updated_at",)

    def get_queryset(self) -> QuerySet[PilotRequest]:
        transitions = PilotTransition.objects.select_related("actor", "organisation").order_by(
            "created_at", "id"
        )
        return pilots_visible_to(self.request.user).prefetch_related(
            Prefetch("transitions", queryset=transitions)
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        user = self.request.user
        if user.is_authenticated:
            context["permission_checker"] = ObjectPermissionChecker(user)
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        assert page is not None  # noqa: S101  (the API always paginates)
        context = self.get_serializer_context()
        checker = context.get("permission_checker")
        if checker is not None and page:
            checker.prefetch_perms(page)  # one query for the whole page, not one per pilot
        return self.get_paginated_response(PilotSerializer(page, many=True, context=context).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(PilotCreateSerializer)
        pilot = workflows.pilot_request_create(actor=self.actor, **data)
        return self.represent(pilot, created=True)

    def _move(self, service: Callable[..., PilotRequest], serializer: type[Any]) -> Response:
        pilot = self.get_object()
        data = self.validated(serializer)
        return self.represent(service(actor=self.actor, pilot=pilot, **data))

    @extend_schema(summary="Supplier: accept", request=PilotNoteSerializer, responses=_MOVED)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._move(workflows.pilot_accept, PilotNoteSerializer)

    @extend_schema(
        summary="Supplier: decline with a reason", request=PilotDeclineSerializer, responses=_MOVED
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self._move(workflows.pilot_decline, PilotDeclineSerializer)

    @extend_schema(
        summary="Requester: withdraw the request", request=PilotNoteSerializer, responses=_MOVED
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        return self._move(workflows.pilot_withdraw, PilotNoteSerializer)

    @extend_schema(
        summary="Requester: start the accepted pilot", request=PilotNoteSerializer, responses=_MOVED
    )
    @action(detail=True, methods=["post"])
    def start(self, request: Request, pk: str | None = None) -> Response:
        return self._move(workflows.pilot_start, PilotNoteSerializer)

    @extend_schema(
        summary="Requester: complete with an outcome and a report",
        request=PilotCompleteSerializer,
        responses=_MOVED,
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str | None = None) -> Response:
        return self._move(workflows.pilot_complete, PilotCompleteSerializer)

    @extend_schema(
        summary="Either side: cancel an accepted or active pilot",
        request=PilotCancelSerializer,
        responses=_MOVED,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return self._move(workflows.pilot_cancel, PilotCancelSerializer)

    @extend_schema(
        summary="The message thread (GET) or a new message (POST, either side)",
        request=PilotMessageCreateSerializer,
        responses={
            200: PilotMessageSerializer(many=True),
            201: PilotMessageSerializer,
            **_WRITE_ERRORS,
        },
    )
    @action(detail=True, methods=["get", "post"])
    def messages(self, request: Request, pk: str | None = None) -> Response:
        pilot = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            data = self.validated(PilotMessageCreateSerializer)
            message = workflows.pilot_message_post(actor=self.actor, pilot=pilot, **data)
            return Response(
                PilotMessageSerializer(message, context=context).data,
                status=status.HTTP_201_CREATED,
            )
        page = self.paginate_queryset(pilot_messages(pilot))
        data = PilotMessageSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)

    @extend_schema(
        summary="Draft a case study from the completed pilot (pre-filled)",
        request=None,
        responses={201: CaseStudySerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="case-study")
    def case_study(self, request: Request, pk: str | None = None) -> Response:
        case_study = workflows.case_study_draft_from_pilot(
            actor=self.actor, pilot=self.get_object()
        )
        return Response(
            CaseStudySerializer(case_study, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )
