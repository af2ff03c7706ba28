from __future__ import annotations

from rest_framework import serializers

from api.serializers.common import ListingKindField
from api.serializers.organisations import OrganisationSummarySerializer
from listings.models import Listing
from matching.models import Match, MatchDismissal
from matching.queries import match_level


class MatchedListingSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:listing-detail")
    kind = ListingKindField(read_only=True)
    organisation = OrganisationSummarySerializer(read_only=True)

    class Meta:
        model = Listing
        fields = ["id", "url", "title", "kind", "organisation"]
        read_only_fields = fields


class MatchSerializer(serializers.ModelSerializer):
    """One of a listing's matches, as its owners see it."""

    listing = MatchedListingSerializer(source="target", read_only=True)
    level = serializers.SerializerMethodField(help_text="'Strong', 'Good' or 'Possible'.")
    reasons = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text="Why they match, in sentences."
    )

    class Meta:
        model = Match
        fields = ["listing", "score", "level", "reasons", "computed_at"]
        read_only_fields = fields

    def get_level(self, match: Match) -> str:
        return match_level(match.score)


class MatchDismissalSerializer(serializers.ModelSerializer):
    listing = serializers.IntegerField(source="source_id", read_only=True)
    dismissed = serializers.IntegerField(
        source="target_id", read_only=True, help_text="The id of the dismissed match's listing."
    )

    class Meta:
        model = MatchDismissal
        fields = ["listing", "dismissed", "dismissed_at"]
        read_only_fields = fields
