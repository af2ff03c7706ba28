"""Writes of the match engine: recompute matches, record dismissals, announce strong matches."""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from exchange import notifications
from exchange.enums import NotificationKind
from exchange.exceptions import PermissionDenied, ValidationError
from exchange.models import User
from exchange.outbox import domain_event_record
from listings.models import Listing
from matching import queries
from matching.models import Match, MatchDismissal, MatchNotice
from matching.ranking import CorpusIndex, Ranked, rank
from matching.scoring import ListingData, Score, Scorer, can_match


@dataclass
class RefreshResult:
    """What one listing's refresh changed."""

    listing_id: int
    matches: int = 0
    reverse_added: int = 0
    reverse_updated: int = 0
    reverse_removed: int = 0
    deleted: int = 0
    notified_pairs: list[tuple[int, int]] = field(default_factory=list)


def _limits() -> tuple[int, int, float]:
    return settings.MATCH_LIMIT, settings.MATCH_CANDIDATES, settings.MATCH_MIN_SCORE


def _match_row(source_id: int, ranked: Ranked, now: datetime) -> Match:
    return Match(
        source_id=source_id,
        target_id=ranked.target_id,
        score=ranked.score.value,
        reasons=ranked.score.reasons,
        computed_at=now,
    )


def _replace_matches(source_id: int, ranked: Sequence[Ranked], now: datetime) -> None:
    Match.objects.filter(source_id=source_id).exclude(
        target_id__in=[r.target_id for r in ranked]
    ).delete()
    existing = {m.target_id: m for m in Match.objects.filter(source_id=source_id)}
    new, changed = [], []
    for item in ranked:
        match = existing.get(item.target_id)
        if match is None:
            new.append(_match_row(source_id, item, now))
        else:
            match.score, match.reasons, match.computed_at = (
                item.score.value,
                item.score.reasons,
                now,
            )
            changed.append(match)
    # A concurrent refresh of a neighbour may have stored the same pair a moment ago.
    Match.objects.bulk_create(new, ignore_conflicts=True)
    Match.objects.bulk_update(changed, ["score", "reasons", "computed_at"])


@transaction.atomic
def matches_refresh_listing(*, listing_id: int) -> RefreshResult:
    """Recompute the matches of one listing and the reverse matches it creates. Idempotent.

    Side effects: the listing's stored matches replaced by its current best; for each listing
    it now matches, the reverse match stored when it is among that listing's best (the
    weakest dropped beyond ``MATCH_LIMIT``), updated, or removed when no longer valid; a
    listing no longer published loses its matches both ways; owners of strong new matches
    notified (once per pair, ever).
    """
    result = RefreshResult(listing_id)
    # Lock the listing row so two refreshes of one listing do not interleave.
    exists = Listing.objects.select_for_update().filter(pk=listing_id).exists()
    source = queries.listing_data([listing_id]).get(listing_id) if exists else None
    if source is None:
        result.deleted, _ = Match.objects.filter(
            Q(source_id=listing_id) | Q(target_id=listing_id)
        ).delete()
        return result
    now = timezone.now()
    scorer = Scorer(queries.corpus_stats())
    limit, _, min_score = _limits()
    excluded = queries.dismissed_targets(source.id)
    chosen = queries.shortlisted(source, scorer.stats, excluded=excluded)
    ranked = rank(
        source, chosen.values(), scorer, limit=limit, min_score=min_score, excluded=excluded
    )
    _replace_matches(source.id, ranked, now)
    result.matches = len(ranked)
    _refresh_reverse(source, chosen, scorer, now, result)
    strong = [(source.id, r.target_id) for r in ranked if _is_strong(r.score.value)]
    strong += _strong_reverse(source.id)
    result.notified_pairs = announce_strong_matches(strong, notify=True)
    return result


def _is_strong(value: float) -> bool:
    return value >= settings.MATCH_NOTIFY_THRESHOLD


def _strong_reverse(listing_id: int) -> list[tuple[int, int]]:
    return list(
        Match.objects.filter(
            target_id=listing_id, score__gte=settings.MATCH_NOTIFY_THRESHOLD
        ).values_list("source_id", "target_id")
    )


