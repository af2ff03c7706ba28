from __future__ import annotations

from rest_framework import serializers

from exchange.models import Need, NeedArea, Tag


class TagSerializer(serializers.ModelSerializer):
    listing_count = serializers.IntegerField(
        read_only=True, help_text="How many listings you can see carry this tag."
    )

    class Meta:
        model = Tag
        fields = ["slug", "name", "listing_count"]
        read_only_fields = fields


class NeedAreaSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = NeedArea
        fields = ["slug", "name"]
        read_only_fields = fields


class NeedSummarySerializer(serializers.ModelSerializer):
    """A need as embedded in listings."""

    area = NeedAreaSummarySerializer(read_only=True)

    class Meta:
        model = Need
        fields = ["slug", "name", "area"]
        read_only_fields = fields


class NeedSerializer(serializers.ModelSerializer):
    area = NeedAreaSummarySerializer(read_only=True)

    class Meta:
        model = Need
        fields = ["slug", "name", "description", "area"]
        read_only_fields = fields


class NeedInAreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Need
        fields = ["slug", "name", "description"]
        read_only_fields = fields


class NeedAreaSerializer(serializers.ModelSerializer):
    needs = NeedInAreaSerializer(many=True, read_only=True)

    class Meta:
        model = NeedArea
        fields = ["slug", "name", "needs"]
        read_only_fields = fields
