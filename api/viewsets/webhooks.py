"""Outgoing webhook endpoints of the organisations the caller administers."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response

from api.models import WebhookDelivery, WebhookEndpoint
from api.schema import error_responses
from api.serializers.webhooks import (
    WebhookDeliverySerializer,
    WebhookEndpointCreatedSerializer,
    WebhookEndpointSerializer,
    WebhookEndpointWriteSerializer,
)
from api.viewsets.base import ReadWriteViewSet
from api.webhooks import services
from exchange.enums import Role
from exchange.models import Membership

_WRITE: dict[str, Any] = {
    "request": WebhookEndpointWriteSerializer,
    "responses": {200: WebhookEndpointSerializer, **error_responses(400, 401, 403, 404)},
}


@extend_schema(tags=["webhooks"])
@extend_schema_view(
    list=extend_schema(summary="Webhook endpoints of the organisations you administer"),
    retrieve=extend_schema(summary="One webhook endpoint"),
    create=extend_schema(
        summary="Register an endpoint (the response shows its signing secret, once)",
        request=WebhookEndpointWriteSerializer,
        responses={201: WebhookEndpointCreatedSerializer, **error_responses(400, 401, 403)},
    ),
    partial_update=extend_schema(
        summary="Change the URL or event types, or switch the endpoint on or off", **_WRITE
    ),
    destroy=extend_schema(
        summary="Delete an endpoint and its delivery log",
        responses={204: None, **error_responses(401, 403, 404)},
    ),
    deliveries=extend_schema(
        summary="The endpoint's delivery log, newest first",
        responses={200: WebhookDeliverySerializer(many=True), **error_responses(401, 404)},
    ),
    redeliver=extend_schema(
        summary="Send a finished delivery again, now (same delivery id)",
        request=None,
        responses={202: WebhookDeliverySerializer, **error_responses(401, 404, 409)},
    ),
)
class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    ReadWriteViewSet,
):
    """Only admins of the owning organisation see or change an endpoint; everybody else
    gets 404 (creating one for an organisation you do not administer answers 403)."""

    serializer_class = WebhookEndpointSerializer
    write_serializers = {
        "create": WebhookEndpointWriteSerializer,
        "partial_update": WebhookEndpointWriteSerializer,
    }
    permission_classes = [permissions.IsAuthenticated]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_class = None
    ordering_fields = ["created_at", "id"]
    ordering = ["created_at", "id"]
    modified_fields = ("updated_at",)

    def get_queryset(self) -> QuerySet[WebhookEndpoint]:
        user = self.request.user
        if not user.is_authenticated:
            return WebhookEndpoint.objects.none()
        qs = WebhookEndpoint.objects.select_related("organisation").order_by("created_at", "pk")
        if user.is_superuser:
            return qs
        administered = Membership.objects.filter(user_id=user.pk, role=Role.ADMIN).values(
            "organisation_id"
        )
        return qs.filter(organisation_id__in=administered)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = WebhookEndpointWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        endpoint, secret = services.webhook_endpoint_create(
            actor=self.actor,
            organisation=data["organisation"],
            url=data["url"],
            event_types=data["event_types"],
            description=data.get("description", ""),
        )
        endpoint.secret = secret
        body = WebhookEndpointCreatedSerializer(endpoint, context=self.get_serializer_context())
        return Response(body.data, status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        endpoint = self.get_object()
        serializer = WebhookEndpointWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        endpoint = services.webhook_endpoint_update(
            actor=self.actor,
            endpoint=endpoint,
            url=data.get("url"),
            event_types=data.get("event_types"),
            description=data.get("description"),
            is_active=data.get("is_active"),
        )
        return Response(self._read(endpoint))

    def perform_destroy(self, instance: WebhookEndpoint) -> None:
        services.webhook_endpoint_delete(actor=self.actor, endpoint=instance)

    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        endpoint = self.get_object()
        qs = WebhookDelivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-id")
        page = self.paginate_queryset(qs)
        serializer = WebhookDeliverySerializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    @action(
        detail=True,
        methods=["post"],
        url_path=r"deliveries/(?P<delivery_pk>[0-9]+)/redeliver",
    )
    def redeliver(self, request: Request, pk: str | None = None, delivery_pk: str = "") -> Response:
        endpoint = self.get_object()
        delivery = get_object_or_404(WebhookDelivery, endpoint=endpoint, pk=delivery_pk)
        delivery = services.webhook_delivery_redeliver(actor=self.actor, delivery=delivery)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    def _read(self, endpoint: WebhookEndpoint) -> dict[str, Any]:
        return dict(WebhookEndpointSerializer(endpoint, context=self.get_serializer_context()).data)
