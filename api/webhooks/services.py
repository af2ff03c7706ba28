"""Outgoing webhooks: endpoints, the fan-out of domain events, delivery attempts, retries.

Domain code records events in the outbox (``exchange.outbox.domain_event_record``); the
relay hands each to ``domain_event_fan_out``, which creates one ``WebhookDelivery`` per
subscribed endpoint whose organisation may see the resource and queues its first attempt,
again through the outbox. Each attempt is the Celery task ``deliver_webhook`` (queue
``webhooks``). A network error, a 5xx, 408 or 429 is retried on ``WEBHOOK_RETRY_SECONDS``
(about three days); any other answer outside 2xx fails the delivery at once (the receiver
said no; retrying would not change that). After ``WEBHOOK_DISABLE_AFTER_FAILURES`` failed
deliveries in a row, or ``WEBHOOK_DISABLE_AFTER_DAYS`` without a success, the endpoint is
switched off and its organisation's admins are told.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from api.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from api.webhooks import payloads, signing
from api.webhooks.audience import may_receive
from exchange.enums import NotificationKind, Role
from exchange.exceptions import InvalidTransition, ValidationError
from exchange.models import Organisation, OutboxMessage, User
from exchange.notifications import notify
from exchange.outbox import outbox_task
from exchange.permissions import ORG_CHANGE, require_perm

DELIVER_TASK = "api.webhooks.tasks.deliver_webhook"
RETRYABLE_CODES = frozenset({408, 429})
EXCERPT_CHARS = 500


# --- Endpoints --------------------------------------------------------------------------------


def _internal_host(host: str) -> bool:
    """A literal loopback, private or link-local address (or localhost): never a partner."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


def _resolves_inside(host: str) -> bool:
    """True when ``host`` resolves to any loopback, private or link-local address.

    Checked before every send, so a public name re-pointed inside after registration is
    refused too. (The POST resolves the name again: a rebinding within that instant is the
    gap left; an egress proxy that refuses private ranges closes it — see docs/deploy.md.)
    """
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False  # the POST reports the failure (and is retried)
    return any(_internal_host(str(info[4][0]).split("%", 1)[0]) for info in infos)


def _clean_url(url: str) -> str:
    url = url.strip()
    try:
        URLValidator(schemes=["https", "http"])(url)
    except DjangoValidationError as exc:
        raise ValidationError({"url": "Enter a valid URL."}) from exc
    parts = urlsplit(url)
    allowed = parts.hostname in settings.WEBHOOK_ALLOW_HTTP_HOSTS
    if parts.scheme != "https" and not allowed:
        raise ValidationError({"url": "Webhook URLs must use https://."})
    if not allowed and _internal_host(parts.hostname or ""):
        raise ValidationError({"url": "Webhook URLs must point to a public address."})
    if parts.username or parts.password:
        raise ValidationError({"url": "Leave credentials out of the URL; use the signature."})
    return url


def _clean_event_types(event_types: Sequence[str]) -> list[str]:
    chosen = sorted(set(event_types))
    unknown = [t for t in chosen if t not in payloads.EVENT_TYPES]
    if unknown:
        raise ValidationError({"event_types": f"Unknown event types: {', '.join(unknown)}."})
    if not chosen:
        raise ValidationError({"event_types": "Choose at least one event type."})
    return chosen


