"""The production wiring, checked in-process (these run everywhere, not only in CI's
integration stage): health endpoints, the Content Security Policy, log redaction, Celery
routing and settings.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest
from django.db import OperationalError

from exchange import health
from exchange.celery import app as celery_app
from exchange.logs import JsonFormatter, RedactSecrets, redact
from exchange.middleware import policy_for
from tests.integration.processes import ROOT, free_port

TOKEN = "oix_Zx8kP2mQ7rT4vW9yB3nC6dF1gH5jK0sL2aE4uI8oR"


# --- /healthz and /readyz ----------------------------------------------------------------------


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")  # no django_db mark: a query would fail the test

    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_ready_on_the_embedded_defaults(client):
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failed": [],
        "checks": {
            "database": "ok",
            "broker": "not used (tasks run eagerly)",
            "cache": "not used (local memory)",
        },
    }


@pytest.mark.django_db
def test_readyz_names_an_unreachable_broker(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "failed": ["broker"],
        "checks": {
            "database": "ok",
            "broker": "failed: ConnectionError",
            "cache": "not used (local memory)",
        },
    }


def test_readyz_names_a_failing_database(client, monkeypatch):
    def refuse() -> str:
        raise OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", refuse)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["database"]
    assert response.json()["checks"]["database"] == "failed: OperationalError"


# --- Content Security Policy -----------------------------------------------------------------


@pytest.mark.django_db
def test_pages_carry_the_content_security_policy(client):
    response = client.get("/")

    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        "style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; form-action 'self' https://checkout.stripe.com; "
        "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
    )


def test_swagger_ui_policy_allows_its_cdn_and_nothing_else_changes():
    policy = dict(part.split(" ", 1) for part in policy_for("/api/docs/").split("; "))
    default = dict(part.split(" ", 1) for part in policy_for("/").split("; "))

    assert policy["script-src"] == "'self' 'unsafe-inline' https://cdn.jsdelivr.net"
    assert {k: v for k, v in policy.items() if k not in {"script-src", "style-src", "img-src"}} == {
        k: v for k, v in default.items() if k not in {"script-src", "style-src", "img-src"}
    }


def test_report_only_mode_uses_the_report_only_header(client, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = True

    response = client.get("/healthz")

    assert "Content-Security-Policy" not in response
    assert response["Content-Security-Policy-Report-Only"] == policy_for("/healthz")


# --- Logs never carry a secret in full ---------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"Authorization: Token {TOKEN}", "Authorization: Token oix_Zx8k…"),
        (
            "'HTTP_AUTHORIZATION': 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc'",
            "'HTTP_AUTHORIZATION': 'Bearer eyJh…'",
        ),
        ("authorization=Basic dXNlcjpwYXNzd29yZA==", "authorization=Basic dXNl…"),
        (f"token {TOKEN} revoked", "token oix_Zx8k… revoked"),
        (
            '"GET /calendar/feed.ics?token=Qm9vS2luZ3NGZWVk&tag=x HTTP/1.1"',
            '"GET /calendar/feed.ics?token=Qm9v…&tag=x HTTP/1.1"',
        ),
        ("GET /invitations/eyJpIjo0Mn0:1v2AbC:Zq9s8T7u6V5w/ 200", "GET /invitations/eyJp…/ 200"),
        (
            "GET /saved-searches/unsubscribe/eyJzIjo3fQ:1v2AbC:Xy/",
            "GET /saved-searches/unsubscribe/eyJz…/",
        ),
        ("GET /tickets/kD93mZpQ0a7LxWc2Rt5YbN8vH4sJ6fUe/", "GET /tickets/kD93…/"),
        (
            "GET /listings/42/smart-bins-for-town-centres-and-high-streets/",
            "GET /listings/42/smart-bins-for-town-centres-and-high-streets/",
        ),
    ],
)
def test_redact_cuts_secrets_to_a_short_prefix(line, expected):
    assert redact(line) == expected


def _record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("django.request", logging.WARNING, __file__, 1, msg, args, exc_info)


def test_redact_filter_formats_and_redacts_message_arguments_and_tracebacks():
    try:
        raise PermissionError(f"bad token {TOKEN}")
    except PermissionError as exc:
        record = _record(
            "Forbidden: %s (%s)", "/api/v1/listings/?token=abcdefghijk", TOKEN, exc=exc
        )

    assert RedactSecrets().filter(record) is True
    assert (record.msg, record.args) == (
        "Forbidden: /api/v1/listings/?token=abcd… (oix_Zx8k…)",
        (),
    )
    assert TOKEN not in record.exc_text
    assert "PermissionError: bad token oix_Zx8k…" in record.exc_text


def test_json_formatter_writes_one_parsable_redacted_line():
    record = _record("Authorization: Bearer %s", "sEcReTsEcReT")
    record.status_code = 401

    line = JsonFormatter().format(record)

    payload = json.loads(line)
    assert "\n" not in line
    assert {k: payload[k] for k in ("level", "logger", "message", "status_code")} == {
        "level": "WARNING",
        "logger": "django.request",
        "message": "Authorization: Bearer sEcR…",
        "status_code": 401,
    }


def test_settings_route_every_handler_through_the_redaction_filter(settings):
    handlers = settings.LOGGING["handlers"].values()

    assert [h["filters"] for h in handlers] == [["redact_secrets"]] * len(handlers)


# --- Celery: queues, routes, reliability -----------------------------------------------------


def _queue(task_name: str) -> str:
    route = celery_app.amqp.router.route({}, task_name)
    return route["queue"].name


@pytest.mark.parametrize(
    ("task_name", "queue"),
    [
        ("exchange.tasks.send_notification_email", "mail"),
        ("exchange.tasks.send_notification_digests", "mail"),
        ("exchange.tasks.send_invitation_email", "mail"),
        ("exchange.tasks.analyse_database", "default"),
        ("listings.tasks.send_saved_search_alerts", "mail"),
        ("listings.tasks.reindex_organisation", "search"),
        ("listings.tasks.reindex_tag", "search"),
        ("matching.tasks.listing_changed", "matching"),
        ("matching.tasks.recompute_all_matches", "matching"),
        ("events.tasks.send_booking_confirmation", "mail"),
        ("events.tasks.send_event_reminders", "mail"),
        ("events.tasks.send_refund", "default"),
        ("events.tasks.send_requested_refunds", "default"),
        ("events.tasks.release_expired_holds", "default"),
        ("api.tasks.deliver_webhook", "webhooks"),
        ("api.webhooks.tasks.deliver_webhook", "webhooks"),
        ("exchange.tasks.outbox_relay", "default"),
        ("exchange.tasks.purge_outbox", "default"),
    ],
)
def test_tasks_are_routed_to_their_queue(task_name, queue):
    assert _queue(task_name) == queue


def test_every_registered_task_lands_on_a_queue_the_workers_consume(settings):
    celery_app.loader.import_default_modules()
    ours = [
        n
        for n in celery_app.tasks
        if n.split(".")[0] in {"exchange", "listings", "matching", "events", "api"}
    ]

    assert ours
    assert {n: _queue(n) for n in ours if _queue(n) not in settings.WORKER_QUEUES} == {}


def test_procfile_worker_consumes_every_queue(settings):
    procfile = (ROOT / "Procfile").read_text()
    [worker] = [line for line in procfile.splitlines() if line.startswith("worker:")]

    assert f"--queues={','.join(settings.WORKER_QUEUES)}" in worker


def test_celery_settings_survive_crashes(settings):
    conf = celery_app.conf

    assert (
        conf.task_acks_late,
        conf.task_reject_on_worker_lost,
        conf.worker_prefetch_multiplier,
    ) == (True, True, 1)
    assert (conf.task_time_limit, conf.task_soft_time_limit) == (300, 240)
    assert conf.broker_transport_options["visibility_timeout"] == 7200


def test_beat_test_schedule_replaces_the_schedule_from_the_environment():
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps({k: v['schedule'] for k, v in settings.CELERY_BEAT_SCHEDULE.items()}))"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "exchange.settings",
        "CELERY_BEAT_TEST_SCHEDULE": (
            "listings.tasks.send_saved_search_alerts=2, exchange.tasks.send_notification_digests=5"
        ),
    }

    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout

    assert json.loads(out) == {
        "listings.tasks.send_saved_search_alerts": 2.0,
        "exchange.tasks.send_notification_digests": 5.0,
    }
