"""Search benchmark (issue 3).

Seeds BENCH_LISTINGS (default 100,000) listings, then times in-process, in the same run:
- the baseline: the API listing endpoint returning a 20-row page ordered by id;
- API searches (facets included) for a rare word, a mid-frequency word, a very common word
  and a two-word AND.
Prints p50/p95 in ms, each search's p50 as a ratio to the baseline p50, the number of
matches per query, and whether the targets are met (rare/mid <= 2x, common <= 5x).
Runs on SQLite, or on PostgreSQL when DATABASE_URL is set.
"""

from __future__ import annotations

import os
import time

from bench.common import measure, p50, p95, report, seed, setup_django

LISTINGS = int(os.environ.get("BENCH_LISTINGS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))
TARGETS = {"rare": 2.0, "mid": 2.0, "common": 5.0, "two_words": 5.0}


def main() -> None:
    vendor = setup_django("search")
    started = time.perf_counter()
    seed(LISTINGS)
    prefix = f"search.{vendor}"
    report(f"{prefix}.seed_seconds", time.perf_counter() - started)
    report(f"{prefix}.listings", LISTINGS)

    from django.contrib.auth.models import AnonymousUser
    from django.test import Client

    from exchange.demo import VOCABULARY
    from listings.models import Listing
    from listings.queries import SearchParams, listing_search

    def matches(q: str) -> int:
        return listing_search(AnonymousUser(), SearchParams(q=q), with_facets=False).total

    # A generated title ends with a made-up code name shared by a handful of listings.
    middle = Listing.objects.order_by("pk").values_list("title", flat=True)[LISTINGS // 2]
    queries = {
        "rare": f"{middle.split()[-1]} ",
        "mid": f"{VOCABULARY[700]} ",
        "common": f"{VOCABULARY[0]} ",
        "two_words": f"{VOCABULARY[3]} {VOCABULARY[40]} ",
    }
    client = Client()

    def get(url: str, params: dict[str, str]) -> None:
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])

    baseline_samples = measure(lambda: get("/api/v1/listings/", {"ordering": "id"}), repeat=REPEAT)
    baseline = p50(baseline_samples)
    report(f"{prefix}.baseline_api_page_by_id.p50_ms", baseline)
    report(f"{prefix}.baseline_api_page_by_id.p95_ms", p95(baseline_samples))
    for name, q in queries.items():
        samples = measure(lambda q=q: get("/api/v1/listings/", {"q": q}), repeat=REPEAT)
        ratio = p50(samples) / baseline
        report(f"{prefix}.{name}.query", repr(q.strip()))
        report(f"{prefix}.{name}.matches", matches(q))
        report(f"{prefix}.{name}.p50_ms", p50(samples))
        report(f"{prefix}.{name}.p95_ms", p95(samples))
        report(f"{prefix}.{name}.ratio_to_baseline", ratio)
        report(f"{prefix}.{name}.target_ratio", TARGETS[name])
        report(f"{prefix}.{name}.target_met", "yes" if ratio <= TARGETS[name] else "no")


if __name__ == "__main__":
    main()