@transaction.atomic
def webhook_endpoint_create(
    *,
    actor: User,
    organisation: Organisation,
    url: str,
    event_types: Sequence[str],
    description: str = "",
) -> tuple[WebhookEndpoint, str]:
    """An organisation admin registers an endpoint. Returns it and its secret, which is
    shown this once. Raises PermissionDenied for anyone but the organisation's admins."""
    require_perm(actor, ORG_CHANGE, organisation)
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        organisation=organisation,
        url=_clean_url(url),
        event_types=_clean_event_types(event_types),
        description=description.strip()[:200],
        secret=secret,
        created_by=actor,
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(
    *,
    actor: User,
    endpoint: WebhookEndpoint,
    url: str | None = None,
    event_types: Sequence[str] | None = None,
    description: str | None = None,
    is_active: bool | None = None,
) -> WebhookEndpoint:
    """Change an endpoint. Switching it back on clears the failure record (deliveries given
    up while it was off are not resent; redeliver them from the log)."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    require_perm(actor, ORG_CHANGE, endpoint.organisation)
    if url is not None:
        endpoint.url = _clean_url(url)
    if event_types is not None:
        endpoint.event_types = _clean_event_types(event_types)
    if description is not None:
        endpoint.description = description.strip()[:200]
    if is_active is not None and is_active != endpoint.is_active:
        endpoint.is_active = is_active
        if is_active:
            endpoint.failure_streak, endpoint.failing_since = 0, None
            endpoint.disabled_reason, endpoint.disabled_at = "", None
        else:
            endpoint.disabled_reason = f"Switched off by {actor.display_name}."
            endpoint.disabled_at = timezone.now()
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_delete(*, actor: User, endpoint: WebhookEndpoint) -> None:
    """Delete an endpoint and its delivery log; attempts still queued find nothing to do."""
    require_perm(actor, ORG_CHANGE, endpoint.organisation)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).delete()


# --- Fan-out ----------------------------------------------------------------------------------


def _schedule(delivery: WebhookDelivery, *, attempt: int, at: datetime | None) -> None:
    delivery.next_attempt_at = at or timezone.now()
    delivery.save(update_fields=["next_attempt_at", "updated_at"])
    outbox_task(DELIVER_TASK, delivery.pk, attempt, available_at=at)


def domain_event_fan_out(message: OutboxMessage) -> int:
    """Outbox handler for ``domain_event``: one delivery per active endpoint subscribed to
    the type whose organisation may see the resource. Idempotent on the message id (one
    delivery per endpoint and message however often it runs). Returns deliveries created."""
    event = message.payload
    created = 0
    for endpoint in WebhookEndpoint.objects.filter(is_active=True).order_by("pk"):
        if event["type"] not in endpoint.event_types:
            continue
        if not may_receive(endpoint.organisation_id, event):
            continue
        if WebhookDelivery.objects.filter(endpoint=endpoint, message_id=message.pk).exists():
            continue
        delivery = WebhookDelivery(
            endpoint=endpoint, message_id=message.pk, event_type=event["type"]
        )
        delivery.payload = payloads.build(delivery.delivery_id, event)
        delivery.save()
        _schedule(delivery, attempt=1, at=None)
        created += 1
    return created


# --- Attempts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    code: int | None
    excerpt: str
    error: str

    @property
    def succeeded(self) -> bool:
        return self.code is not None and 200 <= self.code < 300

    @property
    def retryable(self) -> bool:
        return self.code is None or self.code >= 500 or self.code in RETRYABLE_CODES


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer (3xx), not an invitation to post the payload elsewhere."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects())


def post(url: str, body: bytes, headers: dict[str, str]) -> Outcome:
    """POST ``body`` and report the answer. Never raises for network or HTTP errors."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as response:
            text = response.read(EXCERPT_CHARS * 4).decode("utf-8", "replace")
            return Outcome(response.status, text[:EXCERPT_CHARS], "")
    except urllib.error.HTTPError as exc:
        text = exc.read(EXCERPT_CHARS * 4).decode("utf-8", "replace") if exc.fp else ""
        return Outcome(exc.code, text[:EXCERPT_CHARS], "")
    except (OSError, ValueError) as exc:  # URLError, timeouts, refused, reset, TLS
        reason = getattr(exc, "reason", exc)
        return Outcome(None, "", f"{type(exc).__name__}: {reason}"[:300])


def headers_for(delivery: WebhookDelivery, body: bytes, *, now: datetime) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "OpenInnovationExchange-Webhooks/1",
        "Exchange-Signature": signing.sign(
            delivery.endpoint.secret, body, timestamp=int(now.timestamp())
        ),
        "Exchange-Delivery": str(delivery.delivery_id),
        "Exchange-Event": delivery.event_type,
    }


def retry_at(attempt: int, now: datetime) -> datetime | None:
    """When to try again after failed attempt number ``attempt``; None when out of retries."""
    schedule = settings.WEBHOOK_RETRY_SECONDS
    if attempt > len(schedule):
        return None
    return now + timedelta(seconds=schedule[attempt - 1])


def _admins(organisation: Organisation) -> list[User]:
    return list(
        User.objects.filter(memberships__organisation=organisation, memberships__role=Role.ADMIN)
    )


