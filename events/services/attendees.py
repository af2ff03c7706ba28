"""Check-in at the door, by the attendee's unguessable code."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from events.enums import EVENT_MANAGE, BookingStatus, EventStatus
from events.models import Attendee, Event
from events.services.common import local_time
from exchange.exceptions import InvalidTransition, ValidationError
from exchange.models import User
from exchange.permissions import require_perm


def _attendee_for(event: Event, code: str) -> Attendee:
    code = code.strip()
    # A scanned QR code holds the check-in URL; accept it as well as the bare code.
    if "code=" in code:
        code = code.rsplit("code=", 1)[1].split("&", 1)[0]
    attendee = (
        Attendee.objects.select_for_update(of=("self",))
        .select_related("booking", "booking__ticket_type")
        .filter(code=code, booking__event=event)
        .first()
        if code
        else None
    )
    if attendee is None:
        raise ValidationError({"code": "No ticket for this event has that code."})
    return attendee


@transaction.atomic
def attendee_check_in(
    *, actor: User, event: Event, code: str, now: datetime | None = None
) -> Attendee:
    """Check an attendee in by code. Refused for unconfirmed bookings and repeat scans."""
    now = now or timezone.now()
    require_perm(actor, EVENT_MANAGE, event)
    if event.status != EventStatus.PUBLISHED:
        raise InvalidTransition("Check-in is only open for published events.")
    attendee = _attendee_for(event, code)
    if attendee.booking.status != BookingStatus.CONFIRMED:
        raise InvalidTransition(
            f"{attendee.name}'s booking is {attendee.booking.get_status_display().lower()}."
        )
    if attendee.checked_in_at is not None:
        raise InvalidTransition(
            f"{attendee.name} already checked in at {local_time(event, attendee.checked_in_at)}."
        )
    attendee.checked_in_at = now
    attendee.checked_in_by = actor
    attendee.save(update_fields=["checked_in_at", "checked_in_by"])
    return attendee


@transaction.atomic
def attendee_check_in_undo(*, actor: User, event: Event, code: str) -> Attendee:
    """Undo a mistaken check-in."""
    require_perm(actor, EVENT_MANAGE, event)
    attendee = _attendee_for(event, code)
    if attendee.checked_in_at is None:
        raise InvalidTransition(f"{attendee.name} is not checked in.")
    attendee.checked_in_at = None
    attendee.checked_in_by = None
    attendee.save(update_fields=["checked_in_at", "checked_in_by"])
    return attendee
