"""Calendar feeds over HTTP, and the "Calendar subscription" settings page.

Each feed answers ``text/calendar; charset=utf-8`` with a strong ETag and Last-Modified
taken from the feed's state (one or two aggregate queries), so a poll that changed nothing
is a 304 without building anything. Public feeds are cached by that ETag (any edit changes
it, so the next request shows the edit) and open to every origin; the personal feed is
``Cache-Control: private`` and never cached on the server.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from events import feeds
from events.calendar import CalendarEntry, build_calendar, vevent_ical, webcal_url
from events.services.feeds import (
    calendar_token_create,
    calendar_token_revoke,
    calendar_token_rotate,
    calendar_token_use,
)
from exchange.exceptions import InvalidTransition
from exchange.typing import AuthenticatedHttpRequest

CONTENT_TYPE = "text/calendar; charset=utf-8"
CACHE_SECONDS = 3600
VEVENT_MEMO_SIZE = 20_000  # about 15 MB of VEVENT blocks per process at most


@functools.lru_cache(maxsize=VEVENT_MEMO_SIZE)
def _vevent_block(entry: CalendarEntry) -> bytes:
    return vevent_ical(entry)


def _memoised_vevents(entries: Sequence[CalendarEntry]) -> list[bytes]:
    """VEVENT blocks memoised by the entry's whole value (entries are frozen, hashable):
    after an edit only the edited entries are serialised again (icalendar takes about 2 ms
    an entry). Per process and bounded; public data only."""
    return [_vevent_block(entry) for entry in entries]


def _render(source: feeds.FeedSource) -> bytes:
    return build_calendar(
        source.build(),
        name=source.name,
        dtstamp=None,
        description=source.description,
        refresh=feeds.FEED_REFRESH,
        # Personal entries (joining links) stay out of the shared cache.
        render=_memoised_vevents if source.public else None,
    )


def _body(source: feeds.FeedSource, etag: str) -> bytes:
    if not source.public:
        return _render(source)
    key = f"events:feed:{etag}"
    body = cache.get(key)
    if not isinstance(body, bytes):
        body = _render(source)
        cache.set(key, body, CACHE_SECONDS)
    return body


def _headers(response: HttpResponse, source: feeds.FeedSource, etag: str) -> HttpResponse:
    response["ETag"] = f'"{etag}"'
    modified = source.last_modified
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())
    if source.public:
        # Calendar apps revalidate with the ETag; a cache may keep a copy but must ask first.
        response["Cache-Control"] = "public, no-cache"
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    else:
        response["Cache-Control"] = "private, no-cache"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex"
    return response


def feed_response(request: HttpRequest, source: feeds.FeedSource, filename: str) -> HttpResponse:
    """The feed, or 304 when the client's ETag or date is still current."""
    etag = source.etag()
    modified = source.last_modified
    not_modified = get_conditional_response(
        request,
        etag=f'"{etag}"',
        last_modified=int(modified.timestamp()) if modified is not None else None,
    )
    if not_modified is not None:
        return _headers(not_modified, source, etag)
    response = HttpResponse(_body(source, etag), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return _headers(response, source, etag)


@require_safe
def public_feed(request: HttpRequest) -> HttpResponse:
    try:
        filters = feeds.PublicFeedFilters.parse(request.GET.dict())
    except feeds.FeedFilterError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    source = feeds.public_feed(filters, today=timezone.localdate())
    return feed_response(request, source, "events.ics")


@require_safe
def organiser_feed(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = feeds.feed_organisation(slug)
    if organisation is None:
        raise Http404("No such organisation.")
    return feed_response(request, feeds.organiser_feed(organisation), f"{slug}-events.ics")


@require_safe
def event_feed(request: HttpRequest, slug: str) -> HttpResponse:
    event = feeds.feed_event(slug)
    if event is None:
        raise Http404("No such event.")
    return feed_response(request, feeds.event_feed(event), f"{slug}-feed.ics")


@require_safe
def personal_feed(request: HttpRequest, token: str) -> HttpResponse:
    user = calendar_token_use(raw=token)
    if user is None:
        raise Http404("No such calendar.")
    return feed_response(request, feeds.personal_feed(user), "my-calendar.ics")


# --- Settings page ----------------------------------------------------------------------------


def personal_feed_url(request: HttpRequest, raw: str) -> str:
    return request.build_absolute_uri(reverse("calendar-personal-feed", kwargs={"token": raw}))


@never_cache  # the page that shows a new secret must not be stored by any cache
@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "revoke":
            if calendar_token_revoke(actor=request.user):
                messages.success(
                    request, "Your calendar feed is switched off. Its address no longer works."
                )
            return redirect("calendar-settings")
        if action not in ("create", "rotate"):
            return HttpResponseBadRequest("Unknown action.", content_type="text/plain")
        try:
            if action == "create":
                _, raw = calendar_token_create(actor=request.user)
            else:
                _, raw = calendar_token_rotate(actor=request.user)
        except InvalidTransition as exc:
            messages.error(request, exc.message)
            return redirect("calendar-settings")
        # The secret goes into this one response only: never a message, the session or the DB.
        new_url = personal_feed_url(request, raw)
    token = feeds.calendar_token_active(request.user)
    return render(
        request,
        "events/calendar_settings.html",
        {
            "token": token,
            "new_url": new_url,
            "new_webcal_url": webcal_url(new_url) if new_url else "",
            "rotated": request.method == "POST" and request.POST.get("action") == "rotate",
        },
    )
