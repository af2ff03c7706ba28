"""The caller's own account: profile and memberships."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.memberships import MyMembershipSerializer
from exchange.models import User
from exchange.queries import memberships_of


class ProfileSerializer(serializers.ModelSerializer):
    """What the profile page shows: your details and the organisations you belong to."""

    name = serializers.CharField(
        source="display_name", read_only=True, help_text="How others see you."
    )
    memberships = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["email", "full_name", "job_title", "name", "memberships"]
        read_only_fields = fields

    @extend_schema_field(MyMembershipSerializer(many=True))
    def get_memberships(self, user: User) -> Any:
        return MyMembershipSerializer(memberships_of(user), many=True, context=self.context).data


class ProfileUpdateSerializer(serializers.Serializer):
    """``exchange.services.user_update_profile``'s input. The email address (the login) is
    changed by staff only."""

    full_name = serializers.CharField(max_length=150)
    job_title = serializers.CharField(max_length=150, allow_blank=True)

    def validate_full_name(self, value: str) -> str:
        return _single_line(value)

    def validate_job_title(self, value: str) -> str:
        return _single_line(value)


def _single_line(value: str) -> str:
    # As the profile form does: runs of whitespace, newlines included, become one space.
    return " ".join(value.split())
