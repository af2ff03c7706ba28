"""N concurrent requests for C seats confirm exactly min(N, C) (DESIGN.md flow 2).

Real threads, each with its own database connection, are released together by a barrier.
On PostgreSQL the booking service serialises on the event row (SELECT … FOR UPDATE); the
control test shows that the same count-then-insert without the lock really oversells.

On SQLite the writers are serialised by IMMEDIATE transactions. The test database is an
in-memory shared-cache database, where a blocked writer gets "database table is locked" at
once instead of waiting for the busy timeout as a file database does, so the threads retry
that error as the busy handler would. Retrying is only safe before the commit, so on SQLite
the after-commit work (eager Celery tasks sending emails) is not queued in these tests.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import OperationalError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from events import services
from events.enums import SEAT_HOLDING_STATUSES, BookingStatus, PaymentMethod
from events.models import Booking, WaitlistEntry
from events.services import AttendeeData, SoldOut
from tests.factories.events import make_event, ticket
from tests.factories.exchange import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_after_commit_work_on_sqlite(monkeypatch):
    if connection.vendor == "sqlite":
        monkeypatch.setattr("events.services.bookings.enqueue_after_commit", lambda *a, **k: None)
        # Confirmation emails and notifications go through the outbox: no eager relay run.
        monkeypatch.setattr("exchange.outbox._nudge_relay", lambda: None)


def run_together(fn: Callable[[int], object], n: int) -> list[object]:
    """Run fn(0..n-1) in n threads released at the same moment; return results or errors."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = fn(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def as_busy_handler(fn: Callable[[], object]) -> object:
    """Retry SQLite's shared-cache "table is locked" (see the module docstring)."""
    if connection.vendor != "sqlite":
        return fn()
    for _ in range(2000):
        try:
            return fn()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.005)
    raise AssertionError("SQLite stayed locked")


def outcome_counts(results: list[object]) -> Counter[str]:
    return Counter(type(r).__name__ for r in results)


@pytest.mark.parametrize(("threads", "seats"), [(16, 5), (6, 10)])
def test_concurrent_free_bookings_confirm_exactly_min_of_requests_and_seats(threads, seats):
    event = make_event(capacity=seats)
    tt = ticket(event)
    users = [UserFactory() for _ in range(threads)]

    def attempt(i: int) -> object:
        return as_busy_handler(
            lambda: services.booking_create(
                actor=users[i],
                ticket_type=tt,
                attendees=[AttendeeData(f"Person {i}", f"p{i}@example.org")],
            )
        )

    results = run_together(attempt, threads)

    confirmed = min(threads, seats)
    assert outcome_counts(results) == Counter(
        {"Booking": confirmed, **({"SoldOut": threads - seats} if threads > seats else {})}
    )
    assert Booking.objects.filter(status="confirmed").count() == confirmed
    assert Booking.objects.aggregate(n=Sum("quantity"))["n"] == confirmed


def test_concurrent_multi_seat_card_holds_never_exceed_capacity(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_oix"
    event = make_event(capacity=7, tickets=[{"name": "Paid", "price_pence": 1000}])
    tt = ticket(event)
    users = [UserFactory() for _ in range(10)]

    def attempt(i: int) -> object:
        return as_busy_handler(
            lambda: services.booking_create(
                actor=users[i],
                ticket_type=tt,
                attendees=[AttendeeData(f"P{i}-{k}", f"p{i}-{k}@example.org") for k in range(2)],
                payment_method=PaymentMethod.CARD,
            )
        )

    results = run_together(attempt, 10)

    # 7 seats, 2 per request: three holds fit, the fourth would need an eighth seat.
    assert outcome_counts(results) == Counter({"Booking": 3, "SoldOut": 7})
    assert set(Booking.objects.values_list("status", flat=True)) == {"pending"}
    assert Booking.objects.aggregate(n=Sum("quantity"))["n"] == 6


def test_concurrent_cancel_and_book_hand_freed_seat_to_waitlist_once():
    event = make_event(capacity=1)
    tt = ticket(event)
    holder = UserFactory()
    held = services.booking_create(
        actor=holder, ticket_type=tt, attendees=[AttendeeData("H", "h@example.org")]
    )
    waiter = UserFactory()
    services.waitlist_join(actor=waiter, ticket_type=tt, quantity=1)
    others = [UserFactory() for _ in range(6)]

    def attempt(i: int) -> object:
        if i == 0:
            return as_busy_handler(lambda: services.booking_cancel(actor=holder, booking=held))
        return as_busy_handler(
            lambda: services.booking_create(
                actor=others[i - 1], ticket_type=tt, attendees=[AttendeeData("X", "x@example.org")]
            )
        )

    results = run_together(attempt, 7)

    # The freed seat is offered to the waitlist in the cancelling transaction: no walk-in
    # booking can take it, whatever the interleaving.
    assert outcome_counts(results) == Counter({"Booking": 1, "SoldOut": 6})
    assert list(WaitlistEntry.objects.values_list("status", flat=True)) == ["offered"]
    assert Booking.objects.filter(status__in=SEAT_HOLDING_STATUSES).count() == 0


def test_naive_count_then_insert_oversells_on_postgresql():
    """Control: the same check without the row lock confirms every request."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite's IMMEDIATE transactions serialise every writer, so the naive path "
            "cannot interleave (and the barrier inside the transaction would deadlock)."
        )
    seats, threads = 3, 8
    event = make_event(capacity=seats)
    tt = ticket(event)
    users = [UserFactory() for _ in range(threads)]
    barrier = threading.Barrier(threads)

    def naive(i: int) -> object:
        with transaction.atomic():
            taken = (
                Booking.objects.filter(ticket_type=tt, status__in=SEAT_HOLDING_STATUSES).aggregate(
                    n=Sum("quantity")
                )["n"]
                or 0
            )
            barrier.wait(timeout=30)  # everybody has counted before anybody writes
            if taken + 1 > seats:
                raise SoldOut("full")
            return Booking.objects.create(
                reference=f"NAIVE{i:03d}",
                event=event,
                ticket_type=tt,
                booker=users[i],
                quantity=1,
                status=BookingStatus.CONFIRMED,
                payment_method=PaymentMethod.FREE,
                unit_price_pence=0,
                total_pence=0,
                confirmed_at=timezone.now(),
            )

    results = run_together(naive, threads)

    assert outcome_counts(results) == Counter({"Booking": threads})
    assert Booking.objects.count() == threads  # 8 confirmed for 3 seats: oversold
