"""Load test (issue 9): gunicorn + PostgreSQL on 127.0.0.1 under a realistic mix, bounded.

Needs DATABASE_URL (PostgreSQL; a fresh ``<name>_load_bench`` database is created). Seeds the
demo exchange plus BENCH_LOAD_LISTINGS (default 20,000) generated listings, BENCH_LOAD_EVENTS
(default 20) published events with a free ticket type, and BENCH_LOAD_USERS (default 40)
people with API tokens. Starts a private Redis (broker and cache, when redis-server is
installed; otherwise tasks run eagerly) and gunicorn with gunicorn.conf.py and production
settings on a free 127.0.0.1 port, then drives it with BENCH_LOAD_CONCURRENCY (default 8)
concurrent keep-alive clients (httpx, asyncio), in two phases:

1. the bare endpoint ``/healthz`` (no database): the server's floor;
2. the mix: search 50% (search page and API search), listing pages 25%, event pages 15%,
   bookings 5% (POST /api/v1/bookings/ with a token), feeds 5% (RSS and .ics).

Each phase stops after BENCH_LOAD_REQUESTS (default 3,000) requests or BENCH_LOAD_SECONDS
(default 60) seconds, whichever comes first. Prints throughput and p50/p95 of both phases,
the mix's throughput and p95 as ratios to the bare endpoint's, p95 per kind, and errors.
Client and server share this machine's cores: the ratios, measured under the same
conditions, are the figures to compare between runs.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bench.common import ROOT, p50, p95, report, seed, setup_django

LISTINGS = int(os.environ.get("BENCH_LOAD_LISTINGS", "20000"))
EVENTS = int(os.environ.get("BENCH_LOAD_EVENTS", "20"))
USERS = int(os.environ.get("BENCH_LOAD_USERS", "40"))
CONCURRENCY = int(os.environ.get("BENCH_LOAD_CONCURRENCY", "8"))
REQUESTS = int(os.environ.get("BENCH_LOAD_REQUESTS", "3000"))
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
WORKERS = os.environ.get("BENCH_LOAD_WORKERS", "")  # default: gunicorn.conf.py's
MIX = {"search": 50, "listing": 25, "event": 15, "booking": 5, "feed": 5}
# Targets: the mix keeps at least a tenth of the bare endpoint's throughput and its p95 stays
# within 25 times the bare p95; no request fails.
TARGET_THROUGHPUT_RATIO = 0.10
TARGET_P95_RATIO = 25.0
SECRET_KEY = "load-bench-" + "x7Kp2Qm9" * 6


@dataclass(frozen=True)
class Call:
    kind: str
    method: str
    path: str
    token: str = ""
    json: dict[str, object] | None = None


@dataclass
class Phase:
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def all_samples(self) -> list[float]:
        return [s for samples in self.samples.values() for s in samples]

    @property
    def errors(self) -> int:
        return sum(n for (_, status), n in self.statuses.items() if status >= 400 or status < 0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed_world() -> dict[str, list[Call]]:
    """Seed the database; return the calls of each kind, ready to be drawn from."""
    from django.utils import timezone

    from exchange import services as core_services
    from exchange.demo import VOCABULARY
    from exchange.models import Membership, User
    from listings.models import Listing

    seed(LISTINGS)
    rng = random.Random(11)
    listings = list(
        Listing.objects.filter(status="published", visibility="public")
        .order_by("?")
        .values_list("pk", "slug")[:2000]
    )
    words = VOCABULARY[:40] + VOCABULARY[200:260] + VOCABULARY[700:720]
    calls: dict[str, list[Call]] = {kind: [] for kind in MIX}
    for word in words:
        calls["search"].append(Call("search", "GET", f"/listings/?q={word}"))
        calls["search"].append(Call("search", "GET", f"/api/v1/listings/?q={word}"))
        calls["feed"].append(Call("feed", "GET", f"/listings/feed/rss/?q={word}"))
    for pk, slug in listings:
        calls["listing"].append(Call("listing", "GET", f"/listings/{pk}/{slug}/"))
    try:
        from events import services as event_services
    except ImportError:  # the events app is not in this tree: the mix runs without it
        return {kind: found for kind, found in calls.items() if found}

    membership = Membership.objects.select_related("user", "organisation").order_by("pk").first()
    assert membership is not None
    start = timezone.now() + timedelta(days=30)
    tokens = []
    for n in range(USERS):
        person = User.objects.create_user(email=f"load{n}@bench.example", password=None)
        tokens.append(core_services.api_token_create(actor=person, name="load")[1])
    for n in range(EVENTS):
        event = event_services.event_create(
            actor=membership.user,
            organisation=membership.organisation,
            kind="breakfast",
            title=f"Load breakfast {n} {rng.choice(words)}",
            summary="Councils and suppliers talk about what works, over coffee.",
            starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, hours=2),
            capacity=100_000,
            venue_name="Town Hall",
        )
        ticket = event_services.ticket_type_create(
            actor=membership.user,
            event=event,
            name="Standard",
            price_pence=0,
            capacity=100_000,
            max_per_booking=10,
        )
        event = event_services.event_publish(actor=membership.user, event=event)
        calls["event"].append(Call("event", "GET", f"/events/{event.slug}/"))
        calls["feed"].append(Call("feed", "GET", f"/events/{event.slug}/calendar.ics"))
        for i, token in enumerate(tokens):
            calls["booking"].append(
                Call(
                    "booking",
                    "POST",
                    "/api/v1/bookings/",
                    token=token,
                    json={
                        "ticket_type": ticket.pk,
                        "attendees": [{"name": f"Guest {i}", "email": f"guest{i}@bench.example"}],
                    },
                )
            )
    return calls


def plan(calls: dict[str, list[Call]], count: int) -> list[Call]:
    """``count`` calls drawn by the mix's weights (kinds missing from the tree left out)."""
    rng = random.Random(7)
    kinds = [kind for kind in MIX if kind in calls]
    weights = [MIX[kind] for kind in kinds]
    return [rng.choice(calls[kind]) for kind in rng.choices(kinds, weights, k=count)]


