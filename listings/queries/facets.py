"""Facet counts for a search: how many of the counted listings carry each filter value.

The counted listings — every match, or an even 1-in-n sample of a very large match set —
are read once (columns, need links, tag links) and counted in memory: one grouped query per
facet would run the text match again for each.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import QuerySet

from exchange.enums import OrganisationKind, Region
from exchange.models import Need, Tag
from listings import search
from listings.enums import ListingKind, PriceModel
from listings.models import Listing

if TYPE_CHECKING:  # discovery imports this module; the type alone is needed here
    from listings.queries.discovery import SearchParams

FACET_NAMES = ("kind", "need_area", "need", "tag", "organisation_kind", "region", "price")
SET_FACETS = frozenset({"need_area", "need", "tag"})  # a listing has several
TOP_TAGS = 20
TOP_NEEDS = 20
FACET_LIMITS = {"need": TOP_NEEDS, "tag": TOP_TAGS}
PRICE_LABELS = {"free": "Free", "paid": "Paid"}
FILTERS = (*FACET_NAMES, "organisation")


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def about(n: int) -> int:
    """Round an estimate to two significant figures (4,237 → 4,200)."""
    if n < 100:
        return n
    digits = len(str(n)) - 2
    return round(n, -digits)


class FacetRow(NamedTuple):
    """What the filters and facets look at, for one listing."""

    kind: str
    organisation_kind: str
    organisation: str
    region: str
    price: str  # "free" or "paid"
    need_area: frozenset[str]  # slugs
    need: frozenset[str]
    tag: frozenset[str]

    def failing(self, params: SearchParams) -> tuple[str, ...]:
        """The active filters this row fails: ``discovery.apply_filters``' rules, in memory
        (change both together)."""
        failed = []
        for name in FILTERS:
            wanted = getattr(params, name)
            have = getattr(self, name)
            if wanted and (wanted not in have if name in SET_FACETS else wanted != have):
                failed.append(name)
        return tuple(failed)


@dataclass
class FacetData:
    """The counted rows, grouped for one search's filters: those passing every active filter,
    and per filter those failing only that one (a facet counts both: its alternatives are
    what its own filter would let in)."""

    passing: list[FacetRow]
    failing_only: dict[str, list[FacetRow]]
    labels: dict[str, dict[str, str]]  # facet → slug → label
    area_of_need: dict[str, str] = field(default_factory=dict)  # need slug → its area's slug


def facet_data(listings: QuerySet[Listing], params: SearchParams) -> FacetData:
    """Read ``listings`` (at most about ``SEARCH_EXACT_LIMIT``) in three queries and group
    them by the filters of ``params``."""
    columns = list(
        listings.order_by().values_list(
            "pk", "kind", "organisation__kind", "organisation__slug", "region", "price_model"
        )
    )
    ids = [row[0] for row in columns]
    related: dict[str, dict[int, set[str]]] = {name: defaultdict(set) for name in SET_FACETS}
    labels: dict[str, dict[str, str]] = {
        "kind": dict(ListingKind.choices),
        "organisation_kind": dict(OrganisationKind.choices),
        "region": dict(Region.choices),
        "price": PRICE_LABELS,
        "need_area": {},
        "need": {},
        "tag": {},
    }
    area_of_need: dict[str, str] = {}
    if ids:
        # Ids only from the link tables; names from the (small) vocabularies they point at.
        need_links = list(
            Listing.needs.through.objects.filter(listing_id__in=search.id_list(ids)).values_list(
                "listing_id", "need_id"
            )
        )
        needs = {
            pk: (slug, name, area_slug, area_name)
            for pk, slug, name, area_slug, area_name in Need.objects.filter(
                pk__in={need_id for _, need_id in need_links}
            ).values_list("pk", "slug", "name", "area__slug", "area__name")
        }
        for listing_id, need_id in need_links:
            slug, name, area_slug, area_name = needs[need_id]
            related["need"][listing_id].add(slug)
            related["need_area"][listing_id].add(area_slug)
            labels["need"][slug] = name
            labels["need_area"][area_slug] = area_name
            area_of_need[slug] = area_slug
        tag_links = list(
            Listing.tags.through.objects.filter(listing_id__in=search.id_list(ids)).values_list(
                "listing_id", "tag_id"
            )
        )
        tags = {
            pk: (slug, name)
            for pk, slug, name in Tag.objects.filter(
                pk__in={tag_id for _, tag_id in tag_links}
            ).values_list("pk", "slug", "name")
        }
        for listing_id, tag_id in tag_links:
            slug, name = tags[tag_id]
            related["tag"][listing_id].add(slug)
            labels["tag"][slug] = name
    passing: list[FacetRow] = []
    failing_only: dict[str, list[FacetRow]] = defaultdict(list)
    for pk, kind, organisation_kind, organisation, region, price_model in columns:
        row = FacetRow(
            kind=kind,
            organisation_kind=organisation_kind,
            organisation=organisation,
            region=region,
            price="free" if price_model == PriceModel.FREE else "paid",
            need_area=frozenset(related["need_area"].get(pk, ())),
            need=frozenset(related["need"].get(pk, ())),
            tag=frozenset(related["tag"].get(pk, ())),
        )
        failed = row.failing(params)
        if not failed:
            passing.append(row)
        elif len(failed) == 1:
            failing_only[failed[0]].append(row)
    return FacetData(passing, failing_only, labels, area_of_need)


def search_facets(
    data: FacetData, params: SearchParams, *, scale: int = 1, exact_total: int | None = None
) -> dict[str, list[FacetValue]]:
    """Counts per facet value over the counted listings, honouring the other active filters.

    The counted listings may be an even 1-in-``scale`` sample of the matches; counts are then
    scaled estimates, except a selected value's when ``exact_total`` (the search's exact
    total, which is exactly that value's count) is given.
    """
    facets = {}
    for name in FACET_NAMES:
        rows = (*data.passing, *data.failing_only.get(name, ()))
        values = (getattr(row, name) for row in rows)
        counts = Counter(chain.from_iterable(values) if name in SET_FACETS else values)
        limit = FACET_LIMITS.get(name)
        if name == "need" and params.need_area:
            # Within a chosen area, offer only that area's needs (a handful), all of them.
            limit = None
            for need in list(counts):
                if data.area_of_need.get(need) != params.need_area and need != params.need:
                    del counts[need]
        selected = getattr(params, name)
        if selected and scale > 1 and exact_total is not None:
            counts[selected] = exact_total
        facets[name] = _labelled(
            counts,
            data.labels[name],
            selected,
            limit=limit,
            scale=scale,
            exact=selected if exact_total is not None else "",
        )
    return facets


def _labelled(
    counts: Counter[str],
    labels: dict[str, str],
    selected: str,
    *,
    limit: int | None,
    scale: int,
    exact: str,
) -> list[FacetValue]:
    """Facet values, largest first; counts of a 1-in-``scale`` sample are scaled (``exact``
    names a value whose count is already exact)."""
    items = [
        FacetValue(
            value=v,
            label=labels.get(v, v),
            count=about(n * scale) if scale > 1 and v != exact else n,
            selected=v == selected,
        )
        for v, n in counts.items()
        if n > 0 or v == selected
    ]
    items.sort(key=lambda f: (-f.count, f.label))
    if limit is not None and len(items) > limit:
        kept = items[:limit]
        kept += [f for f in items[limit:] if f.selected]
        return kept
    return items
