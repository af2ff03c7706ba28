from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django_filters import rest_framework as filters

from exchange.enums import OrganisationKind, Region
from exchange.models import Need, NeedArea, Organisation, Tag
from listings.enums import ListingKind, ListingStatus, PriceModel
from listings.models import Listing
from listings.queries import tags_in_use


def _tags_for(request: HttpRequest | None) -> QuerySet[Tag]:
    # A tag used only on listings the requester cannot see must not be confirmable by probing
    # ``?tag=``: it is "unknown" (400) exactly like a tag that does not exist.
    return tags_in_use(getattr(request, "user", None) or AnonymousUser())


class ListingFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ListingKind.choices)
    status = filters.ChoiceFilter(choices=ListingStatus.choices)
    need = filters.ModelChoiceFilter(
        field_name="needs",
        to_field_name="slug",
        queryset=Need.objects.all(),
        help_text="Need slug.",
    )
    need_area = filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=NeedArea.objects.all(),
        method="filter_need_area",
        help_text="Need-area slug: listings with any need in that area.",
    )
    tag = filters.ModelChoiceFilter(
        field_name="tags", to_field_name="slug", queryset=_tags_for, help_text="Tag slug."
    )
    organisation = filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=Organisation.objects.all(),
        help_text="Slug of the owning organisation.",
    )
    organisation_kind = filters.ChoiceFilter(
        field_name="organisation__kind", choices=OrganisationKind.choices
    )
    region = filters.ChoiceFilter(choices=Region.choices)
    q = filters.CharFilter(
        method="filter_q",
        help_text='Full-text search: words AND-ed, "phrases", -excluded; the last word is a '
        "prefix. Searches published listings, orders by relevance unless "
        "ordering=-published_at, and adds a 'facets' object to the response.",
    )
    price = filters.ChoiceFilter(
        choices=[("free", "Free"), ("paid", "Paid")],
        method="filter_price",
        help_text="'free', or 'paid' for every other price model.",
    )

    class Meta:
        model = Listing
        fields = [
            "kind",
            "status",
            "need",
            "need_area",
            "tag",
            "organisation",
            "organisation_kind",
            "region",
            "price",
        ]

    def filter_need_area(
        self, queryset: QuerySet[Listing], name: str, value: NeedArea
    ) -> QuerySet[Listing]:
        # A subquery, not a join: a listing with two needs in the area must appear once.
        return queryset.filter(pk__in=Listing.objects.filter(needs__area=value).values("pk"))

    def filter_q(self, queryset: QuerySet[Listing], name: str, value: str) -> QuerySet[Listing]:
        # Requests with q are answered by api.viewsets.search.SearchListMixin; this filter
        # exists so that q is validated and documented with the others.
        return queryset

    def filter_price(self, queryset: QuerySet[Listing], name: str, value: Any) -> QuerySet[Listing]:
        if value == "free":
            return queryset.filter(price_model=PriceModel.FREE)
        return queryset.exclude(price_model=PriceModel.FREE)
