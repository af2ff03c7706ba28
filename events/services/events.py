"""Writes of events: create, edit, publish, cancel, copy (the programme is in programme.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from events.enums import (
    EVENT_CHANGE,
    EVENT_MANAGE,
    EVENT_MEMBER_PERMS,
    EVENT_TRANSITIONS,
    SEAT_HOLDING_STATUSES,
    WAITLIST_ACTIVE_STATUSES,
    EventStatus,
    WaitlistStatus,
)
from events.models import AgendaItem, Booking, Event, EventListing, TicketType, WaitlistEntry
from events.queries import seat_use
from events.services.bookings import cancel_locked
from events.services.common import (
    event_link,
    local_time,
    lock_event,
    notify_booker,
    pounds,
    touch,
)
from events.services.seats import offer_freed_seats
from exchange.enums import NotificationKind
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Membership, Organisation, User
from exchange.notifications import notify
from exchange.outbox import domain_event_record
from exchange.permissions import grant_to_organisation, require_perm
from exchange.services import tags_from_names

EDITABLE_FIELDS = frozenset(
    {
        "kind",
        "title",
        "summary",
        "description",
        "starts_at",
        "ends_at",
        "timezone",
        "venue_name",
        "venue_address",
        "venue_postcode",
        "map_url",
        "online_url",
        "region",
        "capacity",
        "booking_opens_at",
        "booking_closes_at",
        "cancellation_cutoff_hours",
    }
)
# Fields a calendar entry shows: changing one bumps SEQUENCE so clients update.
CALENDAR_FIELDS = frozenset(
    {
        "title",
        "summary",
        "starts_at",
        "ends_at",
        "timezone",
        "venue_name",
        "venue_address",
        "venue_postcode",
        "online_url",
    }
)
# Changes booked attendees are told about.
ATTENDEE_FIELDS = frozenset(
    {"starts_at", "ends_at", "venue_name", "venue_address", "venue_postcode", "online_url"}
)


def _unique_slug(title: str, starts_at: datetime) -> str:
    day = timezone.localtime(starts_at).date().isoformat()
    root = f"{slugify(title)[:150] or 'event'}-{day}"
    slug, n = root, 2
    while Event.objects.filter(slug=slug).exists():
        slug = f"{root}-{n}"
        n += 1
    return slug


def _check_times(event: Event) -> None:
    errors: dict[str, str] = {}
    if event.starts_at and event.ends_at and event.ends_at <= event.starts_at:
        errors["ends_at"] = "The event must end after it starts."
    if event.booking_closes_at and event.ends_at and event.booking_closes_at > event.ends_at:
        errors["booking_closes_at"] = "Bookings must close by the end of the event."
    if (
        event.booking_opens_at
        and event.booking_closes_at
        and event.booking_closes_at <= event.booking_opens_at
    ):
        errors["booking_closes_at"] = "Bookings must close after they open."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def event_create(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    title: str,
    summary: str,
    starts_at: datetime,
    ends_at: datetime,
    capacity: int,
    tag_names: Sequence[str] = (),
    now: datetime | None = None,
    **fields: Any,
) -> Event:
    """Create a draft event organised by ``organisation`` (the actor must be a member).

    Side effects: tags created as needed; change/manage permissions granted to the
    organisation's member group.
    """
    if not (
        actor.is_superuser
        or Membership.objects.filter(user=actor, organisation=organisation).exists()
    ):
        raise PermissionDenied("You can only organise events for your own organisation.")
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Cannot set: {', '.join(sorted(unknown))}.")
    now = now or timezone.now()
    fields.setdefault("region", organisation.region)
    event = Event(
        organiser=organisation,
        kind=kind,
        title=" ".join(title.split()),
        summary=" ".join(summary.split()),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        status=EventStatus.DRAFT,
        last_modified=now,
        created_by=actor,
        **fields,
    )
    event.slug = _unique_slug(event.title, starts_at)
    _check_times(event)
    event.full_clean()
    event.save()
    event.tags.set(tags_from_names(tag_names))
    grant_to_organisation(event, organisation, member_perms=EVENT_MEMBER_PERMS)
    return event


@transaction.atomic
def event_update(
    *,
    actor: User,
    event: Event,
    tag_names: Sequence[str] | None = None,
    now: datetime | None = None,
    **fields: Any,
) -> Event:
    """Change an event. A cancelled event is frozen.

    Side effects: SEQUENCE bumped when calendar-visible fields change; booked people told
    about new times or places; a raised capacity offered to the waitlist at once.
    """
    now = now or timezone.now()
    event = lock_event(event.pk)
    require_perm(actor, EVENT_CHANGE, event)
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition("A cancelled event cannot be edited.")
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Cannot change: {', '.join(sorted(unknown))}.")
    changed = {key for key, value in fields.items() if getattr(event, key) != value}
    old_capacity = event.capacity
    for key in changed:
        setattr(event, key, fields[key])
    if "capacity" in changed:
        taken = seat_use(event.pk).total
        if event.capacity < taken:
            raise ValidationError(
                {"capacity": f"{taken} seats are already booked, held or offered."}
            )
        biggest = max((tt.capacity for tt in event.ticket_types.all()), default=0)
        if event.capacity < biggest:
            raise ValidationError(
                {"capacity": f"A ticket type has {biggest} seats; lower it first."}
            )
    _check_times(event)
    event.full_clean()
    if changed:
        event.save(update_fields=[*sorted(changed), "updated_at"])
    if tag_names is not None:
        before = set(event.tags.values_list("pk", flat=True))
        tags = tags_from_names(tag_names)
        event.tags.set(tags)
        if before != {t.pk for t in tags}:
            changed.add("tags")
    if changed:
        touch(event, now=now, significant=bool(changed & CALENDAR_FIELDS))
        domain_event_record("event.updated", resource="event", id=event.pk)
    if event.capacity > old_capacity:
        offer_freed_seats(event, now=now)
    if event.status == EventStatus.PUBLISHED and changed & ATTENDEE_FIELDS:
        _tell_booked(
            event,
            f"{event.title} has changed: it now runs {local_time(event)}"
            f"{' at ' + event.venue_name if event.venue_name else ' online'}.",
        )
    return event


def _tell_booked(event: Event, text: str) -> None:
    bookers = {
        b.booker
        for b in Booking.objects.filter(
            event=event, status__in=SEAT_HOLDING_STATUSES
        ).select_related("booker")
    }
    notify(
        recipients=bookers,
        kind=NotificationKind.EVENT,
        text=text,
        link=event_link(event),
        target=event,
    )


@transaction.atomic
def event_publish(*, actor: User, event: Event, now: datetime | None = None) -> Event:
    """draft → published. Needs a place, at least one ticket type and a future start."""
    now = now or timezone.now()
    event = lock_event(event.pk)
    require_perm(actor, EVENT_CHANGE, event)
    if EventStatus.PUBLISHED not in EVENT_TRANSITIONS[event.status]:
        raise InvalidTransition(
            f"A {event.get_status_display().lower()} event cannot be published."
        )
    if event.starts_at <= now:
        raise ValidationError({"starts_at": "Only future events can be published."})
    if not event.venue_name and not event.online_url:
        raise ValidationError("Give a venue or an online link before publishing.")
    if not event.ticket_types.exists():
        raise ValidationError("Add at least one ticket type before publishing.")
    event.status = EventStatus.PUBLISHED
    event.published_at = now
    event.save(update_fields=["status", "published_at", "updated_at"])
    touch(event, now=now, significant=True)
    domain_event_record("event.published", resource="event", id=event.pk)
    return event


@transaction.atomic
def event_cancel(*, actor: User, event: Event, reason: str, now: datetime | None = None) -> Event:
    """Cancel an event: every booking is cancelled and card payments refunded in full.

    Side effects: SEQUENCE bumped, STATUS cancelled (feeds keep the event); refunds queued
    after commit; bookers told (booking kind: immediately), waitlisted people told.
    """
    now = now or timezone.now()
    event = lock_event(event.pk)
    require_perm(actor, EVENT_MANAGE, event)
    if EventStatus.CANCELLED not in EVENT_TRANSITIONS[event.status]:
        raise InvalidTransition("This event is already cancelled.")
    reason = " ".join(reason.split())[:500]
    was_published = event.status == EventStatus.PUBLISHED
    event.status = EventStatus.CANCELLED
    event.cancelled_at = now
    event.cancellation_reason = reason
    event.save(update_fields=["status", "cancelled_at", "cancellation_reason", "updated_at"])
    touch(event, now=now, significant=True)
    domain_event_record("event.cancelled", resource="event", id=event.pk)
    if not was_published:
        return event
    bookings = (
        Booking.objects.select_for_update(of=("self",))
        .filter(event=event, status__in=SEAT_HOLDING_STATUSES)
        .select_related("booker")
        .order_by("pk")
    )
    because = f" Reason: {reason}" if reason else ""
    for booking in bookings:
        refund = cancel_locked(booking, by=actor, reason=f"Event cancelled.{because}", now=now)
        money = f" {pounds(refund.amount_pence)} will be refunded to your card." if refund else ""
        notify_booker(
            booking,
            f"{event.title} ({local_time(event)}) has been cancelled by the organisers."
            f"{because} Your booking {booking.reference} is cancelled.{money}",
        )
    waiting = list(
        WaitlistEntry.objects.select_for_update(of=("self",))
        .filter(event=event, status__in=WAITLIST_ACTIVE_STATUSES)
        .select_related("user")
    )
    WaitlistEntry.objects.filter(pk__in=[w.pk for w in waiting]).update(
        status=WaitlistStatus.EXPIRED, closed_at=now
    )
    notify(
        recipients=[w.user for w in waiting],
        kind=NotificationKind.EVENT,
        text=f"{event.title} has been cancelled, so its waitlist is closed.{because}",
        link=event_link(event),
        target=event,
    )
    return event


@transaction.atomic
def event_copy(
    *, actor: User, event: Event, starts_at: datetime, now: datetime | None = None
) -> Event:
    """Make the next event of a series: a draft copy moved to ``starts_at``.

    Ticket types, agenda, tags and linked listings are copied; every time (sales windows,
    early-bird deadline, agenda) moves by the same amount. Bookings are not copied.
    """
    now = now or timezone.now()
    require_perm(actor, EVENT_CHANGE, event)
    shift = starts_at - event.starts_at

    def moved(moment: datetime | None) -> datetime | None:
        return moment + shift if moment is not None else None

    copy = event_create(
        actor=actor,
        organisation=event.organiser,
        kind=event.kind,
        title=event.title,
        summary=event.summary,
        starts_at=starts_at,
        ends_at=event.ends_at + shift,
        capacity=event.capacity,
        tag_names=[t.name for t in event.tags.all()],
        now=now,
        description=event.description,
        timezone=event.timezone,
        venue_name=event.venue_name,
        venue_address=event.venue_address,
        venue_postcode=event.venue_postcode,
        map_url=event.map_url,
        online_url=event.online_url,
        region=event.region,
        booking_opens_at=moved(event.booking_opens_at),
        booking_closes_at=moved(event.booking_closes_at),
        cancellation_cutoff_hours=event.cancellation_cutoff_hours,
    )
    copy.previous_in_series = event
    copy.save(update_fields=["previous_in_series"])
    for tt in event.ticket_types.all():
        TicketType.objects.create(
            event=copy,
            name=tt.name,
            description=tt.description,
            price_pence=tt.price_pence,
            capacity=tt.capacity,
            sales_start=moved(tt.sales_start),
            sales_end=moved(tt.sales_end),
            max_per_booking=tt.max_per_booking,
            early_bird_price_pence=tt.early_bird_price_pence,
            early_bird_until=moved(tt.early_bird_until),
            group_tiers=tt.group_tiers,
            position=tt.position,
        )
    AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                event=copy,
                starts_at=item.starts_at + shift,
                ends_at=moved(item.ends_at),
                title=item.title,
                description=item.description,
                speaker_name=item.speaker_name,
                speaker_organisation=item.speaker_organisation,
                speaker_bio=item.speaker_bio,
                last_modified=now,
            )
            for item in event.agenda_items.all()
        ]
    )
    EventListing.objects.bulk_create(
        [
            EventListing(event=copy, listing_id=link.listing_id, role=link.role)
            for link in event.listing_links.all()
        ]
    )
    return copy
