"""The organiser's side: rooms, slots, the vote budget, the scheduler, moves, pins and
publication."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from events.enums import EventStatus, SessionStatus
from events.models import (
    Event,
    Room,
    SessionProposal,
    Slot,
)
from events.queries import (
    confirmed_attendee_users,
)
from events.scheduler import (
    Cell,
    RoomInput,
    SessionInput,
    SlotInput,
    build_schedule,
)
from events.services.common import touch
from events.services.unconference.checks import (
    bump_sequence,
    lock_session,
    lock_unconference,
)
from exchange.enums import NotificationKind
from exchange.exceptions import InvalidTransition, ValidationError
from exchange.models import User
from exchange.notifications import notify

# --- Rooms, slots and the vote budget ---------------------------------------------------------


@transaction.atomic
def room_create(
    *,
    actor: User,
    event: Event,
    name: str,
    capacity: int,
    order: int | None = None,
    now: datetime | None = None,
) -> Room:
    """Add a room. Side effect: the event's LAST-MODIFIED moves."""
    now = now or timezone.now()
    event = lock_unconference(actor, event.pk, organiser=True)
    if order is None:
        order = Room.objects.filter(event=event).count()
    room = Room(event=event, name=" ".join(name.split()), capacity=capacity, order=order)
    room.full_clean()
    room.save()
    touch(event, now=now, significant=False)
    return room


@transaction.atomic
def room_update(*, actor: User, room: Room, now: datetime | None = None, **fields: Any) -> Room:
    """Rename, resize or reorder a room.

    Side effects: a new name bumps the SEQUENCE of the sessions placed in it (their
    LOCATION changes); the event's LAST-MODIFIED moves.
    """
    now = now or timezone.now()
    event = lock_unconference(actor, room.event_id, organiser=True)
    unknown = set(fields) - {"name", "capacity", "order"}
    if unknown:
        raise ValidationError(f"Cannot change: {', '.join(sorted(unknown))}.")
    room = Room.objects.select_for_update().get(pk=room.pk, event=event)
    renamed = "name" in fields and " ".join(fields["name"].split()) != room.name
    for key, value in fields.items():
        setattr(room, key, " ".join(value.split()) if key == "name" else value)
    room.full_clean()
    room.save(update_fields=list(fields))
    if renamed:
        bump_sequence(list(room.placed_sessions.values_list("pk", flat=True)), now)
    touch(event, now=now, significant=False)
    return room


@transaction.atomic
def room_delete(*, actor: User, room: Room, now: datetime | None = None) -> list[int]:
    """Remove a room. Sessions placed or pinned in it lose that cell.

    Returns the ids of the sessions that were unplaced. Side effects: their SEQUENCE moves;
    the event's LAST-MODIFIED moves.
    """
    now = now or timezone.now()
    event = lock_unconference(actor, room.event_id, organiser=True)
    room = Room.objects.get(pk=room.pk, event=event)
    return _free_cells(event, Q(placed_room=room) | Q(pinned_room=room), room.delete, now)


@transaction.atomic
def slot_create(
    *,
    actor: User,
    event: Event,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime | None = None,
) -> Slot:
    """Add a time slot inside the event's times. Side effect: the event's LAST-MODIFIED moves."""
    now = now or timezone.now()
    event = lock_unconference(actor, event.pk, organiser=True)
    slot = Slot(event=event, starts_at=starts_at, ends_at=ends_at)
    _check_slot(event, slot)
    touch(event, now=now, significant=False)
    return slot


def _check_slot(event: Event, slot: Slot) -> None:
    if slot.ends_at <= slot.starts_at:
        raise ValidationError({"ends_at": "The slot must end after it starts."})
    if not (event.starts_at <= slot.starts_at and slot.ends_at <= event.ends_at):
        raise ValidationError({"starts_at": "The slot must lie within the event's times."})
    clash = Slot.objects.filter(
        event=event, starts_at=slot.starts_at, ends_at=slot.ends_at
    ).exclude(pk=slot.pk)
    if clash.exists():
        raise ValidationError({"starts_at": "There is already a slot at these times."})
    slot.full_clean(validate_unique=False, validate_constraints=False)
    slot.save()


