"""Reusable reads of events: visibility, listings, seat accounting, attendee lists.

Every page and feed starts from ``events_visible_to``: drafts are seen only by members of
the organising organisation (and staff).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Min, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from events.calendar import CalendarEntry, entry_uid
from events.enums import (
    SEAT_HOLDING_STATUSES,
    BookingStatus,
    EventStatus,
    WaitlistStatus,
)
from events.models import (
    AgendaItem,
    Attendee,
    Booking,
    Event,
    EventListing,
    TicketType,
    WaitlistEntry,
)
from exchange.models import Membership, User
from listings.queries import listings_visible_to, member_organisation_ids

PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


# --- Visibility -------------------------------------------------------------------------------


def event_visibility_filter(user: User | AnonymousUser) -> Q:
    """Published and cancelled events for everyone; drafts for the organiser's members."""
    public = Q(status__in=PUBLIC_STATUSES)
    if not user.is_authenticated:
        return public
    if user.is_superuser:
        return Q()
    my_orgs = Membership.objects.filter(user_id=user.pk).values("organisation_id")
    return public | Q(organiser_id__in=my_orgs)


def events_visible_to(user: User | AnonymousUser) -> QuerySet[Event]:
    return (
        Event.objects.filter(event_visibility_filter(user))
        .select_related("organiser")
        .prefetch_related("tags")
    )


AGENDA_ORDER = ("starts_at", "id")
TICKET_TYPE_ORDER = ("position", "id")


def event_for_page(user: User | AnonymousUser, slug: str) -> Event | None:
    """One event with what its page shows (agenda, tickets, linked listings the user may see)."""
    visible_listings = listings_visible_to(user).prefetch_related(None)
    return (
        events_visible_to(user)
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by(*AGENDA_ORDER)),
            Prefetch("ticket_types", queryset=TicketType.objects.order_by(*TICKET_TYPE_ORDER)),
            Prefetch("listings", queryset=visible_listings),
            "listing_links",
        )
        .filter(slug=slug)
        .first()
    )


def agenda_of(event: Event) -> QuerySet[AgendaItem]:
    return event.agenda_items.order_by(*AGENDA_ORDER)


def ticket_types_of(event: Event) -> QuerySet[TicketType]:
    return event.ticket_types.order_by(*TICKET_TYPE_ORDER)


def listing_links_visible_to(user: User | AnonymousUser, event: Event) -> QuerySet[EventListing]:
    """The event's links to listings ``user`` may see (the page shows no others)."""
    visible = listings_visible_to(user).prefetch_related(None).values("pk")
    return (
        event.listing_links.filter(listing__in=visible)
        .select_related("listing__organisation")
        .order_by("role", "created_at", "id")
    )


@dataclass(frozen=True)
class EventFilters:
    kind: str = ""
    tag: str = ""
    region: str = ""
    price: str = ""  # "", "free" or "paid"
    date_from: date | None = None
    date_to: date | None = None


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def event_list(
    user: User | AnonymousUser, filters: EventFilters, *, now: datetime | None = None
) -> QuerySet[Event]:
    """Upcoming published events visible to ``user``, narrowed by the filters, soonest first."""
    now = now or timezone.now()
    qs = (
        events_visible_to(user)
        .filter(status=EventStatus.PUBLISHED, ends_at__gte=now)
        .annotate(
            min_price=Min("ticket_types__price_pence"), max_price=Max("ticket_types__price_pence")
        )
    )
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.tag:
        qs = qs.filter(tags__slug=filters.tag)
    if filters.region:
        qs = qs.filter(region=filters.region)
    if filters.price == "free":
        qs = qs.filter(min_price=0)
    elif filters.price == "paid":
        qs = qs.filter(max_price__gt=0)
    if filters.date_from:
        qs = qs.filter(ends_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        qs = qs.filter(starts_at__lt=_start_of(filters.date_to) + timedelta(days=1))
    return qs.order_by("starts_at", "id")


def events_for_api(user: User | AnonymousUser) -> QuerySet[Event]:
    """Events ``user`` may see, with their agenda and ticket types loaded."""
    return events_visible_to(user).prefetch_related(
        Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("starts_at", "id")),
        Prefetch("ticket_types", queryset=TicketType.objects.order_by("position", "id")),
    )


def events_organised_by(user: User) -> QuerySet[Event]:
    """Events of the user's organisations, drafts included, newest first."""
    return (
        Event.objects.filter(organiser_id__in=member_organisation_ids(user))
        .select_related("organiser")
        .order_by("-starts_at", "-id")
    )


# --- Seats ------------------------------------------------------------------------------------


@dataclass
class SeatUse:
    """Seats held per ticket type (confirmed + awaiting payment + offered to the waitlist)."""

    by_type: dict[int, int] = field(default_factory=dict)
    total: int = 0

    def add(self, ticket_type_id: int, seats: int) -> None:
        self.by_type[ticket_type_id] = self.by_type.get(ticket_type_id, 0) + seats
        self.total += seats


