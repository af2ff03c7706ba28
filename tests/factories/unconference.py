"""Unconferences with rooms, slots, attendees and sessions, made through the real services."""

from __future__ import annotations

from datetime import timedelta

from events.models import Event, Room, SessionProposal, Slot
from events.services import unconference as uc
from exchange.models import User
from tests.factories.events import book, in_days, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory


def make_unconference(**extra) -> Event:
    """A published, free, one-day unconference a fortnight away (09:00–17:00 London)."""
    extra.setdefault("title", "Open data unconference")
    extra.setdefault("hours", 8)
    if extra.get("starts_at") is None:
        extra["starts_at"] = in_days(14, hour=9)
    return make_event(kind="unconference", **extra)


def attendee(event: Event, user: User | None = None, **user_fields) -> User:
    """A person with a confirmed (free) booking for ``event``."""
    user = user or UserFactory(**user_fields)
    book(ticket(event), user=user)
    return user


def add_rooms(event: Event, *specs: tuple[str, int]) -> list[Room]:
    actor = organiser_of(event)
    return [
        uc.room_create(actor=actor, event=event, name=name, capacity=capacity)
        for name, capacity in specs
    ]


def add_slots(event: Event, count: int, *, minutes: int = 60, gap: int = 0) -> list[Slot]:
    """``count`` back-to-back slots from the event's start."""
    actor = organiser_of(event)
    slots = []
    start = event.starts_at
    for _ in range(count):
        end = start + timedelta(minutes=minutes)
        slots.append(uc.slot_create(actor=actor, event=event, starts_at=start, ends_at=end))
        start = end + timedelta(minutes=gap)
    return slots


def propose(
    event: Event, user: User | None = None, title: str = "Open data in planning", **extra
) -> SessionProposal:
    """A session proposed by ``user`` (a new attendee when not given)."""
    user = user or attendee(event)
    return uc.session_propose(actor=user, event=event, title=title, **extra)


def vote(session: SessionProposal, *, voters: int = 1) -> list[User]:
    """``voters`` new attendees each vote for ``session``."""
    people = [attendee(session.event) for _ in range(voters)]
    for person in people:
        uc.session_vote(actor=person, session=session)
    return people


__all__ = ["add_rooms", "add_slots", "attendee", "make_unconference", "propose", "vote"]