@transaction.atomic
def slot_update(
    *,
    actor: User,
    slot: Slot,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime | None = None,
) -> Slot:
    """Move a slot. Side effects: the sessions placed in it get a new SEQUENCE; the event's
    LAST-MODIFIED moves."""
    now = now or timezone.now()
    event = lock_unconference(actor, slot.event_id, organiser=True)
    slot = Slot.objects.select_for_update().get(pk=slot.pk, event=event)
    changed = (slot.starts_at, slot.ends_at) != (starts_at, ends_at)
    slot.starts_at, slot.ends_at = starts_at, ends_at
    _check_slot(event, slot)
    if changed:
        bump_sequence(list(slot.placed_sessions.values_list("pk", flat=True)), now)
    touch(event, now=now, significant=False)
    return slot


@transaction.atomic
def slot_delete(*, actor: User, slot: Slot, now: datetime | None = None) -> list[int]:
    """Remove a slot; sessions placed or pinned in it lose that cell (ids returned).

    Side effects: their SEQUENCE moves; the event's LAST-MODIFIED moves.
    """
    now = now or timezone.now()
    event = lock_unconference(actor, slot.event_id, organiser=True)
    slot = Slot.objects.get(pk=slot.pk, event=event)
    return _free_cells(event, Q(placed_slot=slot) | Q(pinned_slot=slot), slot.delete, now)


def _free_cells(event: Event, where: Q, delete: Any, now: datetime) -> list[int]:
    sessions = list(
        SessionProposal.objects.select_for_update()
        .filter(where, event=event)
        .values_list("pk", "placed_slot_id", "pinned_slot_id")
    )
    unplaced = [pk for pk, placed, _ in sessions if placed is not None]
    SessionProposal.objects.filter(where, event=event).update(
        placed_room=None, placed_slot=None, pinned_room=None, pinned_slot=None
    )
    bump_sequence(unplaced, now)
    delete()
    touch(event, now=now, significant=False)
    return unplaced


@transaction.atomic
def vote_budget_set(
    *, actor: User, event: Event, vote_budget: int, now: datetime | None = None
) -> Event:
    """Set how many sessions each attendee may vote for.

    Votes already cast stay when the budget shrinks; people over the new budget just cannot
    vote again until they take votes back.
    """
    now = now or timezone.now()
    event = lock_unconference(actor, event.pk, organiser=True)
    if not isinstance(vote_budget, int) or not 1 <= vote_budget <= 100:
        raise ValidationError({"vote_budget": "Choose between 1 and 100 votes per person."})
    event.vote_budget = vote_budget
    event.save(update_fields=["vote_budget"])
    touch(event, now=now, significant=False)
    return event


# --- The schedule -----------------------------------------------------------------------------


def _pinned_cell(session: SessionProposal) -> Cell | None:
    if session.pinned_room_id is None or session.pinned_slot_id is None:
        return None
    return Cell(session.pinned_room_id, session.pinned_slot_id)


@dataclass(frozen=True)
class UnplacedSession:
    session: SessionProposal
    reason: str


@dataclass(frozen=True)
class ScheduleRun:
    placed: int
    unplaced: list[UnplacedSession]


@transaction.atomic
def schedule_run(*, actor: User, event: Event, now: datetime | None = None) -> ScheduleRun:
    """Place the proposed sessions with the scheduler (pins respected) and store the result.

    Returns how many sessions were placed and the ones that were not, with reasons.
    Side effects: placements replaced; sessions whose cell changed get a new SEQUENCE and
    LAST-MODIFIED; the event's LAST-MODIFIED moves. A published grid shows the result at once.
    """
    now = now or timezone.now()
    event = lock_unconference(actor, event.pk, organiser=True)
    sessions = list(
        SessionProposal.objects.select_for_update()
        .filter(event=event, status=SessionStatus.PROPOSED)
        .order_by("id")
    )
    result = build_schedule(
        [RoomInput(r.pk, r.capacity, r.order) for r in Room.objects.filter(event=event)],
        [SlotInput(s.pk, s.starts_at, s.ends_at) for s in Slot.objects.filter(event=event)],
        [SessionInput(s.pk, s.proposer_id, s.vote_count, _pinned_cell(s)) for s in sessions],
    )
    old = {s.pk: (s.placed_room_id, s.placed_slot_id) for s in sessions}
    new = {p.session_id: (p.room_id, p.slot_id) for p in result.placements}
    # Clear first: the one-session-per-cell constraint is checked row by row.
    SessionProposal.objects.filter(event=event).update(placed_room=None, placed_slot=None)
    for session_id, (room_id, slot_id) in new.items():
        SessionProposal.objects.filter(pk=session_id).update(
            placed_room_id=room_id, placed_slot_id=slot_id
        )
    changed = [pk for pk in old if old[pk] != new.get(pk, (None, None))]
    bump_sequence(changed, now)
    touch(event, now=now, significant=False)
    by_id = {s.pk: s for s in sessions}
    return ScheduleRun(
        placed=len(new),
        unplaced=[UnplacedSession(by_id[u.session_id], u.reason) for u in result.unplaced],
    )


