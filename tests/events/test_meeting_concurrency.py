"""Concurrent acceptances never double-book a table or a person (meeting slot allocation).

Real threads, each with its own connection, released together by a barrier. On PostgreSQL
the accept service serialises on the event row and the event's slots (SELECT … FOR UPDATE);
the unique constraints (slot, table) and (slot, person) are the last line of defence. On
SQLite IMMEDIATE transactions serialise the writers (see tests/events/test_concurrency.py).
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection

from events.enums import MeetingStatus
from events.models import MeetingRequest, MeetingSeat
from events.services import networking as services
from tests.events.test_concurrency import as_busy_handler, run_together
from tests.factories.events import book, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory, make_organisation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_after_commit_work_on_sqlite(monkeypatch):
    """A retried "locked" error is only safe before the commit: keep emails out of it."""
    if connection.vendor != "sqlite":
        return
    monkeypatch.setattr(
        "exchange.notifications.enqueue_after_commit", lambda *a, **k: None, raising=False
    )
    if importlib.util.find_spec("exchange.outbox") is not None:
        monkeypatch.setattr("exchange.outbox._nudge_relay", lambda: None, raising=False)


def attendee(event, name: str):
    person = UserFactory(full_name=name)
    organisation = make_organisation(admin=person, name=f"{name}'s organisation")
    book(ticket(event), user=person)
    return person, organisation


def outcomes(results: list[object]) -> Counter[str]:
    return Counter(
        "accepted" if isinstance(r, MeetingRequest) else type(r).__name__ for r in results
    )


def test_concurrent_accepts_share_one_table_without_double_booking():
    event = make_event(hours=3, capacity=100)
    start = event.starts_at + timedelta(hours=1)
    services.meeting_slot_create(
        actor=organiser_of(event),
        event=event,
        starts_at=start,
        ends_at=start + timedelta(minutes=15),
        tables=1,
    )
    later = start + timedelta(minutes=30)
    services.meeting_slot_create(
        actor=organiser_of(event),
        event=event,
        starts_at=later,
        ends_at=later + timedelta(minutes=15),
        tables=1,
    )
    pairs = []
    for i in range(6):
        asker, _ = attendee(event, f"Asker {i}")
        host, host_org = attendee(event, f"Host {i}")
        meeting = services.meeting_request_create(
            actor=asker, event=event, to_organisation=host_org
        )
        pairs.append((host, meeting))

    results = run_together(
        lambda i: as_busy_handler(
            lambda: services.meeting_request_accept(actor=pairs[i][0], meeting=pairs[i][1])
        ),
        len(pairs),
    )

    assert outcomes(results) == Counter({"accepted": 2, "InvalidTransition": 4})
    accepted = MeetingRequest.objects.filter(status=MeetingStatus.ACCEPTED)
    assert sorted((m.slot.starts_at, m.table) for m in accepted) == [(start, 1), (later, 1)]
    assert MeetingSeat.objects.count() == 4
    assert MeetingRequest.objects.filter(status=MeetingStatus.REQUESTED, slot=None).count() == 4


def test_concurrent_accepts_never_put_one_person_at_two_tables():
    event = make_event(hours=3, capacity=100)
    start = event.starts_at + timedelta(hours=1)
    only = services.meeting_slot_create(
        actor=organiser_of(event),
        event=event,
        starts_at=start,
        ends_at=start + timedelta(minutes=15),
        tables=10,
    )
    busy, _ = attendee(event, "Busy")
    hosts = []
    for i in range(5):
        host, host_org = attendee(event, f"Host {i}")
        meeting = services.meeting_request_create(actor=busy, event=event, to_organisation=host_org)
        hosts.append((host, meeting))

    results = run_together(
        lambda i: as_busy_handler(
            lambda: services.meeting_request_accept(actor=hosts[i][0], meeting=hosts[i][1])
        ),
        len(hosts),
    )

    assert outcomes(results) == Counter({"accepted": 1, "InvalidTransition": 4})
    assert MeetingSeat.objects.filter(slot=only, user=busy).count() == 1
    assert MeetingRequest.objects.get(status=MeetingStatus.ACCEPTED).table == 1
