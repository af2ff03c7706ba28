"""Helpers shared by the event services: locks, references, money text, notifications."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from events.models import Booking, Event
from exchange.enums import NotificationKind
from exchange.exceptions import InvalidTransition
from exchange.models import User
from exchange.notifications import notify

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone
REFERENCE_LENGTH = 8
CHECK_IN_CODE_BYTES = 24  # 192 bits: unguessable, 32 URL-safe characters


class SoldOut(InvalidTransition):
    """Not enough seats left for this request; the waitlist is open."""


def lock_event(event_id: int) -> Event:
    """Lock the event row: the capacity lock every seat-changing service takes first.

    transaction.atomic is required since this is a FOR UPDATE query. On SQLite the
    statement is a no-op and IMMEDIATE transactions serialise writers instead.
    """
    return (
        Event.objects.select_for_update(of=("self",)).select_related("organiser").get(pk=event_id)
    )


def new_reference() -> str:
    while True:
        reference = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        if not Booking.objects.filter(reference=reference).exists():
            return reference


def new_check_in_code() -> str:
    return secrets.token_urlsafe(CHECK_IN_CODE_BYTES)


def pounds(pence: int) -> str:
    whole, part = divmod(pence, 100)
    return f"£{whole:,}" if part == 0 else f"£{whole:,}.{part:02d}"


def local_time(event: Event, moment: datetime | None = None) -> str:
    """ "Tue 4 March 2025, 08:00" in the event's time zone."""
    when = timezone.localtime(moment or event.starts_at, event.tz)
    return f"{when:%a} {when.day} {when:%B %Y, %H:%M}"


def touch(event: Event, *, now: datetime, significant: bool) -> None:
    """Record a change: LAST-MODIFIED always; SEQUENCE too when calendar clients must update.

    The caller holds the event's row lock.
    """
    event.last_modified = now
    fields = ["last_modified", "updated_at"]
    if significant:
        event.sequence = F("sequence") + 1  # type: ignore[assignment]
        fields.append("sequence")
    event.save(update_fields=fields)
    if significant:
        event.refresh_from_db(fields=["sequence"])


def hold_minutes() -> timedelta:
    return timedelta(minutes=settings.BOOKING_HOLD_MINUTES)


def organiser_members(event: Event) -> list[User]:
    """People who manage the event: the organiser organisation's members."""
    return list(User.objects.filter(memberships__organisation_id=event.organiser_id))


def notify_booker(booking: Booking, text: str, *, kind: str = NotificationKind.BOOKING) -> None:
    notify(
        recipients=[booking.booker],
        kind=kind,
        text=text,
        link=reverse("booking-detail", kwargs={"reference": booking.reference}),
        target=booking,
    )


def notify_organisers(event: Event, text: str, link: str = "") -> None:
    notify(
        recipients=organiser_members(event),
        kind=NotificationKind.EVENT,
        text=text,
        link=link or reverse("event-manage", kwargs={"slug": event.slug}),
        target=event,
    )


def event_link(event: Event) -> str:
    return reverse("event-detail", kwargs={"slug": event.slug})