async def drive(base: str, calls: list[Call], *, deadline_seconds: float) -> Phase:
    import httpx

    phase = Phase()
    queue = iter(calls)
    deadline = time.perf_counter() + deadline_seconds
    headers = {"X-Forwarded-Proto": "https"}  # as the TLS-terminating proxy sends it
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as http:

        async def client() -> None:
            for call in queue:
                if time.perf_counter() > deadline:
                    return
                extra = {"Authorization": f"Token {call.token}"} if call.token else {}
                started = time.perf_counter()
                try:
                    response = await http.request(
                        call.method, call.path, json=call.json, headers=extra
                    )
                    status = response.status_code
                except httpx.HTTPError:
                    status = -1
                phase.samples[call.kind].append((time.perf_counter() - started) * 1000)
                phase.statuses[(call.kind, status)] += 1

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
        phase.seconds = time.perf_counter() - started
    return phase


def start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes] | None, str]:
    if shutil.which("redis-server") is None:
        return None, ""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    return process, f"redis://127.0.0.1:{port}"


def start_gunicorn(port: int, redis_url: str, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="exchange.settings",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        SITE_URL="https://exchange.bench",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        # The load test measures serving capacity, not the partner rate limits.
        API_RATE_TOKEN="10000000/hour",  # noqa: S106  (a rate, not a secret)
        API_RATE_ANON="10000000/hour",
        LOG_LEVEL="WARNING",
        GUNICORN_BIND=f"127.0.0.1:{port}",
    )
    if redis_url:
        env.update(CELERY_BROKER_URL=f"{redis_url}/0", REDIS_URL=f"{redis_url}/1")
    if WORKERS:
        env["WEB_CONCURRENCY"] = WORKERS
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--access-logfile",
                "/dev/null",
                "exchange.wsgi",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer /healthz within 120 s")


