from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.schema import error_responses
from api.serializers.saved_searches import SavedSearchSerializer, SavedSearchWriteSerializer
from api.viewsets.base import ReadWriteViewSet
from listings import services
from listings.models import SavedSearch
from listings.queries import SearchParams

_WRITE: dict[str, Any] = {
    "request": SavedSearchWriteSerializer,
    "responses": {
        200: SavedSearchSerializer,
        201: SavedSearchSerializer,
        **error_responses(400, 401, 404),
    },
}


@extend_schema(tags=["saved searches"])
@extend_schema_view(
    list=extend_schema(summary="Your saved searches"),
    retrieve=extend_schema(summary="One of your saved searches"),
    create=extend_schema(
        summary="Save a search (alerts cover listings published from now)", **_WRITE
    ),
    partial_update=extend_schema(
        summary="Rename, change the search or the alert frequency", **_WRITE
    ),
    destroy=extend_schema(
        summary="Delete a saved search", responses={204: None, **error_responses(401, 404)}
    ),
)
class SavedSearchViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ReadWriteViewSet,
):
    """The caller's own saved searches; nobody else's are ever visible."""

    serializer_class = SavedSearchSerializer
    write_serializers = {
        "create": SavedSearchWriteSerializer,
        "partial_update": SavedSearchWriteSerializer,
    }
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_class = None
    ordering_fields = ["name", "created_at", "updated_at", "id"]
    ordering = ["name", "id"]
    modified_fields = ("updated_at",)

    def get_queryset(self) -> QuerySet[SavedSearch]:
        if not self.request.user.is_authenticated:
            return SavedSearch.objects.none()
        return SavedSearch.objects.filter(user_id=self.request.user.pk).order_by("name", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._validated(request, partial=False)
        saved = services.saved_search_create(
            actor=self.actor,
            name=data["name"],
            params=data.get("query", SearchParams()),
            **({"frequency": data["frequency"]} if "frequency" in data else {}),
        )
        return Response(self._read(saved), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self._validated(request, partial=True)
        saved = services.saved_search_update(
            actor=self.actor,
            saved=self.get_object(),
            name=data.get("name"),
            frequency=data.get("frequency"),
            params=data.get("query"),
        )
        return Response(self._read(saved))

    def perform_destroy(self, instance: SavedSearch) -> None:
        services.saved_search_delete(actor=self.actor, saved=instance)

    def _validated(self, request: Request, *, partial: bool) -> dict[str, Any]:
        serializer = SavedSearchWriteSerializer(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _read(self, saved: SavedSearch) -> dict[str, Any]:
        return dict(SavedSearchSerializer(saved, context=self.get_serializer_context()).data)
