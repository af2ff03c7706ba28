"""The personal calendar feed as the API shows it: the URL only once, when it is made."""

from __future__ import annotations

from rest_framework import serializers


class CalendarFeedSerializer(serializers.Serializer):
    active = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True, allow_null=True)
    last_used_at = serializers.DateTimeField(read_only=True, allow_null=True)
    url = serializers.URLField(
        read_only=True,
        allow_null=True,
        help_text="The feed's https URL: only in the answer that created or rotated it.",
    )
    webcal_url = serializers.CharField(
        read_only=True, allow_null=True, help_text="The same URL as webcal:// (only then too)."
    )