def _refresh_reverse(
    listing: ListingData,
    shortlisted: dict[int, ListingData],
    scorer: Scorer,
    now: datetime,
    result: RefreshResult,
) -> None:
    """Store, update or remove ``other → listing`` for the listings ``listing`` may answer.

    Evidence is symmetric, so the listing's own shortlist names the listings most likely to
    want it, plus those that hold it as a match now. (A listing the source's organisation
    may not see, but which may see the source, is left to the nightly batch.)
    """
    limit, _, min_score = _limits()
    previously = set(Match.objects.filter(target_id=listing.id).values_list("source_id", flat=True))
    others = dict(shortlisted)
    if previously - others.keys():
        others.update(queries.listing_data(previously - others.keys()))
    dismissed = set(
        MatchDismissal.objects.filter(target_id=listing.id).values_list("source_id", flat=True)
    )
    values: dict[int, float] = {}
    for other in others.values():
        if other.id in dismissed or not can_match(other, listing):
            continue
        value = scorer.value(other, listing)
        if value >= min_score and value > 0:
            values[other.id] = value
    gone = previously - values.keys()
    if gone:
        result.reverse_removed, _ = Match.objects.filter(
            target_id=listing.id, source_id__in=gone
        ).delete()
    current = {
        m.source_id: m for m in Match.objects.filter(target_id=listing.id, source_id__in=values)
    }
    kept_by: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
    for match_id, source_id, target_id, score in Match.objects.filter(
        source_id__in=values.keys() - current.keys()
    ).values_list("pk", "source_id", "target_id", "score"):
        kept_by[source_id].append((score, target_id, match_id))
    new: list[Match] = []
    evicted: list[int] = []
    for other_id, value in values.items():
        # Sentences only for the rows written: most candidates do not make the cut.
        if other_id in current:
            match = current[other_id]
            match.score = value
            match.reasons = scorer.reasons(others[other_id], listing)
            match.computed_at = now
            result.reverse_updated += 1
            continue
        kept = kept_by[other_id]
        if len(kept) >= limit:
            weakest = min(kept)
            if (weakest[0], weakest[1]) >= (value, listing.id):
                continue
            evicted.append(weakest[2])
        reasons = scorer.reasons(others[other_id], listing)
        new.append(_match_row(other_id, Ranked(listing.id, Score(value, reasons)), now))
    Match.objects.filter(pk__in=evicted).delete()
    Match.objects.bulk_create(new, ignore_conflicts=True)
    Match.objects.bulk_update(current.values(), ["score", "reasons", "computed_at"])
    result.reverse_added = len(new)


def announce_strong_matches(
    pairs: Iterable[tuple[int, int]], *, notify: bool = True
) -> list[tuple[int, int]]:
    """Record (source, target) pairs never announced before and tell the source's owners.

    Returns the pairs newly recorded. With ``notify`` false they are recorded silently (a
    backfill should not flood inboxes), so they are never announced later either.
    Side effects: MatchNotice rows; one notification per source listing and member.
    """
    wanted = sorted(set(pairs))
    if not wanted:
        return []
    sources = {s for s, _ in wanted}
    known = set(
        MatchNotice.objects.filter(source_id__in=sources).values_list("source_id", "target_id")
    )
    fresh = [pair for pair in wanted if pair not in known]
    MatchNotice.objects.bulk_create(
        [MatchNotice(source_id=s, target_id=t, notified=notify) for s, t in fresh],
        ignore_conflicts=True,
    )
    if notify and fresh:
        _notify_owners(fresh)
        for source_id, target_id in fresh:
            domain_event_record(
                "match.created", resource="match", id=target_id, related={"listing": source_id}
            )
    return fresh


def _notify_owners(pairs: Sequence[tuple[int, int]]) -> None:
    by_source: dict[int, list[int]] = defaultdict(list)
    for source_id, target_id in pairs:
        by_source[source_id].append(target_id)
    listings = Listing.objects.select_related("organisation").in_bulk(
        set(by_source) | {t for _, t in pairs}
    )
    for source_id, target_ids in by_source.items():
        source = listings[source_id]
        members = User.objects.filter(memberships__organisation_id=source.organisation_id)
        if len(target_ids) == 1:
            text = f"“{source.title}” has a strong new match: “{listings[target_ids[0]].title}”."
        else:
            text = f"“{source.title}” has {len(target_ids)} strong new matches."
        notifications.notify(
            recipients=members,
            kind=NotificationKind.MATCH,
            text=text,
            link=f"{source.get_absolute_url()}#matches",
            target=source,
        )


# --- Batch -----------------------------------------------------------------------------------


# What forked batch workers inherit (copy-on-write) instead of receiving it pickled.
_BATCH: dict[str, Any] = {}


