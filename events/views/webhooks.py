"""Stripe's webhook endpoint: verify the signature on the raw body, apply the event once."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from events import payments, services

logger = logging.getLogger(__name__)


@csrf_exempt  # Stripe cannot send a CSRF token; the signature authenticates the request.
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    try:
        event = payments.verify_webhook(request.body, request.headers.get("Stripe-Signature", ""))
    except payments.InvalidWebhook:
        logger.warning("Rejected a Stripe webhook with a bad signature or body.")
        return JsonResponse({"error": "invalid signature"}, status=400)
    except payments.PaymentsDisabled:
        return JsonResponse({"error": "webhooks are not configured"}, status=503)
    outcome = services.stripe_event_process(event=event)
    logger.info("Stripe event %s (%s): %s", event.id, event.type, outcome)
    return JsonResponse({"received": True, "outcome": outcome})
