"""iCalendar (RFC 5545) output, built from plain data with the ``icalendar`` library.

Pure: no database, no settings, no clock. Callers turn events into ``CalendarEntry``
values and pass the moment to stamp; views wrap the bytes in a ``text/calendar`` response,
services attach them to emails. UIDs come from the event's UUID, so they never change when
a title or slug does; SEQUENCE and LAST-MODIFIED come from the event. Times are written in
the entry's own time zone with a VTIMEZONE that covers every date in the calendar.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Open Innovation Exchange//Events//EN"
UID_DOMAIN = "open-innovation-exchange"
STATUSES = frozenset({"CONFIRMED", "TENTATIVE", "CANCELLED"})


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


def _vevent(entry: CalendarEntry, dtstamp: datetime) -> Event:
    if entry.status not in STATUSES:
        raise ValueError(f"Unknown calendar status {entry.status!r}.")
    if entry.ends_at <= entry.starts_at:
        raise ValueError("A calendar entry must end after it starts.")
    tz = ZoneInfo(entry.timezone)
    vevent = Event()
    vevent.add("uid", entry.uid)
    vevent.add("dtstamp", dtstamp.astimezone(UTC))
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


def build_calendar(
    entries: Sequence[CalendarEntry],
    *,
    name: str,
    dtstamp: datetime,
    method: str | None = None,
) -> bytes:
    """Serialise ``entries`` as one VCALENDAR (CRLF line ends, lines folded at 75 octets).

    ``method="PUBLISH"`` suits email attachments; feeds leave it out.
    """
    if dtstamp.tzinfo is None:
        raise ValueError("dtstamp needs a time zone.")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    for entry in entries:
        calendar.add_component(_vevent(entry, dtstamp))
    if entries:
        first = min(e.starts_at for e in entries).date() - timedelta(days=1)
        last = max(e.ends_at for e in entries).date() + timedelta(days=1)
        # VTIMEZONE rules covering every date used, even past 2037.
        calendar.add_missing_timezones(first_date=first, last_date=max(last, first))
    return calendar.to_ical()
