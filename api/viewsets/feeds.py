"""The caller's personal calendar feed: status, create, rotate, revoke (services only)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.schema import error_responses
from api.serializers.feeds import CalendarFeedSerializer
from api.viewsets.base import ReadWriteViewSet
from events.calendar import webcal_url
from events.feeds import calendar_token_active
from events.models import CalendarToken
from events.services.feeds import (
    calendar_token_create,
    calendar_token_revoke,
    calendar_token_rotate,
)


@extend_schema(tags=["calendar"])
class CalendarFeedViewSet(ReadWriteViewSet):
    """Your personal iCalendar feed (bookings, starred sessions, accepted meetings).

    The feed's URL holds a secret stored only as a hash: it is in the answer that creates or
    rotates the feed, and never again. Rotating makes the old URL answer 404 at once.
    """

    serializer_class = CalendarFeedSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = None
    filter_backends: list[Any] = []
    pagination_class = None

    def get_queryset(self) -> Any:
        return CalendarToken.objects.none()

    def _answer(self, token: CalendarToken | None, raw: str = "", code: int = 200) -> Response:
        url = (
            self.request.build_absolute_uri(
                reverse("calendar-personal-feed", kwargs={"token": raw})
            )
            if raw
            else None
        )
        data = {
            "active": token is not None and token.revoked_at is None,
            "created_at": token.created_at if token else None,
            "last_used_at": token.last_used_at if token else None,
            "url": url,
            "webcal_url": webcal_url(url) if url else None,
        }
        response = Response(CalendarFeedSerializer(data).data, status=code)
        if raw:
            response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        summary="Whether you have a calendar feed (never its URL)",
        responses={200: CalendarFeedSerializer, **error_responses(401)},
    )
    def list(self, request: Request) -> Response:
        return self._answer(calendar_token_active(self.actor))

    @extend_schema(
        summary="Create your calendar feed; the answer holds its URL, shown only this once",
        request=None,
        responses={201: CalendarFeedSerializer, **error_responses(401, 409)},
    )
    def create(self, request: Request) -> Response:
        token, raw = calendar_token_create(actor=self.actor)
        return self._answer(token, raw, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Replace your feed's URL (the old one stops working); the new URL, once",
        request=None,
        responses={200: CalendarFeedSerializer, **error_responses(401)},
    )
    @action(detail=False, methods=["post"])
    def rotate(self, request: Request) -> Response:
        token, raw = calendar_token_rotate(actor=self.actor)
        return self._answer(token, raw)

    @extend_schema(
        summary="Switch your calendar feed off (its URL answers 404)",
        request=None,
        responses={200: CalendarFeedSerializer, **error_responses(401)},
    )
    @action(detail=False, methods=["post"])
    def revoke(self, request: Request) -> Response:
        calendar_token_revoke(actor=self.actor)
        return self._answer(None)
