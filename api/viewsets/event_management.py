"""Organisers run their events through the API as on the web's manage pages: create, edit,
publish, cancel and copy an event (``EventManagementMixin``, part of ``EventViewSet``), and
its ticket types, agenda and linked listings (one nested viewset each under
``events/{event_id}/``). Every write is the service the web page calls; the services check
the permissions again.

Who may: the event's organisers (``events.change_event``; cancelling needs
``events.manage_event``, as on the web). An event the caller cannot see is 404, one they see
but do not organise is 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from api.filters.modified import ModifiedSinceFilter
from api.schema import error_responses
from api.serializers.event_management import (
    AgendaItemWriteSerializer,
    EventCancelSerializer,
    EventCopySerializer,
    EventCreateSerializer,
    EventListingLinkSerializer,
    EventListingSerializer,
    EventUpdateSerializer,
    TicketTypeWriteSerializer,
)
from api.serializers.events import AgendaItemSerializer, EventSerializer, TicketTypeSerializer
from api.viewsets.base import ReadWriteViewSet
from events import queries, services
from events.enums import EVENT_CHANGE, EVENT_MANAGE
from events.models import AgendaItem, Event, EventListing, TicketType
from exchange.permissions import has_perm

_ERRORS = error_responses(400, 401, 403, 404, 409)

# Merged into EventViewSet's ``object_permissions`` and ``write_serializers``.
EVENT_MANAGEMENT_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "partial_update": (EVENT_CHANGE,),
    "publish": (EVENT_CHANGE,),
    "copy": (EVENT_CHANGE,),
    "cancel": (EVENT_MANAGE,),
}
EVENT_MANAGEMENT_SERIALIZERS: dict[str, type[BaseSerializer[Any]]] = {
    "create": EventCreateSerializer,
    "partial_update": EventUpdateSerializer,
    "cancel": EventCancelSerializer,
    "copy": EventCopySerializer,
}


class EventManagementMixin(ReadWriteViewSet):
    """The organisers' writes of ``EventViewSet``; each answers the event as a GET would."""

    @extend_schema(
        summary="Create a draft event for one of your organisations",
        request=EventCreateSerializer,
        responses={201: EventSerializer, **error_responses(400, 401, 403)},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = EventCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.event_create(actor=self.actor, **serializer.service_arguments())
        data = self._represent(event)
        return Response(
            data, status=status.HTTP_201_CREATED, headers={"Location": str(data["url"])}
        )

    @extend_schema(
        summary="Change an event (organisers; a cancelled event is frozen)",
        description="Booked people are told about new times or places; a raised capacity is "
        "offered to the waitlist at once.",
        request=EventUpdateSerializer,
        responses={200: EventSerializer, **_ERRORS},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        event = self.get_object()
        serializer = EventUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        event = services.event_update(
            actor=self.actor, event=event, **serializer.service_arguments()
        )
        return Response(self._represent(event))

    @extend_schema(
        summary="Publish a draft (organisers)",
        description="Needs a future start, a venue or online link and a ticket type. Queues "
        "the `event.published` webhook.",
        request=None,
        responses={200: EventSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        event = services.event_publish(actor=self.actor, event=self.get_object())
        return Response(self._represent(event))

    @extend_schema(
        summary="Cancel an event (organisers)",
        description="Every booking is cancelled and card payments refunded in full; bookers "
        "and waitlisted people are told the reason.",
        request=EventCancelSerializer,
        responses={200: EventSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        event = self.get_object()
        serializer = EventCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.event_cancel(actor=self.actor, event=event, **serializer.validated_data)
        return Response(self._represent(event))

    @extend_schema(
        summary="Copy an event as the next of its series: a draft at a new start (organisers)",
        description="Ticket types, agenda, tags and linked listings are copied, every time "
        "moved by the same amount; bookings are not.",
        request=EventCopySerializer,
        responses={201: EventSerializer, **_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def copy(self, request: Request, pk: str | None = None) -> Response:
        event = self.get_object()
        serializer = EventCopySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        copy = services.event_copy(actor=self.actor, event=event, **serializer.validated_data)
        data = self._represent(copy)
        return Response(
            data, status=status.HTTP_201_CREATED, headers={"Location": str(data["url"])}
        )

    def _represent(self, event: Event) -> dict[str, Any]:
        # Read back through the visibility query so a write answers exactly what a GET would.
        fresh = queries.events_for_api(self.request.user).get(pk=event.pk)
        context = {**self.get_serializer_context(), "seat_use": queries.seat_use_for([event.pk])}
        return dict(EventSerializer(fresh, context=context).data)


# --- An event's ticket types, agenda and linked listings ---------------------------------------

_EVENT_ID = OpenApiParameter(
    "event_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The event's id."
)


class EventPartViewSet(ReadWriteViewSet):
    """Rows of one event (``event_id`` in the path): anyone who sees the event reads them,
    its organisers write them."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filter_backends = [ModifiedSinceFilter]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # Before the body is read: a caller who may not write learns that first.
        if request.method not in permissions.SAFE_METHODS and not has_perm(
            request.user, EVENT_CHANGE, self.event
        ):
            raise exceptions.PermissionDenied("Only the event's organisers can do that.")

    @cached_property
    def event(self) -> Event:
        visible = queries.events_visible_to(self.request.user).prefetch_related(None)
        return get_object_or_404(visible, pk=self.kwargs["event_id"])

    def answer(self, obj: Any, code: int = status.HTTP_200_OK) -> Response:
        """``obj`` as a GET of it answers, read back through ``get_queryset``."""
        serializer_class = self.serializer_class
        assert serializer_class is not None  # noqa: S101  (every viewset here names one)
        fresh = self.get_queryset().get(pk=obj.pk)
        return Response(serializer_class(fresh, context=self.get_serializer_context()).data, code)


class EventRowViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    EventPartViewSet,
):
    """Ticket types and agenda items: organisers add, change and remove them, each through
    its one service (which checks who may and what is allowed)."""

    part: str  # the services' keyword for the row: "ticket_type", "item"
    # The services, as static methods: create(actor, event, **input),
    # update(actor, <part>, **input), delete(actor, <part>).
    create_row: Callable[..., Any]
    update_row: Callable[..., Any]
    delete_row: Callable[..., Any]

    @staticmethod
    def _arguments(serializer: BaseSerializer[Any]) -> dict[str, Any]:
        to_arguments = getattr(serializer, "service_arguments", None)
        return to_arguments() if to_arguments else dict(serializer.validated_data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.write_serializers["create"](data=request.data)
        serializer.is_valid(raise_exception=True)
        row = self.create_row(actor=self.actor, event=self.event, **self._arguments(serializer))
        return self.answer(row, status.HTTP_201_CREATED)

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        serializer = self.write_serializers["partial_update"](data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        row = self.update_row(actor=self.actor, **{self.part: row}, **self._arguments(serializer))
        return self.answer(row)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        self.delete_row(actor=self.actor, **{self.part: self.get_object()})
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["events"], parameters=[_EVENT_ID])
@extend_schema_view(
    list=extend_schema(summary="An event's ticket types, with prices now and seats left"),
    retrieve=extend_schema(summary="One ticket type of an event"),
    create=extend_schema(
        summary="Add a ticket type (organisers)",
        description="New seats are offered to the event's waitlist at once.",
        request=TicketTypeWriteSerializer,
        responses={201: TicketTypeSerializer, **_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a ticket type (organisers; prices of existing bookings never change)",
        request=TicketTypeWriteSerializer,
        responses={200: TicketTypeSerializer, **_ERRORS},
    ),
    destroy=extend_schema(
        summary="Remove a ticket type nobody has booked or waited for (organisers)",
        responses={204: None, **error_responses(401, 403, 404, 409)},
    ),
)
class TicketTypeViewSet(EventRowViewSet):
    serializer_class = TicketTypeSerializer
    write_serializers = {
        "create": TicketTypeWriteSerializer,
        "partial_update": TicketTypeWriteSerializer,
    }
    # A ticket type has no timestamp of its own; every change of one moves the event's.
    modified_fields = ("event_last_modified",)
    part = "ticket_type"
    create_row = staticmethod(services.ticket_type_create)
    update_row = staticmethod(services.ticket_type_update)
    delete_row = staticmethod(services.ticket_type_delete)

    def get_queryset(self) -> QuerySet[TicketType]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no event
            return TicketType.objects.none()
        return queries.ticket_types_of(self.event).annotate(
            event_last_modified=F("event__last_modified")
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False):
            context["seat_use"] = queries.seat_use_for([self.event.pk])
        return context


@extend_schema(tags=["events"], parameters=[_EVENT_ID])
@extend_schema_view(
    list=extend_schema(summary="An event's agenda, in time order"),
    retrieve=extend_schema(summary="One agenda item of an event"),
    create=extend_schema(
        summary="Add an agenda item, with its speaker if any (organisers)",
        request=AgendaItemWriteSerializer,
        responses={201: AgendaItemSerializer, **_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change an agenda item (organisers; its sequence goes up)",
        request=AgendaItemWriteSerializer,
        responses={200: AgendaItemSerializer, **_ERRORS},
    ),
    destroy=extend_schema(
        summary="Remove an agenda item (organisers)",
        responses={204: None, **error_responses(401, 403, 404, 409)},
    ),
)
class AgendaItemViewSet(EventRowViewSet):
    serializer_class = AgendaItemSerializer
    write_serializers = {
        "create": AgendaItemWriteSerializer,
        "partial_update": AgendaItemWriteSerializer,
    }
    modified_fields = ("last_modified",)
    part = "item"
    create_row = staticmethod(services.agenda_item_create)
    update_row = staticmethod(services.agenda_item_update)
    delete_row = staticmethod(services.agenda_item_delete)

    def get_queryset(self) -> QuerySet[AgendaItem]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no event
            return AgendaItem.objects.none()
        return queries.agenda_of(self.event)


_LISTING_ID = OpenApiParameter(
    "listing_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The listing's id."
)


@extend_schema(tags=["events"], parameters=[_EVENT_ID])
@extend_schema_view(
    list=extend_schema(summary="Listings linked to an event (those you can see)"),
    create=extend_schema(
        summary="Link a published listing you can see, or change its role (organisers)",
        request=EventListingLinkSerializer,
        responses={
            201: EventListingSerializer,
            200: EventListingSerializer,
            **_ERRORS,
        },
    ),
    destroy=extend_schema(
        summary="Unlink a listing (organisers)",
        parameters=[_LISTING_ID],
        responses={204: None, **error_responses(401, 403, 404)},
    ),
)
class EventListingViewSet(
    mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, EventPartViewSet
):
    serializer_class = EventListingSerializer
    write_serializers = {"create": EventListingLinkSerializer}
    lookup_field = "listing_id"
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[EventListing]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no event
            return EventListing.objects.none()
        return queries.listing_links_visible_to(self.request.user, self.event)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = EventListingLinkSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        listing = serializer.validated_data["listing"]
        linked = self.event.listing_links.filter(listing=listing).exists()
        link = services.event_listing_link(
            actor=self.actor,
            event=self.event,
            listing=listing,
            role=serializer.validated_data["role"],
        )
        return self.answer(link, status.HTTP_200_OK if linked else status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        link = self.get_object()
        services.event_listing_unlink(actor=self.actor, event=self.event, listing=link.listing)
        return Response(status=status.HTTP_204_NO_CONTENT)
