"""Interest ("we need this too"), co-owners of requests, and responses to requests."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api.filters.workflows import CoOwnerFilterSet, InterestFilterSet, ResponseFilterSet
from api.schema import error_responses
from api.serializers.demand import (
    CoOwnerInviteSerializer,
    CoOwnerSerializer,
    DeclineSerializer,
    InterestCreateSerializer,
    InterestSerializer,
    ResponseCreateSerializer,
    ResponseSerializer,
)
from api.serializers.pilots import PilotFieldsSerializer, PilotSerializer
from api.viewsets.workflow_base import WorkflowViewSet
from listings import workflows
from listings.models import CoOwner, Interest, RequestResponse
from listings.queries import co_owners_visible_to, interests_for_api, responses_for_api

_WRITE_ERRORS = error_responses(400, 401, 403, 404, 409)


@extend_schema(tags=["interest"])
@extend_schema_view(
    list=extend_schema(
        summary="Interest and “we need this too” on listings you can see",
        description="An organisation counted anonymously is named only to the listing's "
        "owners and to itself; for everyone else `organisation` is null.",
    ),
    retrieve=extend_schema(
        summary="One interest", responses={200: InterestSerializer, **error_responses(404)}
    ),
    create=extend_schema(
        summary="Register your organisation's interest (or “we need this too”)",
        request=InterestCreateSerializer,
        responses={201: InterestSerializer, **_WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Withdraw your organisation's interest",
        responses={204: None, **error_responses(401, 403, 404)},
    ),
)
class InterestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    WorkflowViewSet,
):
    """Demand pooling: N organisations with the same need is a joint commission waiting."""

    serializer_class = InterestSerializer
    write_serializers = {"create": InterestCreateSerializer}
    filterset_class = InterestFilterSet
    ordering_fields = ["created_at", "id"]
    # Interest is registered or withdrawn (deleted), never edited.
    modified_fields = ("created_at",)
    ordering = ["created_at", "id"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[Interest]:
        return interests_for_api(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(InterestCreateSerializer)
        interest = workflows.interest_register(actor=self.actor, **data)
        return self.represent(interest, created=True)

    def perform_destroy(self, instance: Interest) -> None:
        workflows.interest_withdraw(actor=self.actor, interest=instance)


@extend_schema(tags=["interest"])
@extend_schema_view(
    list=extend_schema(
        summary="Co-owners of requests you can see",
        description="Accepted co-owners are public with the request; open invitations are "
        "shown to the request's owners and to the invited organisation.",
    ),
    retrieve=extend_schema(
        summary="One co-ownership", responses={200: CoOwnerSerializer, **error_responses(404)}
    ),
    create=extend_schema(
        summary="Invite an organisation that needs this too to co-own your request",
        request=CoOwnerInviteSerializer,
        responses={201: CoOwnerSerializer, **_WRITE_ERRORS},
    ),
    destroy=extend_schema(
        summary="Remove a co-owner, withdraw an invitation, or leave the group",
        responses={204: None, **error_responses(401, 403, 404, 409)},
    ),
)
class CoOwnerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    WorkflowViewSet,
):
    """A request's joint commissioning group. Accepted co-owners may edit the request."""

    serializer_class = CoOwnerSerializer
    write_serializers = {"create": CoOwnerInviteSerializer}
    filterset_class = CoOwnerFilterSet
    ordering_fields = ["created_at", "id"]
    # No updated_at: an invitation changes when it is answered.
    modified_fields = ("created_at", "responded_at")
    ordering = ["created_at", "id"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self) -> QuerySet[CoOwner]:
        return co_owners_visible_to(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        co_owner = workflows.co_owner_invite(
            actor=self.actor, **self.validated(CoOwnerInviteSerializer)
        )
        return self.represent(co_owner, created=True)

    def perform_destroy(self, instance: CoOwner) -> None:
        workflows.co_owner_remove(actor=self.actor, co_owner=instance)

    @extend_schema(
        summary="Accept the invitation (a member of the invited organisation)",
        request=None,
        responses={200: CoOwnerSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self.represent(
            workflows.co_owner_accept(actor=self.actor, co_owner=self.get_object())
        )

    @extend_schema(
        summary="Decline the invitation",
        request=None,
        responses={200: CoOwnerSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        return self.represent(
            workflows.co_owner_decline(actor=self.actor, co_owner=self.get_object())
        )


@extend_schema(tags=["responses"])
@extend_schema_view(
    list=extend_schema(
        summary="Responses to requests: those to your requests, and your own",
        description="The request's owners and co-owners see every response; a responding "
        "organisation sees its own. Public counts by responder kind are on the request page.",
    ),
    retrieve=extend_schema(
        summary="One response", responses={200: ResponseSerializer, **error_responses(404)}
    ),
    create=extend_schema(
        summary="Respond to a request with one of your listings or a new idea",
        request=ResponseCreateSerializer,
        responses={201: ResponseSerializer, **_WRITE_ERRORS},
    ),
)
class ResponseViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, WorkflowViewSet
):
    """“How can I help you fix it?” — and the owners' answer to each response."""

    serializer_class = ResponseSerializer
    write_serializers = {
        "create": ResponseCreateSerializer,
        "decline": DeclineSerializer,
        "invite_to_pilot": PilotFieldsSerializer,
    }
    filterset_class = ResponseFilterSet
    ordering_fields = ["created_at", "updated_at", "id"]
    modified_fields = ("updated_at",)
    ordering = ["created_at", "id"]

    def get_queryset(self) -> QuerySet[RequestResponse]:
        return responses_for_api(self.request.user)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(ResponseCreateSerializer)
        response = workflows.response_create(actor=self.actor, **data)
        return self.represent(response, created=True)

    @extend_schema(
        summary="Shortlist a response (the request's owners)",
        request=None,
        responses={200: ResponseSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def shortlist(self, request: Request, pk: str | None = None) -> Response:
        response = workflows.response_shortlist(actor=self.actor, response=self.get_object())
        return self.represent(response)

    @extend_schema(
        summary="Decline a response with a reason (the responder is told)",
        request=DeclineSerializer,
        responses={200: ResponseSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, pk: str | None = None) -> Response:
        response = self.get_object()
        data = self.validated(DeclineSerializer)
        return self.represent(
            workflows.response_decline(actor=self.actor, response=response, **data)
        )

    @extend_schema(
        summary="Withdraw your organisation's response",
        request=None,
        responses={200: ResponseSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        response = workflows.response_withdraw(actor=self.actor, response=self.get_object())
        return self.represent(response)

    @extend_schema(
        summary="Invite the responder to a pilot (creates a pilot request)",
        request=PilotFieldsSerializer,
        responses={201: PilotSerializer, **_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="invite-to-pilot")
    def invite_to_pilot(self, request: Request, pk: str | None = None) -> Response:
        response = self.get_object()
        data = self.validated(PilotFieldsSerializer)
        pilot = workflows.response_invite_to_pilot(actor=self.actor, response=response, **data)
        return Response(
            PilotSerializer(pilot, context=self.get_serializer_context()).data, status=201
        )
