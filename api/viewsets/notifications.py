"""The caller's notifications (list, read, mark read) and email delivery preferences."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.schema import error_responses
from api.serializers.notifications import (
    MarkedSerializer,
    MarkReadSerializer,
    NotificationPreferencesSerializer,
    NotificationSerializer,
)
from api.viewsets.base import ReadWriteViewSet
from exchange.enums import NotificationKind
from exchange.models import Notification
from exchange.notifications import (
    notification_preferences_set,
    notifications_mark_read,
    preferences_for,
)
from exchange.queries import notifications_of


class NotificationFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=NotificationKind.choices)
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", help_text="Unread.")

    class Meta:
        model = Notification
        fields = ["kind", "unread"]


@extend_schema(tags=["notifications"])
@extend_schema_view(
    list=extend_schema(summary="Your notifications, newest first"),
    retrieve=extend_schema(
        summary="One of your notifications",
        responses={200: NotificationSerializer, **error_responses(401, 404)},
    ),
)
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ReadWriteViewSet):
    """What the notification centre shows. Nobody sees anyone else's."""

    serializer_class = NotificationSerializer
    write_serializers = {
        "mark_read": MarkReadSerializer,
        "preferences": NotificationPreferencesSerializer,
    }
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = NotificationFilterSet
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]
    cursor_pagination = True
    # No updated_at: a notification changes only when it is read.
    modified_fields = ("created_at", "read_at")

    def get_queryset(self) -> QuerySet[Notification]:
        return notifications_of(self.request.user)

    @extend_schema(
        summary="Mark notifications read (the listed ids, or all unread)",
        request=MarkReadSerializer,
        responses={200: MarkedSerializer, **error_responses(400, 401)},
    )
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request: Request) -> Response:
        serializer = MarkReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = notifications_mark_read(actor=self.actor, ids=serializer.validated_data.get("ids"))
        return Response({"marked": marked})

    @extend_schema(
        summary="Your email delivery choice per kind of notification (GET; PATCH to change)",
        request=NotificationPreferencesSerializer,
        responses={200: NotificationPreferencesSerializer, **error_responses(400, 401)},
    )
    @action(
        detail=False,
        methods=["get", "patch"],
        pagination_class=None,
        filter_backends=[],
    )
    def preferences(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if request.method == "PATCH":
            serializer = NotificationPreferencesSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            return Response(
                notification_preferences_set(
                    actor=self.actor, choices=dict(serializer.validated_data)
                )
            )
        return Response(preferences_for(self.actor))
