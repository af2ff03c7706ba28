"""Event fragments for the core app's pages: upcoming events on the home page; bookings,
waitlist places and the events you organise on the dashboard.

The core app sits below events, so its templates load these tags instead of importing events
(STYLE.md: layers).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from events.enums import SEAT_HOLDING_STATUSES, EventStatus
from events.queries import (
    EventFilters,
    bookings_of,
    event_list,
    events_organised_by,
    seat_summaries,
    waitlist_entries_of,
)

register = template.Library()

HOME_LIMIT = 3
DASHBOARD_LIMIT = 10


@register.inclusion_tag("events/_home_events.html", takes_context=True)
def upcoming_events(context: template.Context, limit: int = HOME_LIMIT) -> dict[str, Any]:
    """The next published events the visitor may see, soonest first."""
    request = context["request"]
    return {"events": list(event_list(request.user, EventFilters())[:limit]), "user": request.user}


@register.inclusion_tag("events/_dashboard_events.html", takes_context=True)
def my_events(context: template.Context) -> dict[str, Any]:
    """Dashboard: my upcoming bookings (with calendar links), waitlist places, and the
    upcoming events my organisations run with their seats. Five queries, whatever the count."""
    user = context["request"].user
    now = timezone.now()
    bookings = list(
        bookings_of(user)
        .prefetch_related(None)
        .filter(status__in=SEAT_HOLDING_STATUSES, event__ends_at__gte=now)
        .exclude(event__status=EventStatus.CANCELLED)
        .order_by("event__starts_at", "id")[:DASHBOARD_LIMIT]
    )
    waiting = list(waitlist_entries_of(user).filter(event__ends_at__gte=now)[:DASHBOARD_LIMIT])
    organising = list(
        events_organised_by(user)
        .filter(ends_at__gte=now)
        .exclude(status=EventStatus.CANCELLED)
        .order_by("starts_at", "id")[:DASHBOARD_LIMIT]
    )
    seats = seat_summaries([event.pk for event in organising])
    return {
        "bookings": bookings,
        "waiting": waiting,
        "organising": [(event, seats[event.pk]) for event in organising],
        "user": user,
    }