def _compute_chunk(chunk: Sequence[int]) -> list[tuple[int, Ranked]]:
    """Top matches of a chunk of listings, from the batch's in-memory index (no database)."""
    index: CorpusIndex = _BATCH["index"]
    scorer: Scorer = _BATCH["scorer"]
    dismissed: dict[int, set[int]] = _BATCH["dismissed"]
    limit, candidates, min_score = _BATCH["limits"]
    rows: list[tuple[int, Ranked]] = []
    for source_id in chunk:
        ranked = index.top_matches(
            index.listings[source_id],
            scorer,
            candidates=candidates,
            limit=limit,
            min_score=min_score,
            excluded=frozenset(dismissed.get(source_id, ())),
        )
        rows.extend((source_id, r) for r in ranked)
    return rows


def _computed_chunks(
    chunks: Sequence[Sequence[int]], workers: int
) -> Iterator[list[tuple[int, Ranked]]]:
    if workers <= 1 or multiprocessing.current_process().daemon:
        yield from map(_compute_chunk, chunks)
        return
    # Fork: the children inherit the index; they never touch the database (the parent writes
    # each chunk while they compute the next ones).
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(_compute_chunk, chunks)


def matches_recompute_all(
    *,
    batch_size: int = 1000,
    notify: bool = True,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> int:
    """Recompute every published listing's matches from one in-memory index. Returns the
    number of listings done.

    Each batch of ``batch_size`` listings is written in its own transaction; matches of
    listings no longer published are removed first. ``workers`` > 1 computes in that many
    forked processes (a management command on a multi-core machine). Side effects: Match rows
    replaced; strong new pairs announced (or recorded silently when ``notify`` is false); the
    corpus statistics cache refreshed.
    """
    index = CorpusIndex(queries.listing_data().values())
    queries.remember_corpus_stats(index.stats)
    dismissed: dict[int, set[int]] = defaultdict(set)
    for source_id, target_id in MatchDismissal.objects.values_list("source_id", "target_id"):
        dismissed[source_id].add(target_id)
    Match.objects.exclude(source__in=queries.published_listings()).delete()
    Match.objects.exclude(target__in=queries.published_listings()).delete()
    ids = sorted(index.listings)
    chunks = [ids[start : start + batch_size] for start in range(0, len(ids), batch_size)]
    _BATCH.update(index=index, scorer=Scorer(index.stats), dismissed=dismissed, limits=_limits())
    done = 0
    try:
        for chunk, rows in zip(chunks, _computed_chunks(chunks, workers), strict=True):
            now = timezone.now()
            strong = [(s, r.target_id) for s, r in rows if _is_strong(r.score.value)]
            with transaction.atomic():
                Match.objects.filter(source_id__in=chunk).delete()
                _insert_matches(rows, now)
                announce_strong_matches(strong, notify=notify)
            done += len(chunk)
            if progress is not None:
                progress(done, len(ids))
    finally:
        _BATCH.clear()
    return done


def _insert_matches(rows: Sequence[tuple[int, Ranked]], now: datetime) -> None:
    """Insert many matches in one statement per 2,000 rows.

    The batch writes about 20 rows per listing (two million on a large exchange); building a
    model instance per row for ``bulk_create`` costs more than computing the matches, so the
    values are adapted by the model fields and inserted directly.
    """
    if not rows:
        return
    fields = {f.attname: f for f in Match._meta.concrete_fields}
    columns = ["source_id", "target_id", "score", "reasons", "computed_at"]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608  (names from model metadata)
        quote(Match._meta.db_table),
        ", ".join(quote(fields[c].column) for c in columns),
        ", ".join(["%s"] * len(columns)),
    )
    when = fields["computed_at"].get_db_prep_save(now, connection)
    reasons = fields["reasons"]
    values = [
        (
            source_id,
            r.target_id,
            r.score.value,
            reasons.get_db_prep_save(r.score.reasons, connection),
            when,
        )
        for source_id, r in rows
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(values), 2000):
            cursor.executemany(sql, values[start : start + 2000])


# --- Dismissal -------------------------------------------------------------------------------


@transaction.atomic
def match_dismiss(*, actor: User, source: Listing, target_id: int) -> MatchDismissal:
    """Hide ``target`` from ``source``'s matches for good. Members of the source's
    organisation only. Idempotent: dismissing again returns the first record.

    Side effects: a MatchDismissal (who, when); the stored match deleted.
    """
    if not queries.is_owner_member(actor, source):
        raise PermissionDenied("Only members of the listing's organisation can dismiss matches.")
    if target_id == source.pk or not Listing.objects.filter(pk=target_id).exists():
        raise ValidationError("There is no such match to dismiss.")
    dismissal, _ = MatchDismissal.objects.get_or_create(
        source_id=source.pk, target_id=target_id, defaults={"dismissed_by": actor}
    )
    Match.objects.filter(source_id=source.pk, target_id=target_id).delete()
    return dismissal
