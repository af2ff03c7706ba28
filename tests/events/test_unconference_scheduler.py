"""The pure scheduler: pins, vote order, room sizes, proposer clashes, determinism."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from events.scheduler import (
    REASON_FULL,
    REASON_NO_CELLS,
    REASON_PIN_MISSING,
    REASON_PIN_PROPOSER,
    REASON_PIN_TAKEN,
    REASON_PROPOSER_BUSY,
    Cell,
    Placement,
    RoomInput,
    SessionInput,
    SlotInput,
    Unplaced,
    build_schedule,
)

NINE = datetime(2031, 5, 6, 9, 0, tzinfo=UTC)


def slots(n: int, minutes: int = 60) -> list[SlotInput]:
    return [
        SlotInput(
            id=100 + i,
            starts_at=NINE + timedelta(minutes=minutes * i),
            ends_at=NINE + timedelta(minutes=minutes * (i + 1)),
        )
        for i in range(n)
    ]


ROOMS = [RoomInput(id=1, capacity=20, order=0), RoomInput(id=2, capacity=80, order=1)]


def test_schedule_most_voted_get_the_largest_room_first():
    sessions = [SessionInput(id=i, proposer_id=i, votes=v) for i, v in [(1, 3), (2, 9), (3, 5)]]

    result = build_schedule(ROOMS, slots(2), sessions)

    assert result.placements == (
        Placement(session_id=2, room_id=2, slot_id=100),
        Placement(session_id=1, room_id=1, slot_id=100),
        Placement(session_id=3, room_id=2, slot_id=101),
    )
    assert result.unplaced == ()


def test_schedule_ties_break_by_lower_id():
    sessions = [SessionInput(id=i, proposer_id=i, votes=4) for i in (7, 5, 6)]

    result = build_schedule(ROOMS[1:], slots(2), sessions)

    assert [p.session_id for p in result.placements] == [5, 6]
    assert result.unplaced == (Unplaced(7, REASON_FULL),)


def test_schedule_never_puts_one_proposer_in_two_rooms_at_once():
    sessions = [
        SessionInput(id=1, proposer_id=42, votes=9),
        SessionInput(id=2, proposer_id=42, votes=8),
        SessionInput(id=3, proposer_id=7, votes=1),
    ]

    result = build_schedule(ROOMS, slots(1), sessions)

    assert result.placements == (
        Placement(session_id=1, room_id=2, slot_id=100),
        Placement(session_id=3, room_id=1, slot_id=100),
    )
    assert result.unplaced == (Unplaced(2, REASON_PROPOSER_BUSY),)


def test_schedule_treats_overlapping_slots_as_the_same_time():
    early = SlotInput(1, NINE, NINE + timedelta(minutes=60))
    late = SlotInput(2, NINE + timedelta(minutes=30), NINE + timedelta(minutes=90))
    sessions = [SessionInput(1, 42, 5), SessionInput(2, 42, 4)]

    result = build_schedule(ROOMS, [early, late], sessions)

    assert result.placements == (Placement(1, 2, 1),)
    assert result.unplaced == (Unplaced(2, REASON_PROPOSER_BUSY),)


def test_schedule_keeps_pinned_sessions_where_pinned():
    sessions = [
        SessionInput(id=1, proposer_id=1, votes=50),
        SessionInput(id=2, proposer_id=2, votes=0, pinned=Cell(room_id=2, slot_id=100)),
    ]

    result = build_schedule(ROOMS, slots(1), sessions)

    assert result.placements == (
        Placement(session_id=2, room_id=2, slot_id=100, pinned=True),
        Placement(session_id=1, room_id=1, slot_id=100),
    )


def test_schedule_reports_colliding_and_stale_pins():
    sessions = [
        SessionInput(1, 1, 9, pinned=Cell(2, 100)),
        SessionInput(2, 2, 3, pinned=Cell(2, 100)),
        SessionInput(3, 1, 2, pinned=Cell(1, 100)),
        SessionInput(4, 4, 1, pinned=Cell(99, 100)),
    ]

    result = build_schedule(ROOMS, slots(1), sessions)

    assert result.placements == (Placement(1, 2, 100, pinned=True),)
    assert result.unplaced == (
        Unplaced(2, REASON_PIN_TAKEN),
        Unplaced(3, REASON_PIN_PROPOSER),
        Unplaced(4, REASON_PIN_MISSING),
    )


def test_schedule_without_rooms_says_so():
    result = build_schedule([], slots(2), [SessionInput(1, 1, 1)])

    assert result.placements == ()
    assert result.unplaced == (Unplaced(1, REASON_NO_CELLS),)


def test_schedule_ignores_input_order():
    sessions = [SessionInput(i, i % 4, (i * 7) % 5) for i in range(1, 15)]
    rooms = [RoomInput(i, c) for i, c in [(1, 10), (2, 30), (3, 30)]]
    shuffled = list(sessions)
    random.Random(3).shuffle(shuffled)

    first = build_schedule(rooms, slots(4), sessions)
    second = build_schedule(list(reversed(rooms)), list(reversed(slots(4))), shuffled)

    assert first == second


# --- Properties -------------------------------------------------------------------------------


@st.composite
def problems(draw):
    n_rooms = draw(st.integers(min_value=0, max_value=4))
    rooms = [
        RoomInput(id=i + 1, capacity=draw(st.integers(1, 100)), order=draw(st.integers(0, 3)))
        for i in range(n_rooms)
    ]
    n_slots = draw(st.integers(min_value=0, max_value=4))
    slot_list = []
    for i in range(n_slots):
        start = draw(st.integers(0, 6)) * 30
        length = draw(st.sampled_from([30, 60, 90]))
        slot_list.append(
            SlotInput(
                id=100 + i,
                starts_at=NINE + timedelta(minutes=start),
                ends_at=NINE + timedelta(minutes=start + length),
            )
        )
    cells = [Cell(r.id, s.id) for r in rooms for s in slot_list]
    n_sessions = draw(st.integers(min_value=0, max_value=14))
    sessions = []
    for i in range(n_sessions):
        pinned = draw(st.sampled_from(cells)) if cells and draw(st.integers(0, 4)) == 0 else None
        sessions.append(
            SessionInput(
                id=i + 1,
                proposer_id=draw(st.integers(1, 5)),
                votes=draw(st.integers(0, 9)),
                pinned=pinned,
            )
        )
    return rooms, slot_list, sessions


@settings(max_examples=300, deadline=None)
@given(problems())
def test_schedule_properties(problem):
    rooms, slot_list, sessions = problem
    by_slot = {s.id: s for s in slot_list}
    by_session = {s.id: s for s in sessions}
    capacity = {r.id: r.capacity for r in rooms}
    rank = {
        r.id: i for i, r in enumerate(sorted(rooms, key=lambda r: (-r.capacity, r.order, r.id)))
    }

    result = build_schedule(rooms, slot_list, sessions)

    # Every session is either placed once or reported once.
    placed_ids = [p.session_id for p in result.placements]
    unplaced_ids = [u.session_id for u in result.unplaced]
    assert sorted(placed_ids + unplaced_ids) == sorted(by_session)
    # One session per cell; no room and no proposer in two overlapping slots.
    for a in result.placements:
        for b in result.placements:
            if a.session_id >= b.session_id:
                continue
            if by_slot[a.slot_id].overlaps(by_slot[b.slot_id]):
                assert a.room_id != b.room_id
                assert by_session[a.session_id].proposer_id != by_session[b.session_id].proposer_id
    # Pins are respected: a pinned session is at its pin or reported.
    for placement in result.placements:
        session = by_session[placement.session_id]
        if session.pinned is not None:
            assert placement.cell == session.pinned
            assert placement.pinned
    # Within a slot, among unpinned sessions more votes never sit in a smaller room.
    free = [p for p in result.placements if not p.pinned]
    for a in free:
        for b in free:
            if (
                a.slot_id == b.slot_id
                and by_session[a.session_id].votes > by_session[b.session_id].votes
            ):
                assert capacity[a.room_id] >= capacity[b.room_id]
                assert rank[a.room_id] < rank[b.room_id]
    # An unpinned session left out because everything was full had no more votes than
    # any unpinned session that got a cell.
    for missing in result.unplaced:
        if missing.reason == REASON_FULL:
            for p in free:
                assert by_session[p.session_id].votes >= by_session[missing.session_id].votes
    # Deterministic, whatever the order of the input.
    assert (
        build_schedule(list(reversed(rooms)), list(reversed(slot_list)), list(reversed(sessions)))
        == result
    )
