"""Fragments the events app supplies to pages: calendar links, feeds, "Meet them at…".

Listing and organisation pages belong to lower apps, so their templates load these tags
instead of importing events (STYLE.md: layers). Event pages use them too, so the links
are built in one place.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from events import feeds, networking
from events.calendar import google_calendar_url, outlook_calendar_url, webcal_url
from events.enums import EventKind, EventStatus
from events.models import Event
from events.queries import calendar_entry_for
from exchange.models import Organisation
from listings.models import Listing

register = template.Library()


def _absolute(request: HttpRequest | None, path: str) -> str:
    if request is None:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path)


@register.inclusion_tag("events/_calendar_links.html", takes_context=True)
def calendar_links(context: template.Context, event: Event) -> dict[str, Any]:
    """ "Add to calendar" (.ics), subscribe (webcal), Google Calendar and Outlook links."""
    request = context.get("request")
    feed_url = _absolute(request, reverse("event-feed", kwargs={"slug": event.slug}))
    entry = calendar_entry_for(event)
    subscribable = event.published_at is not None and event.status != EventStatus.DRAFT
    return {
        "event": event,
        "subscribable": subscribable,
        "feed_url": feed_url,
        "webcal_url": webcal_url(feed_url),
        "google_url": google_calendar_url(entry),
        "outlook_url": outlook_calendar_url(entry),
    }


@register.inclusion_tag("events/_organiser_events.html", takes_context=True)
def organiser_events(context: template.Context, organisation: Organisation) -> dict[str, Any]:
    """An organisation's upcoming events and its calendar feed (organisation page)."""
    request = context.get("request")
    feed_url = _absolute(
        request, reverse("organiser-events-feed", kwargs={"slug": organisation.slug})
    )
    upcoming = list(
        feeds.organiser_feed_events(organisation).filter(
            status=EventStatus.PUBLISHED, ends_at__gte=timezone.now()
        )[:5]
    )
    return {
        "organisation": organisation,
        "events": upcoming,
        "feed_url": feed_url,
        "webcal_url": webcal_url(feed_url),
    }


@register.inclusion_tag("events/_public_feed_link.html", takes_context=True)
def public_feed_link(context: template.Context) -> dict[str, Any]:
    """The public feed, narrowed by the event list's active kind, tag and region filters
    (values the feed would refuse are left out)."""
    request = context.get("request")
    params = request.GET if request is not None else {}
    query = {}
    for name in ("kind", "tag", "region"):
        value = params.get(name, "")
        try:
            feeds.PublicFeedFilters.parse({name: value})
        except feeds.FeedFilterError:
            continue
        if value:
            query[name] = value.strip()
    filters = feeds.PublicFeedFilters(**query)
    path = reverse("events-feed")
    if filters.as_query():
        path += "?" + urlencode(filters.as_query())
    feed_url = _absolute(request, path)
    return {
        "feed_url": feed_url,
        "webcal_url": webcal_url(feed_url),
        "narrowed": filters.describe(),
    }


@register.inclusion_tag("events/_listing_events.html", takes_context=True)
def events_for_listing(context: template.Context, listing: Listing) -> dict[str, Any]:
    """ "Meet them at…" on a listing page: upcoming events with the listing on the agenda
    or showcased, then events sharing its tags."""
    return {"items": networking.events_for_listing(listing, now=timezone.now())}


@register.inclusion_tag("events/_networking_panel.html", takes_context=True)
def networking_panel(context: template.Context, event: Event) -> dict[str, Any]:
    """The event page's networking block: who to meet (from the matching app's fragment),
    meetings, and "apply to pitch" for breakfasts."""
    request = context["request"]
    user = request.user
    panel = networking.networking_for(user, event)
    can_pitch = (
        event.kind == EventKind.BREAKFAST
        and event.status == EventStatus.PUBLISHED
        and event.starts_at > timezone.now()
        and user.is_authenticated
        and networking.pitchable_listings(user).exists()
    )
    return {
        "request": request,
        "event": event,
        "panel": panel,
        "can_pitch": can_pitch,
        "csrf_token": context.get("csrf_token"),
    }