def seat_use(event_id: int, *, exclude_entry_id: int | None = None) -> SeatUse:
    """Count the seats taken. Writers call this with the event row locked."""
    use = SeatUse()
    booked = (
        Booking.objects.filter(event_id=event_id, status__in=SEAT_HOLDING_STATUSES)
        .order_by()
        .values_list("ticket_type_id")
        .annotate(n=Sum("quantity"))
    )
    offers = WaitlistEntry.objects.filter(event_id=event_id, status=WaitlistStatus.OFFERED)
    if exclude_entry_id is not None:
        offers = offers.exclude(pk=exclude_entry_id)
    offered = offers.order_by().values_list("ticket_type_id").annotate(n=Sum("quantity"))
    for ticket_type_id, seats in [*booked, *offered]:
        use.add(ticket_type_id, seats or 0)
    return use


def seat_use_for(event_ids: list[int]) -> dict[int, SeatUse]:
    """``seat_use`` of many events in two queries (for lists)."""
    uses = {event_id: SeatUse() for event_id in event_ids}
    booked = (
        Booking.objects.filter(event_id__in=event_ids, status__in=SEAT_HOLDING_STATUSES)
        .order_by()
        .values_list("event_id", "ticket_type_id")
        .annotate(n=Sum("quantity"))
    )
    offered = (
        WaitlistEntry.objects.filter(event_id__in=event_ids, status=WaitlistStatus.OFFERED)
        .order_by()
        .values_list("event_id", "ticket_type_id")
        .annotate(n=Sum("quantity"))
    )
    for event_id, ticket_type_id, seats in [*booked, *offered]:
        uses[event_id].add(ticket_type_id, seats or 0)
    return uses


def seats_available(event: Event, ticket_type: TicketType, use: SeatUse) -> int:
    """Seats of ``ticket_type`` still free: its own and the event's capacity both bind."""
    own = ticket_type.capacity - use.by_type.get(ticket_type.pk, 0)
    return max(0, min(own, event.capacity - use.total))


@dataclass(frozen=True)
class TicketCounts:
    ticket_type: TicketType
    confirmed: int
    held: int
    offered: int
    waiting: int
    checked_in: int
    available: int


@dataclass(frozen=True)
class EventCounts:
    """Live counts for the organiser console and seats left for the public page."""

    capacity: int
    confirmed: int
    held: int
    offered: int
    waiting: int
    checked_in: int
    available: int
    tickets: list[TicketCounts]


def event_counts(event: Event) -> EventCounts:
    """Booked, held, offered, waitlisted, checked-in and free seats, per ticket type."""
    per: dict[tuple[int, str], int] = defaultdict(int)
    for tt_id, status, seats in (
        Booking.objects.filter(event=event, status__in=SEAT_HOLDING_STATUSES)
        .order_by()
        .values_list("ticket_type_id", "status")
        .annotate(n=Sum("quantity"))
    ):
        per[(tt_id, status)] += seats or 0
    for tt_id, status, seats in (
        WaitlistEntry.objects.filter(
            event=event, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
        )
        .order_by()
        .values_list("ticket_type_id", "status")
        .annotate(n=Sum("quantity"))
    ):
        per[(tt_id, status)] += seats or 0
    checked_in = dict(
        Attendee.objects.filter(
            booking__event=event,
            booking__status=BookingStatus.CONFIRMED,
            checked_in_at__isnull=False,
        )
        .order_by()
        .values_list("booking__ticket_type_id")
        .annotate(n=Count("id"))
    )
    use = SeatUse()
    for (tt_id, status), seats in per.items():
        if status != WaitlistStatus.WAITING:
            use.add(tt_id, seats)
    ticket_types = list(event.ticket_types.all())
    rows = [
        TicketCounts(
            ticket_type=tt,
            confirmed=per[(tt.pk, BookingStatus.CONFIRMED)],
            held=per[(tt.pk, BookingStatus.PENDING)],
            offered=per[(tt.pk, WaitlistStatus.OFFERED)],
            waiting=per[(tt.pk, WaitlistStatus.WAITING)],
            checked_in=checked_in.get(tt.pk, 0),
            available=seats_available(event, tt, use),
        )
        for tt in ticket_types
    ]
    return EventCounts(
        capacity=event.capacity,
        confirmed=sum(r.confirmed for r in rows),
        held=sum(r.held for r in rows),
        offered=sum(r.offered for r in rows),
        waiting=sum(r.waiting for r in rows),
        checked_in=sum(r.checked_in for r in rows),
        available=max(0, event.capacity - use.total),
        tickets=rows,
    )


# --- Bookings and attendees -------------------------------------------------------------------


def bookings_of(user: User) -> QuerySet[Booking]:
    """The person's own bookings, newest event first."""
    return (
        Booking.objects.filter(booker=user)
        .select_related("event", "event__organiser", "ticket_type", "organisation")
        .prefetch_related("attendees")
        .order_by("-event__starts_at", "-id")
    )


