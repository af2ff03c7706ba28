"""Reads of the match engine: listings as scoring data, candidates in SQL, matches to show.

Matching computes over every published listing the source's organisation may see; anything
that *shows* matches (page fragments, dashboard, API) goes through ``matches_for_listing`` or
``recommended_for``, which filter both listings through ``listings.queries.visibility_filter``
for the viewer.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from exchange.enums import Region
from exchange.models import Membership, User
from listings.enums import ListingKind, ListingStatus, Visibility
from listings.models import CoOwner, Interest, Listing
from listings.queries import visibility_filter
from listings.workflow_enums import CoOwnerStatus
from matching.models import Match, MatchDismissal
from matching.ranking import (
    Ranked,
    add_area_evidence,
    area_ids,
    evidence,
    rank,
    rare_tag_ids,
    shortlist,
)
from matching.scoring import (
    CorpusStats,
    ListingData,
    NeedRef,
    Scorer,
    TagRef,
    compatible_kinds,
)
from matching.text import terms

NeedLink = Listing.needs.through
TagLink = Listing.tags.through
ShareLink = Listing.shared_with.through

REGION_NAMES = dict(Region.choices)
_ROW = (
    "id",
    "kind",
    "organisation_id",
    "title",
    "summary",
    "region",
    "price_model",
    "price_pence",
    "budget_pence",
    "visibility",
)


# --- Listings as scoring data ----------------------------------------------------------------


def published_listings() -> QuerySet[Listing]:
    """The matchable listings: published ones (closed, draft and archived never match)."""
    return Listing.objects.filter(status=ListingStatus.PUBLISHED)


def listing_data(ids: Iterable[int] | None = None) -> dict[int, ListingData]:
    """Published listings (all when ``ids`` is None) as scoring data, in four queries."""
    rows = published_listings()
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    scope = rows.values("pk")
    needs: dict[int, list[NeedRef]] = {}
    refs: dict[int, NeedRef] = {}
    for listing_id, need_id, name, area_id, area_name in (
        NeedLink.objects.filter(listing_id__in=scope)
        .order_by("listing_id", "need_id")
        .values_list("listing_id", "need_id", "need__name", "need__area_id", "need__area__name")
    ):
        ref = refs.get(need_id) or refs.setdefault(
            need_id, NeedRef(need_id, name, area_id, area_name)
        )
        needs.setdefault(listing_id, []).append(ref)
    tags: dict[int, list[TagRef]] = {}
    tag_refs: dict[int, TagRef] = {}
    for listing_id, tag_id, tag_name in (
        TagLink.objects.filter(listing_id__in=scope)
        .order_by("listing_id", "tag_id")
        .values_list("listing_id", "tag_id", "tag__name")
    ):
        tag = tag_refs.get(tag_id) or tag_refs.setdefault(tag_id, TagRef(tag_id, tag_name))
        tags.setdefault(listing_id, []).append(tag)
    shared: dict[int, set[int]] = {}
    for listing_id, organisation_id in ShareLink.objects.filter(
        listing_id__in=rows.filter(visibility=Visibility.SHARED).values("pk")
    ).values_list("listing_id", "organisation_id"):
        shared.setdefault(listing_id, set()).add(organisation_id)
    result: dict[int, ListingData] = {}
    for row in rows.order_by().values_list(*_ROW):
        pk, kind, org, title, summary, region, price_model, price, budget, visibility = row
        result[pk] = ListingData(
            id=pk,
            kind=kind,
            organisation_id=org,
            title=title,
            summary=summary,
            needs=tuple(needs.get(pk, ())),
            tags=tuple(tags.get(pk, ())),
            region=region,
            region_name=REGION_NAMES.get(region, region),
            price_model=price_model,
            price_pence=price,
            budget_pence=budget,
            visibility=visibility,
            shared_with=frozenset(shared.get(pk, ())),
        )
    return result


# --- Corpus statistics -----------------------------------------------------------------------

_STATS_KEY = "matching:corpus-stats:v1"
# Per-process memo in front of the shared cache: "stats" → (monotonic time, stats).
_memo: dict[str, tuple[float, CorpusStats]] = {}


def compute_corpus_stats() -> CorpusStats:
    """Document frequencies of needs, areas, tags and words over published listings."""
    scope = published_listings().values("pk")
    links = NeedLink.objects.filter(listing_id__in=scope).order_by()
    need_df = dict(links.values_list("need_id").annotate(n=Count("listing_id")))
    area_df = dict(
        links.values_list("need__area_id").annotate(n=Count("listing_id", distinct=True))
    )
    tag_df = dict(
        TagLink.objects.filter(listing_id__in=scope)
        .order_by()
        .values_list("tag_id")
        .annotate(n=Count("listing_id"))
    )
    term_df: dict[str, int] = {}
    documents = 0
    for title, summary in published_listings().order_by().values_list("title", "summary"):
        documents += 1
        for term in set(terms(title)) | set(terms(summary)):
            term_df[term] = term_df.get(term, 0) + 1
    return CorpusStats(documents, need_df, area_df, tag_df, term_df)


def corpus_stats() -> CorpusStats:
    """Corpus statistics, cached for ``MATCH_STATS_TTL`` seconds (0: always fresh).

    Rarity moves slowly, so a listing published since the last refresh being scored against
    slightly older frequencies changes nothing that matters; the batch recompute refreshes
    them. Cached in the process and in the shared cache (one computation per TTL per fleet).
    """
    ttl = settings.MATCH_STATS_TTL
    if ttl <= 0:
        return compute_corpus_stats()
    now = time.monotonic()
    memo = _memo.get("stats")
    if memo is not None and now - memo[0] < ttl:
        return memo[1]
    stats = cache.get(_STATS_KEY)
    if not isinstance(stats, CorpusStats):
        stats = compute_corpus_stats()
        cache.set(_STATS_KEY, stats, ttl)
    _memo["stats"] = (now, stats)
    return stats


def remember_corpus_stats(stats: CorpusStats) -> None:
    """Make ``stats`` the cached statistics (the batch computed them anyway)."""
    if settings.MATCH_STATS_TTL > 0:
        cache.set(_STATS_KEY, stats, settings.MATCH_STATS_TTL)
        _memo["stats"] = (time.monotonic(), stats)


def forget_corpus_stats() -> None:
    cache.delete(_STATS_KEY)
    _memo.clear()


# --- Candidate generation in SQL -------------------------------------------------------------


def eligible_targets_q(source: ListingData, *, prefix: str = "") -> Q:
    """Published listings of a compatible kind and another organisation that members of the
    source's organisation may see (``visibility_filter``'s rule applied to an organisation)."""
    eligible = (
        Q(**{f"{prefix}status": ListingStatus.PUBLISHED})
        & Q(**{f"{prefix}kind__in": sorted(compatible_kinds(source.kind))})
        & ~Q(**{f"{prefix}organisation_id": source.organisation_id})
    )
    shared_with_source_org = ShareLink.objects.filter(
        listing_id=OuterRef(f"{prefix}pk"), organisation_id=source.organisation_id
    )
    return eligible & (
        Q(**{f"{prefix}visibility__in": [Visibility.PUBLIC, Visibility.MEMBERS]})
        | (Q(**{f"{prefix}visibility": Visibility.SHARED}) & Q(Exists(shared_with_source_org)))
    )


def candidate_evidence(
    source: ListingData,
    stats: CorpusStats,
    *,
    candidates: int,
    excluded: frozenset[int] = frozenset(),
) -> dict[int, float]:
    """Eligible listings sharing a need or a rare tag with ``source`` (or, when fewer than
    ``candidates`` do, a need area), each with the rarity of what it shares: the candidate
    policy of ``matching.ranking``, in two or three indexed queries."""
    eligible = eligible_targets_q(source, prefix="listing__")
    need_ids = [n.id for n in source.needs]
    tag_ids = rare_tag_ids(source, stats)
    need_hits: list[tuple[int, int]] = []
    tag_hits: list[tuple[int, int]] = []
    if need_ids:
        need_hits = list(
            NeedLink.objects.filter(eligible, need_id__in=need_ids).values_list(
                "listing_id", "need_id"
            )
        )
    if tag_ids:
        tag_hits = list(
            TagLink.objects.filter(eligible, tag_id__in=tag_ids).values_list("listing_id", "tag_id")
        )
    found = evidence(source, stats, need_hits=need_hits, tag_hits=tag_hits, excluded=excluded)
    if len(found) < candidates and need_ids:
        area_hits = (
            NeedLink.objects.filter(eligible, need__area_id__in=area_ids(source))
            .values_list("listing_id", "need__area_id")
            .order_by()
            .distinct()
        )
        add_area_evidence(found, source, stats, area_hits, excluded=excluded)
    return found


def dismissed_targets(source_id: int) -> frozenset[int]:
    return frozenset(
        MatchDismissal.objects.filter(source_id=source_id).values_list("target_id", flat=True)
    )


def shortlisted(
    source: ListingData, stats: CorpusStats, *, excluded: frozenset[int] = frozenset()
) -> dict[int, ListingData]:
    """The ``MATCH_CANDIDATES`` eligible listings with the most evidence, loaded."""
    candidates = settings.MATCH_CANDIDATES
    found = candidate_evidence(source, stats, candidates=candidates, excluded=excluded)
    return listing_data(shortlist(found, candidates))


def top_matches(source: ListingData, scorer: Scorer) -> list[Ranked]:
    """The best matches of ``source`` (computed, not stored): candidates from SQL, shortlisted
    by evidence, loaded and scored. About ten queries whatever the size of the exchange."""
    excluded = dismissed_targets(source.id)
    return rank(
        source,
        shortlisted(source, scorer.stats, excluded=excluded).values(),
        scorer,
        limit=settings.MATCH_LIMIT,
        min_score=settings.MATCH_MIN_SCORE,
        excluded=excluded,
    )


def compute_top_matches(listing_id: int) -> list[Ranked]:
    """What a refresh would store for one published listing ([] otherwise), without storing."""
    source = listing_data([listing_id]).get(listing_id)
    return [] if source is None else top_matches(source, Scorer(corpus_stats()))


# --- Showing matches -------------------------------------------------------------------------


def is_owner_member(user: User | AnonymousUser, listing: Listing) -> bool:
    """Whether ``user`` belongs to the organisation that owns ``listing``, or to an accepted
    co-owner of it (``can_manage_listing``): the people who see and dismiss its matches."""
    return bool(
        user.is_authenticated
        and (
            Membership.objects.filter(
                user_id=user.pk, organisation_id=listing.organisation_id
            ).exists()
            # Accepted co-owners hold the listing's change permission (can_manage_listing);
            # asked directly so a superuser's global rights do not make them an owner here.
            or CoOwner.objects.filter(
                listing_id=listing.pk,
                status=CoOwnerStatus.ACCEPTED,
                organisation__memberships__user_id=user.pk,
            ).exists()
        )
    )


def _visible_pks(user: User | AnonymousUser) -> QuerySet[Listing, Any]:
    return Listing.objects.filter(visibility_filter(user)).values("pk")


def _not_dismissed() -> Q:
    dismissal = MatchDismissal.objects.filter(
        source_id=OuterRef("source_id"), target_id=OuterRef("target_id")
    )
    return ~Q(Exists(dismissal))


def matches_for_listing(
    user: User | AnonymousUser, listing: Listing, *, limit: int | None = None
) -> list[Match] | None:
    """The best matches of ``listing`` for its owners, best first, in two queries.

    None for anyone outside the owning organisation (matches are the owners' view); targets
    limited to listings ``user`` may see; dismissed ones left out.
    """
    if not is_owner_member(user, listing):
        return None
    visible = _visible_pks(user)
    qs = (
        Match.objects.filter(source_id=listing.pk, target_id__in=visible)
        .filter(source_id__in=visible, target__status=ListingStatus.PUBLISHED)
        .filter(_not_dismissed())
        .select_related("target__organisation")
        .order_by("-score", "-target_id")
    )
    return list(qs[: limit or settings.MATCH_LIMIT])


@dataclass(frozen=True)
class Recommendation:
    match: Match

    @property
    def listing(self) -> Listing:
        return self.match.target

    @property
    def because_of(self) -> Listing:
        return self.match.source

    @property
    def level(self) -> str:
        return match_level(self.match.score)


def recommended_for(user: User | AnonymousUser, *, limit: int = 6) -> list[Recommendation]:
    """Listings that answer what ``user``'s organisations need, best first, each once (with
    the listing it answers best), all visible to ``user``.

    What they need: their own published listings, and the requests of others they said "we
    need this too" on or co-own (a shared need is theirs as much as the owner's).
    """
    if not user.is_authenticated:
        return []
    my_orgs = Membership.objects.filter(user_id=user.pk).values("organisation_id")
    visible = _visible_pks(user)
    shared_needs = Interest.objects.filter(
        organisation_id__in=my_orgs, listing__kind=ListingKind.REQUEST
    ).values("listing_id")
    co_owned = CoOwner.objects.filter(
        organisation_id__in=my_orgs, status=CoOwnerStatus.ACCEPTED
    ).values("listing_id")
    qs = (
        Match.objects.filter(
            Q(source__organisation_id__in=my_orgs)
            | Q(source_id__in=shared_needs)
            | Q(source_id__in=co_owned),
            source_id__in=visible,
            source__status=ListingStatus.PUBLISHED,
            target__status=ListingStatus.PUBLISHED,
            target_id__in=visible,
        )
        .exclude(target__organisation_id__in=my_orgs)
        .filter(_not_dismissed())
        .select_related("source", "target__organisation")
        .order_by("-score", "-target_id", "source_id")
    )
    seen: set[int] = set()
    found: list[Recommendation] = []
    # A target matching several of the organisation's listings appears once; look a little
    # further than ``limit`` rows so repeats do not leave the block short.
    for match in qs[: limit * 4]:
        if match.target_id not in seen:
            seen.add(match.target_id)
            found.append(Recommendation(match))
        if len(found) == limit:
            break
    return found


def match_level(score: float) -> str:
    """The simple level shown instead of a number: Strong, Good or Possible."""
    if score >= settings.MATCH_NOTIFY_THRESHOLD:
        return "Strong"
    if score >= settings.MATCH_GOOD_THRESHOLD:
        return "Good"
    return "Possible"


def listings_with_match_counts(user: User | AnonymousUser, *, limit: int = 10) -> list[Listing]:
    """The listings of ``user``'s organisations, recently changed first, each with
    ``match_count``: the matches its owners would see on its page (published targets ``user``
    may see, not dismissed). One query."""
    if not user.is_authenticated:
        return []
    my_orgs = Membership.objects.filter(user_id=user.pk).values("organisation_id")
    shown = (
        Match.objects.filter(
            source_id=OuterRef("pk"),
            target__status=ListingStatus.PUBLISHED,
            target_id__in=_visible_pks(user),
        )
        .filter(_not_dismissed())
        .order_by()
        .values("source_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        Listing.objects.filter(organisation_id__in=my_orgs)
        .select_related("organisation")
        .annotate(match_count=Coalesce(Subquery(shown), 0))
        .order_by("-updated_at", "-id")[:limit]
    )
