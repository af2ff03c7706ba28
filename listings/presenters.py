"""Turn a search result into what the search page shows: facet links and filter chips.

Pure presentation over ``SearchParams``; shared by the page and its feeds' links.
"""

from __future__ import annotations

from dataclasses import dataclass

from listings import search
from listings.models import Listing
from listings.queries import SearchParams, SearchResult

FACET_TITLES = {
    "kind": "Kind",
    "need_area": "Need area",
    "need": "Need",
    "tag": "Tag",
    "organisation_kind": "Organisation kind",
    "region": "Region",
    "price": "Price",
}


@dataclass(frozen=True)
class FacetLink:
    label: str
    count: int
    selected: bool
    url: str  # toggles this value


@dataclass(frozen=True)
class FacetGroup:
    name: str
    title: str
    links: list[FacetLink]


@dataclass(frozen=True)
class ActiveFilter:
    title: str
    label: str
    remove_url: str


def _url(params: SearchParams) -> str:
    query = params.querystring()
    return f"?{query}" if query else "?"


def facet_groups(result: SearchResult) -> list[FacetGroup]:
    params = result.params
    groups = []
    for name, values in result.facets.items():
        links = [
            FacetLink(
                label=v.label,
                count=v.count,
                selected=v.selected,
                url=_url(params.without(name) if v.selected else params.with_value(name, v.value)),
            )
            for v in values
        ]
        if links:
            groups.append(FacetGroup(name=name, title=FACET_TITLES[name], links=links))
    return groups


def active_filters(result: SearchResult) -> list[ActiveFilter]:
    params = result.params
    labels = {(name, v.value): v.label for name, values in result.facets.items() for v in values}
    chips = [
        ActiveFilter(
            title=FACET_TITLES.get(name, "Organisation"),
            label=labels.get((name, value), value),
            remove_url=_url(params.without(name)),
        )
        for name, value in params.active_filters()
    ]
    if params.q:
        chips.insert(
            0, ActiveFilter(title="Words", label=params.q, remove_url=_url(params.without("q")))
        )
    return chips


def rows(result: SearchResult) -> list[tuple[Listing, str]]:
    """Listings with their highlighted snippet."""
    return [(listing, search.listing_snippet(listing, result.words)) for listing in result.listings]
