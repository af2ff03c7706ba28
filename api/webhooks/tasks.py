"""Celery entry points of outgoing webhooks (queue ``webhooks``: the names say webhook)."""

from __future__ import annotations

from celery import shared_task

from api.webhooks import services


@shared_task
def deliver_webhook(delivery_id: int, attempt: int) -> str:
    """One attempt of one delivery. Retries are scheduled through the outbox, never by
    Celery countdowns (a three-day countdown would outlive the broker's visibility timeout)."""
    return services.webhook_delivery_attempt(delivery_id=delivery_id, attempt=attempt)
