"""Place unconference sessions into rooms × time slots. Pure: plain data in, plain data out.

The rules, in order:

1. Pinned sessions stay where the organiser pinned them. When two pins collide (same cell,
   or one proposer pinned into overlapping slots) the one with more votes wins (then the
   lower id) and the other is reported.
2. The other sessions are placed most-voted first (ties: lower id first). Cells are tried
   largest room first, then in time order, so the most-voted sessions fill the largest room.
3. Nobody speaks in two places at once: a session never goes into a slot that overlaps a
   slot where its proposer already has a session. A room never holds two sessions at once
   either, even when the organiser defined overlapping slots.
4. Within each slot, the unpinned sessions are then arranged so that more votes always sit
   in a room at least as large (a swap inside one slot changes nobody's time).

The same input gives the same output, whatever order the input lists come in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

REASON_NO_CELLS = "No rooms or time slots are defined yet."
REASON_PIN_MISSING = "Pinned to a room or slot that is no longer part of the event."
REASON_PIN_TAKEN = "Pinned to a cell another pinned session with more votes holds."
REASON_PIN_PROPOSER = (
    "Pinned to a slot at the same time as another pinned session of the same proposer."
)
REASON_PROPOSER_BUSY = "No free slot where the proposer is not already speaking."
REASON_FULL = "Not enough rooms × slots: every cell holds a session with at least as many votes."


@dataclass(frozen=True, order=True)
class Cell:
    """One room in one time slot."""

    room_id: int
    slot_id: int


@dataclass(frozen=True)
class RoomInput:
    id: int
    capacity: int
    order: int = 0


@dataclass(frozen=True)
class SlotInput:
    id: int
    starts_at: datetime
    ends_at: datetime

    def overlaps(self, other: SlotInput) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


@dataclass(frozen=True)
class SessionInput:
    id: int
    proposer_id: int
    votes: int
    pinned: Cell | None = None


@dataclass(frozen=True)
class Placement:
    session_id: int
    room_id: int
    slot_id: int
    pinned: bool = False

    @property
    def cell(self) -> Cell:
        return Cell(self.room_id, self.slot_id)


@dataclass(frozen=True)
class Unplaced:
    """A session the scheduler could not place, and why (shown to the organiser)."""

    session_id: int
    reason: str


@dataclass(frozen=True)
class Schedule:
    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]

    def placement_of(self, session_id: int) -> Placement | None:
        return next((p for p in self.placements if p.session_id == session_id), None)


class _Board:
    """Cells taken so far, with the overlap rules for rooms and proposers."""

    def __init__(self, slots: dict[int, SlotInput]) -> None:
        self.slots = slots
        self.room_busy: dict[int, list[int]] = {}  # room id → slot ids used
        self.proposer_busy: dict[int, list[int]] = {}  # proposer id → slot ids used

    def _clashes(self, slot_id: int, used: list[int]) -> bool:
        slot = self.slots[slot_id]
        return any(slot.overlaps(self.slots[other]) for other in used)

    def room_free(self, cell: Cell) -> bool:
        return not self._clashes(cell.slot_id, self.room_busy.get(cell.room_id, []))

    def proposer_free(self, proposer_id: int, slot_id: int) -> bool:
        return not self._clashes(slot_id, self.proposer_busy.get(proposer_id, []))

    def take(self, cell: Cell, proposer_id: int) -> None:
        self.room_busy.setdefault(cell.room_id, []).append(cell.slot_id)
        self.proposer_busy.setdefault(proposer_id, []).append(cell.slot_id)


def _vote_order(session: SessionInput) -> tuple[int, int]:
    return (-session.votes, session.id)


def build_schedule(
    rooms: Iterable[RoomInput], slots: Iterable[SlotInput], sessions: Iterable[SessionInput]
) -> Schedule:
    """Place ``sessions`` into the cells of ``rooms`` × ``slots`` by the module's rules.

    Returns every placement (sorted by slot start, then room size) and every session that
    found no cell, each with the reason in words an organiser understands.
    """
    room_list = sorted(rooms, key=lambda r: (-r.capacity, r.order, r.id))
    slot_map = {s.id: s for s in slots}
    slot_list = sorted(slot_map.values(), key=lambda s: (s.starts_at, s.ends_at, s.id))
    room_ids = {r.id for r in room_list}
    ordered = sorted(sessions, key=_vote_order)
    board = _Board(slot_map)
    placements: dict[int, Placement] = {}
    unplaced: list[Unplaced] = []

    for session in (s for s in ordered if s.pinned is not None):
        cell = session.pinned
        assert cell is not None  # noqa: S101 - narrowed by the generator's filter
        if cell.room_id not in room_ids or cell.slot_id not in slot_map:
            unplaced.append(Unplaced(session.id, REASON_PIN_MISSING))
        elif not board.room_free(cell):
            unplaced.append(Unplaced(session.id, REASON_PIN_TAKEN))
        elif not board.proposer_free(session.proposer_id, cell.slot_id):
            unplaced.append(Unplaced(session.id, REASON_PIN_PROPOSER))
        else:
            board.take(cell, session.proposer_id)
            placements[session.id] = Placement(session.id, cell.room_id, cell.slot_id, True)

    cells = [Cell(room.id, slot.id) for room in room_list for slot in slot_list]
    for session in (s for s in ordered if s.pinned is None):
        free = [cell for cell in cells if board.room_free(cell)]
        chosen = next(
            (c for c in free if board.proposer_free(session.proposer_id, c.slot_id)), None
        )
        if chosen is None:
            if not cells:
                reason = REASON_NO_CELLS
            elif free:
                reason = REASON_PROPOSER_BUSY
            else:
                reason = REASON_FULL
            unplaced.append(Unplaced(session.id, reason))
            continue
        board.take(chosen, session.proposer_id)
        placements[session.id] = Placement(session.id, chosen.room_id, chosen.slot_id)

    votes = {s.id: s.votes for s in ordered}
    rank = {room.id: index for index, room in enumerate(room_list)}
    arranged = _largest_rooms_to_most_votes(list(placements.values()), votes, rank)
    slot_rank = {slot.id: index for index, slot in enumerate(slot_list)}
    arranged.sort(key=lambda p: (slot_rank[p.slot_id], rank[p.room_id]))
    unplaced.sort(key=lambda u: (-votes[u.session_id], u.session_id))
    return Schedule(placements=tuple(arranged), unplaced=tuple(unplaced))


def _largest_rooms_to_most_votes(
    placements: list[Placement], votes: dict[int, int], rank: dict[int, int]
) -> list[Placement]:
    """Within each slot, give the unpinned sessions' rooms out again, largest to most votes."""
    by_slot: dict[int, list[Placement]] = {}
    result = [p for p in placements if p.pinned]
    for placement in placements:
        if not placement.pinned:
            by_slot.setdefault(placement.slot_id, []).append(placement)
    for slot_id, group in by_slot.items():
        room_ids = sorted((p.room_id for p in group), key=lambda room_id: rank[room_id])
        sessions = sorted(group, key=lambda p: (-votes[p.session_id], p.session_id))
        result.extend(
            Placement(p.session_id, room_id, slot_id)
            for p, room_id in zip(sessions, room_ids, strict=True)
        )
    return result