def waitlist_entries_of(user: User) -> QuerySet[WaitlistEntry]:
    return (
        WaitlistEntry.objects.filter(
            user=user, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
        )
        .select_related("event", "ticket_type")
        .order_by("event__starts_at", "id")
    )


def booking_for_booker(user: User, reference: str) -> Booking | None:
    return (
        bookings_of(user).prefetch_related("payments", "refunds").filter(reference=reference)
    ).first()


@dataclass(frozen=True)
class AttendeeFilters:
    status: str = ""  # a BookingStatus, "" for active (confirmed + awaiting payment)
    ticket_type: int | None = None
    checked_in: str = ""  # "", "yes" or "no"
    search: str = ""


def attendees_of(event: Event, filters: AttendeeFilters) -> QuerySet[Attendee]:
    """The event's attendees for the organiser, filtered, in booking order."""
    qs = Attendee.objects.filter(booking__event=event).select_related(
        "booking", "booking__ticket_type", "booking__organisation", "booking__booker"
    )
    if filters.status:
        qs = qs.filter(booking__status=filters.status)
    else:
        qs = qs.filter(booking__status__in=SEAT_HOLDING_STATUSES)
    if filters.ticket_type:
        qs = qs.filter(booking__ticket_type_id=filters.ticket_type)
    if filters.checked_in == "yes":
        qs = qs.filter(checked_in_at__isnull=False)
    elif filters.checked_in == "no":
        qs = qs.filter(checked_in_at__isnull=True)
    if filters.search:
        term = filters.search
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(email__icontains=term)
            | Q(booking__organisation__name__icontains=term)
            | Q(booking__reference__iexact=term)
        )
    return qs.order_by("booking__created_at", "booking_id", "position", "id")


def waitlist_of(event: Event) -> QuerySet[WaitlistEntry]:
    """The event's waitlist for the organiser: active entries in queue order, then the rest."""
    return (
        WaitlistEntry.objects.filter(event=event)
        .select_related("user", "ticket_type", "organisation")
        .order_by("created_at", "id")
    )


def attendee_by_code(code: str) -> Attendee | None:
    return (
        Attendee.objects.select_related(
            "booking", "booking__event", "booking__event__organiser", "booking__ticket_type"
        )
        .filter(code=code)
        .first()
    )


# --- Calendar data ----------------------------------------------------------------------------


def _location(event: Event, *, with_online_link: bool) -> str:
    parts = [event.venue_name, " ".join(event.venue_address.split()), event.venue_postcode]
    place = ", ".join(p for p in parts if p)
    if with_online_link and event.online_url:
        return f"{place} ({event.online_url})" if place else event.online_url
    return place or ("Online" if event.online_url else "")


def calendar_entry_for(event: Event, *, with_online_link: bool = False) -> CalendarEntry:
    """The event as plain calendar data. The joining link only goes to ticket holders."""
    url = settings.SITE_URL + event.get_absolute_url()
    description = event.summary
    if with_online_link and event.online_url:
        description += f"\n\nJoin online: {event.online_url}"
    description += f"\n\n{url}"
    return CalendarEntry(
        uid=entry_uid(event.uid),
        sequence=event.sequence,
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        timezone=event.timezone,
        last_modified=event.last_modified,
        status="CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED",
        description=description,
        location=_location(event, with_online_link=with_online_link),
        url=url,
        organiser_name=event.organiser.name,
        organiser_email=_from_address(),
        categories=tuple(tag.name for tag in event.tags.all()),
    )


def _from_address() -> str:
    from_email = settings.DEFAULT_FROM_EMAIL
    return from_email.rsplit("<", 1)[-1].rstrip(">").strip()


@dataclass(frozen=True)
class SeatSummary:
    """Seats of one event by state, for lists (the organiser console, the dashboard)."""

    booked: int = 0  # confirmed
    held: int = 0  # awaiting card payment
    offered: int = 0  # offered to the waitlist, not yet taken
    waiting: int = 0  # on the waitlist


def seat_summaries(event_ids: list[int]) -> dict[int, SeatSummary]:
    """``SeatSummary`` of many events in two queries (events without seats get zeros)."""
    found: dict[int, dict[str, int]] = {event_id: {} for event_id in event_ids}
    names = {
        BookingStatus.CONFIRMED: "booked",
        BookingStatus.PENDING: "held",
        WaitlistStatus.OFFERED: "offered",
        WaitlistStatus.WAITING: "waiting",
    }
    rows = [
        *Booking.objects.filter(event_id__in=event_ids, status__in=SEAT_HOLDING_STATUSES)
        .order_by()
        .values_list("event_id", "status")
        .annotate(n=Sum("quantity")),
        *WaitlistEntry.objects.filter(
            event_id__in=event_ids, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
        )
        .order_by()
        .values_list("event_id", "status")
        .annotate(n=Sum("quantity")),
    ]
    for event_id, status, seats in rows:
        found[event_id][names[status]] = seats or 0
    return {event_id: SeatSummary(**counts) for event_id, counts in found.items()}
