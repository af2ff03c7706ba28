"""Ticket prices: every price rule in one pure, typed function.

``price_quote`` takes a ticket type's rules as plain data, a quantity and a moment, and
returns the unit price and the total in pence. The rules:

- the list price applies, unless an early-bird price is set and the moment is strictly
  before its deadline;
- a group tier applies when the quantity reaches its ``min_seats``; the tier with the
  largest ``min_seats`` that the quantity reaches wins, and its ``percent_off`` reduces the
  unit price that applies (early-bird or list);
- discounted unit prices are rounded half up to whole pence, and the total is the unit
  price times the quantity, so every seat of a booking costs the same;
- a list price of 0 makes the ticket free whatever else is set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

MAX_PERCENT_OFF = 100


@dataclass(frozen=True)
class GroupTier:
    min_seats: int
    percent_off: int


@dataclass(frozen=True)
class PriceRules:
    price_pence: int
    early_bird_price_pence: int | None = None
    early_bird_until: datetime | None = None
    group_tiers: tuple[GroupTier, ...] = ()


@dataclass(frozen=True)
class PriceQuote:
    quantity: int
    list_unit_pence: int
    unit_pence: int
    total_pence: int
    early_bird: bool
    percent_off: int

    @property
    def is_free(self) -> bool:
        return self.total_pence == 0

    @property
    def saving_pence(self) -> int:
        return self.list_unit_pence * self.quantity - self.total_pence


def rule_errors(rules: PriceRules) -> dict[str, str]:
    """Problems with a set of rules, by field name (empty when the rules are sound)."""
    errors: dict[str, str] = {}
    if rules.price_pence < 0:
        errors["price_pence"] = "A price cannot be negative."
    early, until = rules.early_bird_price_pence, rules.early_bird_until
    if (early is None) != (until is None):
        errors["early_bird_price_pence"] = "Give both an early-bird price and its deadline."
    elif early is not None and not 0 <= early < rules.price_pence:
        errors["early_bird_price_pence"] = "The early-bird price must be below the full price."
    if until is not None and until.tzinfo is None:
        errors["early_bird_until"] = "The early-bird deadline needs a time zone."
    seen: set[int] = set()
    for tier in rules.group_tiers:
        if tier.min_seats < 2 or not 1 <= tier.percent_off <= MAX_PERCENT_OFF:
            errors["group_tiers"] = "Each group tier needs at least 2 seats and 1–100 percent off."
        if tier.min_seats in seen:
            errors["group_tiers"] = "Two group tiers start at the same number of seats."
        seen.add(tier.min_seats)
    return errors


def parse_group_tiers(raw: Iterable[Mapping[str, object]]) -> tuple[GroupTier, ...]:
    """Stored JSON (``[{"min_seats": 5, "percent_off": 10}, …]``) → tiers, smallest first."""
    tiers = []
    for item in raw:
        min_seats, percent_off = item.get("min_seats"), item.get("percent_off")
        if not isinstance(min_seats, int) or not isinstance(percent_off, int):
            raise ValueError("Group tiers need whole numbers for seats and percent off.")
        tiers.append(GroupTier(min_seats=min_seats, percent_off=percent_off))
    return tuple(sorted(tiers, key=lambda t: t.min_seats))


def price_quote(rules: PriceRules, quantity: int, at: datetime) -> PriceQuote:
    """Unit price and total in pence for ``quantity`` seats bought at ``at``.

    Raises ValueError for a quantity below 1, a naive ``at`` or unsound rules.
    """
    if quantity < 1:
        raise ValueError("Book at least one seat.")
    if at.tzinfo is None:
        raise ValueError("The moment of purchase needs a time zone.")
    errors = rule_errors(rules)
    if errors:
        raise ValueError(" ".join(errors.values()))
    list_unit = rules.price_pence
    if list_unit == 0:
        return PriceQuote(quantity, 0, 0, 0, early_bird=False, percent_off=0)
    early = rules.early_bird_price_pence
    until = rules.early_bird_until
    early_bird = early is not None and until is not None and at < until
    unit = early if early is not None and early_bird else list_unit
    reached = [tier for tier in rules.group_tiers if quantity >= tier.min_seats]
    best = max(reached, key=lambda tier: tier.min_seats, default=None)
    percent_off = best.percent_off if best else 0
    if percent_off:
        unit = (unit * (100 - percent_off) + 50) // 100
    return PriceQuote(
        quantity=quantity,
        list_unit_pence=list_unit,
        unit_pence=unit,
        total_pence=unit * quantity,
        early_bird=early_bird,
        percent_off=percent_off,
    )
