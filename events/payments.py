"""Stripe adapter: the only module that imports ``stripe``.

Typed functions with amounts in minor units (pence). Every call fails loudly with
``PaymentsDisabled`` when ``STRIPE_SECRET_KEY`` (or, for webhooks, ``STRIPE_WEBHOOK_SECRET``)
is missing. Webhook signatures are verified on the raw request body. Network failures
raise ``PaymentNetworkError`` (tasks retry those); anything Stripe refuses raises
``PaymentError``. The API base is read from ``stripe.api_base`` at call time, so tests can
point the real library at a local stub server.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CURRENCY = "gbp"
MAX_NETWORK_RETRIES = 2


class PaymentsDisabled(ImproperlyConfigured):
    """Stripe keys are not configured."""


class PaymentError(Exception):
    """Stripe refused the request."""


class PaymentNetworkError(PaymentError):
    """Stripe could not be reached (after the library's own retries)."""


class InvalidWebhook(Exception):
    """The webhook body or its signature is not valid."""


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str
    status: str  # open / complete / expired
    payment_status: str  # paid / unpaid / no_payment_required
    payment_intent_id: str
    amount_total_pence: int
    expires_at: datetime


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str  # pending / requires_action / succeeded / failed / canceled
    amount_pence: int
    payment_intent_id: str


@dataclass(frozen=True)
class WebhookEvent:
    id: str
    type: str
    object: dict[str, Any]


def enabled() -> bool:
    """True when card payments can be taken (a secret key is configured)."""
    return bool(settings.STRIPE_SECRET_KEY)


def _client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise PaymentsDisabled("STRIPE_SECRET_KEY is not set: card payments are off.")
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": stripe.api_base},
        max_network_retries=MAX_NETWORK_RETRIES,
    )


def _raise(exc: stripe.StripeError) -> PaymentError:
    message = exc.user_message or str(exc) or exc.__class__.__name__
    if isinstance(exc, stripe.APIConnectionError | stripe.RateLimitError):
        return PaymentNetworkError(message)
    return PaymentError(message)


def _session(session: stripe.checkout.Session) -> CheckoutSession:
    obj = session.to_dict()
    return CheckoutSession(
        id=obj["id"],
        url=obj.get("url") or "",
        status=obj.get("status") or "",
        payment_status=obj.get("payment_status") or "",
        payment_intent_id=_id(obj.get("payment_intent")),
        amount_total_pence=int(obj.get("amount_total") or 0),
        expires_at=datetime.fromtimestamp(int(obj["expires_at"]), tz=UTC),
    )


def _id(value: Any) -> str:
    """An expandable Stripe field: either an id string or an expanded object."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return str(value["id"])


def create_checkout_session(
    *,
    reference: str,
    item_name: str,
    unit_amount_pence: int,
    quantity: int,
    customer_email: str,
    success_url: str,
    cancel_url: str,
    expires_at: datetime,
    idempotency_key: str,
    metadata: Mapping[str, str],
) -> CheckoutSession:
    """Create a Checkout Session for ``quantity`` × ``unit_amount_pence``.

    ``expires_at`` must be 30 minutes to 24 hours ahead (Stripe's limits). The same
    ``idempotency_key`` returns the same session for 24 hours, so a retried request never
    creates a second one.
    """
    if unit_amount_pence < 1 or quantity < 1:
        raise ValueError("A card payment needs a positive amount.")
    params: dict[str, Any] = {
        "mode": "payment",
        "client_reference_id": reference,
        "customer_email": customer_email,
        "success_url": success_url,
        "cancel_url": cancel_url,
        "expires_at": int(expires_at.timestamp()),
        "line_items": [
            {
                "quantity": quantity,
                "price_data": {
                    "currency": CURRENCY,
                    "unit_amount": unit_amount_pence,
                    "product_data": {"name": item_name[:250]},
                },
            }
        ],
        "metadata": dict(metadata),
        "payment_intent_data": {"metadata": dict(metadata)},
    }
    try:
        session = _client().v1.checkout.sessions.create(
            params=params,  # type: ignore[arg-type]
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _raise(exc) from exc
    return _session(session)


def expire_checkout_session(session_id: str) -> CheckoutSession:
    """Close an open Checkout Session so nobody can pay it any more."""
    try:
        session = _client().v1.checkout.sessions.expire(session_id)
    except stripe.StripeError as exc:
        raise _raise(exc) from exc
    return _session(session)


def create_refund(
    *,
    payment_intent_id: str,
    amount_pence: int,
    idempotency_key: str,
    metadata: Mapping[str, str],
) -> RefundResult:
    """Refund ``amount_pence`` of a payment. Stripe confirms the outcome by webhook."""
    if amount_pence < 1:
        raise ValueError("A refund needs a positive amount.")
    try:
        refund = _client().v1.refunds.create(
            params={
                "payment_intent": payment_intent_id,
                "amount": amount_pence,
                "metadata": dict(metadata),
            },
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _raise(exc) from exc
    data = refund.to_dict()
    return RefundResult(
        id=data["id"],
        status=data.get("status") or "",
        amount_pence=int(data["amount"]),
        payment_intent_id=_id(data.get("payment_intent")),
    )


def verify_webhook(payload: bytes, signature_header: str) -> WebhookEvent:
    """Check the ``Stripe-Signature`` header against the raw body; return the event.

    Raises InvalidWebhook for a bad signature, a stale timestamp or a malformed body.
    """
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise PaymentsDisabled("STRIPE_WEBHOOK_SECRET is not set: webhooks cannot be verified.")
    try:
        stripe.Webhook.construct_event(payload, signature_header, settings.STRIPE_WEBHOOK_SECRET)
        body = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise InvalidWebhook(str(exc)) from exc
    try:
        return WebhookEvent(id=body["id"], type=body["type"], object=body["data"]["object"])
    except (KeyError, TypeError) as exc:
        raise InvalidWebhook("The webhook body is not a Stripe event.") from exc
