"""Writes of an event's programme: agenda items, ticket types and linked listings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from events.enums import EVENT_CHANGE, EventStatus, ListingRole
from events.models import AgendaItem, Booking, Event, EventListing, TicketType, WaitlistEntry
from events.pricing import rule_errors
from events.queries import seat_use
from events.services.common import lock_event, touch
from events.services.seats import offer_freed_seats
from exchange.exceptions import InvalidTransition, ValidationError
from exchange.models import User
from exchange.permissions import require_perm
from listings.enums import ListingStatus
from listings.models import Listing
from listings.queries import listings_visible_to

# --- Agenda -----------------------------------------------------------------------------------

AGENDA_FIELDS = frozenset(
    {
        "starts_at",
        "ends_at",
        "title",
        "description",
        "speaker_name",
        "speaker_organisation",
        "speaker_bio",
    }
)


def _check_agenda_time(event: Event, item: AgendaItem) -> None:
    if not event.starts_at <= item.starts_at < event.ends_at:
        raise ValidationError({"starts_at": "The item must start during the event."})
    if item.ends_at and not item.starts_at < item.ends_at <= event.ends_at:
        raise ValidationError({"ends_at": "The item must end after it starts, by the event's end."})


@transaction.atomic
def agenda_item_create(
    *, actor: User, event: Event, now: datetime | None = None, **fields: Any
) -> AgendaItem:
    """Add an agenda item. Side effect: the event's LAST-MODIFIED moves."""
    now = now or timezone.now()
    event = lock_event(event.pk)
    require_perm(actor, EVENT_CHANGE, event)
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition("A cancelled event cannot be edited.")
    unknown = set(fields) - AGENDA_FIELDS
    if unknown:
        raise ValidationError(f"Cannot set: {', '.join(sorted(unknown))}.")
    item = AgendaItem(event=event, last_modified=now, **fields)
    _check_agenda_time(event, item)
    item.full_clean()
    item.save()
    touch(event, now=now, significant=False)
    return item


@transaction.atomic
def agenda_item_update(
    *, actor: User, item: AgendaItem, now: datetime | None = None, **fields: Any
) -> AgendaItem:
    """Change an agenda item. Side effects: its SEQUENCE and the event's LAST-MODIFIED move."""
    now = now or timezone.now()
    event = lock_event(item.event_id)
    require_perm(actor, EVENT_CHANGE, event)
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition("A cancelled event cannot be edited.")
    unknown = set(fields) - AGENDA_FIELDS
    if unknown:
        raise ValidationError(f"Cannot change: {', '.join(sorted(unknown))}.")
    item = AgendaItem.objects.select_for_update().get(pk=item.pk, event=event)
    for key, value in fields.items():
        setattr(item, key, value)
    item.sequence += 1
    item.last_modified = now
    _check_agenda_time(event, item)
    item.full_clean()
    item.save(update_fields=[*fields, "sequence", "last_modified"])
    touch(event, now=now, significant=False)
    return item


@transaction.atomic
def agenda_item_delete(*, actor: User, item: AgendaItem, now: datetime | None = None) -> None:
    now = now or timezone.now()
    event = lock_event(item.event_id)
    require_perm(actor, EVENT_CHANGE, event)
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition("A cancelled event cannot be edited.")
    AgendaItem.objects.filter(pk=item.pk, event=event).delete()
    touch(event, now=now, significant=False)


# --- Ticket types -----------------------------------------------------------------------------

TICKET_FIELDS = frozenset(
    {
        "name",
        "description",
        "price_pence",
        "capacity",
        "sales_start",
        "sales_end",
        "max_per_booking",
        "early_bird_price_pence",
        "early_bird_until",
        "group_tiers",
        "position",
    }
)


