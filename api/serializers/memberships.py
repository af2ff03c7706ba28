"""An organisation's people: members and their roles, invitations, requests to join."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import _enum_schema
from api.serializers.organisations import OrganisationSummarySerializer
from exchange.enums import RequestStatus, Role
from exchange.models import Invitation, JoinRequest, Membership


@extend_schema_field(_enum_schema(Role), component_name="MemberRoleEnum")
class RoleField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=Role.choices, **kwargs)


@extend_schema_field(_enum_schema(RequestStatus), component_name="MembershipRequestStatusEnum")
class RequestStatusField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=RequestStatus.choices, **kwargs)


class OrganisationChildUrlField(serializers.HyperlinkedIdentityField):
    """The API URL of a row under ``organisations/{slug}/`` (members, invitations, requests)."""

    def get_url(self, obj: Any, view_name: str, request: Any, format: str | None) -> str:
        kwargs = {"slug": obj.organisation.slug, "pk": obj.pk}
        return str(self.reverse(view_name, kwargs=kwargs, request=request, format=format))


class MemberSerializer(serializers.ModelSerializer):
    """One person in an organisation, as its members page shows them."""

    url = OrganisationChildUrlField(view_name="api:organisation-member-detail")
    name = serializers.CharField(source="user.display_name", read_only=True)
    job_title = serializers.CharField(source="user.job_title", read_only=True)
    email = serializers.SerializerMethodField(
        help_text="Shown to the organisation's admins (and to the person); null for others."
    )
    role = RoleField(read_only=True)
    is_you = serializers.SerializerMethodField()
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "url", "name", "job_title", "email", "role", "is_you", "joined_at"]
        read_only_fields = fields

    def get_email(self, membership: Membership) -> str | None:
        # As on the web page: admins see addresses; so does the person themselves.
        if self.context.get("can_manage") or self.get_is_you(membership):
            return membership.user.email
        return None

    def get_is_you(self, membership: Membership) -> bool:
        request = self.context.get("request")
        return request is not None and request.user.pk == membership.user_id


class MemberRoleSerializer(serializers.Serializer):
    role = RoleField()


class InvitationSerializer(serializers.ModelSerializer):
    """An invitation as its organisation's admins see it. The link's secret is only ever in
    the email to the invited address."""

    url = OrganisationChildUrlField(view_name="api:organisation-invitation-detail")
    role = RoleField(read_only=True)
    status = RequestStatusField(
        read_only=True, help_text="`approved` once accepted; `withdrawn` by an admin."
    )

    class Meta:
        model = Invitation
        fields = ["id", "url", "email", "role", "status", "created_at", "responded_at"]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    role = RoleField(default=Role.MEMBER)


class InvitationAcceptSerializer(serializers.Serializer):
    token = serializers.CharField(
        max_length=500,
        trim_whitespace=True,
        help_text="The last segment of the link in the invitation email (/invitations/{token}/).",
    )


class JoinRequestSerializer(serializers.ModelSerializer):
    url = OrganisationChildUrlField(view_name="api:organisation-join-request-detail")
    name = serializers.CharField(source="user.display_name", read_only=True)
    job_title = serializers.CharField(source="user.job_title", read_only=True)
    # Only the organisation's admins and the asker see a request at all.
    email = serializers.EmailField(source="user.email", read_only=True)
    status = RequestStatusField(read_only=True)

    class Meta:
        model = JoinRequest
        fields = [
            "id",
            "url",
            "name",
            "job_title",
            "email",
            "message",
            "status",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields


class JoinRequestCreateSerializer(serializers.Serializer):
    message = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text="To the admins: who you are and why you want to join.",
    )


class MyMembershipSerializer(serializers.ModelSerializer):
    """One of your own memberships: which organisation, and your role in it."""

    organisation = OrganisationSummarySerializer(read_only=True)
    role = RoleField(read_only=True)
    joined_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Membership
        fields = ["organisation", "role", "joined_at"]
        read_only_fields = fields
