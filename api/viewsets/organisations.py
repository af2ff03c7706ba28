from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters.organisations import OrganisationFilterSet
from api.permissions import ObjectPermissions
from api.schema import error_responses
from api.serializers.organisations import (
    OrganisationCreateSerializer,
    OrganisationSerializer,
    OrganisationUpdateSerializer,
)
from api.viewsets.base import ReadWriteViewSet
from api.viewsets.memberships import OrganisationLeaveMixin
from exchange.models import Organisation
from exchange.permissions import ORG_CHANGE
from exchange.queries import organisations_for_api
from exchange.services import organisation_create, organisation_update


@extend_schema(tags=["organisations"])
@extend_schema_view(
    list=extend_schema(summary="Organisations on the exchange"),
    retrieve=extend_schema(
        summary="One organisation",
        responses={
            200: OrganisationSerializer,
            **error_responses(404),
        },
    ),
    create=extend_schema(
        summary="Create an organisation; you become its first admin",
        request=OrganisationCreateSerializer,
        responses={201: OrganisationSerializer, **error_responses(400, 401)},
    ),
    partial_update=extend_schema(
        summary="Change an organisation's details (its admins only)",
        request=OrganisationUpdateSerializer,
        responses={200: OrganisationSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
class OrganisationViewSet(
    OrganisationLeaveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ReadWriteViewSet,
):
    """Suppliers, councils, third-sector groups and other bodies. The slug never changes.

    Members, invitations and requests to join live under ``{slug}/`` (``api.viewsets.memberships``).
    """

    http_method_names = ["get", "post", "patch", "head", "options"]
    lookup_field = "slug"
    serializer_class = OrganisationSerializer
    permission_classes = [ObjectPermissions]
    filterset_class = OrganisationFilterSet
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name", "slug"]
    cursor_pagination = True
    modified_fields = ("updated_at",)
    object_permissions = {"partial_update": (ORG_CHANGE,)}
    write_serializers = {
        "create": OrganisationCreateSerializer,
        "partial_update": OrganisationUpdateSerializer,
    }

    def get_queryset(self) -> QuerySet[Organisation]:
        return organisations_for_api()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organisation = organisation_create(actor=self.actor, **serializer.validated_data)
        data = OrganisationSerializer(organisation, context=self.get_serializer_context()).data
        return Response(
            data, status=status.HTTP_201_CREATED, headers={"Location": str(data["url"])}
        )

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return Response(
            OrganisationSerializer(serializer.instance, context=self.get_serializer_context()).data
        )

    def perform_update(self, serializer: Any) -> None:
        serializer.instance = organisation_update(
            actor=self.actor,
            organisation=serializer.instance,
            **serializer.validated_data,
        )
