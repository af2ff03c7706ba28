"""The JSON a webhook carries: small, with the resource's id and its API URL only.

``{"id": <delivery uuid>, "type": "listing.published", "created": "<ISO 8601>",
"data": {"id": 12, "url": "https://…/api/v1/listings/12/"}}`` — the receiver fetches the
resource with its own token, so what it may see is decided by the API, again.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.conf import settings
from django.urls import reverse

from events.models import Booking

EVENT_TYPES = (
    "listing.published",
    "listing.updated",
    "listing.archived",
    "match.created",
    "interest.created",
    "question.answered",
    "pilot.updated",
    "event.published",
    "event.updated",
    "event.cancelled",
    "booking.confirmed",
    "booking.cancelled",
)

ROUTE_NAMES = {
    "listing": "api:listing-detail",
    "match": "api:listing-detail",  # a match is told as the listing matched
    "interest": "api:interest-detail",
    "question": "api:question-detail",
    "pilot": "api:pilot-detail",
    "event": "api:event-detail",
}


def resource_url(resource: str, pk: int) -> str:
    """The absolute API URL of a resource."""
    if resource == "booking":
        reference = Booking.objects.filter(pk=pk).values_list("reference", flat=True).first()
        path = reverse("api:booking-detail", kwargs={"reference": reference or pk})
    else:
        path = reverse(ROUTE_NAMES[resource], kwargs={"pk": pk})
    return settings.SITE_URL + path


def build(delivery_id: uuid.UUID, event: dict[str, Any]) -> dict[str, Any]:
    """The payload of one delivery of the domain event ``event`` (an outbox payload)."""
    data: dict[str, Any] = {"id": event["id"], "url": resource_url(event["resource"], event["id"])}
    source_id = event.get("related", {}).get("listing")
    if event["resource"] == "match" and source_id is not None:
        data["listing"] = {"id": source_id, "url": resource_url("listing", source_id)}
    return {
        "id": str(delivery_id),
        "type": event["type"],
        "created": event["occurred_at"],
        "data": data,
    }


def body(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent and signed."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
