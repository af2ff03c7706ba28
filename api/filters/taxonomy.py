from __future__ import annotations

from django_filters import rest_framework as filters

from exchange.models import Need, NeedArea


class NeedFilterSet(filters.FilterSet):
    area = filters.ModelChoiceFilter(
        to_field_name="slug", queryset=NeedArea.objects.all(), help_text="Need-area slug."
    )

    class Meta:
        model = Need
        fields = ["area"]
