"""iCalendar (RFC 5545) output, built from plain data with the ``icalendar`` library.

Pure: no database, no settings, no clock. Callers turn events into ``CalendarEntry``
values and pass the moment to stamp; views wrap the bytes in a ``text/calendar`` response,
services attach them to emails. UIDs come from the event's UUID, so they never change when
a title or slug does; SEQUENCE and LAST-MODIFIED come from the event.

Time zones (a decision, tested in tests/events/test_feed_lint.py and test_feed_khal.py):
times are written with the entry's own TZID (``Europe/London`` for almost every event) and
a VTIMEZONE built from the zoneinfo database for exactly the span of dates in the calendar,
so it is right for every date the feed contains, after 2037 included (a VTIMEZONE with a
single recurring rule would silently be wrong wherever the rule changed). Entries of zone
``UTC`` are written as UTC times (``...Z``) and need no VTIMEZONE.

Feeds (no METHOD) stamp each VEVENT with its own LAST-MODIFIED as DTSTAMP, which RFC 5545
§3.8.7.2 allows for calendars without METHOD; the same data then gives the same bytes, so
a cached rendering and its ETag stay valid until something really changes. Email
attachments (METHOD:PUBLISH) are stamped with the moment they are sent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration, vText

PRODID = "-//Open Innovation Exchange//Events//EN"
UID_DOMAIN = "open-innovation-exchange"
STATUSES = frozenset({"CONFIRMED", "TENTATIVE", "CANCELLED"})
DEFAULT_TZID = "Europe/London"


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    last_modified: datetime
    status: str = "CONFIRMED"
    description: str = ""
    location: str = ""
    url: str = ""
    organiser_name: str = ""
    organiser_email: str = ""
    categories: tuple[str, ...] = field(default_factory=tuple)


def entry_uid(uid: UUID | str) -> str:
    """The UID of a calendar entry for an object's UUID: stable for the object's life."""
    return f"{uid}@{UID_DOMAIN}"


def _vevent(entry: CalendarEntry, dtstamp: datetime | None) -> Event:
    if entry.status not in STATUSES:
        raise ValueError(f"Unknown calendar status {entry.status!r}.")
    if entry.ends_at <= entry.starts_at:
        raise ValueError("A calendar entry must end after it starts.")
    tz = ZoneInfo(entry.timezone)
    vevent = Event()
    vevent.add("uid", entry.uid)
    vevent.add("dtstamp", (dtstamp or entry.last_modified).astimezone(UTC))
    vevent.add("sequence", entry.sequence)
    vevent.add("last-modified", entry.last_modified.astimezone(UTC))
    vevent.add("dtstart", entry.starts_at.astimezone(tz))
    vevent.add("dtend", entry.ends_at.astimezone(tz))
    vevent.add("summary", entry.title)
    vevent.add("status", entry.status)
    if entry.description:
        vevent.add("description", entry.description)
    if entry.location:
        vevent.add("location", entry.location)
    if entry.url:
        vevent.add("url", entry.url)
    if entry.categories:
        vevent.add("categories", list(entry.categories))
    if entry.organiser_email:
        organiser = vCalAddress(f"mailto:{entry.organiser_email}")
        if entry.organiser_name:
            organiser.params["cn"] = vText(entry.organiser_name)
        vevent.add("organizer", organiser)
    return vevent


def vevent_ical(entry: CalendarEntry, dtstamp: datetime | None = None) -> bytes:
    """One entry serialised as a VEVENT (folded, CRLF): a block ``build_calendar`` joins.

    Callers may memoise it by the entry's value (feeds do: only edited entries re-render).
    """
    return _vevent(entry, dtstamp).to_ical()


def build_calendar(
    entries: Sequence[CalendarEntry],
    *,
    name: str,
    dtstamp: datetime | None,
    method: str | None = None,
    description: str = "",
    refresh: timedelta | None = None,
    render: Callable[[Sequence[CalendarEntry]], list[bytes]] | None = None,
) -> bytes:
    """Serialise ``entries`` as one VCALENDAR (CRLF line ends, lines folded at 75 octets).

    ``method="PUBLISH"`` suits email attachments; feeds leave it out and pass
    ``dtstamp=None`` (each entry stamped with its LAST-MODIFIED) and ``refresh``, written as
    REFRESH-INTERVAL (RFC 7986) and X-PUBLISHED-TTL (what Outlook and Apple read).
    ``render`` turns the entries into VEVENT blocks (default: ``vevent_ical`` each); a feed
    passes a memoised one. VTIMEZONEs come first, one per zone used (UTC needs none).
    """
    if dtstamp is not None and dtstamp.tzinfo is None:
        raise ValueError("dtstamp needs a time zone.")
    if dtstamp is None and method:
        raise ValueError("A calendar with a METHOD needs a dtstamp.")
    if refresh is not None and refresh <= timedelta(0):
        raise ValueError("The refresh interval must be positive.")
    blocks = render(entries) if render is not None else [vevent_ical(e, dtstamp) for e in entries]
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("description", description)
        calendar.add("x-wr-caldesc", description)
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(refresh))
    for zone in _vtimezones(entries):
        calendar.add_component(zone)
    head = calendar.to_ical()
    end = b"END:VCALENDAR\r\n"
    if not head.endswith(end):  # pragma: no cover - icalendar always ends a component so
        raise ValueError("Unexpected calendar serialisation.")
    return head[: -len(end)] + b"".join(blocks) + end


def _vtimezones(entries: Sequence[CalendarEntry]) -> list[Timezone]:
    """A VTIMEZONE per zone the entries use, with rules for exactly the dates they span, so
    they are right for every date in the calendar, even past 2037. RFC 5545 wants at least one
    component: an empty calendar carries the zone it would use."""
    if not entries:
        return [Timezone.from_tzid(DEFAULT_TZID)]
    first = min(e.starts_at for e in entries).date() - timedelta(days=1)
    last = max(e.ends_at for e in entries).date() + timedelta(days=1)
    zones = sorted({e.timezone for e in entries} - {"UTC"})
    return [Timezone.from_tzid(tzid, first_date=first, last_date=last) for tzid in zones]


# --- "Add to calendar" links for web calendars ---------------------------------------------------

GOOGLE_TEMPLATE_URL = "https://calendar.google.com/calendar/render"
OUTLOOK_COMPOSE_URL = "https://outlook.live.com/calendar/0/action/compose"


def _utc_basic(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _utc_iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def google_calendar_url(entry: CalendarEntry) -> str:
    """Google Calendar's "create event" template: UTC times in basic ISO 8601, ``start/end``,
    and ``ctz`` so the form shows the event's own zone."""
    query = {
        "action": "TEMPLATE",
        "text": entry.title,
        "dates": f"{_utc_basic(entry.starts_at)}/{_utc_basic(entry.ends_at)}",
        "details": entry.description,
        "location": entry.location,
        "ctz": entry.timezone,
    }
    return f"{GOOGLE_TEMPLATE_URL}?{urlencode({k: v for k, v in query.items() if v})}"


def outlook_calendar_url(entry: CalendarEntry) -> str:
    """Outlook on the web's compose deep link (``rru=addevent``; extended ISO 8601 in UTC)."""
    query = {
        "rru": "addevent",
        "subject": entry.title,
        "startdt": _utc_iso(entry.starts_at),
        "enddt": _utc_iso(entry.ends_at),
        "body": entry.description,
        "location": entry.location,
    }
    return f"{OUTLOOK_COMPOSE_URL}?{urlencode({k: v for k, v in query.items() if v})}"


def webcal_url(https_url: str) -> str:
    """The ``webcal://`` form of a feed URL (calendar apps subscribe instead of importing)."""
    scheme, sep, rest = https_url.partition("://")
    if not sep or scheme not in ("http", "https"):
        raise ValueError("A feed URL must be absolute http(s).")
    return f"webcal://{rest}"
