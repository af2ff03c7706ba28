"""Trend aggregation: activity by need area (rows) and month (columns), the sector lead's
"vantage point".

Four measures, each counted only over what the viewer may see (the visibility queries):

- ``listings``: listings published in the month (a listing counts once in each need area its
  needs belong to), from ``listings_visible_to``-rules (``visible_listing_ids``);
- ``interests``: "we need this too" on requests, from ``interests_visible_to``;
- ``pilots``: pilot requests made, from ``pilots_visible_to`` (a pilot is never public, so a
  visitor sees only the pilots their organisations are part of), in the need areas of the offer
  piloted (or of the request it answers);
- ``bookings``: seats in confirmed event bookings, in the need areas of the visible listings
  the event is linked to.

Bookings belong to ``events``, which sits beside ``matching``, not below it (STYLE.md: imports
flow ``matching → listings → exchange`` and ``events → listings → exchange``). So this module
never imports ``events``: an app contributes a measure by naming a row function on its
``AppConfig`` (``trend_measures = {"bookings": ("Event bookings", "events.queries.…")}``),
which this module resolves by import name, the way ``exchange.queue`` runs tasks by name. The
row function has the signature of ``RowSource`` and imports only what its own app may import.
Without the events app installed the measure simply is not offered.

Filters: ``region`` is where the activity happened (the listing's region; for interests and
pilots the region of the organisation that acted; the event's region for bookings);
``organisation_kind`` is the kind of the organisation that acted (the listing's owner, the
interested organisation, the organisation asking for the pilot, the booking organisation).
Months are calendar months in the site's time zone (Europe/London), the current one last.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Protocol

from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, F, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.module_loading import import_string

from exchange.models import NeedArea, User
from listings.enums import ListingKind
from listings.models import Listing
from listings.queries import interests_visible_to, pilots_visible_to, visible_listing_ids

MONTHS = 12
# (need area id, month as a date or datetime, count)
Row = tuple[int | None, date | datetime, int]


@dataclass(frozen=True)
class TrendFilters:
    region: str = ""
    organisation_kind: str = ""


class RowSource(Protocol):
    def __call__(
        self,
        user: User | AnonymousUser,
        *,
        start: datetime,
        end: datetime,
        region: str,
        organisation_kind: str,
    ) -> Iterable[Row]: ...


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    source: RowSource


@dataclass(frozen=True)
class TrendRow:
    area: NeedArea
    counts: list[int]
    total: int


@dataclass(frozen=True)
class TrendGrid:
    measure: Measure
    filters: TrendFilters
    months: list[date]
    rows: list[TrendRow]
    max_count: int
    total: int

    @property
    def month_totals(self) -> list[int]:
        """Cells summed per month (a listing in two areas counts in both)."""
        return [sum(row.counts[i] for row in self.rows) for i in range(len(self.months))]

    @property
    def busiest(self) -> tuple[NeedArea, date, int] | None:
        """The first cell with the highest count (rows in order, then months), if any."""
        for row in self.rows:
            for month, n in zip(self.months, row.counts, strict=True):
                if n and n == self.max_count:
                    return row.area, month, n
        return None


# --- Months -----------------------------------------------------------------------------------


def trend_months(today: date, count: int = MONTHS) -> list[date]:
    """The first days of the last ``count`` calendar months, oldest first, ``today``'s last."""
    year, month = today.year, today.month
    firsts = []
    for _ in range(count):
        firsts.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return firsts[::-1]


def _next_month(first: date) -> date:
    return date(first.year + 1, 1, 1) if first.month == 12 else date(first.year, first.month + 1, 1)


