"""Writes of an unconference: rooms and slots, sessions, votes, stars, the schedule.

Who may do what:

- organisers (``events.change_event`` on the event) define rooms, slots and the vote budget,
  run the scheduler, move and pin sessions, and publish the grid;
- people with a confirmed booking propose sessions (before and during the event) and vote,
  within the event's ``vote_budget``;
- a proposer withdraws their own session and adds notes and outputs once the event started;
- anyone signed in who may see the event stars sessions and agenda items.

Every change a calendar shows (time, room, title, withdrawal, publication) bumps the
session's ``sequence`` and moves its ``last_modified``.

Withdrawing a session releases its votes: the vote rows are deleted so voters get their
budget back (a withdrawn session can never be scheduled, so the votes would be wasted).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from events.enums import EVENT_CHANGE, EventKind, EventStatus, SessionStatus
from events.models import (
    AgendaItem,
    Event,
    Room,
    SessionProposal,
    SessionVote,
    Slot,
    Star,
)
from events.queries import (
    confirmed_attendee_users,
    events_visible_to,
    is_confirmed_attendee,
)
from events.scheduler import (
    Cell,
    RoomInput,
    SessionInput,
    SlotInput,
    build_schedule,
)
from events.services.common import lock_event, touch
from exchange.enums import NotificationKind
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Membership, User
from exchange.notifications import notify
from exchange.permissions import require_perm
from exchange.services import tags_from_names
from listings.models import Listing
from listings.queries import listings_visible_to

MAX_OUTPUT_LINKS = 20


# --- Shared checks ----------------------------------------------------------------------------


def _lock_unconference(actor: User, event_id: int, *, organiser: bool) -> Event:
    """Lock the event row; refuse events that are not live unconferences.

    transaction.atomic is required since this is a FOR UPDATE query.
    """
    event = lock_event(event_id)
    if organiser:
        require_perm(actor, EVENT_CHANGE, event)
    if event.kind != EventKind.UNCONFERENCE:
        raise InvalidTransition("Only unconferences have sessions, rooms and slots.")
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition("The event is cancelled.")
    return event


def _require_visible(actor: User, event: Event) -> None:
    if not actor.is_authenticated or not events_visible_to(actor).filter(pk=event.pk).exists():
        raise PermissionDenied("You cannot see this event.")


def _bump(session_ids: Sequence[int], now: datetime) -> None:
    """Tell calendars these sessions changed."""
    if session_ids:
        SessionProposal.objects.filter(pk__in=list(session_ids)).update(
            sequence=F("sequence") + 1, last_modified=now
        )


def _lock_session(session: SessionProposal, event: Event) -> SessionProposal:
    return SessionProposal.objects.select_for_update().get(pk=session.pk, event=event)


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
    event = _lock_unconference(actor, event.pk, organiser=True)
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
    event = _lock_unconference(actor, room.event_id, organiser=True)
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
        _bump(list(room.placed_sessions.values_list("pk", flat=True)), now)
    touch(event, now=now, significant=False)
    return room


@transaction.atomic
def room_delete(*, actor: User, room: Room, now: datetime | None = None) -> list[int]:
    """Remove a room. Sessions placed or pinned in it lose that cell.

    Returns the ids of the sessions that were unplaced. Side effects: their SEQUENCE moves;
    the event's LAST-MODIFIED moves.
    """
    now = now or timezone.now()
    event = _lock_unconference(actor, room.event_id, organiser=True)
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
    event = _lock_unconference(actor, event.pk, organiser=True)
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
    event = _lock_unconference(actor, slot.event_id, organiser=True)
    slot = Slot.objects.select_for_update().get(pk=slot.pk, event=event)
    changed = (slot.starts_at, slot.ends_at) != (starts_at, ends_at)
    slot.starts_at, slot.ends_at = starts_at, ends_at
    _check_slot(event, slot)
    if changed:
        _bump(list(slot.placed_sessions.values_list("pk", flat=True)), now)
    touch(event, now=now, significant=False)
    return slot


@transaction.atomic
def slot_delete(*, actor: User, slot: Slot, now: datetime | None = None) -> list[int]:
    """Remove a slot; sessions placed or pinned in it lose that cell (ids returned).

    Side effects: their SEQUENCE moves; the event's LAST-MODIFIED moves.
    """
    now = now or timezone.now()
    event = _lock_unconference(actor, slot.event_id, organiser=True)
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
    _bump(unplaced, now)
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
    event = _lock_unconference(actor, event.pk, organiser=True)
    if not isinstance(vote_budget, int) or not 1 <= vote_budget <= 100:
        raise ValidationError({"vote_budget": "Choose between 1 and 100 votes per person."})
    event.vote_budget = vote_budget
    event.save(update_fields=["vote_budget"])
    touch(event, now=now, significant=False)
    return event


# --- Sessions ---------------------------------------------------------------------------------


@transaction.atomic
def session_propose(
    *,
    actor: User,
    event: Event,
    title: str,
    description: str = "",
    tag_names: Sequence[str] = (),
    listing: Listing | None = None,
    organisation_id: int | None = None,
    now: datetime | None = None,
) -> SessionProposal:
    """Pitch a session at an unconference.

    Only people with a confirmed booking may propose, while the event is published and has
    not ended. ``listing`` must be one the proposer may see; ``organisation_id`` one of
    their own organisations. Side effect: the event's LAST-MODIFIED moves.
    """
    now = now or timezone.now()
    event = _lock_unconference(actor, event.pk, organiser=False)
    if event.status != EventStatus.PUBLISHED:
        raise InvalidTransition("Sessions open once the event is published.")
    if now >= event.ends_at:
        raise InvalidTransition("The event has ended: no more sessions can be proposed.")
    if not is_confirmed_attendee(actor, event):
        raise PermissionDenied("Only people with a confirmed place can propose sessions.")
    if listing is not None and not listings_visible_to(actor).filter(pk=listing.pk).exists():
        raise ValidationError({"listing": "Choose a listing you can see."})
    if (
        organisation_id is not None
        and not Membership.objects.filter(user=actor, organisation_id=organisation_id).exists()
    ):
        raise ValidationError({"organisation": "Choose one of your organisations."})
    session = SessionProposal(
        event=event,
        proposer=actor,
        organisation_id=organisation_id,
        title=" ".join(title.split()),
        description=description.strip(),
        listing=listing,
        last_modified=now,
    )
    session.full_clean(exclude=["event", "proposer", "organisation", "listing"])
    session.save()
    session.tags.set(tags_from_names(tag_names))
    touch(event, now=now, significant=False)
    return session


@transaction.atomic
def session_update(
    *,
    actor: User,
    session: SessionProposal,
    title: str,
    description: str,
    now: datetime | None = None,
) -> SessionProposal:
    """The proposer rewords their session. Side effect: SEQUENCE and LAST-MODIFIED move."""
    now = now or timezone.now()
    event = _lock_unconference(actor, session.event_id, organiser=False)
    session = _lock_session(session, event)
    if session.proposer_id != actor.pk:
        raise PermissionDenied("Only the proposer can change the session.")
    if session.is_withdrawn:
        raise InvalidTransition("The session was withdrawn.")
    session.title = " ".join(title.split())
    session.description = description.strip()
    session.sequence += 1
    session.last_modified = now
    session.full_clean(exclude=["event", "proposer", "organisation", "listing"])
    session.save(update_fields=["title", "description", "sequence", "last_modified", "updated_at"])
    touch(event, now=now, significant=False)
    return session


@transaction.atomic
def session_withdraw(
    *, actor: User, session: SessionProposal, now: datetime | None = None
) -> SessionProposal:
    """The proposer withdraws their session.

    Side effects: its placement and pin are cleared; its votes are deleted (voters get their
    budget back) and ``vote_count`` drops to 0; SEQUENCE and LAST-MODIFIED move; the event's
    LAST-MODIFIED moves. Stars stay (the session page still says it was withdrawn).
    """
    now = now or timezone.now()
    event = lock_event(session.event_id)
    session = _lock_session(session, event)
    if session.proposer_id != actor.pk:
        raise PermissionDenied("Only the proposer can withdraw the session.")
    if session.is_withdrawn:
        raise InvalidTransition("The session is already withdrawn.")
    SessionVote.objects.filter(session=session).delete()
    session.status = SessionStatus.WITHDRAWN
    session.withdrawn_at = now
    session.placed_room = session.placed_slot = None
    session.pinned_room = session.pinned_slot = None
    session.vote_count = 0
    session.sequence += 1
    session.last_modified = now
    session.save(
        update_fields=[
            "status",
            "withdrawn_at",
            "placed_room",
            "placed_slot",
            "pinned_room",
            "pinned_slot",
            "vote_count",
            "sequence",
            "last_modified",
            "updated_at",
        ]
    )
    touch(event, now=now, significant=False)
    return session


@transaction.atomic
def session_notes_update(
    *,
    actor: User,
    session: SessionProposal,
    notes: str,
    output_links: Sequence[dict[str, str]] = (),
    now: datetime | None = None,
) -> SessionProposal:
    """The proposer records what came of the session: Markdown notes and links to outputs.

    Allowed once the event has started (notes are often taken in the room). Links must be
    http(s) URLs, at most ``MAX_OUTPUT_LINKS``. No calendar side effects.
    """
    now = now or timezone.now()
    session = SessionProposal.objects.select_for_update().select_related("event").get(pk=session.pk)
    if session.proposer_id != actor.pk:
        raise PermissionDenied("Only the proposer can add notes and outputs.")
    if session.is_withdrawn:
        raise InvalidTransition("The session was withdrawn.")
    if now < session.event.starts_at:
        raise InvalidTransition("Notes and outputs can be added once the event has started.")
    session.notes = notes.strip()
    session.output_links = _clean_links(output_links)
    session.full_clean(exclude=["event", "proposer", "organisation", "listing"])
    session.save(update_fields=["notes", "output_links", "updated_at"])
    return session


def _clean_links(links: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    if len(links) > MAX_OUTPUT_LINKS:
        raise ValidationError({"output_links": f"At most {MAX_OUTPUT_LINKS} links."})
    validate = URLValidator(schemes=["http", "https"])
    cleaned: list[dict[str, str]] = []
    for link in links:
        if not isinstance(link, dict):
            raise ValidationError({"output_links": "Each output is a title and a URL."})
        url = str(link.get("url", "")).strip()
        title = " ".join(str(link.get("title", "")).split())[:120]
        try:
            validate(url)
        except ValidationError:
            raise ValidationError({"output_links": f"Not a web address: {url[:80]}"}) from None
        cleaned.append({"title": title or url, "url": url})
    return cleaned


# --- Votes ------------------------------------------------------------------------------------


@transaction.atomic
def session_vote(
    *, actor: User, session: SessionProposal, now: datetime | None = None
) -> SessionProposal:
    """Cast one vote for a session (people with a confirmed place, within the vote budget).

    The voter's user row is locked first, so two concurrent votes of one person cannot both
    pass the budget check. Side effects: a SessionVote row; ``vote_count`` + 1 through F().
    """
    now = now or timezone.now()
    # transaction.atomic is required since this is a FOR UPDATE query.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    session = SessionProposal.objects.select_related("event").get(pk=session.pk)
    event = session.event
    if event.kind != EventKind.UNCONFERENCE or event.status != EventStatus.PUBLISHED:
        raise InvalidTransition("Voting is closed for this event.")
    if now >= event.ends_at:
        raise InvalidTransition("The event has ended: voting is closed.")
    if not is_confirmed_attendee(actor, event):
        raise PermissionDenied("Only people with a confirmed place can vote.")
    if session.is_withdrawn:
        raise InvalidTransition("The session was withdrawn.")
    if SessionVote.objects.filter(session=session, voter=actor).exists():
        raise InvalidTransition("You already voted for this session.")
    used = SessionVote.objects.filter(voter=actor, event=event).count()
    if used >= event.vote_budget:
        raise InvalidTransition(f"You have used all {event.vote_budget} of your votes.")
    try:
        with transaction.atomic():
            SessionVote.objects.create(session=session, voter=actor, event=event)
    except IntegrityError:
        raise InvalidTransition("You already voted for this session.") from None
    SessionProposal.objects.filter(pk=session.pk).update(vote_count=F("vote_count") + 1)
    session.refresh_from_db(fields=["vote_count"])
    return session


@transaction.atomic
def session_unvote(*, actor: User, session: SessionProposal) -> SessionProposal:
    """Take one's vote back. Side effects: the vote row goes; ``vote_count`` − 1 through F()."""
    User.objects.select_for_update().filter(pk=actor.pk).first()
    deleted, _ = SessionVote.objects.filter(session_id=session.pk, voter=actor).delete()
    if not deleted:
        raise InvalidTransition("You have not voted for this session.")
    SessionProposal.objects.filter(pk=session.pk).update(vote_count=F("vote_count") - 1)
    session.refresh_from_db(fields=["vote_count"])
    return session


