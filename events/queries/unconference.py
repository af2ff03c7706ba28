"""Reusable reads of unconferences: who may take part, sessions, the grid, stars."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Lower

from events.enums import (
    BookingStatus,
    SessionStatus,
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
)
from events.queries.events import event_visibility_filter, events_visible_to
from exchange.models import User
from listings.queries import listings_visible_to, member_organisation_ids

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


def event_organiser_test(user: User | AnonymousUser | None) -> Callable[[Event], bool]:
    """``is_event_organiser`` for many events: one query, then a test per event."""
    if user is None or not user.is_authenticated:
        return lambda event: False
    if user.is_superuser:
        return lambda event: True
    organisations = set(member_organisation_ids(user))
    return lambda event: event.organiser_id in organisations


def is_event_organiser(user: User | AnonymousUser, event: Event) -> bool:
    """Members of the organising organisation (and staff) run the unconference board."""
    return event_organiser_test(user)(event)


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


def in_published_grid() -> Q:
    """Sessions a published schedule shows, or showed before they were withdrawn (feeds keep
    those as cancelled). Combine with ``event__schedule_published_at__isnull=False``."""
    return Q(status=SessionStatus.PROPOSED, placed_slot__isnull=False) | Q(
        status=SessionStatus.WITHDRAWN, cancelled_starts_at__isnull=False
    )


def grid_time() -> Coalesce:
    """When a session of ``in_published_grid`` is (or was) on, for ordering."""
    return Coalesce("placed_slot__starts_at", "cancelled_starts_at")


def starred_for_user(user: User) -> StarredItems:
    """The person's starred items that a calendar can show, at events they may still see.

    ``sessions``: starred sessions of a published schedule, including those withdrawn from
    it (``in_published_grid``), with ``event``, ``event__organiser``, ``placed_room`` and
    ``placed_slot`` loaded, in time order. ``agenda_items``: starred agenda items with
    ``event`` and ``event__organiser`` loaded. Items of cancelled events are included (feeds
    show them as cancelled). Only the person's own stars are read, so a personal feed holds
    no one else's data.
    """
    visible = events_visible_to(user).values("pk")
    sessions = (
        SessionProposal.objects.filter(
            in_published_grid(),
            stars__user_id=user.pk,
            event__in=visible,
            event__schedule_published_at__isnull=False,
        )
        .select_related("event", "event__organiser", "placed_room", "placed_slot")
        .order_by(grid_time(), "id")
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
