"""Celery entry points of the match engine. They take ids and call one service."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from matching import services


# Idempotent, so a deadlock or a locked database (two refreshes touching the same rows) is
# simply tried again.
@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def listing_changed(listing_id: int) -> int:
    """Recompute one listing's matches and the reverse matches it creates (or remove them
    when it is no longer published). Queued after commit by the listing services."""
    return services.matches_refresh_listing(listing_id=listing_id).matches


# The whole exchange in one pass: longer than the default task time limit on a large one.
@shared_task(time_limit=3600, soft_time_limit=3300)
def recompute_all_matches() -> int:
    return services.matches_recompute_all()
