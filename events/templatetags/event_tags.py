"""Template helpers for event pages: times in the event's own zone, group tiers."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from events.models import Event, TicketType

register = template.Library()


@register.filter
def event_time(moment: datetime | None, event: Event) -> str:
    """A moment in the event's time zone: "Tue 4 March 2025, 08:00"."""
    if moment is None:
        return ""
    local = timezone.localtime(moment, event.tz)
    return f"{local:%a} {local.day} {local:%B %Y, %H:%M}"


@register.filter
def event_when(event: Event) -> str:
    """ "Tue 4 March 2025, 08:00–10:00" (the end date too when it differs)."""
    start = timezone.localtime(event.starts_at, event.tz)
    end = timezone.localtime(event.ends_at, event.tz)
    text = f"{start:%a} {start.day} {start:%B %Y, %H:%M}–"
    if end.date() == start.date():
        return text + f"{end:%H:%M}"
    return text + f"{end:%a} {end.day} {end:%B %Y, %H:%M}"


@register.filter
def clock(moment: datetime | None, event: Event) -> str:
    """Just the time of day in the event's zone: "08:30"."""
    return f"{timezone.localtime(moment, event.tz):%H:%M}" if moment else ""


@register.filter
def tiers_text(ticket_type: TicketType) -> str:
    """ "5+ seats 10% off · 10+ seats 15% off"."""
    tiers = sorted(ticket_type.group_tiers or [], key=lambda t: t["min_seats"])
    return " · ".join(f"{t['min_seats']}+ seats {t['percent_off']}% off" for t in tiers)
