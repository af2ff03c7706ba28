"""Search and facets over the listings a person may see.

One entry point, ``listing_search``, serves the search page, the feeds, saved-search alerts
and the API, so all of them mean the same thing by the same URL.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, fields, replace
from datetime import datetime
from itertools import chain
from typing import NamedTuple
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.functions import Mod

from exchange.enums import OrganisationKind, Region
from exchange.models import Need, Tag, User
from listings import search
from listings.enums import ListingKind, ListingStatus, PriceModel
from listings.models import Listing
from listings.queries.core import listings_visible_to

FACET_NAMES = ("kind", "need_area", "need", "tag", "organisation_kind", "region", "price")
SORTS = ("relevance", "newest")
TOP_TAGS = 20
TOP_NEEDS = 20
PRICE_LABELS = {"free": "Free", "paid": "Paid"}
SIMILAR_STOPWORDS = frozenset(
    "about after also and are for from have into more need needs our that the their them "
    "they this those through using want what when which will with your".split()
)


@dataclass(frozen=True)
class SearchParams:
    """Everything a search URL can say. Unknown values are dropped by ``from_query``."""

    q: str = ""
    kind: str = ""
    need_area: str = ""
    need: str = ""
    tag: str = ""
    organisation_kind: str = ""
    organisation: str = ""
    region: str = ""
    price: str = ""
    sort: str = "relevance"

    @classmethod
    def from_query(cls, data: object) -> SearchParams:
        """Build from a QueryDict or dict, keeping only well-formed values."""
        get = getattr(data, "get", None)
        if get is None:
            return cls()
        values = {f.name: str(get(f.name, "") or "").strip()[:200] for f in fields(cls)}
        # A trailing space in q means "the last word is finished" (no prefix match).
        values["q"] = str(get("q", "") or "").lstrip()[:200]
        if values["kind"] not in ListingKind.values:
            values["kind"] = ""
        if values["organisation_kind"] not in OrganisationKind.values:
            values["organisation_kind"] = ""
        if values["region"] not in Region.values:
            values["region"] = ""
        if values["price"] not in PRICE_LABELS:
            values["price"] = ""
        if values["sort"] not in SORTS:
            values["sort"] = "relevance"
        for slug_field in ("need_area", "need", "tag", "organisation"):
            if not re.fullmatch(r"[-a-zA-Z0-9_]*", values[slug_field]):
                values[slug_field] = ""
        return cls(**values)

    def without(self, name: str) -> SearchParams:
        return replace(self, **{name: "" if name != "sort" else "relevance"})

    def with_value(self, name: str, value: str) -> SearchParams:
        return replace(self, **{name: value})

    def active_filters(self) -> list[tuple[str, str]]:
        return [(n, getattr(self, n)) for n in (*FACET_NAMES, "organisation") if getattr(self, n)]

    def querystring(self) -> str:
        """The canonical query string of this search (empty values and defaults dropped)."""
        pairs = [(f.name, getattr(self, f.name)) for f in fields(self)]
        return urlencode([(k, v) for k, v in pairs if v and not (k == "sort" and v == "relevance")])


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResult:
    params: SearchParams
    total: int
    page: Page
    facets: dict[str, list[FacetValue]]
    ranked: bool  # ordered by relevance
    capped: bool  # more matches than were ranked; the rest follow by date
    words: list[str]
    approximate: bool = False  # the total is estimated from an even sample
    facets_approximate: bool = False  # facet counts (but the selected values') are estimated

    @property
    def listings(self) -> list[Listing]:
        return list(self.page.object_list)


def searchable_listings(user: User | AnonymousUser) -> QuerySet[Listing]:
    """Published listings ``user`` may see: what search, feeds and alerts look through."""
    return listings_visible_to(user).filter(status=ListingStatus.PUBLISHED)


def _through_ids(relation: str, **lookup: object) -> QuerySet:  # type: ignore[type-arg]
    through = getattr(Listing, relation).through
    return through.objects.filter(**lookup).values("listing_id")


def apply_filters(
    qs: QuerySet[Listing], params: SearchParams, *, skip: str = ""
) -> QuerySet[Listing]:
    """Narrow by every active filter except ``skip`` (so a facet can count its alternatives).

    Many-to-many filters are subqueries, so rows never repeat and no DISTINCT is needed.
    """
    if params.kind and skip != "kind":
        qs = qs.filter(kind=params.kind)
    if params.need_area and skip != "need_area":
        qs = qs.filter(pk__in=_through_ids("needs", need__area__slug=params.need_area))
    if params.need and skip != "need":
        qs = qs.filter(pk__in=_through_ids("needs", need__slug=params.need))
    if params.tag and skip != "tag":
        qs = qs.filter(pk__in=_through_ids("tags", tag__slug=params.tag))
    if params.organisation_kind and skip != "organisation_kind":
        qs = qs.filter(organisation__kind=params.organisation_kind)
    if params.organisation and skip != "organisation":
        qs = qs.filter(organisation__slug=params.organisation)
    if params.region and skip != "region":
        qs = qs.filter(region=params.region)
    if params.price == "free" and skip != "price":
        qs = qs.filter(price_model=PriceModel.FREE)
    elif params.price == "paid" and skip != "price":
        qs = qs.exclude(price_model=PriceModel.FREE)
    return qs


def _matching(qs: QuerySet[Listing], parsed: search.ParsedQuery) -> QuerySet[Listing]:
    return qs if parsed.is_empty else qs.filter(pk__in=search.matching_ids(parsed))


def sample_step(parsed: search.ParsedQuery) -> int:
    """1 when counting every match is cheap; else n for an even 1-in-n sample.

    The raw index (any status or visibility) is counted only as far as
    ``SEARCH_EXACT_LIMIT``; past it, n is sized from the whole index so that a sample holds
    about that many ids at most. It decides how to count, never what anyone sees.
    """
    limit = settings.SEARCH_EXACT_LIMIT
    if parsed.is_empty:
        raw = Listing.objects.filter(status=ListingStatus.PUBLISHED).order_by()[: limit + 1].count()
    else:
        raw = search.match_count(parsed, cap=limit + 1)
    return 1 if raw <= limit else -(-Listing.objects.count() // limit)


def _sample_ids(parsed: search.ParsedQuery, step: int) -> list[int]:
    """Matching ids divisible by ``step`` (visibility is applied by the caller)."""
    if parsed.is_empty:
        return list(
            Listing.objects.filter(status=ListingStatus.PUBLISHED)
            .alias(sample=Mod("id", step))
            .filter(sample=0)
            .values_list("pk", flat=True)
        )
    return search.sample_match_ids(parsed, step)


def _about(n: int) -> int:
    """Round an estimate to two significant figures (4,237 → 4,200)."""
    if n < 100:
        return n
    digits = len(str(n)) - 2
    return round(n, -digits)


def listing_search(
    user: User | AnonymousUser,
    params: SearchParams,
    *,
    page_number: int | str | None = 1,
    per_page: int = 20,
    with_facets: bool = True,
) -> SearchResult:
    """Search the listings ``user`` may see.

    With a query and relevance order, the newest ``SEARCH_CANDIDATE_CAP`` matches that pass
    the filters are ranked (title strongest); matches beyond the cap follow by date.

    Above ``SEARCH_EXACT_LIMIT`` raw matches, the facet counts and the total are estimated
    from an even 1-in-n sample taken inside the index (``facets_approximate``,
    ``approximate``); the results themselves are never sampled, and whenever the filters
    leave fewer matches than the candidate cap the total (and so each selected facet value)
    is counted exactly.
    """
    parsed = search.parse_query(params.q)
    visible = searchable_listings(user)
    cap = settings.SEARCH_CANDIDATE_CAP
    step = sample_step(parsed)
    base = _matching(visible, parsed)
    filtered = apply_filters(base, params)
    newest = filtered.order_by("-published_at", "-id")
    ranked = not parsed.is_empty and params.sort == "relevance"
    # What the facets and an estimated total count: every match, or an even sample of them.
    counted = (
        base if step == 1 else visible.filter(pk__in=search.id_list(_sample_ids(parsed, step)))
    )
    data = _facet_data(counted) if with_facets or step > 1 else None
    candidates: list[int] = []
    exact = step == 1
    if ranked or step > 1:
        candidates = _newest_candidates(parsed, visible, filtered, params, cap, step)
        exact = exact or len(candidates) < cap  # the filters leave few: count them exactly
    if exact:
        total = filtered.count()
    else:
        sampled = len(data.grouped(params)[0]) if data else 0
        total = max(_about(sampled * step), len(candidates))
    capped = False
    if ranked:
        ranked_ids = search.rank(parsed, candidates)
        capped = total > len(candidates)
        rest = newest.exclude(pk__in=candidates).values_list("pk", flat=True)
        ids = RankedIds(ranked_ids, rest, total)
        page = Paginator(ids, per_page).get_page(page_number)  # type: ignore[arg-type,var-annotated]
        # The ids passed visibility and filters already: fetch the rows by primary key.
        objects = visible.in_bulk(list(page.object_list))
        page.object_list = [objects[pk] for pk in page.object_list if pk in objects]
    else:
        paginator = Paginator(newest, per_page)
        paginator.count = total  # already counted: spare the paginator a second COUNT(*)
        page = paginator.get_page(page_number)
    facets = {}
    if with_facets and data is not None:
        facets = search_facets(data, params, scale=step, exact_total=total if exact else None)
    return SearchResult(
        params=params,
        total=total,
        page=page,
        facets=facets,
        ranked=ranked,
        capped=capped,
        words=parsed.highlight_words(),
        approximate=not exact,
        facets_approximate=step > 1,
    )


def _newest_candidates(
    parsed: search.ParsedQuery,
    visible: QuerySet[Listing],
    filtered: QuerySet[Listing],
    params: SearchParams,
    cap: int,
    step: int,
) -> list[int]:
    """The ids of the newest ``cap`` matches that pass visibility and the filters."""
    if step > 1 and not parsed.is_empty:
        # Very many matches: look at the newest few thousand in the index first.
        head = search.newest_match_ids(parsed, limit=cap * 4)
        found = list(
            apply_filters(visible.filter(pk__in=head), params)
            .order_by("-pk")
            .values_list("pk", flat=True)[:cap]
        )
        if len(found) == cap or len(head) < cap * 4:
            return found
    return list(filtered.order_by("-pk").values_list("pk", flat=True)[:cap])


class RankedIds:
    """The ranked candidates, then every other match newest first, fetched page by page."""

    def __init__(self, ranked: list[int], rest: QuerySet[Listing, int], total: int) -> None:
        self.ranked, self.rest, self.total = ranked, rest, total

    def __len__(self) -> int:
        return self.total

    def count(self) -> int:
        return self.total

    def __getitem__(self, window: slice) -> list[int]:
        start, stop = window.start or 0, min(window.stop or self.total, self.total)
        head = self.ranked[start:stop]
        if stop <= len(self.ranked):
            return head
        offset = max(0, start - len(self.ranked))
        return head + list(self.rest[offset : offset + (stop - start - len(head))])


def _labelled(
    counts: Counter[str],
    labels: dict[str, str],
    selected: str,
    *,
    limit: int | None = None,
    scale: int = 1,
    selected_count: int | None = None,
) -> list[FacetValue]:
    if selected and selected_count is not None:
        counts[selected] = selected_count  # known exactly: the total of the search itself
        scale_of = {selected: 1}
    else:
        scale_of = {}
    items = [
        FacetValue(
            value=v,
            label=labels.get(v, v),
            count=_about(n * scale_of.get(v, scale)) if scale_of.get(v, scale) > 1 else n,
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


class _FacetRow(NamedTuple):
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
        """The active filters this row fails (``apply_filters``' rules, in memory)."""
        failed = [
            name
            for name in ("kind", "organisation_kind", "organisation", "region", "price")
            if getattr(params, name) and getattr(self, name) != getattr(params, name)
        ]
        failed += [
            name
            for name in ("need_area", "need", "tag")
            if getattr(params, name) and getattr(params, name) not in getattr(self, name)
        ]
        return tuple(failed)


@dataclass
class _FacetData:
    rows: list[_FacetRow]
    labels: dict[str, dict[str, str]]  # facet → slug → label
    area_of_need: dict[str, str]  # need slug → its area's slug
    _grouped: tuple[list[_FacetRow], dict[str, list[_FacetRow]]] | None = None

    def grouped(self, params: SearchParams) -> tuple[list[_FacetRow], dict[str, list[_FacetRow]]]:
        """``_group_by_failed_filter`` of the rows, worked out once per search."""
        if self._grouped is None:
            self._grouped = _group_by_failed_filter(self.rows, params)
        return self._grouped


def _facet_data(listings: QuerySet[Listing]) -> _FacetData:
    """Everything the facets count, for each of ``listings``, in three queries.

    Counting in memory over the (at most about ``SEARCH_EXACT_LIMIT``) counted listings costs
    three reads instead of a grouped query per facet, each of which would run the text match
    again.
    """
    columns = list(
        listings.order_by().values_list(
            "pk", "kind", "organisation__kind", "organisation__slug", "region", "price_model"
        )
    )
    ids = [row[0] for row in columns]
    related: dict[str, dict[int, set[str]]] = {
        "need_area": defaultdict(set),
        "need": defaultdict(set),
        "tag": defaultdict(set),
    }
    labels: dict[str, dict[str, str]] = {name: {} for name in FACET_NAMES}
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
    labels["kind"] = dict(ListingKind.choices)
    labels["organisation_kind"] = dict(OrganisationKind.choices)
    labels["region"] = dict(Region.choices)
    labels["price"] = PRICE_LABELS
    rows = [
        _FacetRow(
            kind=kind,
            organisation_kind=organisation_kind,
            organisation=organisation,
            region=region,
            price="free" if price_model == PriceModel.FREE else "paid",
            need_area=frozenset(related["need_area"].get(pk, ())),
            need=frozenset(related["need"].get(pk, ())),
            tag=frozenset(related["tag"].get(pk, ())),
        )
        for pk, kind, organisation_kind, organisation, region, price_model in columns
    ]
    return _FacetData(rows, labels, area_of_need)


FACET_LIMITS = {"need": TOP_NEEDS, "tag": TOP_TAGS}
SET_FACETS = frozenset({"need_area", "need", "tag"})  # a listing has several


def _group_by_failed_filter(
    rows: list[_FacetRow], params: SearchParams
) -> tuple[list[_FacetRow], dict[str, list[_FacetRow]]]:
    """The rows passing every active filter, and per filter the rows failing only that one
    (a facet counts both: its alternatives are what its own filter would let in)."""
    passing: list[_FacetRow] = []
    failing_only: dict[str, list[_FacetRow]] = defaultdict(list)
    for row in rows:
        failed = row.failing(params)
        if not failed:
            passing.append(row)
        elif len(failed) == 1:
            failing_only[failed[0]].append(row)
    return passing, failing_only


def search_facets(
    data: _FacetData, params: SearchParams, *, scale: int = 1, exact_total: int | None = None
) -> dict[str, list[FacetValue]]:
    """Counts per facet value over the counted listings, honouring the other active filters.

    The counted listings may be an even 1-in-``scale`` sample of the matches; counts are then
    scaled, except a selected value's when ``exact_total`` (the search's exact total) says it.
    """
    passing, failing_only = data.grouped(params)
    facets = {}
    for name in FACET_NAMES:
        rows = (*passing, *failing_only.get(name, ()))
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
        facets[name] = _labelled(
            counts,
            data.labels[name],
            selected,
            limit=limit,
            scale=scale,
            selected_count=exact_total if scale > 1 else None,
        )
    return facets


def similar_listings(
    user: User | AnonymousUser, text: str, *, exclude_id: int | None = None, limit: int = 5
) -> list[Listing]:
    """Up to ``limit`` published listings whose words overlap ``text`` most (any word counts)."""
    words = [
        w
        for w in dict.fromkeys(search.WORD_RE.findall((text or "").lower()))
        if len(w) >= 4 and w not in SIMILAR_STOPWORDS and not w.isdigit()
    ][:12]
    if not words:
        return []
    qs = searchable_listings(user).filter(pk__in=search.matching_any_ids(words))
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    candidates = list(
        qs.order_by("-pk").values_list("pk", flat=True)[: settings.SEARCH_CANDIDATE_CAP]
    )
    ordered = search.rank_any(words, candidates)[:limit]
    objects = qs.in_bulk(ordered)
    return [objects[pk] for pk in ordered if pk in objects]


def similar_to_draft(user: User | AnonymousUser, *, title: str, summary: str) -> list[Listing]:
    """The "someone may already offer this" hint while writing a listing: up to 5 published
    listings like the title and summary so far (nothing until there are 8 characters)."""
    text = f"{title[:200]} {summary[:500]}"
    return similar_listings(user, text) if len(text.strip()) >= 8 else []


def new_matches(
    user: User | AnonymousUser,
    params: SearchParams,
    *,
    since: datetime,
    until: datetime,
    limit: int = 10,
) -> tuple[int, list[Listing]]:
    """Listings published in (since, until] matching a saved search: (count, newest few)."""
    parsed = search.parse_query(params.q)
    qs = apply_filters(_matching(searchable_listings(user), parsed), params).filter(
        published_at__gt=since, published_at__lte=until
    )
    return qs.count(), list(qs.order_by("-published_at", "-id")[:limit])
