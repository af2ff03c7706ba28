"""Case studies and "shining light" nominations. Money in pence."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.common import PageUrlField, SlugListField, TagNamesField
from api.serializers.demand import organisation_field
from api.serializers.organisations import OrganisationSummarySerializer
from api.serializers.taxonomy import NeedSummarySerializer
from api.serializers.workflow_fields import (
    CaseStudyOriginField,
    CaseStudyStatusField,
    PilotOutcomeOrBlankField,
)
from exchange.models import Need, Tag
from listings.models import CaseStudy


class CaseStudySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:case-study-detail")
    page_url = PageUrlField()
    organisation = OrganisationSummarySerializer(read_only=True)
    partner = OrganisationSummarySerializer(read_only=True)
    tags: serializers.SlugRelatedField[Tag] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    needs = NeedSummarySerializer(many=True, read_only=True)
    origin = CaseStudyOriginField(read_only=True)
    status = CaseStudyStatusField(read_only=True)
    outcome = PilotOutcomeOrBlankField(read_only=True)
    pilot: serializers.PrimaryKeyRelatedField[Any] = serializers.PrimaryKeyRelatedField(
        read_only=True
    )

    class Meta:
        model = CaseStudy
        fields = [
            "id",
            "url",
            "page_url",
            "title",
            "slug",
            "origin",
            "status",
            "organisation",
            "partner",
            "pilot",
            "summary",
            "what_tried",
            "what_worked",
            "what_didnt",
            "costs",
            "cost_pence",
            "recipe",
            "links",
            "video_url",
            "outcome",
            "region",
            "tags",
            "needs",
            "nomination_note",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = fields


class CaseStudyContentSerializer(serializers.Serializer):
    """What a nominator writes and the organisations edit."""

    title = serializers.CharField(max_length=160)
    summary = serializers.CharField(max_length=400)
    what_tried = serializers.CharField(max_length=10000)
    what_worked = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    what_didnt = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    costs = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    recipe = serializers.ListField(
        child=serializers.CharField(max_length=500), max_length=30, required=False
    )
    links = serializers.ListField(child=serializers.URLField(), max_length=30, required=False)
    video_url = serializers.URLField(required=False, allow_blank=True)
    tags = TagNamesField(max_length=30, required=False)
    needs = SlugListField(queryset=Need.objects.all(), noun="need", max_length=30, required=False)

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.validated_data)
        if "tags" in data:
            data["tag_names"] = data.pop("tags")
        return data


class NominationSerializer(CaseStudyContentSerializer):
    organisation = organisation_field(
        help_text="The organisation that shines; it must consent before publication."
    )
    nomination_note = serializers.CharField(
        max_length=2000, required=False, default="", allow_blank=True
    )


class CaseStudyUpdateSerializer(CaseStudyContentSerializer):
    cost_pence = serializers.IntegerField(min_value=0, required=False, allow_null=True)


class ConsentDeclineSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)


class ReplicateSerializer(serializers.Serializer):
    organisation = organisation_field(help_text="Your organisation that will own the request.")
