import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from exchange.demo import DEMO_PASSWORD, STAFF_EMAIL, bulk_generate_listings, seed_exchange


class Command(BaseCommand):
    help = (
        "Load the demo exchange (idempotent). With --listings N, also add N generated "
        "published listings in bulk, for benchmarks."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--listings", type=int, default=0, help="Generate N extra listings.")
        parser.add_argument("--seed", type=int, default=7, help="Random seed for --listings.")

    def handle(self, *args: Any, **options: Any) -> None:
        report = seed_exchange()
        self.stdout.write(
            f"Demo exchange: {report.organisations} new organisations, {report.people} new "
            f"people, {report.listings} new listings. Log in as {STAFF_EMAIL} (staff) or any "
            f"demo person with password “{DEMO_PASSWORD}”."
        )
        count = options["listings"]
        if count > 0:
            started = time.monotonic()

            def progress(done: int) -> None:
                self.stdout.write(f"  generated {done}/{count} listings", ending="\r")
                self.stdout.flush()

            made = bulk_generate_listings(count, seed=options["seed"], progress=progress)
            elapsed = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"\nGenerated {made} listings in {elapsed:.1f}s."))