def stop(process: subprocess.Popen[bytes] | None) -> None:
    """End the process group we started, by its leader's PID."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def report_phase(prefix: str, phase: Phase) -> None:
    samples = phase.all_samples
    report(f"{prefix}.requests", len(samples))
    report(f"{prefix}.seconds", phase.seconds)
    report(f"{prefix}.rps", len(samples) / phase.seconds)
    report(f"{prefix}.p50_ms", p50(samples))
    report(f"{prefix}.p95_ms", p95(samples))
    report(f"{prefix}.errors", phase.errors)


def target(name: str, value: float, op: str, goal: float) -> None:
    """A figure with its target, for bench/summary.py: name, name.target, name.met."""
    report(name, value)
    report(f"{name}.target", f"{op} {goal:g}")
    report(f"{name}.met", "yes" if (value >= goal if op == ">=" else value <= goal) else "no")


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        report("load.skipped", "set DATABASE_URL to a PostgreSQL server")
        return
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # seeding queues thousands of tasks
    vendor = setup_django("load")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # no line per request
    prefix = f"load.{vendor}"
    report(f"{prefix}.machine_load_1min_before", os.getloadavg()[0])
    started = time.perf_counter()
    calls = seed_world()
    from django.db import connections

    connections.close_all()
    report(f"{prefix}.seed_seconds", time.perf_counter() - started)
    report(f"{prefix}.listings", LISTINGS)
    report(f"{prefix}.kinds", "+".join(kind for kind in MIX if kind in calls))
    report(f"{prefix}.concurrency", CONCURRENCY)

    workdir = Path(tempfile.mkdtemp(prefix="oix-load-"))
    redis, redis_url = start_redis(workdir)
    report(f"{prefix}.broker", "private redis-server" if redis else "none (tasks run eagerly)")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = workdir / "gunicorn.log"
    gunicorn = start_gunicorn(port, redis_url, log)
    try:
        wait_up(base, gunicorn, log)
        report(
            f"{prefix}.gunicorn_workers", WORKERS or f"default ({2 * (os.cpu_count() or 1) + 1})"
        )
        warm = [Call("bare", "GET", "/healthz")] * 100 + plan(calls, 200)
        asyncio.run(drive(base, warm, deadline_seconds=SECONDS))
        bare = asyncio.run(
            drive(base, [Call("bare", "GET", "/healthz")] * REQUESTS, deadline_seconds=SECONDS)
        )
        mix = asyncio.run(drive(base, plan(calls, REQUESTS), deadline_seconds=SECONDS))
    finally:
        stop(gunicorn)
        stop(redis)
    report_phase(f"{prefix}.bare", bare)
    report_phase(f"{prefix}.mix", mix)
    for kind in MIX:
        if mix.samples.get(kind):
            report(f"{prefix}.mix.{kind}.requests", len(mix.samples[kind]))
            report(f"{prefix}.mix.{kind}.p95_ms", p95(mix.samples[kind]))
    for (kind, status), count in sorted(mix.statuses.items()):
        if status >= 400 or status < 0:
            report(f"{prefix}.mix.{kind}.status_{status}", count)
    bare_rps = len(bare.all_samples) / bare.seconds
    mix_rps = len(mix.all_samples) / mix.seconds
    target(
        f"{prefix}.mix.throughput_ratio_to_bare", mix_rps / bare_rps, ">=", TARGET_THROUGHPUT_RATIO
    )
    target(
        f"{prefix}.mix.p95_ratio_to_bare",
        p95(mix.all_samples) / p95(bare.all_samples),
        "<=",
        TARGET_P95_RATIO,
    )
    target(f"{prefix}.mix.errors", mix.errors, "<=", 0)


if __name__ == "__main__":
    main()
