"""Reusable reads of events: visibility, listings, seat accounting, attendee lists.

Every page and feed starts from ``events_visible_to``: drafts are seen only by members of
the organising organisation (and staff).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Lower
from django.utils import timezone

from events.calendar import CalendarEntry, entry_uid
from events.enums import (
    SEAT_HOLDING_STATUSES,
    BookingStatus,
    EventStatus,
    SessionStatus,
    WaitlistStatus,
)
from events.models import (
    AgendaItem,
    Attendee,
    Booking,
    Event,
    Room,
    SessionProposal,
    SessionVote,
    Slot,
    Star,
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


def event_for_page(user: User | AnonymousUser, slug: str) -> Event | None:
    """One event with what its page shows (agenda, tickets, linked listings the user may see)."""
    visible_listings = listings_visible_to(user).prefetch_related(None)
    return (
        events_visible_to(user)
        .prefetch_related(
            Prefetch("agenda_items", queryset=AgendaItem.objects.order_by("starts_at", "id")),
            Prefetch("ticket_types", queryset=TicketType.objects.order_by("position", "id")),
            Prefetch("listings", queryset=visible_listings),
            "listing_links",
        )
        .filter(slug=slug)
        .first()
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


# --- Unconference -----------------------------------------------------------------------------


def _confirmed_bookings_of(user: User, event_ids: QuerySet[Event] | list[int]) -> QuerySet[Booking]:
    """Confirmed bookings at those events that ``user`` made or holds a seat of (by email)."""
    return Booking.objects.filter(event_id__in=event_ids, status=BookingStatus.CONFIRMED).filter(
        Q(booker_id=user.pk)
        | Q(pk__in=Attendee.objects.filter(email__iexact=user.email).values("booking_id"))
    )


def is_confirmed_attendee(user: User | AnonymousUser, event: Event) -> bool:
    """True when ``user`` booked, or holds a seat of, a confirmed booking for ``event``."""
    if not user.is_authenticated:
        return False
    return _confirmed_bookings_of(user, [event.pk]).exists()


def confirmed_attendee_users(event: Event) -> QuerySet[User]:
    """Active accounts with a confirmed place at ``event``: bookers and seat holders (by email)."""
    confirmed = Booking.objects.filter(event=event, status=BookingStatus.CONFIRMED)
    seat_emails = (
        Attendee.objects.filter(booking__in=confirmed).annotate(e=Lower("email")).values("e")
    )
    return (
        User.objects.annotate(email_lower=Lower("email"))
        .filter(
            Q(pk__in=confirmed.values("booker_id")) | Q(email_lower__in=seat_emails),
            is_active=True,
        )
        .order_by("id")
    )


def is_event_organiser(user: User | AnonymousUser, event: Event) -> bool:
    """Members of the organising organisation (and staff) run the unconference board."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or event.organiser_id in member_organisation_ids(user)


def votes_left(user: User | AnonymousUser, event: Event) -> int:
    """How many of the event's ``vote_budget`` votes ``user`` has not spent yet."""
    if not user.is_authenticated:
        return 0
    used = SessionVote.objects.filter(voter_id=user.pk, event=event).count()
    return max(0, event.vote_budget - used)


def _session_base(user: User | AnonymousUser) -> QuerySet[SessionProposal]:
    voted: Exists | Value
    starred: Exists | Value
    if user.is_authenticated:
        voted = Exists(SessionVote.objects.filter(session=OuterRef("pk"), voter_id=user.pk))
        starred = Exists(Star.objects.filter(session=OuterRef("pk"), user_id=user.pk))
    else:
        voted = starred = Value(False)
    return (
        SessionProposal.objects.select_related(
            "event",
            "proposer",
            "organisation",
            "placed_room",
            "placed_slot",
            "pinned_room",
            "pinned_slot",
        )
        .prefetch_related(
            "tags", Prefetch("listing", queryset=listings_visible_to(user).prefetch_related(None))
        )
        .annotate(voted_by_me=voted, starred_by_me=starred)
    )


def sessions_visible_to(user: User | AnonymousUser, event: Event) -> QuerySet[SessionProposal]:
    """Sessions of ``event`` that ``user`` may see, most-voted first.

    Everyone who may see the event sees the proposed sessions; withdrawn ones only their
    proposer and the organisers. Each row carries ``voted_by_me`` and ``starred_by_me``;
    a linked listing the user may not see reads as ``None``.
    """
    if not events_visible_to(user).filter(pk=event.pk).exists():
        return SessionProposal.objects.none()
    qs = _session_base(user).filter(event=event)
    if not is_event_organiser(user, event):
        mine = Q(proposer_id=user.pk) if user.is_authenticated else Q(pk__in=[])
        qs = qs.filter(Q(status=SessionStatus.PROPOSED) | mine)
    return qs.order_by("status", "-vote_count", "id")


def session_for_page(
    user: User | AnonymousUser, event: Event, session_id: int
) -> SessionProposal | None:
    return sessions_visible_to(user, event).filter(pk=session_id).first()


def rooms_of(event: Event) -> QuerySet[Room]:
    return Room.objects.filter(event=event).order_by("order", "id")


def slots_of(event: Event) -> QuerySet[Slot]:
    return Slot.objects.filter(event=event).order_by("starts_at", "ends_at", "id")


