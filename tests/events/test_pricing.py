"""The price rules, as a table: every combination of list price, early bird (none, before,
at and after the deadline), group tiers (none, below, at, between, above) and rounding."""

from datetime import UTC, datetime, timedelta

import pytest

from events.pricing import (
    GroupTier,
    PriceQuote,
    PriceRules,
    parse_group_tiers,
    price_quote,
    rule_errors,
)

DEADLINE = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)
BEFORE = DEADLINE - timedelta(seconds=1)
AT = DEADLINE
AFTER = DEADLINE + timedelta(days=1)
TIERS = (GroupTier(min_seats=5, percent_off=10), GroupTier(min_seats=10, percent_off=20))

PAID = PriceRules(price_pence=5000)
EARLY = PriceRules(price_pence=5000, early_bird_price_pence=4000, early_bird_until=DEADLINE)
GROUP = PriceRules(price_pence=5000, group_tiers=TIERS)
BOTH = PriceRules(
    price_pence=5000, early_bird_price_pence=4000, early_bird_until=DEADLINE, group_tiers=TIERS
)
FREE = PriceRules(price_pence=0)
FREE_WITH_TIERS = PriceRules(price_pence=0, group_tiers=TIERS)
ODD = PriceRules(price_pence=1999, group_tiers=(GroupTier(min_seats=3, percent_off=15),))
ODD_EARLY = PriceRules(
    price_pence=1999,
    early_bird_price_pence=1333,
    early_bird_until=DEADLINE,
    group_tiers=(GroupTier(min_seats=3, percent_off=33),),
)
ALL_OFF = PriceRules(price_pence=5000, group_tiers=(GroupTier(min_seats=2, percent_off=100),))
FREE_EARLY = PriceRules(price_pence=5000, early_bird_price_pence=0, early_bird_until=DEADLINE)

# rules, quantity, at → unit, total, early bird?, percent off
TABLE = [
    # free tickets stay free whatever else is set
    (FREE, 1, AFTER, 0, 0, False, 0),
    (FREE, 7, BEFORE, 0, 0, False, 0),
    (FREE_WITH_TIERS, 12, AFTER, 0, 0, False, 0),
    # list price only
    (PAID, 1, BEFORE, 5000, 5000, False, 0),
    (PAID, 3, AFTER, 5000, 15000, False, 0),
    # early bird: before, exactly at, after the deadline
    (EARLY, 1, BEFORE, 4000, 4000, True, 0),
    (EARLY, 2, AT, 5000, 10000, False, 0),
    (EARLY, 2, AFTER, 5000, 10000, False, 0),
    (FREE_EARLY, 2, BEFORE, 0, 0, True, 0),
    (FREE_EARLY, 2, AFTER, 5000, 10000, False, 0),
    # group tiers: below, at the first, between, at the second, above
    (GROUP, 4, AFTER, 5000, 20000, False, 0),
    (GROUP, 5, AFTER, 4500, 22500, False, 10),
    (GROUP, 9, AFTER, 4500, 40500, False, 10),
    (GROUP, 10, AFTER, 4000, 40000, False, 20),
    (GROUP, 25, AFTER, 4000, 100000, False, 20),
    # early bird and group tiers together: the tier reduces the early-bird price
    (BOTH, 4, BEFORE, 4000, 16000, True, 0),
    (BOTH, 5, BEFORE, 3600, 18000, True, 10),
    (BOTH, 10, BEFORE, 3200, 32000, True, 20),
    (BOTH, 5, AT, 4500, 22500, False, 10),
    (BOTH, 10, AFTER, 4000, 40000, False, 20),
    (BOTH, 1, AFTER, 5000, 5000, False, 0),
    # rounding: half up to whole pence per seat; total = unit × seats
    (ODD, 2, AFTER, 1999, 3998, False, 0),
    (ODD, 3, AFTER, 1699, 5097, False, 15),  # 1999 × 0.85 = 1699.15
    (ODD_EARLY, 3, BEFORE, 893, 2679, True, 33),  # 1333 × 0.67 = 893.11
    (ODD_EARLY, 3, AFTER, 1339, 4017, False, 33),  # 1999 × 0.67 = 1339.33
    (PriceRules(price_pence=150, group_tiers=(GroupTier(2, 5),)), 2, AFTER, 143, 286, False, 5),
    # 100% off makes a group booking free
    (ALL_OFF, 1, AFTER, 5000, 5000, False, 0),
    (ALL_OFF, 2, AFTER, 0, 0, False, 100),
]


@pytest.mark.parametrize(("rules", "quantity", "at", "unit", "total", "early", "percent"), TABLE)
def test_price_quote_table(rules, quantity, at, unit, total, early, percent):
    quote = price_quote(rules, quantity, at)

    assert quote == PriceQuote(
        quantity=quantity,
        list_unit_pence=rules.price_pence,
        unit_pence=unit,
        total_pence=total,
        early_bird=early,
        percent_off=percent,
    )


def test_price_quote_is_free_and_saving():
    quote = price_quote(BOTH, 5, BEFORE)

    assert (quote.is_free, quote.saving_pence) == (False, 25000 - 18000)
    assert price_quote(ALL_OFF, 2, AFTER).is_free is True


def test_price_quote_tier_order_does_not_matter():
    shuffled = PriceRules(price_pence=5000, group_tiers=(TIERS[1], TIERS[0]))

    assert price_quote(shuffled, 12, AFTER).unit_pence == 4000


@pytest.mark.parametrize(
    ("rules", "quantity", "at", "message"),
    [
        (PAID, 0, AFTER, "Book at least one seat."),
        (PAID, -1, AFTER, "Book at least one seat."),
        (PAID, 1, datetime(2030, 1, 1), "The moment of purchase needs a time zone."),  # noqa: DTZ001
        (PriceRules(price_pence=-1), 1, AFTER, "A price cannot be negative."),
        (
            PriceRules(price_pence=5000, early_bird_price_pence=4000),
            1,
            AFTER,
            "Give both an early-bird price and its deadline.",
        ),
        (
            PriceRules(price_pence=5000, early_bird_price_pence=5000, early_bird_until=DEADLINE),
            1,
            AFTER,
            "The early-bird price must be below the full price.",
        ),
        (
            PriceRules(price_pence=5000, group_tiers=(GroupTier(1, 10),)),
            1,
            AFTER,
            "Each group tier needs at least 2 seats and 1–100 percent off.",
        ),
        (
            PriceRules(price_pence=5000, group_tiers=(GroupTier(5, 101),)),
            1,
            AFTER,
            "Each group tier needs at least 2 seats and 1–100 percent off.",
        ),
        (
            PriceRules(price_pence=5000, group_tiers=(GroupTier(5, 10), GroupTier(5, 20))),
            1,
            AFTER,
            "Two group tiers start at the same number of seats.",
        ),
    ],
)
def test_price_quote_refuses_bad_input(rules, quantity, at, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(") + "$"):
        price_quote(rules, quantity, at)


def test_rule_errors_empty_for_sound_rules():
    assert rule_errors(BOTH) == {}


def test_parse_group_tiers_sorts_and_validates_types():
    assert parse_group_tiers(
        [{"min_seats": 10, "percent_off": 20}, {"min_seats": 5, "percent_off": 10}]
    ) == (GroupTier(5, 10), GroupTier(10, 20))
    with pytest.raises(ValueError, match="whole numbers"):
        parse_group_tiers([{"min_seats": "5", "percent_off": 10}])
