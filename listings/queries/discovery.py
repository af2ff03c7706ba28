"""Search over the listings a person may see (facet counting: ``listings.queries.facets``).

One entry point, ``listing_search``, serves the search page, the feeds, saved-search alerts
and the API, so all of them mean the same thing by the same URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.functions import Mod

from exchange.enums import OrganisationKind, Region
from exchange.models import User
from listings import search
from listings.enums import ListingKind, ListingStatus, PriceModel
from listings.models import Listing
from listings.queries.core import listings_visible_to
from listings.queries.facets import (
    FACET_NAMES,
    PRICE_LABELS,
    FacetValue,
    about,
    facet_data,
    search_facets,
)

SORTS = ("relevance", "newest")
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
    The same rules, in memory, are ``facets.FacetRow.failing``: change both together.
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
    data = facet_data(counted, params) if with_facets or step > 1 else None
    candidates: list[int] = []
    exact = step == 1
    if ranked or step > 1:
        candidates = _newest_candidates(parsed, visible, filtered, params, cap, step)
        exact = exact or len(candidates) < cap  # the filters leave few: count them exactly
    if exact:
        total = filtered.count()
    else:
        total = max(about(len(data.passing) * step if data else 0), len(candidates))
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
