"""Celery discovers ``<app>.tasks``; the API's tasks live with the features they serve."""

from api.webhooks.tasks import deliver_webhook

__all__ = ["deliver_webhook"]
