from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.common import ListingKindField, SlugListField, TagNamesField
from api.serializers.organisations import OrganisationSummarySerializer
from api.serializers.taxonomy import NeedSummarySerializer
from exchange.markup import render_markdown
from exchange.models import Need, Organisation, Tag
from listings.models import Listing
from listings.queries import member_organisation_ids


class ListingSerializer(serializers.ModelSerializer):
    """A listing as read. Money is in pence; ``body`` is Markdown, ``body_html`` sanitised."""

    url = serializers.HyperlinkedIdentityField(view_name="api:listing-detail")
    kind = ListingKindField(read_only=True)
    body_html = serializers.SerializerMethodField()
    organisation = OrganisationSummarySerializer(read_only=True)
    tags: serializers.SlugRelatedField[Tag] = serializers.SlugRelatedField(
        slug_field="slug", many=True, read_only=True
    )
    needs = NeedSummarySerializer(many=True, read_only=True)
    shared_with = serializers.SerializerMethodField(
        help_text="Slugs of the organisations the listing is shared with. Shown to members of "
        "the owning organisation only; empty for everyone else."
    )

    class Meta:
        model = Listing
        fields = [
            "id",
            "url",
            "kind",
            "title",
            "slug",
            "summary",
            "body",
            "body_html",
            "organisation",
            "tags",
            "needs",
            "price_model",
            "price_pence",
            "budget_pence",
            "region",
            "status",
            "visibility",
            "shared_with",
            "video_url",
            "website_url",
            "interest_count",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = fields

    def get_body_html(self, listing: Listing) -> str:
        return str(render_markdown(listing.body))

    def get_shared_with(self, listing: Listing) -> list[str]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return []
        # One membership lookup per response, shared by every row of a list.
        if "_my_organisation_ids" not in self.context:
            self.context["_my_organisation_ids"] = set(member_organisation_ids(user))
        my_orgs = self.context["_my_organisation_ids"]
        if user.is_superuser or listing.organisation_id in my_orgs:
            return [organisation.slug for organisation in listing.shared_with.all()]
        return []


class ListingUpdateSerializer(serializers.ModelSerializer):
    """Input of ``listing_update``. Lists replace what was there; omitted fields stay."""

    kind = ListingKindField()
    tags = TagNamesField(
        max_length=30,
        required=False,
        help_text="Free-text tag names; they are normalised and merged tags resolved.",
    )
    needs = SlugListField(
        queryset=Need.objects.all(),
        noun="need",
        max_length=30,
        required=False,
        help_text="Slugs from /api/v1/needs/.",
    )
    shared_with = SlugListField(
        queryset=Organisation.objects.all(),
        noun="organisation",
        max_length=100,
        required=False,
        help_text="Organisation slugs; used when visibility is 'shared'.",
    )

    class Meta:
        model = Listing
        fields = [
            "kind",
            "title",
            "summary",
            "body",
            "tags",
            "needs",
            "price_model",
            "price_pence",
            "budget_pence",
            "region",
            "visibility",
            "shared_with",
            "video_url",
            "website_url",
        ]

    def service_arguments(self) -> dict[str, Any]:
        """``validated_data`` under the names the listing services take."""
        arguments = dict(self.validated_data)
        if "tags" in arguments:
            arguments["tag_names"] = arguments.pop("tags")
        return arguments


class ListingCreateSerializer(ListingUpdateSerializer):
    """Input of ``listing_create``: a draft owned by an organisation the caller belongs to."""

    organisation = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Organisation.objects.all(),
        help_text="Slug of the owning organisation; you must be one of its members.",
    )

    class Meta(ListingUpdateSerializer.Meta):
        fields = ["organisation", *ListingUpdateSerializer.Meta.fields]


class ListingShareSerializer(serializers.Serializer):
    shared_with = SlugListField(
        queryset=Organisation.objects.all(),
        noun="organisation",
        max_length=100,
        allow_empty=False,
        help_text="Organisation slugs. Replaces the current list.",
    )
