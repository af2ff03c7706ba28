"""Interest, co-owners and responses to requests, as the API reads and writes them.

What a row reveals depends on the viewer: the organisation behind an anonymous interest is
shown only to the listing's owners and to that organisation (``viewer_named``, annotated by
``listings.queries.interests_for_api``); a note meant for the owners only to them.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.organisations import OrganisationSummarySerializer
from api.serializers.workflow_fields import (
    CoOwnerStatusField,
    DeclineReasonField,
    DeclineReasonOrBlankField,
    ResponseStatusField,
)
from exchange.models import Organisation
from listings.enums import ListingKind
from listings.models import CoOwner, Interest, Listing, RequestResponse


class ListingRefSerializer(serializers.ModelSerializer):
    """A listing as embedded in workflow resources."""

    url = serializers.HyperlinkedIdentityField(view_name="api:listing-detail")

    class Meta:
        model = Listing
        fields = ["id", "url", "title", "kind"]
        read_only_fields = fields


def organisation_field(**kwargs: Any) -> serializers.SlugRelatedField[Organisation]:
    return serializers.SlugRelatedField(
        slug_field="slug", queryset=Organisation.objects.all(), **kwargs
    )


def listing_field(**kwargs: Any) -> serializers.PrimaryKeyRelatedField[Listing]:
    """A listing id. Existence only: the services refuse listings the caller cannot see."""
    return serializers.PrimaryKeyRelatedField(queryset=Listing.objects.all(), **kwargs)


class InterestSerializer(serializers.ModelSerializer):
    listing = ListingRefSerializer(read_only=True)
    organisation = serializers.SerializerMethodField(
        help_text="Null when the organisation chose to be counted anonymously (it is named "
        "to the listing's owners and to itself)."
    )
    note = serializers.SerializerMethodField(help_text="For the listing's owners only.")
    kind = serializers.SerializerMethodField(
        help_text="'need_too' on a request (“we need this too”), 'interested' on an offer."
    )

    class Meta:
        model = Interest
        fields = ["id", "listing", "kind", "organisation", "anonymous", "note", "created_at"]
        read_only_fields = fields

    def get_organisation(self, interest: Interest) -> dict[str, Any] | None:
        if not getattr(interest, "viewer_named", False):
            return None
        return dict(OrganisationSummarySerializer(interest.organisation).data)

    def get_kind(self, interest: Interest) -> str:
        return "need_too" if interest.listing.kind == ListingKind.REQUEST else "interested"

    def get_note(self, interest: Interest) -> str:
        return interest.note if getattr(interest, "viewer_manages", False) else ""


class InterestCreateSerializer(serializers.Serializer):
    listing = listing_field()
    organisation = organisation_field(help_text="Slug of an organisation you belong to.")
    anonymous = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=300, required=False, default="", allow_blank=True)


class CoOwnerSerializer(serializers.ModelSerializer):
    listing = ListingRefSerializer(read_only=True)
    organisation = OrganisationSummarySerializer(read_only=True)
    status = CoOwnerStatusField(read_only=True)

    class Meta:
        model = CoOwner
        fields = [
            "id",
            "listing",
            "organisation",
            "status",
            "message",
            "created_at",
            "responded_at",
        ]
        read_only_fields = fields


class CoOwnerInviteSerializer(serializers.Serializer):
    listing = listing_field(help_text="A published request your organisation owns.")
    organisation = organisation_field(help_text="An organisation that needs this too.")
    message = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class ResponseSerializer(serializers.ModelSerializer):
    request = ListingRefSerializer(read_only=True)
    organisation = OrganisationSummarySerializer(read_only=True)
    proposed_listing = ListingRefSerializer(read_only=True)
    title = serializers.CharField(read_only=True)
    status = ResponseStatusField(read_only=True)
    decline_reason = DeclineReasonOrBlankField(read_only=True)

    class Meta:
        model = RequestResponse
        fields = [
            "id",
            "request",
            "organisation",
            "proposed_listing",
            "title",
            "idea_title",
            "idea_summary",
            "pitch",
            "status",
            "decline_reason",
            "decline_note",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields


class ResponseCreateSerializer(serializers.Serializer):
    request = listing_field(help_text="A published request.")
    organisation = organisation_field(help_text="Slug of the organisation responding.")
    proposed_listing = listing_field(
        required=False, allow_null=True, default=None, help_text="One of your published offers."
    )
    idea_title = serializers.CharField(max_length=160, required=False, default="", allow_blank=True)
    idea_summary = serializers.CharField(
        max_length=2000, required=False, default="", allow_blank=True
    )
    pitch = serializers.CharField(max_length=2000)


class DeclineSerializer(serializers.Serializer):
    reason = DeclineReasonField()
    note = serializers.CharField(max_length=2000, required=False, default="", allow_blank=True)
