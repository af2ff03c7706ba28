"""Celery entry points of the core app. They take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from exchange import notifications, outbox, services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    return notifications.notification_email_send(notification_id=notification_id)


@shared_task
def send_notification_digests() -> int:
    return notifications.send_digests()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int) -> bool:
    return services.invitation_email_send(invitation_id=invitation_id)


@shared_task
def analyse_database() -> None:
    services.database_analyse()


@shared_task
def outbox_relay() -> int:
    """Hand due outbox messages to their handlers (beat every few seconds, and nudged after
    each commit that wrote one)."""
    return outbox.outbox_relay()


@shared_task
def purge_outbox() -> int:
    return outbox.outbox_purge()
