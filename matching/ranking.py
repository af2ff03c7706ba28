"""Ranking: from candidates to the stored top matches. Pure, like ``scoring``.

Candidate policy, the same on both paths:

1. candidates are eligible listings (``scoring.can_match``) that share a need or a rare tag
   with the source, each weighted by the rarity of what it shares (its *evidence*);
2. when fewer than ``candidates`` turn up, listings sharing only a need *area* are added, at
   ``same_area_credit`` of the area's rarity (a small exchange still finds neighbours; a large
   one never needs to, so this costs nothing at scale);
3. the ``candidates`` with the most evidence are scored and the best ``limit`` kept.

The per-listing path gets its hits from SQL (``matching.queries``), the batch path from
``CorpusIndex`` in memory.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from matching.scoring import (
    PUBLICLY_VISIBLE,
    SHARED,
    WEIGHTS,
    CorpusStats,
    ListingData,
    Score,
    Scorer,
    Weights,
    can_match,
    compatible_kinds,
)

Hits = Iterable[tuple[int, int]]


def shortlist(weights_by_candidate: Mapping[int, float], limit: int) -> list[int]:
    """The ``limit`` candidates with the most shared evidence; ties to the newest (higher id)."""
    # (weight, id) tuples compare in C; a key function would be called per candidate.
    pairs = zip(weights_by_candidate.values(), weights_by_candidate, strict=True)
    best = heapq.nlargest(limit, pairs)
    return [candidate for _, candidate in best]


def rare_tag_ids(source: ListingData, stats: CorpusStats) -> list[int]:
    return [t.id for t in source.tags if stats.is_rare_tag(t.id)]


def area_ids(source: ListingData) -> list[int]:
    return sorted({n.area_id for n in source.needs})


def evidence(
    source: ListingData,
    stats: CorpusStats,
    *,
    need_hits: Hits = (),
    tag_hits: Hits = (),
    excluded: frozenset[int] = frozenset(),
) -> dict[int, float]:
    """Candidate id → rarity of the needs and rare tags it shares with ``source``, from
    (candidate, need id) and (candidate, tag id) hits of eligible listings."""
    need_ids = {n.id for n in source.needs}
    tags = set(rare_tag_ids(source, stats))
    found: dict[int, float] = {}
    for candidate, need in need_hits:
        if need in need_ids and candidate not in excluded:
            found[candidate] = found.get(candidate, 0.0) + stats.need_idf(need)
    for candidate, tag in tag_hits:
        if tag in tags and candidate not in excluded:
            found[candidate] = found.get(candidate, 0.0) + stats.tag_idf(tag)
    found.pop(source.id, None)
    return found


def add_area_evidence(
    found: dict[int, float],
    source: ListingData,
    stats: CorpusStats,
    area_hits: Hits,
    *,
    excluded: frozenset[int] = frozenset(),
    weights: Weights = WEIGHTS,
) -> None:
    """Add (candidate, area id) hits — distinct pairs — to ``found`` (policy step 2)."""
    areas = set(area_ids(source))
    for candidate, area in area_hits:
        if area in areas and candidate not in excluded and candidate != source.id:
            credit = weights.same_area_credit * stats.area_idf(area)
            found[candidate] = found.get(candidate, 0.0) + credit


@dataclass(frozen=True, slots=True)
class Ranked:
    target_id: int
    score: Score


def rank(
    source: ListingData,
    candidates: Iterable[ListingData],
    scorer: Scorer,
    *,
    limit: int,
    min_score: float,
    excluded: frozenset[int] = frozenset(),
) -> list[Ranked]:
    """The best ``limit`` candidates by score (ties to the newest), at or above ``min_score``.

    Candidates are ranked by value alone; sentences are written for the ones kept.
    """
    eligible = {c.id: c for c in candidates if c.id not in excluded and can_match(source, c)}
    values = [
        item
        for item in scorer.values(source, eligible.values())
        if item[0] >= min_score and item[0] > 0
    ]
    return [
        Ranked(target_id, Score(value, scorer.reasons(source, eligible[target_id])))
        for value, target_id in heapq.nlargest(limit, values)
    ]


class CorpusIndex:
    """Every matchable listing in memory, with postings by need, area and rare tag."""

    def __init__(self, listings: Iterable[ListingData], stats: CorpusStats | None = None) -> None:
        self.listings: dict[int, ListingData] = {item.id: item for item in listings}
        self.stats = stats or CorpusStats.from_listings(self.listings.values())
        # (need, area or tag id, kind) → listing ids; kinds apart so a request walks offers only.
        self._by_need: dict[tuple[int, str], list[int]] = {}
        self._by_area: dict[tuple[int, str], list[int]] = {}
        self._by_tag: dict[tuple[int, str], list[int]] = {}
        # What ``can_match`` needs beyond the kind, looked up once per candidate.
        self._organisation: dict[int, int] = {}
        self._shared_with: dict[int, frozenset[int]] = {}
        for item in self.listings.values():
            self._organisation[item.id] = item.organisation_id
            if item.visibility not in PUBLICLY_VISIBLE:
                self._shared_with[item.id] = (
                    item.shared_with if item.visibility == SHARED else frozenset()
                )
            for need in item.needs:
                self._by_need.setdefault((need.id, item.kind), []).append(item.id)
            for area in area_ids(item):
                self._by_area.setdefault((area, item.kind), []).append(item.id)
            for tag in item.tags:
                if self.stats.is_rare_tag(tag.id):
                    self._by_tag.setdefault((tag.id, item.kind), []).append(item.id)

    def _add(
        self,
        found: dict[int, float],
        postings: dict[tuple[int, str], list[int]],
        weighted_keys: Iterable[tuple[int, float]],
        kinds: Sequence[str],
    ) -> None:
        for key, weight in weighted_keys:
            for kind in kinds:
                for candidate in postings.get((key, kind), ()):
                    found[candidate] = found.get(candidate, 0.0) + weight

    def _keep_eligible(
        self, found: dict[int, float], source: ListingData, excluded: frozenset[int]
    ) -> None:
        # ``can_match`` for candidates of a compatible kind (the postings' kinds), inlined: the
        # per-listing path filters the same in SQL.
        org = source.organisation_id
        organisation, shared_with = self._organisation, self._shared_with
        drop = [
            c
            for c in found
            if organisation[c] == org
            or c in excluded
            or (c in shared_with and org not in shared_with[c])
        ]
        for candidate in drop:
            del found[candidate]

    def candidate_evidence(
        self, source: ListingData, *, candidates: int, excluded: frozenset[int] = frozenset()
    ) -> dict[int, float]:
        """Evidence of eligible candidates by the policy above (what the SQL path computes)."""
        stats = self.stats
        kinds = sorted(compatible_kinds(source.kind))
        found: dict[int, float] = {}
        needs = [(n.id, stats.need_idf(n.id)) for n in source.needs]
        self._add(found, self._by_need, needs, kinds)
        tags = [(t, stats.tag_idf(t)) for t in rare_tag_ids(source, stats)]
        self._add(found, self._by_tag, tags, kinds)
        self._keep_eligible(found, source, excluded)
        if len(found) < candidates:
            credit = WEIGHTS.same_area_credit
            areas = [(a, credit * stats.area_idf(a)) for a in area_ids(source)]
            self._add(found, self._by_area, areas, kinds)
            self._keep_eligible(found, source, excluded)
        return found

    def top_matches(
        self,
        source: ListingData,
        scorer: Scorer,
        *,
        candidates: int,
        limit: int,
        min_score: float,
        excluded: frozenset[int] = frozenset(),
    ) -> list[Ranked]:
        found = self.candidate_evidence(source, candidates=candidates, excluded=excluded)
        chosen = shortlist(found, candidates)
        return rank(
            source,
            (self.listings[c] for c in chosen),
            scorer,
            limit=limit,
            min_score=min_score,
            excluded=excluded,
        )