def _check_ticket_type(event: Event, ticket_type: TicketType) -> None:
    errors: dict[str, str] = {}
    try:
        errors.update(rule_errors(ticket_type.rules))
    except ValueError as exc:
        errors["group_tiers"] = str(exc)
    start, end = ticket_type.sales_start, ticket_type.sales_end
    if start and end and end <= start:
        errors["sales_end"] = "Sales must end after they start."
    if ticket_type.capacity > event.capacity:
        errors["capacity"] = f"The event has {event.capacity} seats in all."
    if ticket_type.sales_end and ticket_type.sales_end > event.ends_at:
        errors["sales_end"] = "Sales must end by the end of the event."
    early = ticket_type.early_bird_until
    if early and end and early > end:
        errors["early_bird_until"] = "The early-bird price must end by the end of sales."
    elif early and start and early <= start:
        errors["early_bird_until"] = "The early-bird price must end after sales start."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def ticket_type_create(
    *, actor: User, event: Event, now: datetime | None = None, **fields: Any
) -> TicketType:
    """Add a ticket type. Side effect: new seats offered to the event's waitlist."""
    now = now or timezone.now()
    event = lock_event(event.pk)
    require_perm(actor, EVENT_CHANGE, event)
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition("A cancelled event cannot be edited.")
    unknown = set(fields) - TICKET_FIELDS
    if unknown:
        raise ValidationError(f"Cannot set: {', '.join(sorted(unknown))}.")
    ticket_type = TicketType(event=event, **fields)
    _check_ticket_type(event, ticket_type)
    ticket_type.full_clean()
    ticket_type.save()
    touch(event, now=now, significant=False)
    return ticket_type


@transaction.atomic
def ticket_type_update(
    *, actor: User, ticket_type: TicketType, now: datetime | None = None, **fields: Any
) -> TicketType:
    """Change a ticket type. Prices of existing bookings never change.

    Refused: capacity below the seats already booked, held or offered. Side effect: a
    raised capacity is offered to the waitlist at once.
    """
    now = now or timezone.now()
    event = lock_event(ticket_type.event_id)
    require_perm(actor, EVENT_CHANGE, event)
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition("A cancelled event cannot be edited.")
    unknown = set(fields) - TICKET_FIELDS
    if unknown:
        raise ValidationError(f"Cannot change: {', '.join(sorted(unknown))}.")
    ticket_type = TicketType.objects.select_for_update().get(pk=ticket_type.pk, event=event)
    old_capacity = ticket_type.capacity
    for key, value in fields.items():
        setattr(ticket_type, key, value)
    taken = seat_use(event.pk).by_type.get(ticket_type.pk, 0)
    if ticket_type.capacity < taken:
        raise ValidationError({"capacity": f"{taken} seats are already booked, held or offered."})
    _check_ticket_type(event, ticket_type)
    ticket_type.full_clean()
    ticket_type.save(update_fields=list(fields))
    touch(event, now=now, significant=False)
    if ticket_type.capacity > old_capacity or "sales_end" in fields:
        offer_freed_seats(event, now=now)
    return ticket_type


@transaction.atomic
def ticket_type_delete(*, actor: User, ticket_type: TicketType) -> None:
    """Remove a ticket type nobody has booked or waited for."""
    event = lock_event(ticket_type.event_id)
    require_perm(actor, EVENT_CHANGE, event)
    if Booking.objects.filter(ticket_type=ticket_type).exists() or (
        WaitlistEntry.objects.filter(ticket_type=ticket_type).exists()
    ):
        raise InvalidTransition("People have booked these tickets; they cannot be removed.")
    if event.status == EventStatus.PUBLISHED and event.ticket_types.count() == 1:
        raise InvalidTransition("A published event needs at least one ticket type.")
    TicketType.objects.filter(pk=ticket_type.pk, event=event).delete()


# --- Linked listings --------------------------------------------------------------------------


@transaction.atomic
def event_listing_link(
    *, actor: User, event: Event, listing: Listing, role: str = ListingRole.SHOWCASED
) -> EventListing:
    """Link a published listing the actor can see ("on the agenda" or "showcased")."""
    event = lock_event(event.pk)
    require_perm(actor, EVENT_CHANGE, event)
    if role not in ListingRole.values:
        raise ValidationError({"role": "Choose on the agenda or showcased."})
    if not (
        listings_visible_to(actor).filter(Q(pk=listing.pk), status=ListingStatus.PUBLISHED).exists()
    ):
        raise ValidationError({"listing": "Only published listings you can see can be linked."})
    link, _ = EventListing.objects.update_or_create(
        event=event, listing=listing, defaults={"role": role}
    )
    return link


@transaction.atomic
def event_listing_unlink(*, actor: User, event: Event, listing: Listing) -> None:
    event = lock_event(event.pk)
    require_perm(actor, EVENT_CHANGE, event)
    EventListing.objects.filter(event=event, listing=listing).delete()
