"""'Recommended for you': listings that answer what your organisations need."""

from __future__ import annotations

from rest_framework import serializers

from api.serializers.common import ListingKindField
from api.serializers.matches import MatchSerializer
from listings.models import Listing


class BecauseOfSerializer(serializers.ModelSerializer):
    """One of your organisations' listings (or a request they share) that this answers."""

    url = serializers.HyperlinkedIdentityField(view_name="api:listing-detail")
    kind = ListingKindField(read_only=True)

    class Meta:
        model = Listing
        fields = ["id", "url", "title", "kind"]
        read_only_fields = fields


class RecommendationSerializer(MatchSerializer):
    """A match as the listing-matches endpoint answers it, plus the listing it answers."""

    because_of = BecauseOfSerializer(source="source", read_only=True)

    class Meta(MatchSerializer.Meta):
        fields = [*MatchSerializer.Meta.fields, "because_of"]
        read_only_fields = fields
