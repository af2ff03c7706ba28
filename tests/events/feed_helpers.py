"""Reading calendar feeds in tests: unfold, parse, and the RFC 5545 lint rules we hold to."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar


def lines(body: bytes) -> list[str]:
    """Content lines after unfolding (CRLF followed by a space or tab continues a line)."""
    text = body.decode()
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def vevents(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def by_uid(body: bytes) -> dict[str, object]:
    return {str(event["UID"]): event for event in vevents(body)}


def summaries(body: bytes) -> list[str]:
    return [str(event["SUMMARY"]) for event in vevents(body)]


def lint(body: bytes) -> list[str]:
    """Every way ``body`` breaks the rules our feeds promise; [] when it is clean."""
    problems: list[str] = []
    if b"\n" in body.replace(b"\r\n", b""):
        problems.append("bare LF line ending")
    if not body.endswith(b"\r\n"):
        problems.append("does not end with CRLF")
    for raw in body.split(b"\r\n"):
        if len(raw) > 75:
            problems.append(f"line longer than 75 octets: {raw[:40]!r}…")
    calendar = Calendar.from_ical(body)
    for prop in ("VERSION", "PRODID", "NAME", "X-WR-CALNAME", "REFRESH-INTERVAL"):
        if prop not in calendar:
            problems.append(f"calendar lacks {prop}")
    if "X-PUBLISHED-TTL" not in calendar:
        problems.append("calendar lacks X-PUBLISHED-TTL")
    tzids_defined = {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")}
    tzids_used: set[str] = set()
    uids: list[str] = []
    for event in calendar.walk("VEVENT"):
        uid = str(event.get("UID", ""))
        uids.append(uid)
        for prop in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SEQUENCE", "LAST-MODIFIED", "STATUS"):
            if prop not in event:
                problems.append(f"VEVENT {uid or '?'} lacks {prop}")
        for prop in ("DTSTART", "DTEND"):
            if prop in event and "TZID" in event[prop].params:
                tzids_used.add(str(event[prop].params["TZID"]))
        ordered = "DTSTART" not in event or "DTEND" not in event
        if not ordered and not event.decoded("DTEND") > event.decoded("DTSTART"):
            problems.append(f"VEVENT {uid} does not end after it starts")
    for tzid in sorted(tzids_used - tzids_defined):
        problems.append(f"TZID {tzid} used without a VTIMEZONE")
    if len(set(uids)) != len(uids):
        problems.append("duplicate UIDs")
    return problems


def utc(event: object, prop: str) -> datetime:
    return event.decoded(prop).astimezone(UTC)  # type: ignore[attr-defined]
