"""Celery entry points of the events app. They take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from events import services
from events.payments import PaymentNetworkError


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_booking_confirmation(booking_id: int) -> int:
    return services.booking_confirmation_send(booking_id=booking_id)


@shared_task(autoretry_for=(PaymentNetworkError,), retry_backoff=True, max_retries=8)
def send_refund(refund_id: int) -> bool:
    return services.refund_send(refund_id=refund_id)


@shared_task(autoretry_for=(PaymentNetworkError,), retry_backoff=True, max_retries=5)
def expire_checkout_session(payment_id: int) -> bool:
    return services.checkout_session_close(payment_id=payment_id)


@shared_task
def release_expired_holds() -> int:
    return services.holds_release_expired()


@shared_task
def expire_waitlist_offers() -> int:
    return services.waitlist_offers_expire()


@shared_task
def send_event_reminders() -> int:
    return services.event_reminders_send()


@shared_task
def send_requested_refunds() -> int:
    return services.refunds_send_requested()
