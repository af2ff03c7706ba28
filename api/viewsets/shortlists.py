"""Shortlists: shared within an organisation, with items, order, outcome and CSV export."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters.workflows import ShortlistFilterSet
from api.permissions import ObjectPermissions
from api.schema import error_responses
from api.serializers.shortlists import (
    ShortlistCreateSerializer,
    ShortlistEventSerializer,
    ShortlistItemCreateSerializer,
    ShortlistItemNoteSerializer,
    ShortlistOutcomeSerializer,
    ShortlistRenameSerializer,
    ShortlistReorderSerializer,
    ShortlistSerializer,
)
from api.viewsets.workflow_base import WorkflowViewSet
from listings import workflows
from listings.exports import shortlist_csv
from listings.models import Shortlist, ShortlistItem
from listings.permissions import SHORTLIST_CHANGE
from listings.queries import shortlist_items, shortlists_with_items

_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


@extend_schema(tags=["shortlists"])
@extend_schema_view(
    list=extend_schema(summary="Your organisations' shortlists"),
    retrieve=extend_schema(
        summary="One shortlist with its items",
        responses={200: ShortlistSerializer, **error_responses(404)},
    ),
    create=extend_schema(
        summary="Create a shortlist shared with your colleagues",
        request=ShortlistCreateSerializer,
        responses={201: ShortlistSerializer, **error_responses(400, 401, 403)},
    ),
    partial_update=extend_schema(
        summary="Rename or describe a shortlist",
        request=ShortlistRenameSerializer,
        responses={200: ShortlistSerializer, **_WRITE_ERRORS},
    ),
)
class ShortlistViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    WorkflowViewSet,
):
    """Shortlists belong to an organisation: every member sees and edits them, nobody else."""

    serializer_class = ShortlistSerializer
    permission_classes = [ObjectPermissions]
    write_serializers = {
        "create": ShortlistCreateSerializer,
        "partial_update": ShortlistRenameSerializer,
        "items": ShortlistItemCreateSerializer,
        "item": ShortlistItemNoteSerializer,
        "reorder": ShortlistReorderSerializer,
        "outcome": ShortlistOutcomeSerializer,
    }
    object_permissions = {
        "partial_update": (SHORTLIST_CHANGE,),
        "items": (SHORTLIST_CHANGE,),
        "item": (SHORTLIST_CHANGE,),
        "reorder": (SHORTLIST_CHANGE,),
        "outcome": (SHORTLIST_CHANGE,),
    }
    filterset_class = ShortlistFilterSet
    ordering_fields = ["name", "updated_at", "created_at", "id"]
    ordering = ["name", "id"]
    modified_fields = ("updated_at",)
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Shortlist]:
        return shortlists_with_items(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(ShortlistCreateSerializer)
        return self.represent(workflows.shortlist_create(actor=self.actor, **data), created=True)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        shortlist = self.get_object()
        data = self.validated(ShortlistRenameSerializer)
        return self.represent(
            workflows.shortlist_rename(actor=self.actor, shortlist=shortlist, **data)
        )

    @extend_schema(
        summary="Add a listing, with a note",
        request=ShortlistItemCreateSerializer,
        responses={201: ShortlistSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def items(self, request: Request, pk: str | None = None) -> Response:
        shortlist = self.get_object()
        data = self.validated(ShortlistItemCreateSerializer)
        workflows.shortlist_item_add(actor=self.actor, shortlist=shortlist, **data)
        return self.represent(shortlist, created=True)

    @extend_schema(
        summary="Change an item's note (PATCH) or remove it (DELETE)",
        request=ShortlistItemNoteSerializer,
        responses={200: ShortlistSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["patch", "delete"], url_path=r"items/(?P<item_id>\d+)")
    def item(self, request: Request, pk: str | None = None, item_id: str = "") -> Response:
        shortlist = self.get_object()
        item = get_object_or_404(ShortlistItem, pk=item_id, shortlist=shortlist)
        if request.method == "DELETE":
            workflows.shortlist_item_remove(actor=self.actor, item=item)
        else:
            data = self.validated(ShortlistItemNoteSerializer)
            workflows.shortlist_item_note(actor=self.actor, item=item, **data)
        return self.represent(shortlist)

    @extend_schema(
        summary="Put the items in a new order",
        request=ShortlistReorderSerializer,
        responses={200: ShortlistSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reorder(self, request: Request, pk: str | None = None) -> Response:
        shortlist = self.get_object()
        data = self.validated(ShortlistReorderSerializer)
        workflows.shortlist_reorder(actor=self.actor, shortlist=shortlist, item_ids=data["items"])
        return self.represent(shortlist)

    @extend_schema(
        summary="Record the outcome (final): chosen, none suitable or cancelled",
        request=ShortlistOutcomeSerializer,
        responses={200: ShortlistSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str | None = None) -> Response:
        shortlist = self.get_object()
        data = self.validated(ShortlistOutcomeSerializer)
        return self.represent(
            workflows.shortlist_outcome_record(actor=self.actor, shortlist=shortlist, **data)
        )

    @extend_schema(
        summary="The audit trail",
        responses={200: ShortlistEventSerializer(many=True), **error_responses(404)},
    )
    @action(detail=True, methods=["get"])
    def events(self, request: Request, pk: str | None = None) -> Response:
        shortlist = self.get_object()
        events = shortlist.events.select_related("actor").order_by("created_at", "id")
        return Response(ShortlistEventSerializer(events, many=True).data)

    @extend_schema(
        summary="The shortlist as CSV",
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR), **error_responses(404)},
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str | None = None) -> HttpResponse:
        shortlist = self.get_object()
        response = HttpResponse(
            shortlist_csv(shortlist, shortlist_items(request.user, shortlist)),
            content_type="text/csv; charset=utf-8",
            status=status.HTTP_200_OK,
        )
        name = slugify(shortlist.name) or "shortlist"
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