def sessions_published_in(event: Event) -> QuerySet[SessionProposal]:
    """Placed sessions of an event whose schedule is published, in time then room order.

    Empty until the organiser publishes. Calendar feeds carry each as its own entry
    (``uid``, ``sequence``, ``last_modified``, ``placed_slot`` times, ``placed_room`` name).
    """
    if event.schedule_published_at is None:
        return SessionProposal.objects.none()
    return (
        SessionProposal.objects.filter(
            event=event, status=SessionStatus.PROPOSED, placed_slot__isnull=False
        )
        .select_related("event", "proposer", "placed_room", "placed_slot")
        .order_by("placed_slot__starts_at", "placed_room__order", "placed_room_id")
    )


@dataclass(frozen=True)
class GridCell:
    room: Room
    session: SessionProposal | None  # None: the room is free in this slot


@dataclass(frozen=True)
class GridRow:
    slot: Slot
    cells: list[GridCell]


@dataclass(frozen=True)
class ScheduleGrid:
    """Rooms × slots: one row per slot, one cell per room (in ``rooms`` order)."""

    rooms: list[Room]
    rows: list[GridRow]

    @property
    def is_empty(self) -> bool:
        return not any(cell.session for row in self.rows for cell in row.cells)


def schedule_grid(event: Event, sessions: QuerySet[SessionProposal] | None = None) -> ScheduleGrid:
    """The grid of the current placements (drafts included: the organiser's working view)."""
    rooms = list(rooms_of(event))
    slots = list(slots_of(event))
    if sessions is None:
        sessions = _session_base(AnonymousUser()).filter(event=event, status=SessionStatus.PROPOSED)
    placed = {(s.placed_room_id, s.placed_slot_id): s for s in sessions if s.placed_slot_id}
    rows = [
        GridRow(slot, [GridCell(room, placed.get((room.pk, slot.pk))) for room in rooms])
        for slot in slots
    ]
    return ScheduleGrid(rooms=rooms, rows=rows)


def published_grid(event: Event, user: User | AnonymousUser | None = None) -> ScheduleGrid | None:
    """The published rooms × slots grid of ``event``; ``None`` until it is published.

    The caller has checked the event is visible. With ``user`` each session carries
    ``starred_by_me``.
    """
    if event.schedule_published_at is None:
        return None
    sessions = _session_base(user or AnonymousUser()).filter(
        event=event, status=SessionStatus.PROPOSED, placed_slot__isnull=False
    )
    return schedule_grid(event, sessions)


@dataclass(frozen=True)
class StarredItems:
    """What a person starred that belongs in their calendar (see ``starred_for_user``)."""

    sessions: QuerySet[SessionProposal]
    agenda_items: QuerySet[AgendaItem]


def starred_for_user(user: User) -> StarredItems:
    """The person's starred items that a calendar can show, at events they may still see.

    ``sessions``: starred sessions that are placed in a published schedule and not withdrawn,
    with ``event``, ``event__organiser``, ``placed_room`` and ``placed_slot`` loaded, in time
    order. Each carries ``uid``, ``sequence``, ``last_modified``, ``title``, ``description``;
    its times are ``placed_slot.starts_at`` / ``ends_at``, its room ``placed_room.name``.
    ``agenda_items``: starred agenda items with ``event`` and ``event__organiser`` loaded.
    Items of cancelled events are included (feeds show them as cancelled). Only the person's
    own stars are read, so a personal feed holds no one else's data.
    """
    visible = events_visible_to(user).values("pk")
    sessions = (
        SessionProposal.objects.filter(
            stars__user_id=user.pk,
            event__in=visible,
            event__schedule_published_at__isnull=False,
            status=SessionStatus.PROPOSED,
            placed_slot__isnull=False,
        )
        .select_related("event", "event__organiser", "placed_room", "placed_slot")
        .order_by("placed_slot__starts_at", "id")
    )
    agenda_items = (
        AgendaItem.objects.filter(stars__user_id=user.pk, event__in=visible)
        .select_related("event", "event__organiser")
        .order_by("starts_at", "id")
    )
    return StarredItems(sessions=sessions, agenda_items=agenda_items)


def starred_agenda_item_ids(user: User | AnonymousUser, event: Event) -> set[int]:
    """Ids of the event's agenda items ``user`` starred (for star buttons on the event page)."""
    if not user.is_authenticated:
        return set()
    return set(
        Star.objects.filter(user_id=user.pk, agenda_item__event=event).values_list(
            "agenda_item_id", flat=True
        )
    )


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


def _visible_event_ids(user: User | AnonymousUser) -> QuerySet[Event, Any]:
    return Event.objects.filter(event_visibility_filter(user)).values("pk")


def sessions_for_api(user: User | AnonymousUser) -> QuerySet[SessionProposal]:
    """Sessions of every event ``user`` may see, by the rules of ``sessions_visible_to``."""
    qs = _session_base(user).filter(event__in=_visible_event_ids(user))
    if not (user.is_authenticated and user.is_superuser):
        rule = Q(status=SessionStatus.PROPOSED)
        if user.is_authenticated:
            rule |= Q(proposer_id=user.pk) | Q(
                event__organiser_id__in=member_organisation_ids(user)
            )
        qs = qs.filter(rule)
    return qs.order_by("event_id", "status", "-vote_count", "id")


def rooms_for_api(user: User | AnonymousUser) -> QuerySet[Room]:
    return Room.objects.filter(event__in=_visible_event_ids(user)).order_by(
        "event_id", "order", "id"
    )


def slots_for_api(user: User | AnonymousUser) -> QuerySet[Slot]:
    return Slot.objects.filter(event__in=_visible_event_ids(user)).order_by(
        "event_id", "starts_at", "ends_at", "id"
    )