def _aware(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _month_of(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return date(value.year, value.month, 1)


def _month(field: str) -> TruncMonth:
    return TruncMonth(field, tzinfo=timezone.get_current_timezone())


def _grouped(qs: QuerySet[Any], area: str, moment: str) -> list[Row]:
    """(area, month, distinct rows) — a row counts once per area even with several needs in it."""
    return list(
        qs.order_by()
        .values(trend_area=F(area), trend_month=_month(moment))
        .annotate(n=Count("pk", distinct=True))
        .values_list("trend_area", "trend_month", "n")
    )


# --- The measures this app can count itself -----------------------------------------------------


def listing_rows(
    user: User | AnonymousUser,
    *,
    start: datetime,
    end: datetime,
    region: str,
    organisation_kind: str,
) -> list[Row]:
    qs = Listing.objects.filter(
        pk__in=visible_listing_ids(user), published_at__gte=start, published_at__lt=end
    )
    if region:
        qs = qs.filter(region=region)
    if organisation_kind:
        qs = qs.filter(organisation__kind=organisation_kind)
    return _grouped(qs, "needs__area", "published_at")


def interest_rows(
    user: User | AnonymousUser,
    *,
    start: datetime,
    end: datetime,
    region: str,
    organisation_kind: str,
) -> list[Row]:
    qs = interests_visible_to(user).filter(
        listing__kind=ListingKind.REQUEST, created_at__gte=start, created_at__lt=end
    )
    if region:
        qs = qs.filter(organisation__region=region)
    if organisation_kind:
        qs = qs.filter(organisation__kind=organisation_kind)
    return _grouped(qs, "listing__needs__area", "created_at")


def pilot_rows(
    user: User | AnonymousUser,
    *,
    start: datetime,
    end: datetime,
    region: str,
    organisation_kind: str,
) -> list[Row]:
    qs = pilots_visible_to(user).filter(created_at__gte=start, created_at__lt=end)
    if region:
        qs = qs.filter(requester__region=region)
    if organisation_kind:
        qs = qs.filter(requester__kind=organisation_kind)
    # An idea written on the spot in a response has no offer: it counts in the request's areas.
    return [
        *_grouped(qs.filter(offer__isnull=False), "offer__needs__area", "created_at"),
        *_grouped(qs.filter(offer__isnull=True), "origin_request__needs__area", "created_at"),
    ]


BUILT_IN: tuple[tuple[str, str, RowSource], ...] = (
    ("listings", "New listings", listing_rows),
    ("interests", "“We need this too”", interest_rows),
    ("pilots", "Pilot requests", pilot_rows),
)


def measures() -> dict[str, Measure]:
    """Every measure on offer, in order: this app's, then those other apps contribute."""
    found = {key: Measure(key, label, source) for key, label, source in BUILT_IN}
    for config in apps.get_app_configs():
        contributed: dict[str, tuple[str, str]] = getattr(config, "trend_measures", {})
        for key, (label, path) in contributed.items():
            found[key] = Measure(key, label, _resolve(path))
    return found


def _resolve(path: str) -> RowSource:
    source: Callable[..., Iterable[Row]] = import_string(path)
    return source


# --- The grid ------------------------------------------------------------------------------------


def trend_grid(
    user: User | AnonymousUser,
    *,
    measure: str,
    filters: TrendFilters,
    today: date | None = None,
) -> TrendGrid:
    """One measure by need area × month over the last 12 months, as ``user`` may see it.

    Every need area is a row (zeros included), in the vocabulary's order. Raises KeyError for
    an unknown measure (forms and serializers offer only ``measures()``).
    """
    chosen = measures()[measure]
    months = trend_months(today or timezone.localdate())
    start, end = _aware(months[0]), _aware(_next_month(months[-1]))
    cells: dict[tuple[int, date], int] = defaultdict(int)
    for area_id, moment, n in chosen.source(
        user,
        start=start,
        end=end,
        region=filters.region,
        organisation_kind=filters.organisation_kind,
    ):
        if area_id is not None:
            cells[(area_id, _month_of(moment))] += n
    rows = []
    for area in NeedArea.objects.order_by("position", "name"):
        counts = [cells.get((area.pk, month), 0) for month in months]
        rows.append(TrendRow(area=area, counts=counts, total=sum(counts)))
    return TrendGrid(
        measure=chosen,
        filters=filters,
        months=months,
        rows=rows,
        max_count=max((n for row in rows for n in row.counts), default=0),
        total=sum(row.total for row in rows),
    )


def trending_areas(
    user: User | AnonymousUser, *, limit: int = 5, today: date | None = None
) -> list[tuple[NeedArea, int]]:
    """Need areas with the most new listings and "we need this too" in the last three months
    (this one and the two before), busiest first. Three queries."""
    months = trend_months(today or timezone.localdate(), 3)
    window = {"start": _aware(months[0]), "end": _aware(_next_month(months[-1]))}
    totals: dict[int, int] = defaultdict(int)
    for source in (listing_rows, interest_rows):
        for area_id, _, n in source(user, region="", organisation_kind="", **window):
            if area_id is not None:
                totals[area_id] += n
    areas = NeedArea.objects.in_bulk(list(totals))
    ranked = sorted(totals, key=lambda pk: (-totals[pk], areas[pk].position, areas[pk].name))
    return [(areas[pk], totals[pk]) for pk in ranked[:limit]]
