"""Fragments the match engine supplies to pages of lower apps (listing page, dashboard).

Listings and the core app sit below matching, so their templates load these tags instead of
importing matching (STYLE.md: layers).
"""

from __future__ import annotations

from typing import Any

from django import template

from listings.models import Listing
from matching.queries import (
    listings_with_match_counts,
    match_level,
    matches_for_listing,
    recommended_for,
)
from matching.trends import trending_areas

register = template.Library()


@register.filter
def level(score: float) -> str:
    """0.72 → "Strong"; see ``matching.queries.match_level``."""
    return match_level(score)


@register.inclusion_tag("matching/_listing_matches.html", takes_context=True)
def listing_matches(context: template.Context, listing: Listing) -> dict[str, Any]:
    """The "Matches" section of a listing page, for members of the owning organisation only."""
    request = context["request"]
    matches = matches_for_listing(request.user, listing)
    return {
        "request": request,
        "listing": listing,
        "show": matches is not None,
        "matches": matches or [],
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("matching/_recommended.html", takes_context=True)
def recommended_for_me(context: template.Context, limit: int = 6) -> dict[str, Any]:
    """ "Recommended for you" on the dashboard: what answers your organisations' listings."""
    request = context["request"]
    return {"recommendations": recommended_for(request.user, limit=limit)}


@register.inclusion_tag("matching/_my_listings.html", takes_context=True)
def my_listings_with_matches(context: template.Context, limit: int = 10) -> dict[str, Any]:
    """Dashboard: my organisations' listings with how many matches each has."""
    request = context["request"]
    return {"listings": listings_with_match_counts(request.user, limit=limit)}


@register.inclusion_tag("matching/_trending_needs.html", takes_context=True)
def trending_needs(context: template.Context, limit: int = 6) -> dict[str, Any]:
    """Home page: the need areas with most new listings and "we need this too" lately."""
    return {"areas": trending_areas(context["request"].user, limit=limit)}
