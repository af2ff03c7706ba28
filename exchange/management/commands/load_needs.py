from typing import Any

from django.core.management.base import BaseCommand

from exchange.models import Need, NeedArea
from exchange.taxonomy import load_vocabulary


class Command(BaseCommand):
    help = "Create or update the needs vocabulary from exchange/data/needs.json (never deletes)."

    def handle(self, *args: Any, **options: Any) -> None:
        areas, needs = load_vocabulary(NeedArea, Need)
        self.stdout.write(self.style.SUCCESS(f"Loaded {areas} areas and {needs} needs."))
