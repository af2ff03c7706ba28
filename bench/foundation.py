"""Foundation figures: the API baseline and the main HTML pages, with seeding time.

Prints name=value lines. BENCH_LISTINGS (default 100000) sets how many listings to generate.
"""

from __future__ import annotations

import os
import time

from bench.common import measure, p50, p95, report, seed, setup_django

LISTINGS = int(os.environ.get("BENCH_LISTINGS", "100000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "60"))


def main() -> None:
    vendor = setup_django("foundation")
    started = time.perf_counter()
    seed(LISTINGS)
    report(f"foundation.{vendor}.seed_seconds", time.perf_counter() - started)
    report(f"foundation.{vendor}.listings", LISTINGS)

    from django.test import Client

    from listings.models import Listing

    client = Client()
    listing = (
        Listing.objects.filter(status="published", visibility="public").order_by("-pk").first()
    )
    assert listing is not None

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)

    cases = {
        "api_listings_page_by_id": "/api/v1/listings/?ordering=id",
        "browse_page": "/listings/",
        "browse_filtered_page": "/listings/?kind=request&price=free",
        "listing_page": listing.get_absolute_url(),
        "home_page": "/",
    }
    baseline = None
    for name, url in cases.items():
        samples = measure(lambda url=url: get(url), repeat=REPEAT)
        report(f"foundation.{vendor}.{name}.p50_ms", p50(samples))
        report(f"foundation.{vendor}.{name}.p95_ms", p95(samples))
        if baseline is None:
            baseline = p50(samples)
        else:
            report(f"foundation.{vendor}.{name}.ratio_to_baseline", p50(samples) / baseline)


if __name__ == "__main__":
    main()
