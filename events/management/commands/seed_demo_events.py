from typing import Any

from django.core.management.base import BaseCommand

from events.demo import seed_events


class Command(BaseCommand):
    help = "Add demo events and bookings to the demo exchange (run seed_demo first; idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        report = seed_events()
        self.stdout.write(f"Demo events: {report.events} new events, {report.bookings} bookings.")
