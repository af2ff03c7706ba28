"""Freed seats go to the waitlist: offers, and the signed links that accept them."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from events.enums import EventStatus, WaitlistStatus
from events.models import Event, WaitlistEntry
from events.queries import seat_use, seats_available
from events.services.common import local_time
from exchange.enums import NotificationKind
from exchange.exceptions import ValidationError
from exchange.notifications import notify

OFFER_SALT = "events.waitlist-offer"


def offer_token(entry: WaitlistEntry) -> str:
    """Signed accept link token, bound to this offer (a later offer gets a new token)."""
    assert entry.offered_at is not None  # noqa: S101  (only offered entries have links)
    return signing.dumps({"w": entry.pk, "o": entry.offered_at.isoformat()}, salt=OFFER_SALT)


def entry_from_token(token: str) -> WaitlistEntry:
    """Resolve an accept link. Raises ValidationError when it is forged, stale or superseded."""
    max_age = timedelta(hours=settings.WAITLIST_OFFER_HOURS)
    try:
        data = signing.loads(token, salt=OFFER_SALT, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise ValidationError("This offer has expired.") from exc
    except signing.BadSignature as exc:
        raise ValidationError("This offer link is not valid.") from exc
    entry = (
        WaitlistEntry.objects.select_related("event", "ticket_type", "user")
        .filter(pk=data.get("w"))
        .first()
    )
    if entry is None or entry.offered_at is None or entry.offered_at.isoformat() != data.get("o"):
        raise ValidationError("This offer link is not valid.")
    return entry


def offer_freed_seats(event: Event, *, now: datetime) -> list[WaitlistEntry]:
    """Offer free seats to the earliest waiting entries that fit. Caller holds the event lock.

    An entry that wants more seats than are free is skipped, not blocked on: the next entry
    that fits gets the offer. Offers expire after WAITLIST_OFFER_HOURS, or when bookings
    close if that is sooner. Side effects: entries move to ``offered``; each person is
    notified (booking kind: never delayed into a digest) with a signed accept link.
    """
    deadline = event.booking_deadline
    if event.status != EventStatus.PUBLISHED or deadline <= now:
        return []
    ticket_types = {tt.pk: tt for tt in event.ticket_types.all()}
    use = seat_use(event.pk)
    if use.total >= event.capacity:
        return []
    expires_at = min(now + timedelta(hours=settings.WAITLIST_OFFER_HOURS), deadline)
    offered: list[WaitlistEntry] = []
    waiting = (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .filter(event=event, status=WaitlistStatus.WAITING)
        .select_related("user")
        .order_by("created_at", "id")
    )
    for entry in waiting:
        ticket_type = ticket_types[entry.ticket_type_id]
        if not ticket_type.on_sale(now):
            continue
        if seats_available(event, ticket_type, use) < entry.quantity:
            continue
        entry.status = WaitlistStatus.OFFERED
        entry.offered_at = now
        entry.offer_expires_at = expires_at
        entry.save(update_fields=["status", "offered_at", "offer_expires_at"])
        use.add(ticket_type.pk, entry.quantity)
        offered.append(entry)
        seats = f"{entry.quantity} seat{'s' if entry.quantity != 1 else ''}"
        notify(
            recipients=[entry.user],
            kind=NotificationKind.BOOKING,
            text=(
                f"A place came free: {seats} ({ticket_type.name}) at {event.title} are yours "
                f"if you accept by {local_time(event, expires_at)}."
            ),
            link=reverse("waitlist-offer", kwargs={"token": offer_token(entry)}),
            target=entry,
        )
        if use.total >= event.capacity:
            break
    return offered