# --- Stars ------------------------------------------------------------------------------------


@transaction.atomic
def session_star(*, actor: User, session: SessionProposal) -> Star:
    """Star a session (idempotent). It joins the person's feed once the grid is published."""
    event = Event.objects.get(pk=session.event_id)
    _require_visible(actor, event)
    session = SessionProposal.objects.get(pk=session.pk)
    if session.is_withdrawn:
        raise InvalidTransition("The session was withdrawn.")
    star, _ = Star.objects.get_or_create(user=actor, session=session)
    return star


@transaction.atomic
def session_unstar(*, actor: User, session: SessionProposal) -> None:
    """Remove one's star from a session (idempotent)."""
    Star.objects.filter(user_id=actor.pk, session_id=session.pk).delete()


@transaction.atomic
def agenda_item_star(*, actor: User, item: AgendaItem) -> Star:
    """Star an agenda item (idempotent); it appears in the person's own calendar feed."""
    _require_visible(actor, Event.objects.get(pk=item.event_id))
    star, _ = Star.objects.get_or_create(user=actor, agenda_item_id=item.pk)
    return star


@transaction.atomic
def agenda_item_unstar(*, actor: User, item: AgendaItem) -> None:
    """Remove one's star from an agenda item (idempotent)."""
    Star.objects.filter(user_id=actor.pk, agenda_item_id=item.pk).delete()


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
    event = _lock_unconference(actor, event.pk, organiser=True)
    sessions = list(
        SessionProposal.objects.select_for_update()
        .filter(event=event, status=SessionStatus.PROPOSED)
        .order_by("id")
    )
    result = build_schedule(
        [RoomInput(r.pk, r.capacity, r.order) for r in Room.objects.filter(event=event)],
        [SlotInput(s.pk, s.starts_at, s.ends_at) for s in Slot.objects.filter(event=event)],
        [
            SessionInput(s.pk, s.proposer_id, s.vote_count, _pinned_cell(s))
            for s in sessions
        ],
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
    _bump(changed, now)
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
    event = _lock_unconference(actor, session.event_id, organiser=True)
    session = _lock_session(session, event)
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
    event = _lock_unconference(actor, session.event_id, organiser=True)
    session = _lock_session(session, event)
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
        _bump([displaced.pk], now)
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
    event = _lock_unconference(actor, event.pk, organiser=True)
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
    _bump(placed, now)
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
