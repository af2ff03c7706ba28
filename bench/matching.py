"""Match engine figures: quality on the labelled set, per-listing time, full recompute.

Run ``python -m bench.matching`` from the project root. Prints name=value lines.
BENCH_LISTINGS (default 100000) sets how many listings to generate; BENCH_SAMPLES (default
100) how many listings are timed one by one.

1. precision@5 and nDCG@10 on tests/data/matching_eval.json alone (in a transaction that is
   rolled back, so the seeded exchange does not see it);
2. the demo exchange and BENCH_LISTINGS generated listings are seeded, the labelled set is
   loaded again on top, and every match is recomputed in one batch (throughput, with
   BENCH_WORKERS processes computing: default one per core);
3. the labelled set is scored again inside the seeded exchange (harder: generated and demo
   listings compete, and relevant demo listings are not labelled, so they count as misses);
4. the search baseline (a 20-row API page by id) and, listing by listing, the time to compute
   the top 20 of one listing (and to refresh it: compute, store, reverse matches).
"""

from __future__ import annotations

import os
import random
import resource
import time
from pathlib import Path

from bench.common import ROOT, p50, p95, report, seed, setup_django

LISTINGS = int(os.environ.get("BENCH_LISTINGS", "100000"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "100"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "60"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(os.cpu_count() or 1)))
EVAL_FILE = ROOT / "tests" / "data" / "matching_eval.json"
TARGET_RATIO = 5.0
TARGET_FULL_SECONDS = 15 * 60


def _cpu_seconds() -> float:
    mine = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def _timed(fn, items) -> list[float]:
    samples = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    vendor = setup_django("matching")
    prefix = f"matching.{vendor}"

    from django.db import transaction
    from django.test import Client

    from matching import queries, services
    from matching.evaluation import evaluate, load_set, read_set
    from matching.models import Match

    data = read_set(Path(EVAL_FILE))
    with transaction.atomic():
        alone = evaluate(load_set(data))
        transaction.set_rollback(True)
    report(f"{prefix}.eval.requests", len(alone.results))
    report(f"{prefix}.eval.precision_at_5", alone.precision_at_5)
    report(f"{prefix}.eval.ndcg_at_10", alone.ndcg_at_10)

    started = time.perf_counter()
    seed(LISTINGS)
    loaded = load_set(data)
    report(f"{prefix}.seed_seconds", time.perf_counter() - started)

    started = time.perf_counter()
    cpu_before = _cpu_seconds()
    done = services.matches_recompute_all(notify=False, batch_size=2000, workers=WORKERS)
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    report(f"{prefix}.full_recompute.workers", WORKERS)
    # CPU time (this process and its workers) does not grow when other work shares the
    # machine; wall time does. On an idle machine wall ≈ CPU / workers plus the writes.
    report(f"{prefix}.full_recompute.cpu_seconds", cpu)
    report(f"{prefix}.full_recompute.load_average_1m", os.getloadavg()[0])
    report(f"{prefix}.full_recompute.listings", done)
    report(f"{prefix}.full_recompute.seconds", elapsed)
    report(f"{prefix}.full_recompute.listings_per_second", done / elapsed)
    report(f"{prefix}.full_recompute.projected_100k_seconds", 100_000 * elapsed / done)
    report(f"{prefix}.full_recompute.meets_15_minutes", 100_000 * elapsed / done < 900)
    report(f"{prefix}.matches_stored", Match.objects.count())

    in_exchange = evaluate(loaded, recompute=False)
    report(f"{prefix}.eval_in_seeded_exchange.precision_at_5", in_exchange.precision_at_5)
    report(f"{prefix}.eval_in_seeded_exchange.ndcg_at_10", in_exchange.ndcg_at_10)

    client = Client()
    baseline_url = "/api/v1/listings/?ordering=id"
    if client.get(baseline_url).status_code != 200:
        baseline_url = "/listings/"  # the API is not there: the browse page stands in
    report(f"{prefix}.baseline_url", baseline_url)

    def get(_: object) -> None:
        response = client.get(baseline_url)
        assert response.status_code == 200, response.status_code

    _timed(get, range(3))
    baseline = _timed(get, range(REPEAT))
    report(f"{prefix}.baseline.p50_ms", p50(baseline))
    report(f"{prefix}.baseline.p95_ms", p95(baseline))

    rng = random.Random(11)
    ids = sorted(queries.published_listings().values_list("pk", flat=True))
    sample = rng.sample(ids, min(SAMPLES, len(ids)))
    queries.corpus_stats()  # warm the statistics cache, as a running worker has it
    _timed(queries.compute_top_matches, sample[:3])
    compute = _timed(queries.compute_top_matches, sample)
    report(f"{prefix}.top20_compute.p50_ms", p50(compute))
    report(f"{prefix}.top20_compute.p95_ms", p95(compute))
    report(f"{prefix}.top20_compute.p50_ratio_to_baseline", p50(compute) / p50(baseline))
    report(f"{prefix}.top20_compute.p95_ratio_to_baseline", p95(compute) / p95(baseline))
    report(f"{prefix}.top20_compute.meets_5x", p50(compute) / p50(baseline) <= TARGET_RATIO)

    def refresh(listing_id: int) -> None:
        services.matches_refresh_listing(listing_id=listing_id)

    refreshed = _timed(refresh, sample)
    report(f"{prefix}.refresh_listing.p50_ms", p50(refreshed))
    report(f"{prefix}.refresh_listing.p95_ms", p95(refreshed))
    report(f"{prefix}.refresh_listing.p50_ratio_to_baseline", p50(refreshed) / p50(baseline))

    started = time.perf_counter()
    queries.compute_corpus_stats()
    report(f"{prefix}.corpus_stats_cold_ms", (time.perf_counter() - started) * 1000)


if __name__ == "__main__":
    main()
