"""Shortlists with their items and outcome. Money in pence."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.demand import ListingRefSerializer, listing_field, organisation_field
from api.serializers.organisations import OrganisationSummarySerializer
from api.serializers.workflow_fields import (
    ShortlistActionField,
    ShortlistOutcomeField,
    ShortlistStatusField,
)
from listings.models import Shortlist, ShortlistEvent, ShortlistItem


class ShortlistItemSerializer(serializers.ModelSerializer):
    listing = ListingRefSerializer(read_only=True)

    class Meta:
        model = ShortlistItem
        fields = ["id", "listing", "note", "position", "added_at"]
        read_only_fields = fields


class ShortlistSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:shortlist-detail")
    organisation = OrganisationSummarySerializer(read_only=True)
    items = serializers.SerializerMethodField(
        help_text="In order; listings you can no longer see are left out."
    )
    outcome_by = serializers.SerializerMethodField()
    status = ShortlistStatusField(read_only=True)

    class Meta:
        model = Shortlist
        fields = [
            "id",
            "url",
            "organisation",
            "name",
            "description",
            "status",
            "chosen_listing",
            "outcome_reason",
            "outcome_by",
            "outcome_at",
            "items",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_items(self, shortlist: Shortlist) -> list[dict[str, Any]]:
        items = getattr(shortlist, "visible_items", [])
        return list(ShortlistItemSerializer(items, many=True, context=self.context).data)

    def get_outcome_by(self, shortlist: Shortlist) -> str | None:
        return shortlist.outcome_by.display_name if shortlist.outcome_by else None


class ShortlistCreateSerializer(serializers.Serializer):
    organisation = organisation_field(help_text="Slug of your organisation; colleagues share it.")
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(
        max_length=2000, required=False, default="", allow_blank=True
    )


class ShortlistRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(
        max_length=2000, required=False, default=None, allow_blank=True
    )


class ShortlistItemCreateSerializer(serializers.Serializer):
    listing = listing_field()
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ShortlistItemNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, allow_blank=True)


class ShortlistReorderSerializer(serializers.Serializer):
    items = serializers.ListField(
        child=serializers.IntegerField(), help_text="Every item id, in the new order."
    )


class ShortlistOutcomeSerializer(serializers.Serializer):
    outcome = ShortlistOutcomeField()
    reason = serializers.CharField(max_length=2000)
    chosen_listing = listing_field(
        required=False, allow_null=True, default=None, help_text="For 'chosen': an item's listing."
    )


class ShortlistEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    action = ShortlistActionField(read_only=True)

    class Meta:
        model = ShortlistEvent
        fields = ["id", "action", "listing", "detail", "actor", "created_at"]
        read_only_fields = fields

    def get_actor(self, event: ShortlistEvent) -> str | None:
        return event.actor.display_name if event.actor else None
