"""Reusable reads of listings. Every list, page, feed and API queryset starts here.

``core`` holds visibility and the organisation/API reads; ``discovery`` holds full-text
search with facets.
"""

from listings.queries.core import (
    OUTSIDER_STATUSES,
    listings_for_api,
    listings_of_organisation,
    listings_visible_to,
    member_organisation_ids,
    tags_in_use,
    visibility_filter,
)
from listings.queries.discovery import (
    FACET_NAMES,
    FacetValue,
    SearchParams,
    SearchResult,
    listing_search,
    new_matches,
    searchable_listings,
    similar_listings,
)

__all__ = [
    "FACET_NAMES",
    "OUTSIDER_STATUSES",
    "FacetValue",
    "SearchParams",
    "SearchResult",
    "listing_search",
    "listings_for_api",
    "listings_of_organisation",
    "listings_visible_to",
    "member_organisation_ids",
    "new_matches",
    "searchable_listings",
    "similar_listings",
    "tags_in_use",
    "visibility_filter",
]
