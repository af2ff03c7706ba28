"""The transactional outbox: rows written with the change, relayed after commit, retried,
and never lost when the broker cannot be reached at commit time."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.db import connection, transaction

from exchange import notifications, outbox
from exchange.celery import app as celery_app
from exchange.enums import Delivery, NotificationKind
from exchange.models import Notification, OutboxMessage
from tests.factories.exchange import UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2030, 3, 2, 9, 0, tzinfo=UTC)  # after any row written by the real clock
HANDLED: list[int] = []


def failing_handler(message: OutboxMessage) -> None:
    """A handler of this test's own that always fails (as a receiver that is down would)."""
    raise ConnectionError("receiver down")


def recording_handler(message: OutboxMessage) -> None:
    HANDLED.append(message.pk)


@pytest.fixture
def test_handlers(settings):
    HANDLED.clear()
    settings.OUTBOX_HANDLERS = {
        **settings.OUTBOX_HANDLERS,
        "test.fail": "tests.exchange.test_outbox.failing_handler",
        "test.record": "tests.exchange.test_outbox.recording_handler",
    }


def _forget_connection_pool():
    """Celery caches its producer pool per app (even eager calls acquire one): drop it, as
    Celery does after a fork, so the next publish connects to the broker now configured."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker_down(settings):
    """Celery publishing to a broker nobody listens on (port 1), quickly giving up."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url, conf.task_publish_retry_policy
    conf.task_always_eager = False
    conf.broker_url = "redis://127.0.0.1:1/0"
    _forget_connection_pool()
    conf.task_publish_retry_policy = {"max_retries": 0}
    yield
    conf.task_always_eager, conf.broker_url, conf.task_publish_retry_policy = saved
    _forget_connection_pool()


def _immediate_person(email: str):
    person = UserFactory(email=email)
    notifications.notification_preferences_set(
        actor=person, choices={NotificationKind.QUESTION: Delivery.IMMEDIATE}
    )
    return person


def _notify(person) -> Notification:
    [notification] = notifications.notify(
        recipients=[person], kind=NotificationKind.QUESTION, text="Your question was answered."
    )
    return notification


@pytest.mark.django_db(transaction=True)
def test_outbox_put_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        outbox.outbox_put(kind="task", payload={"task": "exchange.tasks.outbox_relay"})

    assert OutboxMessage.objects.count() == 0


def test_outbox_put_refuses_a_kind_without_handler():
    with pytest.raises(KeyError), transaction.atomic():
        outbox.outbox_put(kind="nobody.handles.this", payload={})

    assert OutboxMessage.objects.count() == 0


def test_immediate_email_is_an_outbox_row_sent_right_after_commit(
    django_capture_on_commit_callbacks,
):
    person = _immediate_person("ann@example.org")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notification = _notify(person)

    message = OutboxMessage.objects.get()
    assert (message.kind, message.payload) == (
        "task",
        {"task": "exchange.tasks.send_notification_email", "args": [notification.pk]},
    )
    assert [c.__name__ for c in callbacks] == ["_nudge_relay"]
    assert (message.attempts, message.sent_at is not None, message.last_error) == (1, True, "")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ann@example.org"], "Your question was answered.")
    ]


def test_one_nudge_per_transaction_however_many_rows():
    people = [_immediate_person("bo@example.org"), _immediate_person("bea@example.org")]

    with transaction.atomic():
        notifications.notify(recipients=people, kind=NotificationKind.QUESTION, text="Answered.")
        nudges = [f for _, f, *_ in transaction.get_connection().run_on_commit]
        transaction.set_rollback(True)

    assert nudges.count(outbox._nudge_relay) == 1
    assert OutboxMessage.objects.count() == 0  # rolled back with the change


