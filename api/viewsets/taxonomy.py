from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from api.filters.taxonomy import NeedFilterSet
from api.schema import error_responses
from api.serializers.taxonomy import NeedAreaSerializer, NeedSerializer, TagSerializer
from api.viewsets.base import ReadWriteViewSet
from exchange.models import Need, NeedArea, Tag
from exchange.queries import need_areas_for_api, needs_for_api
from listings.queries import tags_in_use


@extend_schema(tags=["taxonomy"])
@extend_schema_view(
    list=extend_schema(summary="Tags in use on listings you can see"),
    retrieve=extend_schema(
        summary="One tag",
        responses={
            200: TagSerializer,
            **error_responses(404),
        },
    ),
)
class TagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ReadWriteViewSet):
    """The free folksonomy. Merged tags are synonyms of their target and are not listed."""

    lookup_field = "slug"
    serializer_class = TagSerializer
    ordering_fields = ["slug", "name", "listing_count"]
    ordering = ["slug"]
    # Tags are never edited in place (a merge makes a synonym): creation is their change.
    modified_fields = ("created_at",)

    def get_queryset(self) -> QuerySet[Tag]:
        return tags_in_use(self.request.user)


@extend_schema(tags=["taxonomy"])
@extend_schema_view(
    list=extend_schema(summary="The needs vocabulary"),
    retrieve=extend_schema(
        summary="One need",
        responses={
            200: NeedSerializer,
            **error_responses(404),
        },
    ),
)
class NeedViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ReadWriteViewSet):
    """Needs and capabilities of public services: the controlled, two-level vocabulary."""

    lookup_field = "slug"
    serializer_class = NeedSerializer
    filterset_class = NeedFilterSet
    ordering_fields = ["slug", "name"]
    ordering = ["area__position", "position", "name"]
    # The vocabulary has no per-row timestamp (it changes with a release): modified_since is
    # validated but selects every need.

    def get_queryset(self) -> QuerySet[Need]:
        return needs_for_api()


@extend_schema(tags=["taxonomy"])
@extend_schema_view(
    list=extend_schema(summary="Areas of the needs vocabulary, with their needs"),
    retrieve=extend_schema(
        summary="One need area",
        responses={
            200: NeedAreaSerializer,
            **error_responses(404),
        },
    ),
)
class NeedAreaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ReadWriteViewSet):
    """Public-service areas, the first level of the needs vocabulary."""

    lookup_field = "slug"
    serializer_class = NeedAreaSerializer
    ordering_fields = ["slug", "name"]
    ordering = ["position", "name"]

    def get_queryset(self) -> QuerySet[NeedArea]:
        return need_areas_for_api()