def _record_failure(endpoint_id: int, *, final: bool, now: datetime) -> None:
    """Count a failed attempt against the endpoint; switch it off past the limits."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint_id)
    endpoint.failing_since = endpoint.failing_since or now
    if final:
        endpoint.failure_streak += 1
    update = ["failing_since", "failure_streak", "updated_at"]
    too_many = endpoint.failure_streak >= settings.WEBHOOK_DISABLE_AFTER_FAILURES
    too_long = now - endpoint.failing_since >= timedelta(days=settings.WEBHOOK_DISABLE_AFTER_DAYS)
    if endpoint.is_active and (too_many or too_long):
        endpoint.is_active = False
        endpoint.disabled_at = now
        endpoint.disabled_reason = (
            f"{endpoint.failure_streak} deliveries failed in a row."
            if too_many
            else f"No delivery succeeded for {settings.WEBHOOK_DISABLE_AFTER_DAYS} days."
        )
        update += ["is_active", "disabled_at", "disabled_reason"]
        notify(
            recipients=_admins(endpoint.organisation),
            kind=NotificationKind.SYSTEM,
            text=(
                f"Webhook endpoint {endpoint.url} was switched off: {endpoint.disabled_reason} "
                "Fix the receiver, then switch it back on."
            ),
            link=reverse("webhook-detail", kwargs={"pk": endpoint.pk}),
        )
    endpoint.save(update_fields=update)


def _record_success(endpoint_id: int) -> None:
    WebhookEndpoint.objects.filter(pk=endpoint_id).exclude(
        failure_streak=0, failing_since__isnull=True
    ).update(failure_streak=0, failing_since=None, updated_at=timezone.now())


@transaction.atomic
def webhook_delivery_attempt(*, delivery_id: int, attempt: int, now: datetime | None = None) -> str:
    """Make attempt number ``attempt`` of a delivery. Idempotent: an attempt already made,
    or a delivery no longer pending, is skipped. Returns the delivery's status afterwards
    (or ``"skipped"``).

    Side effects: one signed POST (the delivery row is locked meanwhile, so one attempt runs
    at a time); the outcome recorded; the next attempt put in the outbox for its time, or
    the delivery failed; the endpoint's failure record updated (and the endpoint switched
    off, admins notified, past the limits).
    """
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status != WebhookStatus.PENDING:
        return "skipped"
    if delivery.attempts != attempt - 1:
        return "skipped"
    now = now or timezone.now()
    endpoint = delivery.endpoint
    update = ["status", "attempts", "next_attempt_at", "error", "updated_at"]
    delivery.attempts = attempt
    if not endpoint.is_active:
        delivery.status, delivery.next_attempt_at = WebhookStatus.GIVEN_UP, None
        delivery.error = "The endpoint is switched off."
        delivery.save(update_fields=update)
        return delivery.status
    body = payloads.body(delivery.payload)
    host = urlsplit(endpoint.url).hostname or ""
    if host not in settings.WEBHOOK_ALLOW_HTTP_HOSTS and _resolves_inside(host):
        outcome = Outcome(None, "", "Not sent: the host name resolves to a private address.")
    else:
        outcome = post(endpoint.url, body, headers_for(delivery, body, now=now))
    delivery.response_code = outcome.code
    delivery.response_excerpt = outcome.excerpt
    delivery.error = outcome.error
    delivery.last_attempt_at = now
    update += ["response_code", "response_excerpt", "last_attempt_at"]
    if outcome.succeeded:
        delivery.status, delivery.next_attempt_at = WebhookStatus.SUCCEEDED, None
        delivery.save(update_fields=update)
        _record_success(endpoint.pk)
        return delivery.status
    again = retry_at(attempt, now) if outcome.retryable else None
    if again is not None:
        delivery.next_attempt_at = again
        delivery.save(update_fields=update)
        outbox_task(DELIVER_TASK, delivery.pk, attempt + 1, available_at=again)
    else:
        delivery.status = WebhookStatus.GIVEN_UP if outcome.retryable else WebhookStatus.FAILED
        delivery.next_attempt_at = None
        delivery.save(update_fields=update)
    _record_failure(endpoint.pk, final=again is None, now=now)
    return delivery.status


@transaction.atomic
def webhook_delivery_redeliver(*, actor: User, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a finished delivery again, now, as a new attempt with the same delivery id.
    Failed again, it is retried on whatever remains of the schedule."""
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint__organisation")
        .get(pk=delivery.pk)
    )
    require_perm(actor, ORG_CHANGE, delivery.endpoint.organisation)
    if not delivery.endpoint.is_active:
        raise InvalidTransition("Switch the endpoint on before redelivering.")
    if delivery.status == WebhookStatus.PENDING:
        raise InvalidTransition("This delivery is already waiting for its next attempt.")
    delivery.status = WebhookStatus.PENDING
    delivery.save(update_fields=["status", "updated_at"])
    _schedule(delivery, attempt=delivery.attempts + 1, at=None)
    return delivery