@dataclass(frozen=True)
class MoveResult:
    session: SessionProposal
    warnings: list[str]


def clash_warnings(session: SessionProposal, room: Room, slot: Slot) -> list[str]:
    """What is wrong, though allowed, about ``session`` sitting in ``room`` at ``slot``."""
    warnings: list[str] = []
    overlapping = SessionProposal.objects.filter(
        event_id=session.event_id,
        status=SessionStatus.PROPOSED,
        placed_slot__starts_at__lt=slot.ends_at,
        placed_slot__ends_at__gt=slot.starts_at,
    ).exclude(pk=session.pk)
    for other in overlapping.filter(proposer_id=session.proposer_id).order_by("id"):
        warnings.append(f"The proposer is also speaking at the same time in “{other.title}”.")
    in_room = overlapping.filter(placed_room=room).exclude(placed_slot=slot).order_by("id")
    for other in in_room:
        warnings.append(f"{room.name} also holds “{other.title}” in an overlapping slot.")
    if room.capacity < session.vote_count:
        warnings.append(
            f"{room.name} seats {room.capacity} but {session.vote_count} people voted for it."
        )
    return warnings


def _cell_of(event: Event, room: Room | None, slot: Slot | None) -> tuple[Room, Slot] | None:
    if room is None and slot is None:
        return None
    if room is None or slot is None:
        raise ValidationError("Choose both a room and a slot, or neither.")
    if room.event_id != event.pk or slot.event_id != event.pk:
        raise ValidationError("The room and slot must belong to this event.")
    return room, slot


@transaction.atomic
def session_move(
    *,
    actor: User,
    session: SessionProposal,
    room: Room | None,
    slot: Slot | None,
    now: datetime | None = None,
) -> MoveResult:
    """The organiser puts a session into a cell by hand (``None``, ``None`` unschedules it).

    An occupied cell is refused; a proposer speaking twice at once, a room used twice at
    once or a room smaller than the vote count are allowed but returned as warnings. A
    pinned session keeps its pin on the new cell. Side effects: SEQUENCE and LAST-MODIFIED
    of the session move; the event's LAST-MODIFIED moves.
    """
    now = now or timezone.now()
    event = lock_unconference(actor, session.event_id, organiser=True)
    session = lock_session(session, event)
    if session.is_withdrawn:
        raise InvalidTransition("The session was withdrawn.")
    cell = _cell_of(event, room, slot)
    if cell is not None:
        occupant = (
            SessionProposal.objects.filter(placed_room=cell[0], placed_slot=cell[1])
            .exclude(pk=session.pk)
            .first()
        )
        if occupant is not None:
            raise InvalidTransition(f"That cell already holds “{occupant.title}”.")
        pinner = (
            SessionProposal.objects.filter(pinned_room=cell[0], pinned_slot=cell[1])
            .exclude(pk=session.pk)
            .first()
        )
        if pinner is not None:
            raise InvalidTransition(f"That cell is pinned for “{pinner.title}”.")
    was = (session.placed_room_id, session.placed_slot_id)
    session.placed_room, session.placed_slot = cell if cell else (None, None)
    if session.is_pinned:
        session.pinned_room, session.pinned_slot = cell if cell else (None, None)
    if (session.placed_room_id, session.placed_slot_id) != was:
        session.sequence += 1
        session.last_modified = now
    try:
        with transaction.atomic():
            session.save(
                update_fields=[
                    "placed_room",
                    "placed_slot",
                    "pinned_room",
                    "pinned_slot",
                    "sequence",
                    "last_modified",
                    "updated_at",
                ]
            )
    except IntegrityError:
        raise InvalidTransition("That cell was just taken.") from None
    touch(event, now=now, significant=False)
    warnings = clash_warnings(session, *cell) if cell else []
    return MoveResult(session=session, warnings=warnings)


