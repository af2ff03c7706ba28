"""An organisation's people, as its members page (``/organisations/{slug}/members/``) has them.

``organisations/{slug}/members/`` (members see the list; admins change roles and remove),
``…/invitations/`` (admins), ``…/join-requests/`` (anyone signed in asks; admins decide),
``organisations/{slug}/leave/`` and ``invitations/accept/``. Everything needs sign-in, as on
the web; every write is one ``exchange.services`` call, which checks again.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from api.schema import error_responses
from api.serializers.memberships import (
    InvitationAcceptSerializer,
    InvitationCreateSerializer,
    InvitationSerializer,
    JoinRequestCreateSerializer,
    JoinRequestSerializer,
    MemberRoleSerializer,
    MemberSerializer,
    MyMembershipSerializer,
)
from api.viewsets.base import ReadWriteViewSet
from exchange.enums import RequestStatus, Role
from exchange.exceptions import ValidationError
from exchange.models import Invitation, JoinRequest, Membership, Organisation
from exchange.permissions import ORG_MANAGE_MEMBERS, has_perm
from exchange.queries import (
    can_see_members,
    invitations_of,
    join_requests_visible_to,
    members_of,
    organisations_for_api,
)
from exchange.services import (
    invitation_accept,
    invitation_create,
    invitation_withdraw,
    join_request_create,
    join_request_decide,
    membership_change_role,
    membership_leave,
    membership_remove,
)

_SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The organisation's slug.")
_ADMINS_ONLY = "Only the organisation's admins can manage its members."


class OrganisationChildViewSet(ReadWriteViewSet):
    """Rows under ``organisations/{slug}/``: sign-in first (401), then the organisation
    (404), then who may do this (403: ``admin_actions`` are for those who manage members)."""

    permission_classes = [permissions.IsAuthenticated]
    admin_actions: tuple[str, ...] = ()
    forbidden_message = _ADMINS_ONLY

    @cached_property
    def organisation(self) -> Organisation:
        slug = self.kwargs.get("slug", "")
        if "\x00" in slug:  # PostgreSQL cannot compare it: no organisation has one
            raise Http404
        return get_object_or_404(organisations_for_api(), slug=slug)

    @cached_property
    def can_manage(self) -> bool:
        return has_perm(self.request.user, ORG_MANAGE_MEMBERS, self.organisation)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if self.action in self.admin_actions:
            allowed, message = self.can_manage, _ADMINS_ONLY
        else:
            allowed, message = self.may_read(), self.forbidden_message
        if not allowed:
            raise exceptions.PermissionDenied(message)

    def may_read(self) -> bool:
        return True

    def read(self, obj: Model, *, created: bool = False) -> Response:
        assert self.serializer_class is not None  # noqa: S101  (every child viewset names one)
        data = self.serializer_class(obj, context=self.get_serializer_context()).data
        if not created:
            return Response(data)
        return Response(data, status=status.HTTP_201_CREATED, headers={"Location": data["url"]})

    def validated(self, serializer_class: type[BaseSerializer[Any]]) -> dict[str, Any]:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class MemberFilterSet(filters.FilterSet):
    role = filters.ChoiceFilter(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["role"]


@extend_schema(tags=["organisations"], parameters=[_SLUG])
@extend_schema_view(
    list=extend_schema(
        summary="The organisation's members (its members and admins only)",
        description="Email addresses are shown to admins; `403` for people outside it.",
        responses={200: MemberSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One member",
        responses={200: MemberSerializer, **error_responses(401, 403, 404)},
    ),
    partial_update=extend_schema(
        summary="Change a member's role (admins; the last admin cannot be demoted: 409)",
        request=MemberRoleSerializer,
        responses={200: MemberSerializer, **error_responses(400, 401, 403, 404, 409)},
    ),
    destroy=extend_schema(
        summary="Remove a member (admins; not the last admin: 409)",
        responses={204: None, **error_responses(401, 403, 404, 409)},
    ),
)
class MemberViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    OrganisationChildViewSet,
):
    """Who belongs to an organisation, and their roles."""

    http_method_names = ["get", "patch", "delete", "head", "options"]
    serializer_class = MemberSerializer
    write_serializers = {"partial_update": MemberRoleSerializer}
    admin_actions = ("partial_update", "destroy")
    forbidden_message = "Only members can see who belongs to this organisation."
    filterset_class = MemberFilterSet
    ordering_fields = ["created_at", "id"]
    ordering = ["created_at", "id"]
    modified_fields = ("updated_at",)  # joined, or role changed

    def get_queryset(self) -> QuerySet[Membership]:
        if "slug" not in self.kwargs:  # building the OpenAPI document
            return Membership.objects.none()
        return members_of(self.organisation)

    def may_read(self) -> bool:
        return can_see_members(self.request.user, self.organisation)

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if "slug" in self.kwargs:  # not while the OpenAPI document is built
            context["can_manage"] = self.can_manage  # admins see email addresses
        return context

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        membership = self.get_object()
        data = self.validated(MemberRoleSerializer)
        return self.read(
            membership_change_role(actor=self.actor, membership=membership, role=data["role"])
        )

    def perform_destroy(self, instance: Membership) -> None:
        membership_remove(actor=self.actor, membership=instance)


class RequestStatusFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=RequestStatus.choices)


class InvitationFilterSet(RequestStatusFilterSet):
    class Meta:
        model = Invitation
        fields = ["status"]


class JoinRequestFilterSet(RequestStatusFilterSet):
    class Meta:
        model = JoinRequest
        fields = ["status"]


_INVITATION_ERRORS = error_responses(400, 401, 403, 404, 409)


@extend_schema(tags=["organisations"], parameters=[_SLUG])
@extend_schema_view(
    list=extend_schema(
        summary="Invitations the organisation sent (admins)",
        description="Every invitation with its status (`?status=pending`: those waiting). The "
        "link's secret is never shown: it is only in the email to the invited address.",
        responses={200: InvitationSerializer(many=True), **error_responses(400, 401, 403, 404)},
    ),
    retrieve=extend_schema(
        summary="One invitation (admins)",
        responses={200: InvitationSerializer, **error_responses(401, 403, 404)},
    ),
    create=extend_schema(
        summary="Invite someone by email (admins); they get a link valid for 14 days",
        request=InvitationCreateSerializer,
        responses={201: InvitationSerializer, **error_responses(400, 401, 403, 404)},
    ),
)
class InvitationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    OrganisationChildViewSet,
):
    """Invitations by email, for the organisation's admins only."""

    serializer_class = InvitationSerializer
    write_serializers = {"create": InvitationCreateSerializer}
    admin_actions = ("list", "retrieve", "create", "withdraw", "metadata")
    filterset_class = InvitationFilterSet
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]
    modified_fields = ("created_at", "responded_at")

    def get_queryset(self) -> QuerySet[Invitation]:
        if "slug" not in self.kwargs:  # building the OpenAPI document
            return Invitation.objects.none()
        return invitations_of(self.organisation)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(InvitationCreateSerializer)
        invitation = invitation_create(actor=self.actor, organisation=self.organisation, **data)
        return self.read(invitation, created=True)

    @extend_schema(
        summary="Withdraw a pending invitation (admins); its link stops working",
        request=None,
        responses={200: InvitationSerializer, **_INVITATION_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, slug: str = "", pk: str | None = None) -> Response:
        invitation = invitation_withdraw(actor=self.actor, invitation=self.get_object())
        return self.read(invitation)


@extend_schema(tags=["organisations"], parameters=[_SLUG])
@extend_schema_view(
    list=extend_schema(
        summary="Requests to join: all of them for admins, your own for anyone else",
        responses={200: JoinRequestSerializer(many=True), **error_responses(400, 401, 404)},
    ),
    retrieve=extend_schema(
        summary="One request to join (admins, or the asker)",
        responses={200: JoinRequestSerializer, **error_responses(401, 404)},
    ),
    create=extend_schema(
        summary="Ask to join the organisation; its admins are notified",
        description="`400` when you are already a member or have already asked.",
        request=JoinRequestCreateSerializer,
        responses={201: JoinRequestSerializer, **error_responses(400, 401, 404)},
    ),
)
class JoinRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    OrganisationChildViewSet,
):
    """People asking to join; the organisation's admins approve or decline."""

    serializer_class = JoinRequestSerializer
    write_serializers = {"create": JoinRequestCreateSerializer}
    admin_actions = ("approve", "decline")
    filterset_class = JoinRequestFilterSet
    ordering_fields = ["created_at", "id"]
    ordering = ["-created_at", "-id"]
    modified_fields = ("created_at", "decided_at")

    def get_queryset(self) -> QuerySet[JoinRequest]:
        if "slug" not in self.kwargs:  # building the OpenAPI document
            return JoinRequest.objects.none()
        return join_requests_visible_to(self.request.user, self.organisation)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.validated(JoinRequestCreateSerializer)
        join_request = join_request_create(
            actor=self.actor, organisation=self.organisation, message=data["message"]
        )
        return self.read(join_request, created=True)

    @extend_schema(
        summary="Approve: the asker becomes a member (admins)",
        request=None,
        responses={200: JoinRequestSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, slug: str = "", pk: str | None = None) -> Response:
        return self._decide(approve=True)

    @extend_schema(
        summary="Decline (admins); the asker is told",
        request=None,
        responses={200: JoinRequestSerializer, **error_responses(401, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def decline(self, request: Request, slug: str = "", pk: str | None = None) -> Response:
        return self._decide(approve=False)

    def _decide(self, *, approve: bool) -> Response:
        decided = join_request_decide(
            actor=self.actor, join_request=self.get_object(), approve=approve
        )
        return self.read(decided)


class OrganisationLeaveMixin:
    """``POST organisations/{slug}/leave/`` on the organisations viewset."""

    @extend_schema(
        summary="Leave the organisation (the only admin must appoint another first: 409)",
        request=None,
        responses={204: None, **error_responses(400, 401, 404, 409)},
    )
    @action(detail=True, methods=["post"], permission_classes=[permissions.IsAuthenticated])
    def leave(self, request: Request, slug: str | None = None) -> Response:
        organisation = self.get_object()  # type: ignore[attr-defined]
        membership_leave(actor=self.actor, organisation=organisation)  # type: ignore[attr-defined]
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["organisations"])
class InvitationAcceptViewSet(ReadWriteViewSet):
    """Accepting an emailed invitation, as its link's page does."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = InvitationAcceptSerializer
    filter_backends: list[Any] = []
    pagination_class = None

    def get_queryset(self) -> QuerySet[Invitation]:
        return Invitation.objects.none()

    @extend_schema(
        summary="Accept an invitation sent to your email address; you join the organisation",
        description="`token` is the last segment of the link in the email. A bad or expired "
        "token is a `400` naming `token`; an invitation to another address is `403`; one "
        "already accepted or withdrawn is `409`.",
        request=InvitationAcceptSerializer,
        responses={200: MyMembershipSerializer, **error_responses(400, 401, 403, 409)},
    )
    @action(detail=False, methods=["post"])
    def accept(self, request: Request) -> Response:
        serializer = InvitationAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            membership = invitation_accept(
                actor=self.actor, token=serializer.validated_data["token"]
            )
        except ValidationError as exc:  # only the token can be wrong
            raise serializers.ValidationError({"token": exc.messages}) from exc
        return Response(MyMembershipSerializer(membership).data)
