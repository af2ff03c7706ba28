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

from events.services.unconference.checks import MAX_OUTPUT_LINKS
from events.services.unconference.grid import (
    MoveResult,
    ScheduleRun,
    UnplacedSession,
    clash_warnings,
    room_create,
    room_delete,
    room_update,
    schedule_publish,
    schedule_run,
    session_move,
    session_pin,
    slot_create,
    slot_delete,
    slot_update,
    vote_budget_set,
)
from events.services.unconference.sessions import (
    agenda_item_star,
    agenda_item_unstar,
    session_notes_update,
    session_propose,
    session_star,
    session_unstar,
    session_unvote,
    session_update,
    session_vote,
    session_withdraw,
)

__all__ = [
    "MAX_OUTPUT_LINKS",
    "MoveResult",
    "ScheduleRun",
    "UnplacedSession",
    "agenda_item_star",
    "agenda_item_unstar",
    "clash_warnings",
    "room_create",
    "room_delete",
    "room_update",
    "schedule_publish",
    "schedule_run",
    "session_move",
    "session_notes_update",
    "session_pin",
    "session_propose",
    "session_star",
    "session_unstar",
    "session_unvote",
    "session_update",
    "session_vote",
    "session_withdraw",
    "slot_create",
    "slot_delete",
    "slot_update",
    "vote_budget_set",
]
