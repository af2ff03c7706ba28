import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from matching.services import matches_recompute_all

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Recompute the matches of every published listing, in batches, with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size", type=int, default=1000, help="Listings written per transaction."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Processes that compute matches (the database is written by this one).",
        )
        parser.add_argument(
            "--no-notify",
            action="store_true",
            help="Record strong new matches as known without notifying anyone (a backfill).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        interactive = sys.stdout.isatty() and options["verbosity"] > 0

        def progress(done: int, total: int) -> None:
            if options["verbosity"] == 0:
                return
            share = done / total if total else 1.0
            filled = int(BAR_WIDTH * share)
            rate = done / max(time.monotonic() - started, 1e-9)
            line = (
                f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{total} listings "
                f"({share:.0%}, {rate:.0f}/s)"
            )
            self.stdout.write(line, ending="\r" if interactive else "\n")
            self.stdout.flush()

        done = matches_recompute_all(
            batch_size=options["batch_size"],
            notify=not options["no_notify"],
            progress=progress,
            workers=options["workers"],
        )
        elapsed = time.monotonic() - started
        if interactive:
            self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Recomputed matches of {done} listings in {elapsed:.1f}s.")
        )
