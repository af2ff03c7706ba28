"""Faults, through real processes: a worker killed mid-task, the broker stopped during a
booking, PostgreSQL restarted under a running web process and worker.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
from django.db import connections

from exchange import notifications, services
from exchange.enums import Delivery, NotificationKind
from exchange.models import Notification
from tests.factories.exchange import UserFactory
from tests.factories.listings import make_listing
from tests.integration.processes import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _notify_now(email: str) -> Notification:
    """One notification the person gets by email at once: the worker sends it."""
    person = UserFactory(email=email)
    notifications.notification_preferences_set(
        actor=person, choices={NotificationKind.QUESTION: Delivery.IMMEDIATE}
    )
    [notification] = notifications.notify(
        recipients=[person], kind=NotificationKind.QUESTION, text="Your question was answered."
    )
    return notification


def _emailed(notification: Notification) -> bool:
    """The worker commits ``emailed_at`` just after the SMTP server took the message."""
    return Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False).exists()


def test_worker_process_killed_mid_task_the_task_runs_again_and_mails_once(stack):
    stack.smtp.hold_next(1)  # the first SMTP conversation stalls before the message is sent
    worker = stack.worker()
    [pool_process] = worker.children()

    notification = _notify_now("ann@example.org")
    wait_until(lambda: stack.smtp.held, timeout=45, what="the worker to be inside the SMTP call")
    os.kill(pool_process, signal.SIGKILL)

    wait_until(lambda: _emailed(notification), timeout=45, what="the task to run again")
    time.sleep(2)  # a duplicate would arrive now
    [received] = stack.smtp.messages
    assert received.rcpt_tos == ("ann@example.org",)
    assert received.subject == "Your question was answered."
    assert "WorkerLostError" in worker.log()  # the pool saw its process die, and requeued
    assert worker.children() != [pool_process]


def test_whole_worker_killed_mid_task_the_next_worker_runs_it_after_the_visibility_timeout(
    stack,
):
    stack.smtp.hold_next(1)
    first = stack.worker("first", CELERY_VISIBILITY_TIMEOUT="3")
    notification = _notify_now("ben@example.org")
    wait_until(lambda: stack.smtp.held, timeout=45, what="the worker to be inside the SMTP call")

    first.kill()  # main process and pool together: nobody is left to give the task back
    time.sleep(4)  # past the visibility timeout: Redis may now hand the task out again
    stack.worker("second", CELERY_VISIBILITY_TIMEOUT="3")

    wait_until(lambda: _emailed(notification), timeout=45, what="the second worker to run it")
    time.sleep(2)  # a duplicate would arrive now
    assert [m.rcpt_tos for m in stack.smtp.messages] == [("ben@example.org",)]


def _booking_world():
    pytest.importorskip("events.services", reason="events are not in the tree yet")
    from tests.factories.events import make_event, ticket  # needs the events app

    event = make_event(title="Unconference", capacity=10)

    def booker(name: str, email: str) -> tuple[str, dict[str, object]]:
        person = UserFactory(full_name=name, email=email)
        _, token = services.api_token_create(actor=person, name="integration")
        body = {"ticket_type": ticket(event).pk, "attendees": [{"name": name, "email": email}]}
        return token, body

    return booker


def _book(web, token: str, body: dict[str, object]):
    return web.post("/api/v1/bookings/", json=body, headers={"Authorization": f"Token {token}"})


def _book_while_broker_is_down(stack, private_redis):
    """Web and worker on a broker of their own; stop it, book through the API, restart it."""
    booker = _booking_world()
    web = stack.web(CELERY_BROKER_URL=private_redis.url)
    stack.worker(CELERY_BROKER_URL=private_redis.url)
    private_redis.stop()
    readiness = web.get("/readyz")

    response = _book(web, *booker("Cleo Booker", "cleo@example.org"))

    private_redis.start()
    return web, booker, readiness, response


def test_broker_down_booking_is_committed_once_and_the_worker_resumes(stack, private_redis):
    from events.models import Booking  # needs the events app (the helper skips without it)

    web, booker, readiness, response = _book_while_broker_is_down(stack, private_redis)
    after = _book(web, *booker("Dev Booker", "dev@example.org"))

    wait_until(lambda: stack.smtp.to("dev@example.org"), timeout=45, what="the worker to resume")
    assert (readiness.status_code, readiness.json()["failed"]) == (503, ["broker"])
    assert sorted(Booking.objects.values_list("booker__email", "status")) == [
        ("cleo@example.org", "confirmed"),
        ("dev@example.org", "confirmed"),
    ]
    assert after.status_code == 201
    assert [m.subject.split(":")[0] for m in stack.smtp.to("dev@example.org")] == [
        "Booking confirmed"
    ]
    # The request made while the broker was down is the outbox test's subject (below).
    print(  # noqa: T201
        f"while the broker was down: HTTP {response.status_code} after "
        f"{response.elapsed.total_seconds():.1f} s; confirmations received since: "
        f"{sorted(m.rcpt_tos for m in stack.smtp.messages)}"
    )


def test_broker_down_booking_confirmation_goes_out_once_the_broker_is_back(stack, private_redis):
    """The transactional outbox: the confirmation is a row committed with the booking; the
    after-commit nudge fails quietly while Redis is down, and the relay on beat's schedule
    (every second here, every few in production) sends it once Redis is back."""
    from events.models import Booking  # needs the events app (the helper skips without it)

    stack.beat("exchange.tasks.outbox_relay=1", CELERY_BROKER_URL=private_redis.url)
    _, _, _, response = _book_while_broker_is_down(stack, private_redis)

    wait_until(lambda: stack.smtp.messages, timeout=45, what="the relay once Redis is back")
    time.sleep(3)  # a duplicate would arrive now (the relay runs every second)
    assert response.status_code == 201
    assert Booking.objects.get().confirmation_sent_at is not None
    assert [m.rcpt_tos for m in stack.smtp.messages] == [("cleo@example.org",)]
    assert stack.smtp.messages[0].subject.startswith("Booking confirmed: Unconference")


def test_postgres_restart_web_and_worker_recover_without_manual_action(stack, postgres_server):
    make_listing(title="Smart bins for town centres")
    web = stack.web()
    stack.worker()
    # Each gunicorn worker holds a persistent connection (CONN_MAX_AGE) when the server goes.
    assert [web.get("/listings/").status_code for _ in range(6)] == [200] * 6

    postgres_server.restart()
    connections.close_all()  # this test process's own connection died with the server too

    after = [web.get("/listings/").status_code for _ in range(6)]
    readiness = web.get("/readyz")
    notification = _notify_now("dan@example.org")  # the worker's connection is stale too
    wait_until(lambda: _emailed(notification), timeout=45, what="the worker after the restart")

    assert after == [200] * 6
    assert (readiness.status_code, readiness.json()["failed"]) == (200, [])
    assert [m.rcpt_tos for m in stack.smtp.messages] == [("dan@example.org",)]


def test_readyz_names_an_unreachable_database_while_healthz_stays_up(stack):
    web = stack.web(DATABASE_URL="postgres://postgres@127.0.0.1:9/unreachable")

    liveness, readiness = web.get("/healthz"), web.get("/readyz")

    assert (liveness.status_code, liveness.json()) == (200, {"status": "ok"})
    assert readiness.status_code == 503
    assert readiness.json() == {
        "status": "unavailable",
        "failed": ["database"],
        "checks": {"database": "failed: OperationalError", "broker": "ok", "cache": "ok"},
    }
