from __future__ import annotations

from rest_framework import serializers

from api.serializers.common import OrganisationKindField
from exchange.models import Organisation


class OrganisationSummarySerializer(serializers.ModelSerializer):
    """An organisation as embedded in other resources."""

    kind = OrganisationKindField(read_only=True)

    class Meta:
        model = Organisation
        fields = ["slug", "name", "kind"]
        read_only_fields = fields


class OrganisationSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(
        view_name="api:organisation-detail", lookup_field="slug"
    )
    kind = OrganisationKindField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "url",
            "slug",
            "name",
            "kind",
            "description",
            "website",
            "region",
            "is_small",
            "verified",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OrganisationUpdateSerializer(serializers.ModelSerializer):
    """What an organisation's admins may change (``exchange.services.organisation_update``)."""

    kind = OrganisationKindField(required=False)

    class Meta:
        model = Organisation
        fields = ["name", "kind", "description", "website", "region", "is_small"]


class OrganisationCreateSerializer(serializers.ModelSerializer):
    """``exchange.services.organisation_create``'s input; the creator becomes its admin."""

    kind = OrganisationKindField()

    class Meta:
        model = Organisation
        fields = ["name", "kind", "description", "website", "region", "is_small"]
