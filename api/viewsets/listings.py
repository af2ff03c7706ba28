from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from api.filters.listings import ListingFilterSet
from api.permissions import ObjectPermissions
from api.schema import error_responses
from api.serializers.listings import (
    ListingCreateSerializer,
    ListingSerializer,
    ListingShareSerializer,
    ListingUpdateSerializer,
)
from api.serializers.matches import MatchedListingSerializer
from api.viewsets.base import ReadWriteViewSet
from api.viewsets.matches import MATCH_ACTIONS_PERMISSIONS, ListingMatchesMixin
from api.viewsets.search import SearchListMixin
from exchange.permissions import LISTING_CHANGE, LISTING_PUBLISH
from listings.models import Listing
from listings.queries import listings_for_api, similar_to_draft
from listings.services import (
    listing_archive,
    listing_close,
    listing_create,
    listing_publish,
    listing_share,
    listing_update,
)

_ERRORS = error_responses(400, 401, 403, 404, 409)


@extend_schema(tags=["listings"])
@extend_schema_view(
    list=extend_schema(
        summary="Listings you can see",
        description="Public listings for everyone; members-only and shared listings for "
        "members of the organisations concerned; drafts and archive for the owners.",
    ),
    retrieve=extend_schema(
        summary="One listing",
        responses={
            200: ListingSerializer,
            **error_responses(404),
        },
    ),
    create=extend_schema(
        summary="Create a draft listing for one of your organisations",
        request=ListingCreateSerializer,
        responses={201: ListingSerializer, **error_responses(400, 401, 403)},
    ),
    update=extend_schema(
        summary="Replace a listing's content",
        request=ListingUpdateSerializer,
        responses={200: ListingSerializer, **_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change some of a listing's content",
        request=ListingUpdateSerializer,
        responses={200: ListingSerializer, **_ERRORS},
    ),
)
class ListingViewSet(
    ListingMatchesMixin,
    SearchListMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ReadWriteViewSet,
):
    """Listings: ideas, requests, products and services."""

    serializer_class = ListingSerializer
    permission_classes = [ObjectPermissions]
    filterset_class = ListingFilterSet
    ordering_fields = ["published_at", "updated_at", "created_at", "title", "id"]
    ordering = ["-published_at", "-id"]
    cursor_pagination = True
    # A draft has no published_at: for the cursor it counts as published when created.
    cursor_substitutes = {"published_at": Coalesce("published_at", "created_at")}
    modified_fields = ("updated_at",)
    object_permissions = {
        "update": (LISTING_CHANGE,),
        "partial_update": (LISTING_CHANGE,),
        "share": (LISTING_CHANGE,),
        "publish": (LISTING_PUBLISH,),
        "close": (LISTING_PUBLISH,),
        "archive": (LISTING_PUBLISH,),
        **MATCH_ACTIONS_PERMISSIONS,
    }
    write_serializers: dict[str, type[BaseSerializer[Any]]] = {
        "create": ListingCreateSerializer,
        "update": ListingUpdateSerializer,
        "partial_update": ListingUpdateSerializer,
        "share": ListingShareSerializer,
    }

    def get_queryset(self) -> QuerySet[Listing]:
        return listings_for_api(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        data = self._represent(cast(Listing, serializer.instance))
        return Response(
            data, status=status.HTTP_201_CREATED, headers={"Location": str(data["url"])}
        )

    def perform_create(self, serializer: Any) -> None:
        serializer.instance = listing_create(actor=self.actor, **serializer.service_arguments())

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(self._represent(cast(Listing, serializer.instance)))

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = listing_update(
            actor=self.actor,
            listing=serializer.instance,
            **serializer.service_arguments(),
        )

    @extend_schema(
        summary="Publish a draft or re-open a closed listing",
        request=None,
        responses={200: ListingSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(listing_publish)

    @extend_schema(
        summary="Close a published listing (still visible, no longer open)",
        request=None,
        responses={200: ListingSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(listing_close)

    @extend_schema(
        summary="Archive a listing (final; hidden from all but its organisation)",
        request=None,
        responses={200: ListingSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str | None = None) -> Response:
        return self._transition(listing_archive)

    @extend_schema(
        summary="Share a listing with named organisations only",
        request=ListingShareSerializer,
        responses={200: ListingSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def share(self, request: Request, pk: str | None = None) -> Response:
        listing = self.get_object()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        listing = listing_share(
            actor=self.actor,
            listing=listing,
            organisations=serializer.validated_data["shared_with"],
        )
        return Response(self._represent(listing))

    @extend_schema(
        summary="Listings like the one you are writing (the hint on the listing form)",
        description="Up to 5 published listings you may see whose words overlap the title and "
        "summary so far, best first; empty until they hold 8 characters.",
        parameters=[
            OpenApiParameter("title", str, description="The title so far."),
            OpenApiParameter("summary", str, description="The summary so far."),
        ],
        responses={200: MatchedListingSerializer(many=True), **error_responses(401)},
    )
    @action(
        detail=False,
        methods=["get"],
        pagination_class=None,
        filter_backends=[],
        permission_classes=[permissions.IsAuthenticated],
    )
    def similar(self, request: Request) -> Response:
        found = similar_to_draft(
            request.user,
            title=request.query_params.get("title", ""),
            summary=request.query_params.get("summary", ""),
        )
        context = self.get_serializer_context()
        return Response(MatchedListingSerializer(found, many=True, context=context).data)

    def _transition(self, service: Callable[..., Listing]) -> Response:
        listing = service(actor=self.actor, listing=self.get_object())
        return Response(self._represent(listing))

    def _represent(self, listing: Listing) -> dict[str, Any]:
        # Read back through the visibility query so a write answers exactly what a GET would.
        fresh = self.get_queryset().filter(pk=listing.pk).first() or listing
        return ListingSerializer(fresh, context=self.get_serializer_context()).data