def test_broker_down_at_commit_the_row_stays_and_a_later_relay_sends_it_once(
    django_capture_on_commit_callbacks, broker_down, caplog
):
    person = _immediate_person("cy@example.org")

    # The nudge cannot reach the broker: logged and swallowed, the change is committed.
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(person)
    # The relay runs (beat) while the broker is still down: the publish fails, a retry waits.
    handled = outbox.outbox_relay(now=NOW)

    message = OutboxMessage.objects.get()
    assert "Outbox relay not reached" in caplog.text
    assert handled == 1
    assert (message.sent_at, message.attempts) == (None, 1)
    assert message.available_at == NOW + timedelta(seconds=5)
    assert message.last_error.startswith("OperationalError")
    assert mail.outbox == []

    celery_app.conf.task_always_eager = True  # the broker is back (eager stands in for it)
    first = outbox.outbox_relay(now=NOW + timedelta(seconds=5))
    second = outbox.outbox_relay(now=NOW + timedelta(minutes=5))

    message.refresh_from_db()
    notification.refresh_from_db()
    assert (first, second) == (1, 0)
    assert (message.attempts, message.sent_at is not None) == (2, True)
    assert notification.emailed_at is not None
    assert [m.to for m in mail.outbox] == [["cy@example.org"]]


def test_failing_handler_is_retried_on_the_backoff_schedule(settings, test_handlers):
    settings.OUTBOX_RETRY_SECONDS = [5, 30, 120]
    with transaction.atomic():
        message = outbox.outbox_put(kind="test.fail", payload={}, available_at=NOW)

    due_times = []
    now = NOW
    for _ in range(5):
        assert outbox.outbox_relay(now=now) == 1
        message.refresh_from_db()
        due_times.append(message.available_at - now)
        now = message.available_at

    assert due_times == [timedelta(seconds=s) for s in (5, 30, 120, 120, 120)]
    assert (message.attempts, message.sent_at) == (5, None)
    assert message.last_error == "ConnectionError: receiver down"


def test_relay_handles_each_due_message_once_and_leaves_future_ones(test_handlers):
    with transaction.atomic():
        due = outbox.outbox_put(kind="test.record", payload={}, available_at=NOW)
        later = outbox.outbox_put(
            kind="test.record", payload={}, available_at=NOW + timedelta(minutes=1)
        )

    runs = [outbox.outbox_relay(now=NOW), outbox.outbox_relay(now=NOW)]

    assert runs == [1, 0]
    assert [due.pk] == HANDLED
    later.refresh_from_db()
    assert later.sent_at is None


def test_purge_deletes_only_messages_sent_long_ago(settings, test_handlers):
    settings.OUTBOX_KEEP_DAYS = 7
    with transaction.atomic():
        old = outbox.outbox_put(kind="test.record", payload={}, available_at=NOW)
        recent = outbox.outbox_put(kind="test.record", payload={}, available_at=NOW)
        unsent = outbox.outbox_put(kind="test.record", payload={}, available_at=NOW)
    OutboxMessage.objects.filter(pk=old.pk).update(sent_at=NOW - timedelta(days=8))
    OutboxMessage.objects.filter(pk=recent.pk).update(sent_at=NOW - timedelta(days=6))

    deleted = outbox.outbox_purge(now=NOW)

    assert deleted == 1
    assert sorted(OutboxMessage.objects.values_list("pk", flat=True)) == [recent.pk, unsent.pk]


def test_relay_and_purge_are_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"exchange.tasks.outbox_relay", "exchange.tasks.purge_outbox"} <= tasks


@pytest.mark.django_db(transaction=True)
def test_concurrent_relays_handle_each_message_exactly_once(test_handlers):
    with transaction.atomic():
        ids = [
            outbox.outbox_put(kind="test.record", payload={"n": n}, available_at=NOW).pk
            for n in range(12)
        ]
    barrier = threading.Barrier(3)
    counts: list[int | Exception] = [0, 0, 0]

    def relay(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            counts[i] = outbox.outbox_relay(now=NOW)
        except Exception as exc:
            counts[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=relay, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(c for c in counts if isinstance(c, int)) == 12, counts
    assert sorted(HANDLED) == ids
    assert OutboxMessage.objects.filter(sent_at__isnull=True).count() == 0
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
