"""Trend aggregation: exact cells for a seeded exchange, visibility, filters."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser

from events import services as event_services
from exchange.models import NeedArea
from listings.models import Listing
from matching.trends import TrendFilters, measures, trend_grid, trend_months, trending_areas
from tests.factories.events import book, make_event, ticket
from tests.factories.listings import make_listing
from tests.factories.matching import needs
from tests.matching.conftest import ym

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def cells(grid) -> dict[tuple[str, str], int]:
    """The non-zero cells as {(area slug, "YYYY-MM"): count}."""
    return {
        (row.area.slug, f"{month:%Y-%m}"): n
        for row in grid.rows
        for month, n in zip(grid.months, row.counts, strict=True)
        if n
    }


def grid_for(user, measure, **filters):
    return trend_grid(user, measure=measure, filters=TrendFilters(**filters))


def test_trend_months_are_the_last_twelve_oldest_first():
    assert trend_months(date(2026, 2, 28)) == [
        date(2025, 3, 1),
        date(2025, 4, 1),
        date(2025, 5, 1),
        date(2025, 6, 1),
        date(2025, 7, 1),
        date(2025, 8, 1),
        date(2025, 9, 1),
        date(2025, 10, 1),
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]


def test_measures_include_bookings_contributed_by_the_events_app():
    assert [(m.key, m.label) for m in measures().values()] == [
        ("listings", "New listings"),
        ("interests", "“We need this too”"),
        ("pilots", "Pilot requests"),
        ("bookings", "Event bookings (seats)"),
    ]


def test_listings_for_the_public_leave_out_the_private_listing(seeded):
    grid = grid_for(AnonymousUser(), "listings")

    assert cells(grid) == {
        ("waste-and-recycling", ym(0)): 1,
        ("adult-social-care", ym(1)): 1,
        ("waste-and-recycling", ym(2)): 1,
        ("adult-social-care", ym(2)): 1,
    }
    assert (grid.total, grid.max_count) == (4, 1)
    assert [row.area.slug for row in grid.rows] == list(
        NeedArea.objects.order_by("position", "name").values_list("slug", flat=True)
    )
    assert len(grid.rows) == 16
    assert grid.month_totals == [0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 1]
    assert [f"{m:%Y-%m}" for m in grid.months[-3:]] == [ym(2), ym(1), ym(0)]


def test_listings_for_the_organisation_it_is_shared_with_count_it(seeded):
    grid = grid_for(seeded.b_officer, "listings")

    assert cells(grid)[("waste-and-recycling", ym(0))] == 2
    assert grid.total == 5


def test_listings_for_an_outsider_match_the_public(seeded):
    assert cells(grid_for(seeded.outsider, "listings")) == cells(
        grid_for(AnonymousUser(), "listings")
    )


def test_listings_filtered_by_region_and_kind(seeded):
    assert cells(grid_for(AnonymousUser(), "listings", region="london")) == {
        ("adult-social-care", ym(1)): 1
    }
    assert cells(grid_for(AnonymousUser(), "listings", organisation_kind="council")) == {
        ("adult-social-care", ym(1)): 1
    }
    assert cells(grid_for(AnonymousUser(), "listings", organisation_kind="third_sector")) == {}


def test_interests_count_we_need_this_too_on_requests_only(seeded):
    grid = grid_for(AnonymousUser(), "interests")

    assert cells(grid) == {("adult-social-care", ym(0)): 1}
    assert cells(grid_for(AnonymousUser(), "interests", region="north_west")) == {
        ("adult-social-care", ym(0)): 1
    }
    assert cells(grid_for(AnonymousUser(), "interests", region="london")) == {}


def test_pilots_only_for_the_two_sides_and_staff(seeded):
    expected = {("waste-and-recycling", ym(0)): 1}

    assert cells(grid_for(seeded.a_officer, "pilots")) == expected
    assert cells(grid_for(seeded.supplier_member, "pilots")) == expected
    assert cells(grid_for(seeded.staff, "pilots")) == expected
    assert cells(grid_for(seeded.b_officer, "pilots")) == {}
    assert cells(grid_for(AnonymousUser(), "pilots")) == {}
    assert cells(grid_for(seeded.staff, "pilots", organisation_kind="supplier")) == {}


def test_bookings_count_confirmed_seats_in_the_areas_of_visible_linked_listings(seeded):
    # "Bins" is waste; "Both" is waste and adult social care: waste counts once.
    grid = grid_for(AnonymousUser(), "bookings")

    assert cells(grid) == {
        ("waste-and-recycling", ym(0)): 2,
        ("adult-social-care", ym(0)): 2,
    }
    assert cells(grid_for(AnonymousUser(), "bookings", organisation_kind="council")) == {
        ("waste-and-recycling", ym(0)): 2,
        ("adult-social-care", ym(0)): 2,
    }
    assert cells(grid_for(AnonymousUser(), "bookings", region="north_west")) == {}


def test_empty_exchange_gives_a_grid_of_zeros(db):
    grid = grid_for(AnonymousUser(), "listings")

    assert (grid.total, grid.max_count, len(grid.rows)) == (0, 0, 16)
    assert all(row.counts == [0] * 12 for row in grid.rows)


def test_unknown_measure_raises_key_error(db):
    with pytest.raises(KeyError):
        grid_for(AnonymousUser(), "pageviews")


def test_trending_areas_rank_listings_and_interests_of_the_last_three_months(seeded):
    ranked = trending_areas(AnonymousUser())

    # ASC: request (M-1) + "Both" (M-2) + we-need-this-too (M0) = 3; waste: "Bins" + "Both".
    assert [(area.slug, n) for area, n in ranked] == [
        ("adult-social-care", 3),
        ("waste-and-recycling", 2),
    ]


def test_month_boundaries_are_london_time(db):
    # Midnight on 1 April in London (BST) is 23:00 UTC on 31 March: it is an April listing.
    (fly,) = needs("fly-tipping-enforcement")
    listing = make_listing(title="Spring bins", needs=[fly])
    Listing.objects.filter(pk=listing.pk).update(
        published_at=datetime(2026, 4, 1, 0, 0, tzinfo=LONDON)
    )
    march_end = make_listing(title="March bins", needs=[fly])
    Listing.objects.filter(pk=march_end.pk).update(
        published_at=datetime(2026, 3, 31, 23, 59, tzinfo=LONDON)
    )

    grid = trend_grid(
        AnonymousUser(), measure="listings", filters=TrendFilters(), today=date(2026, 6, 15)
    )

    assert cells(grid) == {
        ("waste-and-recycling", "2026-03"): 1,
        ("waste-and-recycling", "2026-04"): 1,
    }


def test_bookings_of_an_event_linked_only_to_a_private_listing_count_for_those_who_see_it(seeded):
    private = Listing.objects.get(title="Private bins")
    event = make_event(organisation=seeded.supplier, title="Private showcase")
    event_services.event_listing_link(actor=seeded.supplier_member, event=event, listing=private)
    book(ticket(event), quantity=3)

    public = cells(grid_for(AnonymousUser(), "bookings"))
    shared = cells(grid_for(seeded.b_officer, "bookings"))

    assert public == {("waste-and-recycling", ym(0)): 2, ("adult-social-care", ym(0)): 2}
    assert shared == {("waste-and-recycling", ym(0)): 5, ("adult-social-care", ym(0)): 2}
