from __future__ import annotations

from django_filters import rest_framework as filters

from exchange.enums import OrganisationKind, Region
from exchange.models import Organisation


class OrganisationFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=OrganisationKind.choices)
    region = filters.ChoiceFilter(choices=Region.choices)
    verified = filters.BooleanFilter()

    class Meta:
        model = Organisation
        fields = ["kind", "region", "verified"]
