"""Offline evaluation of the match engine against a labelled set (``tests/data``).

The set is loaded through the real services (organisations, listings, publishing), every
match is recomputed, and the stored top matches of each request are compared with the offers
a council officer judged relevant: precision@5 and nDCG@10 (binary relevance). Used by the
quality test and by ``bench/matching.py``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exchange import services as exchange_services
from exchange.models import Need, Organisation, User
from listings import services as listing_services
from listings.enums import ListingKind, ListingStatus
from listings.models import Listing
from matching.models import Match
from matching.services import matches_recompute_all

EVAL_PASSWORD = "evaluation-only-password"  # noqa: S105  (throw-away accounts of a test set)


def precision_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Share of the first ``k`` results that are relevant (missing results count as misses)."""
    return sum(1 for key in ranked[:k] if key in relevant) / k


def ndcg_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Normalised discounted cumulative gain of the first ``k`` results, binary gains."""
    dcg = sum(1 / math.log2(i + 2) for i, key in enumerate(ranked[:k]) if key in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


@dataclass(frozen=True)
class RequestResult:
    key: str
    ranked: list[str]
    relevant: set[str]

    @property
    def precision_at_5(self) -> float:
        return precision_at(self.ranked, self.relevant, 5)

    @property
    def ndcg_at_10(self) -> float:
        return ndcg_at(self.ranked, self.relevant, 10)


@dataclass(frozen=True)
class Evaluation:
    results: list[RequestResult]

    @property
    def precision_at_5(self) -> float:
        return sum(r.precision_at_5 for r in self.results) / len(self.results)

    @property
    def ndcg_at_10(self) -> float:
        return sum(r.ndcg_at_10 for r in self.results) / len(self.results)


@dataclass(frozen=True)
class LoadedSet:
    listing_keys: dict[int, str]
    requests: dict[str, Listing]
    relevant: dict[str, set[str]]


def read_set(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


def load_set(data: dict[str, Any]) -> LoadedSet:
    """Create the set's organisations and listings through the services; publish, close."""
    organisations: dict[str, tuple[Organisation, User]] = {}
    for spec in data["organisations"]:
        person = exchange_services.user_signup(
            email=f"{spec['key']}@evaluation.example", password=EVAL_PASSWORD
        )
        organisation = exchange_services.organisation_create(
            actor=person, name=spec["name"], kind=spec["kind"], region=spec["region"]
        )
        organisations[spec["key"]] = (organisation, person)
    needs = Need.objects.in_bulk(field_name="slug")
    keys: dict[int, str] = {}
    requests: dict[str, Listing] = {}

    def create(spec: dict[str, Any], kind: str, **extra: Any) -> Listing:
        organisation, person = organisations[spec["org"]]
        listing = listing_services.listing_create(
            actor=person,
            organisation=organisation,
            kind=kind,
            title=spec["title"],
            summary=spec["summary"],
            tag_names=spec["tags"],
            needs=[needs[slug] for slug in spec["needs"]],
            region=spec.get("region", organisation.region),
            **extra,
        )
        if spec.get("status", ListingStatus.PUBLISHED) != ListingStatus.DRAFT:
            listing = listing_services.listing_publish(actor=person, listing=listing)
        if spec.get("status") == ListingStatus.CLOSED:
            listing = listing_services.listing_close(actor=person, listing=listing)
        keys[listing.pk] = spec["key"]
        return listing

    for spec in data["offers"]:
        create(spec, spec["kind"], price_model=spec["price_model"], price_pence=spec["price_pence"])
    for spec in data["requests"]:
        requests[spec["key"]] = create(spec, ListingKind.REQUEST, budget_pence=spec["budget_pence"])
    relevant = {spec["key"]: set(spec["relevant"]) for spec in data["requests"]}
    return LoadedSet(keys, requests, relevant)


def evaluate(loaded: LoadedSet, *, recompute: bool = True) -> Evaluation:
    """Recompute every match (silently) and score each request's stored top matches."""
    if recompute:
        matches_recompute_all(notify=False)
    results = []
    for key, request in loaded.requests.items():
        targets = Match.objects.filter(source=request).order_by("-score", "-target_id")
        # Listings outside the set (in a seeded exchange) are unlabelled: they count as misses.
        ranked = [
            loaded.listing_keys.get(t, f"unlabelled-{t}")
            for t in targets.values_list("target_id", flat=True)
        ]
        results.append(RequestResult(key, ranked, loaded.relevant[key]))
    return Evaluation(results)
