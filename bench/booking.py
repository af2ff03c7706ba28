"""Booking figures (issue 6). Prints name=value lines. Run: python -m bench.booking

1. In process, same run: the API event detail endpoint (baseline) against a free booking
   through the API, p50 of each and the ratio (target ≤ 3×). Background work (emails with
   tickets) is queued, as in production where workers send it; a second booking figure runs
   it inline, as the embedded default (eager Celery) does.
2. With DATABASE_URL (PostgreSQL) only: gunicorn with 4 workers, 200 concurrent booking
   attempts for 50 seats through the API. Confirmed must be exactly 50, server errors 0;
   prints attempts and confirmed bookings per second.

BENCH_REPEAT (default 60) sets the in-process samples; BENCH_ATTEMPTS / BENCH_SEATS /
BENCH_WORKERS change the gunicorn run.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

from bench.common import ROOT, measure, p50, p95, report, setup_django

REPEAT = int(os.environ.get("BENCH_REPEAT", "60"))
ATTEMPTS = int(os.environ.get("BENCH_ATTEMPTS", "200"))
SEATS = int(os.environ.get("BENCH_SEATS", "50"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))


def make_event(title: str, capacity: int):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from events import services
    from exchange import services as core
    from exchange.models import User

    organiser = User.objects.create_user(f"organiser-{title.lower()}@bench.example", "x" * 12)
    organisation = core.organisation_create(actor=organiser, name=f"Bench {title}", kind="council")
    starts = timezone.now() + timedelta(days=30)
    event = services.event_create(
        actor=organiser,
        organisation=organisation,
        kind="breakfast",
        title=title,
        summary="Benchmark event.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=capacity,
        venue_name="Bench Hall",
    )
    services.agenda_item_create(actor=organiser, event=event, starts_at=starts, title="Welcome")
    ticket = services.ticket_type_create(
        actor=organiser, event=event, name="Free", capacity=capacity, max_per_booking=1
    )
    services.event_publish(actor=organiser, event=event)
    return event, ticket


def bookers(n: int, label: str) -> list[str]:
    """``n`` people with API tokens; returns the raw tokens."""
    from exchange import services as core
    from exchange.models import User

    tokens = []
    for i in range(n):
        user = User.objects.create_user(f"{label}{i}@bench.example", "x" * 12)
        tokens.append(core.api_token_create(actor=user, name="bench")[1])
    return tokens


def in_process(vendor: str) -> None:
    from django.test import Client

    from exchange.celery import app

    # Set before any task is sent: the producer pool is built on first use.
    app.conf.broker_url = "memory://"
    event, ticket = make_event("In process", capacity=100_000)
    tokens = bookers(REPEAT * 2 + 20, "inproc")
    client = Client()
    detail_url = f"/api/v1/events/{event.pk}/"

    def detail() -> None:
        response = client.get(detail_url)
        assert response.status_code == 200, response.status_code

    counter = iter(range(len(tokens)))

    def booking() -> None:
        i = next(counter)
        response = client.post(
            "/api/v1/bookings/",
            data=json.dumps(
                {
                    "ticket_type": ticket.pk,
                    "attendees": [{"name": f"Person {i}", "email": f"p{i}@bench.example"}],
                }
            ),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Token {tokens[i]}",
        )
        assert response.status_code == 201, response.content

    baseline = measure(detail, repeat=REPEAT)
    # Production: the web request only queues the confirmation email for a worker.
    app.conf.task_always_eager = False
    queued = measure(booking, repeat=REPEAT // 2 + REPEAT % 2, warmup=3)
    app.conf.task_always_eager = True
    inline = measure(booking, repeat=REPEAT // 2, warmup=3)
    prefix = f"booking.{vendor}"
    report(f"{prefix}.api_event_detail.p50_ms", p50(baseline))
    report(f"{prefix}.api_event_detail.p95_ms", p95(baseline))
    report(f"{prefix}.api_free_booking.p50_ms", p50(queued))
    report(f"{prefix}.api_free_booking.p95_ms", p95(queued))
    report(f"{prefix}.api_free_booking.ratio_to_baseline", p50(queued) / p50(baseline))
    report(f"{prefix}.api_free_booking_emails_inline.p50_ms", p50(inline))
    report(
        f"{prefix}.api_free_booking_emails_inline.ratio_to_baseline", p50(inline) / p50(baseline)
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited early")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (local)
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not become ready")


def under_gunicorn() -> None:
    from events.models import Booking

    event, ticket = make_event("Under load", capacity=SEATS)
    tokens = bookers(ATTEMPTS, "load")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": "memory://",  # queue emails, as for real workers elsewhere
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "LOG_LEVEL": "WARNING",
    }
    log = tempfile.NamedTemporaryFile(prefix="oix-bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(  # noqa: S603  (our own venv's gunicorn)
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "exchange.wsgi:application",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        try:
            _wait_ready(f"{base}/api/v1/events/{event.pk}/", process)
        except RuntimeError:
            print(Path(log.name).read_text()[-4000:], file=sys.stderr)
            raise
        statuses: list[int] = [0] * ATTEMPTS
        barrier = threading.Barrier(ATTEMPTS + 1)

        def attempt(i: int) -> None:
            body = json.dumps(
                {
                    "ticket_type": ticket.pk,
                    "attendees": [{"name": f"Load {i}", "email": f"load{i}@bench.example"}],
                }
            ).encode()
            request = urllib.request.Request(  # noqa: S310  (local)
                f"{base}/api/v1/bookings/",
                data=body,
                headers={"Content-Type": "application/json", "Authorization": f"Token {tokens[i]}"},
                method="POST",
            )
            barrier.wait()
            try:
                with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                    statuses[i] = response.status
            except urllib.error.HTTPError as exc:
                statuses[i] = exc.code
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                statuses[i] = -1

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(ATTEMPTS)]
        for thread in threads:
            thread.start()
        barrier.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
    confirmed = Booking.objects.filter(event=event, status="confirmed").count()
    prefix = "booking.postgresql.gunicorn"
    report(f"{prefix}.workers", WORKERS)
    report(f"{prefix}.attempts", ATTEMPTS)
    report(f"{prefix}.seats", SEATS)
    report(f"{prefix}.confirmed", confirmed)
    report(f"{prefix}.answered_201", statuses.count(201))
    report(f"{prefix}.answered_409_sold_out", statuses.count(409))
    report(f"{prefix}.server_errors", sum(1 for s in statuses if s >= 500 or s == -1))
    report(
        f"{prefix}.other_answers", sum(1 for s in statuses if s not in (201, 409) and 0 <= s < 500)
    )
    report(f"{prefix}.seconds", elapsed)
    report(f"{prefix}.attempts_per_second", ATTEMPTS / elapsed)
    report(f"{prefix}.bookings_per_second", confirmed / elapsed)
    assert confirmed == SEATS, f"confirmed {confirmed} for {SEATS} seats"


def main() -> None:
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Measure the booking path, not the API's rate limits (every booker has their own token,
    # but the anonymous baseline and readiness probes share one IP).
    os.environ.setdefault("API_RATE_ANON", "1000000/hour")
    os.environ.setdefault("API_RATE_TOKEN", "1000000/hour")
    vendor = setup_django("booking")
    in_process(vendor)
    if vendor == "postgresql":
        under_gunicorn()
    else:
        report("booking.gunicorn", "skipped: set DATABASE_URL to a PostgreSQL server")


if __name__ == "__main__":
    main()
