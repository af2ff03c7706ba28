"""Filters of the council-workflow resources.

Related objects are filtered by id or slug on the already visible rows (never a choice
queryset of all objects), so a filter can never confirm that a hidden listing exists; nothing
can be filtered by who asked or who is anonymously interested.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters

from api.filters.fields import IdFilter
from exchange.enums import OrganisationKind, Region
from listings.models import (
    CaseStudy,
    CoOwner,
    Interest,
    PilotRequest,
    Question,
    RequestResponse,
    Shortlist,
)
from listings.queries import CaseStudyFilters, case_study_search
from listings.workflow_enums import (
    CaseStudyOrigin,
    CaseStudyStatus,
    CoOwnerStatus,
    PilotOutcome,
    PilotStatus,
    QuestionStatus,
    ResponseStatus,
    ShortlistStatus,
)


class InterestFilterSet(filters.FilterSet):
    listing = IdFilter(field_name="listing_id", help_text="Listing id.")

    class Meta:
        model = Interest
        fields = ["listing"]


class CoOwnerFilterSet(filters.FilterSet):
    listing = IdFilter(field_name="listing_id", help_text="Listing id.")
    status = filters.ChoiceFilter(choices=CoOwnerStatus.choices)

    class Meta:
        model = CoOwner
        fields = ["listing", "status"]


class ResponseFilterSet(filters.FilterSet):
    request = IdFilter(field_name="request_id", help_text="Request (listing) id.")
    status = filters.ChoiceFilter(choices=ResponseStatus.choices)

    class Meta:
        model = RequestResponse
        fields = ["request", "status"]


class QuestionFilterSet(filters.FilterSet):
    listing = IdFilter(field_name="listing_id", help_text="Listing id.")
    case_study = IdFilter(field_name="case_study_id", help_text="Case study id.")
    status = filters.ChoiceFilter(choices=QuestionStatus.choices)

    class Meta:
        model = Question
        fields = ["listing", "case_study", "status"]


class ShortlistFilterSet(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ShortlistStatus.choices)

    class Meta:
        model = Shortlist
        fields = ["status"]


class PilotFilterSet(filters.FilterSet):
    side = filters.ChoiceFilter(
        choices=[("asked_for", "Pilots we asked for"), ("asked_of", "Pilots asked of us")],
        method="filter_side",
    )
    status = filters.ChoiceFilter(choices=PilotStatus.choices)

    class Meta:
        model = PilotRequest
        fields = ["side", "status"]

    def filter_side(
        self, queryset: QuerySet[PilotRequest], name: str, value: str
    ) -> QuerySet[PilotRequest]:
        user = self.request.user if self.request else None
        mine = user.memberships.values("organisation_id") if user and user.is_authenticated else []
        if value == "asked_for":
            return queryset.filter(requester_id__in=mine)
        return queryset.filter(supplier_id__in=mine)


class CaseStudyFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_search", help_text="Words, all of which must match.")
    origin = filters.ChoiceFilter(choices=CaseStudyOrigin.choices)
    status = filters.ChoiceFilter(choices=CaseStudyStatus.choices)
    outcome = filters.ChoiceFilter(choices=PilotOutcome.choices)
    region = filters.ChoiceFilter(choices=Region.choices)
    organisation_kind = filters.ChoiceFilter(
        field_name="organisation__kind", choices=OrganisationKind.choices
    )
    organisation = filters.CharFilter(field_name="organisation__slug", help_text="Slug.")
    need = filters.CharFilter(method="filter_search", help_text="Need slug.")
    need_area = filters.CharFilter(method="filter_search", help_text="Need-area slug.")
    tag = filters.CharFilter(method="filter_search", help_text="Tag slug.")

    class Meta:
        model = CaseStudy
        fields = ["q", "origin", "status", "outcome", "region", "organisation_kind"]

    def filter_search(self, queryset: QuerySet[CaseStudy], name: str, value: Any) -> Any:
        # The same words and relation filters as the case study page, as a subquery.
        found = case_study_search(self.request.user, CaseStudyFilters(**{name: value}))
        return queryset.filter(pk__in=found.values("pk"))
