"""The transactional outbox: work that must not be lost between a commit and a broker.

A service that must be sure something happens after its change commits — a confirmation
email, a partner webhook — writes an ``OutboxMessage`` row with ``outbox_put`` *inside its
own transaction*, so the row exists exactly when the change does. After commit the relay is
nudged (a Celery task; eager in development, so delivery follows the commit at once). A
broker outage at that moment is logged and swallowed: the row is safe, and the relay run by
Celery beat every few seconds picks it up once the broker is back.

The relay claims due rows one at a time (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL,
so several relays never take the same row; SQLite's IMMEDIATE transactions serialise them),
calls the handler named for the row's ``kind`` in ``settings.OUTBOX_HANDLERS`` and marks it
sent, or records the error and retries later with backoff. Delivery is at least once: a
handler must be idempotent, keyed on the message id (or on state it checks, as the email
tasks do).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from exchange.models import OutboxMessage
from exchange.queue import resolve_task

logger = logging.getLogger(__name__)

RELAY_TASK = "exchange.tasks.outbox_relay"
TASK_KIND = "task"
DOMAIN_EVENT_KIND = "domain_event"

Handler = Callable[[OutboxMessage], object]

# Set while the relay runs: messages written by a handler are picked up by the same run, so
# they need no nudge (and an eager nudge would run the relay inside itself).
_relaying: contextvars.ContextVar[bool] = contextvars.ContextVar("outbox_relaying", default=False)


def outbox_put(
    *, kind: str, payload: dict[str, Any], available_at: datetime | None = None
) -> OutboxMessage:
    """Write one message. Call it inside the transaction of the change it belongs to.

    Raises RuntimeError outside a transaction (the message would not be tied to the change)
    and KeyError for a kind with no handler in ``settings.OUTBOX_HANDLERS``.
    Side effects: an OutboxMessage row; the relay nudged once after the transaction commits.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_put must run inside the transaction of the change.")
    if kind not in settings.OUTBOX_HANDLERS:
        raise KeyError(f"No outbox handler for {kind!r} in settings.OUTBOX_HANDLERS.")
    message = OutboxMessage.objects.create(
        kind=kind, payload=payload, available_at=available_at or timezone.now()
    )
    if available_at is None and not _relaying.get():
        _nudge_after_commit()
    return message


def outbox_task(task_name: str, *args: Any, available_at: datetime | None = None) -> OutboxMessage:
    """Publish Celery task ``task_name(*args)`` through the outbox (not lost if the broker is
    down at commit). The task must be idempotent. Call inside the caller's transaction."""
    resolve_task(task_name)  # fail now, inside the transaction, if the name is wrong
    return outbox_put(
        kind=TASK_KIND, payload={"task": task_name, "args": list(args)}, available_at=available_at
    )


def domain_event_record(
    event_type: str,
    *,
    resource: str,
    id: int,
    organisation_ids: Iterable[int | None] | None = None,
    related: dict[str, int] | None = None,
) -> OutboxMessage:
    """Record that ``event_type`` (e.g. ``listing.published``) happened to a resource.

    ``organisation_ids`` narrows who may hear of it (e.g. a booking: the booker's and the
    organiser's organisations); visibility rules still apply on top. ``related`` names other
    resources by id (a match: its source listing). Handled by the webhook fan-out in ``api``.
    Call inside the caller's transaction.
    """
    payload: dict[str, Any] = {
        "type": event_type,
        "resource": resource,
        "id": id,
        "occurred_at": timezone.now().isoformat(),
    }
    if organisation_ids is not None:
        payload["organisations"] = sorted({pk for pk in organisation_ids if pk is not None})
    if related:
        payload["related"] = related
    return outbox_put(kind=DOMAIN_EVENT_KIND, payload=payload)


# --- Relay ------------------------------------------------------------------------------------


def _nudge_relay() -> None:
    try:
        resolve_task(RELAY_TASK).apply_async()
    except Exception:
        # The broker is down (or, eagerly, the relay itself failed): the rows are committed
        # and the relay on the beat schedule sends them later. Never fail the request here.
        logger.warning("Outbox relay not reached; beat will relay the messages.", exc_info=True)


def _nudge_after_commit() -> None:
    connection = transaction.get_connection()
    # One nudge per transaction is enough: skip when one is already registered by this
    # transaction (its savepoints are all still open; a rolled-back one took its nudge along).
    current = set(connection.savepoint_ids)
    for savepoints, callback, *_ in connection.run_on_commit:
        if callback is _nudge_relay and set(savepoints) <= current:
            return
    transaction.on_commit(_nudge_relay)


def handler_for(kind: str) -> Handler:
    handler: Handler = resolve_task(settings.OUTBOX_HANDLERS[kind])
    return handler


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: the schedule, then its last step forever."""
    schedule = settings.OUTBOX_RETRY_SECONDS
    return timedelta(seconds=schedule[min(attempts, len(schedule)) - 1])


def _relay_one(now: datetime) -> bool:
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, available_at__lte=now)
            .order_by("available_at", "id")
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            with transaction.atomic():
                handler_for(message.kind)(message)
        except Exception as exc:
            logger.warning(
                "Outbox message %s (%s) failed, attempt %s.",
                message.pk,
                message.kind,
                message.attempts,
                exc_info=True,
            )
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.available_at = now + retry_delay(message.attempts)
            message.save(update_fields=["attempts", "last_error", "available_at"])
        else:
            message.sent_at = timezone.now()
            message.save(update_fields=["attempts", "sent_at"])
    return True


def outbox_relay(*, now: datetime | None = None, limit: int = 500) -> int:
    """Handle due messages, oldest first, each in its own transaction. Returns how many
    were handled (sent or rescheduled). Messages a handler writes are picked up by this run.

    Side effects: whatever the handlers do; rows marked sent, or their error recorded and a
    retry scheduled (``OUTBOX_RETRY_SECONDS``).
    """
    token = _relaying.set(True)
    try:
        handled = 0
        while handled < limit and _relay_one(now or timezone.now()):
            handled += 1
        return handled
    finally:
        _relaying.reset(token)


@transaction.atomic
def outbox_purge(*, now: datetime | None = None) -> int:
    """Delete messages sent more than ``OUTBOX_KEEP_DAYS`` ago. Returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.OUTBOX_KEEP_DAYS)
    deleted, _ = OutboxMessage.objects.filter(sent_at__lt=cutoff).delete()
    return deleted


# --- Handlers ---------------------------------------------------------------------------------


def task_publish(message: OutboxMessage) -> None:
    """Handler for ``task`` messages: publish the named Celery task now (eagerly: run it).
    The broker refusing raises, so the relay retries; the task itself is idempotent."""
    payload = message.payload
    resolve_task(payload["task"]).apply_async(
        args=payload.get("args", []), kwargs=payload.get("kwargs", {})
    )
