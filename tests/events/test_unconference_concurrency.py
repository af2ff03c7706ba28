"""Votes under concurrency: one person's votes never exceed the budget, and many people's
votes all count (``vote_count`` kept in step by F() updates). Real threads released by a
barrier (see test_concurrency.py); run on PostgreSQL in CI, where a naive count-then-insert
really does overspend the budget."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from events.models import SessionProposal, SessionVote
from events.services import unconference as uc
from tests.events.test_concurrency import as_busy_handler, outcome_counts, run_together
from tests.factories.events import organiser_of
from tests.factories.unconference import attendee, make_unconference, propose

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_after_commit_work_on_sqlite(monkeypatch):
    if connection.vendor == "sqlite":
        monkeypatch.setattr("exchange.outbox._nudge_relay", lambda: None)


def test_one_voter_racing_over_many_sessions_spends_exactly_the_budget():
    event = make_unconference()
    uc.vote_budget_set(actor=organiser_of(event), event=event, vote_budget=3)
    sessions = [propose(event, title=f"Session {i}") for i in range(8)]
    voter = attendee(event)

    results = run_together(
        lambda i: as_busy_handler(lambda: uc.session_vote(actor=voter, session=sessions[i])), 8
    )

    assert outcome_counts(results) == Counter({"SessionProposal": 3, "InvalidTransition": 5})
    assert SessionVote.objects.filter(voter=voter).count() == 3
    assert sorted(SessionProposal.objects.values_list("vote_count", flat=True)) == [
        0,
        0,
        0,
        0,
        0,
        1,
        1,
        1,
    ]


def test_many_voters_on_one_session_all_count():
    event = make_unconference()
    session = propose(event)
    voters = [attendee(event) for _ in range(8)]

    results = run_together(
        lambda i: as_busy_handler(lambda: uc.session_vote(actor=voters[i], session=session)), 8
    )

    assert outcome_counts(results) == Counter({"SessionProposal": 8})
    session.refresh_from_db()
    assert session.vote_count == 8
    assert SessionVote.objects.filter(session=session).count() == 8


def test_one_voter_double_clicking_counts_once():
    event = make_unconference()
    session = propose(event)
    voter = attendee(event)

    results = run_together(
        lambda i: as_busy_handler(lambda: uc.session_vote(actor=voter, session=session)), 4
    )

    assert outcome_counts(results) == Counter({"SessionProposal": 1, "InvalidTransition": 3})
    session.refresh_from_db()
    assert session.vote_count == 1
