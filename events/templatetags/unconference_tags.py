"""Unconference pieces on the event page: the sessions panel and agenda-item star buttons."""

from __future__ import annotations

from typing import Any

from django import template

from events.enums import EVENT_CHANGE, EventKind, SessionStatus
from events.models import Event
from events.queries import starred_agenda_item_ids
from exchange.permissions import has_perm

register = template.Library()


@register.inclusion_tag("events/unconference/_event_panel.html", takes_context=True)
def unconference_panel(context: dict[str, Any], event: Event) -> dict[str, Any]:
    """The box linking an unconference's session board, schedule and organiser's board."""
    user = context["request"].user
    return {
        "event": event,
        "show": event.kind == EventKind.UNCONFERENCE,
        "session_count": event.sessions.filter(status=SessionStatus.PROPOSED).count()
        if event.kind == EventKind.UNCONFERENCE
        else 0,
        "can_manage": has_perm(user, EVENT_CHANGE, event),
    }


@register.simple_tag(takes_context=True)
def starred_agenda_ids(context: dict[str, Any], event: Event) -> set[int]:
    """Ids of the agenda items of ``event`` the viewer starred (one query per page)."""
    return starred_agenda_item_ids(context["request"].user, event)
