"""The trends heat map's data: query parameters in, need area × month grid out."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.serializers.common import OrganisationKindField
from exchange.enums import Region
from matching.trends import TrendGrid, measures


class TrendQuerySerializer(serializers.Serializer[Any]):
    """``?measure=&region=&organisation_kind=`` (each optional; empty means "all")."""

    measure = serializers.ChoiceField(
        choices=list(measures()),
        required=False,
        default="listings",
        help_text="listings: new listings; interests: “we need this too” on requests; "
        "pilots: pilot requests you may see; bookings: seats in confirmed event bookings.",
    )
    region = serializers.ChoiceField(
        choices=Region.choices,
        required=False,
        help_text="Where the activity happened (the listing's or event's region, or the acting "
        "organisation's).",
    )
    organisation_kind = OrganisationKindField(
        required=False, help_text="Kind of the organisation that acted."
    )


class TrendRowSerializer(serializers.Serializer[Any]):
    need_area = serializers.SlugField(help_text="The need area's slug.")
    name = serializers.CharField()
    counts = serializers.ListField(
        child=serializers.IntegerField(), help_text="One count per month, as in ``months``."
    )
    total = serializers.IntegerField()


class TrendGridSerializer(serializers.Serializer[Any]):
    measure = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, not Field.label
    region = serializers.CharField(help_text="Empty: all regions.")
    organisation_kind = serializers.CharField(help_text="Empty: all kinds.")
    months = serializers.ListField(
        child=serializers.CharField(), help_text="YYYY-MM, oldest first, the current month last."
    )
    max_count = serializers.IntegerField(help_text="The highest count of any cell.")
    rows = TrendRowSerializer(many=True, help_text="Every need area, in vocabulary order.")


def grid_data(grid: TrendGrid) -> dict[str, Any]:
    return {
        "measure": grid.measure.key,
        "label": grid.measure.label,
        "region": grid.filters.region,
        "organisation_kind": grid.filters.organisation_kind,
        "months": [f"{month:%Y-%m}" for month in grid.months],
        "max_count": grid.max_count,
        "rows": [
            {
                "need_area": row.area.slug,
                "name": row.area.name,
                "counts": row.counts,
                "total": row.total,
            }
            for row in grid.rows
        ],
    }
