"""Fragments the match engine supplies to pages of lower apps (listing page, dashboard).

Listings and the core app sit below matching, so their templates load these tags instead of
importing matching (STYLE.md: layers).
"""

from __future__ import annotations

from typing import Any

from django import template

from listings.models import Listing
from matching.queries import match_level, matches_for_listing, recommended_for

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
