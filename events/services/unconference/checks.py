"""Checks and helpers shared by the unconference services."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import F

from events.enums import EVENT_CHANGE, EventKind, EventStatus
from events.models import (
    Event,
    SessionProposal,
)
from events.queries import (
    events_visible_to,
)
from events.services.common import lock_event
from exchange.exceptions import InvalidTransition, PermissionDenied
from exchange.models import User
from exchange.permissions import require_perm

MAX_OUTPUT_LINKS = 20


# --- Shared checks ----------------------------------------------------------------------------


def lock_unconference(actor: User, event_id: int, *, organiser: bool) -> Event:
    """Lock the event row; refuse events that are not live unconferences.

    transaction.atomic is required since this is a FOR UPDATE query.
    """
    event = lock_event(event_id)
    if organiser:
        require_perm(actor, EVENT_CHANGE, event)
    if event.kind != EventKind.UNCONFERENCE:
        raise InvalidTransition("Only unconferences have sessions, rooms and slots.")
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition("The event is cancelled.")
    return event


def require_visible(actor: User, event: Event) -> None:
    if not actor.is_authenticated or not events_visible_to(actor).filter(pk=event.pk).exists():
        raise PermissionDenied("You cannot see this event.")


def bump_sequence(session_ids: Sequence[int], now: datetime) -> None:
    """Tell calendars these sessions changed."""
    if session_ids:
        SessionProposal.objects.filter(pk__in=list(session_ids)).update(
            sequence=F("sequence") + 1, last_modified=now
        )


def lock_session(session: SessionProposal, event: Event) -> SessionProposal:
    return SessionProposal.objects.select_for_update().get(pk=session.pk, event=event)
