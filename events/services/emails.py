"""Emails the notification centre cannot send: tickets with .ics files, and reminders.

``exchange.notifications.notify`` sends plain notifications only. The booking
confirmation must carry the tickets and an .ics attachment, so it is sent here (by a task
queued after commit) and marks its notification as emailed, so the booker gets one email.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from events.calendar import build_calendar
from events.enums import BookingStatus, EventStatus
from events.models import Booking, Event
from events.queries import calendar_entry_for
from events.services.common import local_time, notify_booker

ICS_CONTENT_TYPE = "text/calendar; method=PUBLISH; charset=utf-8"


def event_ics(event: Event, *, now: datetime, for_ticket_holder: bool) -> bytes:
    """The event as a one-entry calendar (the joining link only for ticket holders)."""
    return build_calendar(
        [calendar_entry_for(event, with_online_link=for_ticket_holder)],
        name=event.title,
        dtstamp=now,
        method="PUBLISH",
    )


def _message(
    to: str,
    subject: str,
    template: str,
    context: dict[str, object],
    ics: bytes | None = None,
    filename: str = "event.ics",
) -> EmailMultiAlternatives:
    context = {**context, "site_url": settings.SITE_URL}
    message = EmailMultiAlternatives(
        " ".join(subject.split()),
        render_to_string(f"emails/{template}.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [to],
    )
    message.attach_alternative(render_to_string(f"emails/{template}.html", context), "text/html")
    if ics is not None:
        message.attach(filename, ics, ICS_CONTENT_TYPE)
    return message


@transaction.atomic
def booking_confirmation_send(*, booking_id: int, now: datetime | None = None) -> int:
    """Email the booker the confirmation (tickets + .ics), and each other attendee their
    ticket. Idempotent: sent once per booking. Returns the number of emails sent.
    """
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("event", "event__organiser", "ticket_type", "booker", "organisation")
        .filter(pk=booking_id, status=BookingStatus.CONFIRMED, confirmation_sent_at__isnull=True)
        .first()
    )
    if booking is None:
        return 0
    event = booking.event
    attendees = list(booking.attendees.all())
    ics = event_ics(event, now=now, for_ticket_holder=True)
    filename = f"{event.slug}.ics"
    context: dict[str, object] = {
        "booking": booking,
        "event": event,
        "attendees": attendees,
        "when": local_time(event),
        "cancel_until": local_time(event, event.cancellation_deadline),
        "booking_url": settings.SITE_URL + booking.get_absolute_url(),
        "event_url": settings.SITE_URL + event.get_absolute_url(),
    }
    booker_email = booking.booker.email.lower()
    messages = [
        _message(
            booker_email,
            f"Booking confirmed: {event.title} ({booking.reference})",
            "booking_confirmation",
            {**context, "user": booking.booker},
            ics,
            filename,
        )
    ]
    seen = {booker_email}
    for attendee in attendees:
        if attendee.email in seen:
            continue
        seen.add(attendee.email)
        messages.append(
            _message(
                attendee.email,
                f"Your ticket for {event.title}",
                "booking_ticket",
                {
                    **context,
                    "attendee": attendee,
                    "ticket_url": settings.SITE_URL + attendee.get_absolute_url(),
                },
                ics,
                filename,
            )
        )
    get_connection().send_messages(messages)
    booking.confirmation_sent_at = now
    booking.save(update_fields=["confirmation_sent_at"])
    return len(messages)


@transaction.atomic
def booking_reminder_send(*, booking_id: int, now: datetime | None = None) -> bool:
    """Remind one confirmed booking of tomorrow's event: the booker by notification, other
    attendees by email with their ticket link. Idempotent.
    """
    now = now or timezone.now()
    booking = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("event", "ticket_type", "booker")
        .filter(pk=booking_id, status=BookingStatus.CONFIRMED, reminded_at__isnull=True)
        .first()
    )
    if booking is None or booking.event.status != EventStatus.PUBLISHED:
        return False
    event = booking.event
    place = event.venue_name or "online (the joining link is on your ticket)"
    notify_booker(booking, f"Reminder: {event.title} is tomorrow, {local_time(event)}, {place}.")
    booker_email = booking.booker.email.lower()
    messages = [
        _message(
            attendee.email,
            f"Tomorrow: {event.title}",
            "event_reminder",
            {
                "event": event,
                "attendee": attendee,
                "when": local_time(event),
                "ticket_url": settings.SITE_URL + attendee.get_absolute_url(),
                "event_url": settings.SITE_URL + event.get_absolute_url(),
            },
        )
        for attendee in booking.attendees.exclude(email=booker_email)
    ]
    if messages:
        get_connection().send_messages(messages)
    booking.reminded_at = now
    booking.save(update_fields=["reminded_at"])
    return True


def event_reminders_send(*, now: datetime | None = None) -> int:
    """Remind every confirmed booking whose event starts tomorrow (in the event's time
    zone). Each booking in its own transaction. Returns how many were reminded.
    """
    now = now or timezone.now()
    candidates = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        reminded_at__isnull=True,
        event__status=EventStatus.PUBLISHED,
        event__starts_at__gt=now,
        event__starts_at__lte=now + timedelta(hours=48),
    ).select_related("event")
    due = [
        booking.pk
        for booking in candidates
        if timezone.localtime(booking.event.starts_at, booking.event.tz).date()
        == timezone.localtime(now, booking.event.tz).date() + timedelta(days=1)
    ]
    return sum(booking_reminder_send(booking_id=pk, now=now) for pk in due)
