"""Events (read), bookings (create, read own, cancel, pay) and the waitlist (join, leave,
accept an offer), plus the organisers' attendee list and check-in. Every write is a service.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters.events import EventFilterSet
from api.permissions import ObjectPermissions
from api.schema import error_responses
from api.serializers.events import (
    BookingCancelSerializer,
    BookingCreateSerializer,
    BookingSerializer,
    CheckInSerializer,
    CheckoutSerializer,
    EventSerializer,
    OrganiserAttendeeSerializer,
    PaymentInSerializer,
    WaitlistEntrySerializer,
    WaitlistJoinSerializer,
)
from api.viewsets.base import ReadWriteViewSet
from api.viewsets.event_management import (
    EVENT_MANAGEMENT_PERMISSIONS,
    EVENT_MANAGEMENT_SERIALIZERS,
    EventManagementMixin,
)
from events import payments, queries, services
from events.enums import EVENT_MANAGE, BookingStatus
from events.models import Booking, Event, WaitlistEntry


class PaymentUnavailable(exceptions.APIException):
    status_code = status.HTTP_502_BAD_GATEWAY
    default_code = "payment_unavailable"
    default_detail = "The card payment could not be started. Try again shortly."


@extend_schema(tags=["events"])
@extend_schema_view(
    list=extend_schema(
        summary="Events you can see",
        description="Published and cancelled events for everyone; drafts for the organisers. "
        "Each ticket type carries the price that applies now and the seats left.",
    ),
    retrieve=extend_schema(summary="One event, with its agenda and ticket types"),
)
class EventViewSet(
    EventManagementMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ReadWriteViewSet
):
    serializer_class = EventSerializer
    write_serializers = EVENT_MANAGEMENT_SERIALIZERS
    permission_classes = [ObjectPermissions]
    filterset_class = EventFilterSet
    ordering_fields = ["starts_at", "last_modified", "id"]
    ordering = ["starts_at", "id"]
    cursor_pagination = True
    # last_modified moves on significant changes (the calendar SEQUENCE); updated_at on any save.
    modified_fields = ("updated_at", "last_modified")
    object_permissions = {
        **EVENT_MANAGEMENT_PERMISSIONS,
        "attendees": (EVENT_MANAGE,),
        "check_in": (EVENT_MANAGE,),
    }

    def get_queryset(self) -> QuerySet[Event]:
        return queries.events_for_api(self.request.user)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        events = [*(page if page is not None else queryset)]
        serializer = self.get_serializer(events, many=True, context=self._context(events))
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        event = self.get_object()
        return Response(self.get_serializer(event, context=self._context([event])).data)

    def etag_data(self, obj: Any) -> Any:
        return self.get_serializer(obj, context=self._context([obj])).data

    def _context(self, events: Sequence[Event]) -> dict[str, Any]:
        return {
            **self.get_serializer_context(),
            "seat_use": queries.seat_use_for([e.pk for e in events]),
        }

    @extend_schema(
        summary="The event's attendees (organisers only)",
        responses={200: OrganiserAttendeeSerializer(many=True), **error_responses(401, 403, 404)},
    )
    @action(detail=True, methods=["get"])
    def attendees(self, request: Request, pk: str | None = None) -> Response:
        event = self.get_object()
        attendees = queries.attendees_of(event, queries.AttendeeFilters())
        page = self.paginate_queryset(attendees)
        serializer = OrganiserAttendeeSerializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    @extend_schema(
        summary="Check an attendee in by ticket code (organisers only)",
        request=CheckInSerializer,
        responses={200: OrganiserAttendeeSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        event = self.get_object()
        serializer = CheckInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attendee = services.attendee_check_in(
            actor=self.actor, event=event, code=serializer.validated_data["code"]
        )
        return Response(OrganiserAttendeeSerializer(attendee).data)


def _checkout(viewset: ReadWriteViewSet, booking: Booking) -> str:
    try:
        return services.booking_checkout_start(actor=viewset.actor, booking=booking)
    except (payments.PaymentError, payments.PaymentsDisabled) as exc:
        raise PaymentUnavailable() from exc


@extend_schema(tags=["bookings"])
@extend_schema_view(
    list=extend_schema(summary="Your bookings"),
    retrieve=extend_schema(summary="One of your bookings"),
)
class BookingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ReadWriteViewSet):
    """The caller's own bookings. Card bookings answer with a Stripe Checkout URL."""

    serializer_class = BookingSerializer
    write_serializers = {"create": BookingCreateSerializer, "cancel": BookingCancelSerializer}
    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "reference"
    filterset_class = None
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["-created_at"]
    cursor_pagination = True
    modified_fields = ("updated_at",)

    def get_queryset(self) -> QuerySet[Booking]:
        if not self.request.user.is_authenticated:
            return Booking.objects.none()
        return queries.bookings_of(self.actor)

    @extend_schema(
        summary="Book seats (free and invoice: confirmed; card: held, pay at checkout_url)",
        request=BookingCreateSerializer,
        responses={201: BookingSerializer, **error_responses(400, 401, 403, 409)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = BookingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.booking_create(actor=self.actor, **serializer.service_arguments())
        data = self._represent(booking)
        if booking.status == BookingStatus.PENDING:
            data["checkout_url"] = _checkout(self, booking)
        return Response(
            data, status=status.HTTP_201_CREATED, headers={"Location": str(data["url"])}
        )

    @extend_schema(
        summary="Cancel a booking (card payments are refunded)",
        request=BookingCancelSerializer,
        responses={200: BookingSerializer, **error_responses(400, 401, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, reference: str | None = None) -> Response:
        serializer = BookingCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.booking_cancel(
            actor=self.actor, booking=self.get_object(), **serializer.validated_data
        )
        return Response(self._represent(booking))

    @extend_schema(
        summary="The Stripe Checkout URL of a booking awaiting payment",
        request=None,
        responses={200: CheckoutSerializer, **error_responses(401, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def pay(self, request: Request, reference: str | None = None) -> Response:
        return Response({"checkout_url": _checkout(self, self.get_object())})

    def _represent(self, booking: Booking) -> dict[str, Any]:
        fresh = self.get_queryset().get(pk=booking.pk)
        return dict(BookingSerializer(fresh, context=self.get_serializer_context()).data)


@extend_schema(tags=["waitlist"])
@extend_schema_view(
    list=extend_schema(summary="Your waitlist places"),
    retrieve=extend_schema(summary="One of your waitlist places"),
)
class WaitlistViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ReadWriteViewSet):
    serializer_class = WaitlistEntrySerializer
    write_serializers = {"create": WaitlistJoinSerializer, "accept": PaymentInSerializer}
    permission_classes = [permissions.IsAuthenticated]
    filterset_class = None
    ordering_fields = ["created_at"]
    ordering = ["created_at"]
    # No updated_at: a place changes when it is offered or closed.
    modified_fields = ("created_at", "offered_at", "closed_at")

    def get_queryset(self) -> QuerySet[WaitlistEntry]:
        if not self.request.user.is_authenticated:
            return WaitlistEntry.objects.none()
        return WaitlistEntry.objects.filter(user_id=self.request.user.pk).order_by("created_at")

    @extend_schema(
        summary="Join the waitlist of a sold-out ticket type",
        request=WaitlistJoinSerializer,
        responses={201: WaitlistEntrySerializer, **error_responses(400, 401, 403, 409)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = WaitlistJoinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.waitlist_join(actor=self.actor, **serializer.validated_data)
        data = WaitlistEntrySerializer(entry, context=self.get_serializer_context()).data
        return Response(
            data, status=status.HTTP_201_CREATED, headers={"Location": str(data["url"])}
        )

    @extend_schema(
        summary="Leave the waitlist (or decline an offer)",
        request=None,
        responses={200: WaitlistEntrySerializer, **error_responses(401, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def leave(self, request: Request, pk: str | None = None) -> Response:
        entry = services.waitlist_leave(actor=self.actor, entry=self.get_object())
        return Response(WaitlistEntrySerializer(entry, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="Accept an offer: book the offered seats",
        request=PaymentInSerializer,
        responses={201: BookingSerializer, **error_responses(400, 401, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        serializer = PaymentInSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        booking = services.waitlist_offer_accept(
            actor=self.actor, entry=self.get_object(), **serializer.service_arguments()
        )
        fresh = get_object_or_404(queries.bookings_of(self.actor), pk=booking.pk)
        data = dict(BookingSerializer(fresh, context=self.get_serializer_context()).data)
        if booking.status == BookingStatus.PENDING:
            data["checkout_url"] = _checkout(self, booking)
        return Response(data, status=status.HTTP_201_CREATED)