@transaction.atomic
def session_pin(
    *,
    actor: User,
    session: SessionProposal,
    room: Room | None,
    slot: Slot | None,
    now: datetime | None = None,
) -> MoveResult:
    """Pin a session to a cell (the scheduler keeps it there), or unpin it with ``None``s.

    Pinning places the session in that cell too; an unpinned session already placed there
    is unplaced (run the scheduler again to find it a cell). A cell pinned for another
    session is refused. Side effects: SEQUENCE and LAST-MODIFIED of every session whose
    cell changed; the event's LAST-MODIFIED moves.
    """
    now = now or timezone.now()
    event = lock_unconference(actor, session.event_id, organiser=True)
    session = lock_session(session, event)
    if session.is_withdrawn:
        raise InvalidTransition("The session was withdrawn.")
    cell = _cell_of(event, room, slot)
    if cell is None:
        session.pinned_room = session.pinned_slot = None
        session.save(update_fields=["pinned_room", "pinned_slot", "updated_at"])
        touch(event, now=now, significant=False)
        return MoveResult(session=session, warnings=[])
    pinner = (
        SessionProposal.objects.filter(pinned_room=cell[0], pinned_slot=cell[1])
        .exclude(pk=session.pk)
        .first()
    )
    if pinner is not None:
        raise InvalidTransition(f"That cell is pinned for “{pinner.title}”.")
    warnings: list[str] = []
    displaced = (
        SessionProposal.objects.select_for_update()
        .filter(placed_room=cell[0], placed_slot=cell[1])
        .exclude(pk=session.pk)
        .first()
    )
    if displaced is not None:
        SessionProposal.objects.filter(pk=displaced.pk).update(placed_room=None, placed_slot=None)
        bump_sequence([displaced.pk], now)
        warnings.append(f"“{displaced.title}” lost its place; run the scheduler again.")
    was = (session.placed_room_id, session.placed_slot_id)
    session.pinned_room, session.pinned_slot = cell
    session.placed_room, session.placed_slot = cell
    if (session.placed_room_id, session.placed_slot_id) != was:
        session.sequence += 1
        session.last_modified = now
    session.save(
        update_fields=[
            "placed_room",
            "placed_slot",
            "pinned_room",
            "pinned_slot",
            "sequence",
            "last_modified",
            "updated_at",
        ]
    )
    touch(event, now=now, significant=False)
    return MoveResult(session=session, warnings=warnings + clash_warnings(session, *cell))


@transaction.atomic
def schedule_publish(*, actor: User, event: Event, now: datetime | None = None) -> int:
    """Publish the grid: it appears on the event page and in calendar feeds.

    Returns how many people were notified. Side effects: ``schedule_published_at`` set; the
    SEQUENCE and LAST-MODIFIED of every placed session and of the event move; each person
    with a confirmed place gets one notification (publishing again says the grid changed).
    """
    now = now or timezone.now()
    event = lock_unconference(actor, event.pk, organiser=True)
    if event.status != EventStatus.PUBLISHED:
        raise InvalidTransition("Publish the event before its schedule.")
    placed = list(
        SessionProposal.objects.filter(
            event=event, status=SessionStatus.PROPOSED, placed_slot__isnull=False
        ).values_list("pk", flat=True)
    )
    if not placed:
        raise InvalidTransition("No session is placed yet: run the scheduler first.")
    first_time = event.schedule_published_at is None
    event.schedule_published_at = now
    event.save(update_fields=["schedule_published_at"])
    bump_sequence(placed, now)
    touch(event, now=now, significant=True)
    verb = "is out" if first_time else "has changed"
    recipients = list(confirmed_attendee_users(event))
    notify(
        recipients=recipients,
        kind=NotificationKind.EVENT,
        text=f"The session grid of {event.title} {verb}: see where and when each session is.",
        link=reverse("event-schedule", kwargs={"slug": event.slug}),
        target=event,
    )
    return len(recipients)
