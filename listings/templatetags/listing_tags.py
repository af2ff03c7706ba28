from __future__ import annotations

from typing import Any

from django import template
from django.core.paginator import Page, Paginator
from django.db.models import Count

from exchange.models import Organisation
from listings.enums import ListingKind, ListingStatus, PriceModel
from listings.models import Listing, SavedSearch
from listings.queries import (
    OUTSIDER_STATUSES,
    listings_of_organisation,
    listings_visible_to,
    member_organisation_ids,
)

register = template.Library()


@register.filter
def pounds(pence: int | None) -> str:
    """2500000 → "£25,000"; 1250 → "£12.50"."""
    if pence is None:
        return ""
    whole, part = divmod(int(pence), 100)
    return f"£{whole:,}" if part == 0 else f"£{whole:,}.{part:02d}"


@register.filter
def price_label(listing: Listing) -> str:
    """Human price: "Free", "£4,000", "From £500", "£12 per user per year", "On quotation"."""
    amount = pounds(listing.price_pence)
    labels: dict[str, str] = {
        PriceModel.FREE: "Free",
        PriceModel.FIXED: amount,
        PriceModel.FROM: f"From {amount}",
        PriceModel.PER_USER_PER_YEAR: f"{amount} per user per year",
        PriceModel.QUOTE: "On quotation",
    }
    return labels.get(listing.price_model, "")


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: object) -> str:
    """The current query string with some parameters changed (empty value removes it)."""
    params = context["request"].GET.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value in ("", None):
            params.pop(key, None)
        else:
            params[key] = str(value)
    return params.urlencode()


# --- Fragments for pages of the core app -----------------------------------------------------
# The core app sits below listings, so its pages (home, dashboard, organisation profile) get
# listing data from these tags instead of importing listings (STYLE.md: layers).

LATEST_LIMIT = 6
ORGANISATION_PAGE_SIZE = 20


@register.simple_tag(takes_context=True)
def latest_listings(context: template.Context, *, offers: bool) -> list[Listing]:
    """The newest published requests (``offers=False``) or offers visible to the viewer."""
    qs = listings_visible_to(context["request"].user).filter(status=ListingStatus.PUBLISHED)
    qs = qs.exclude(kind=ListingKind.REQUEST) if offers else qs.filter(kind=ListingKind.REQUEST)
    return list(qs.order_by("-published_at", "-id")[:LATEST_LIMIT])


@register.simple_tag(takes_context=True)
def organisation_listings_page(context: template.Context, organisation: Organisation) -> Page:
    """One page of an organisation's listings as the viewer may see them.

    Its members see every status; everybody else sees published and closed listings.
    """
    request = context["request"]
    qs = listings_of_organisation(request.user, organisation)
    if organisation.pk not in member_organisation_ids(request.user):
        qs = qs.filter(status__in=OUTSIDER_STATUSES)
    return Paginator(qs, ORGANISATION_PAGE_SIZE).get_page(request.GET.get("page"))


@register.simple_tag(takes_context=True)
def listing_status_counts(
    context: template.Context, organisation: Organisation
) -> list[tuple[str, int]]:
    """(status label, count) for an organisation's listings the viewer may see."""
    rows = dict(
        listings_of_organisation(context["request"].user, organisation)
        .prefetch_related(None)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    return [(label, rows.get(value, 0)) for value, label in ListingStatus.choices]


@register.inclusion_tag("listings/_dashboard_saved_searches.html", takes_context=True)
def my_saved_searches(context: template.Context, limit: int = 10) -> dict[str, Any]:
    """Dashboard: the person's saved searches with their alert frequency."""
    user = context["request"].user
    if not user.is_authenticated:
        return {"searches": []}
    return {"searches": list(SavedSearch.objects.filter(user=user)[:limit])}
