"""Fixtures that run the exchange as production does: real processes against real services.

Tests marked ``integration`` need PostgreSQL (``DATABASE_URL``) and Redis
(``CELERY_BROKER_URL``, ``REDIS_URL``); ``.ci/run`` starts both and runs
``pytest -m integration tests/integration``. Without them these tests are skipped — unless
``OIX_INTEGRATION=required`` (set by ``.ci/run``), where a missing service fails the run.
The PostgreSQL restart and backup tests also need ``OIX_PGBIN`` and ``OIX_PGDATA`` (the
server's binaries and data directory), which ``.ci/run`` exports for the server it started.

The tests write through the services in this process (committed: ``transaction=True``) and
observe what separate worker, beat and gunicorn processes do with it. Each test gets its own
processes (started by fixtures, stopped by PID when it ends, also on failure) and an empty
broker. Unmarked tests in this folder check the same production wiring in-process and run
everywhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest
import redis
from django.db import connection

from exchange.celery import app as celery_app
from tests.integration.processes import (
    Service,
    app_env,
    beat_argv,
    free_port,
    gunicorn_argv,
    redis_argv,
    wait_until,
    worker_argv,
)
from tests.integration.smtp import SmtpServer

DATABASE_URL = os.environ.get("DATABASE_URL", "")
BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
REQUIRED = os.environ.get("OIX_INTEGRATION") == "required"


def _missing() -> str:
    missing = [
        name
        for name, value in (
            ("DATABASE_URL (PostgreSQL)", DATABASE_URL.startswith("postgres")),
            ("CELERY_BROKER_URL (Redis)", BROKER_URL.startswith("redis")),
            ("REDIS_URL", REDIS_URL.startswith("redis")),
        )
        if not value
    ]
    return ", ".join(missing)


def need(condition: bool, reason: str) -> None:
    """Skip when a prerequisite is missing; fail instead when CI said it is required."""
    if condition:
        return
    if REQUIRED:
        pytest.fail(f"OIX_INTEGRATION=required but {reason}", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip integration tests at collection when their services are missing: a skip decided
    later would still set up (and flush) the transactional test database."""
    missing = _missing()
    if not missing and shutil.which("redis-server") is None:
        missing = "redis-server on PATH"
    if not missing:
        return
    if REQUIRED:
        raise pytest.UsageError(f"OIX_INTEGRATION=required but integration tests need {missing}")
    skip = pytest.mark.skip(reason=f"integration tests need {missing}")
    for item in items:
        if item.get_closest_marker("integration") is not None:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _integration_prerequisites(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("integration") is None:
        yield
        return
    redis.Redis.from_url(BROKER_URL).flushdb()  # no message left over from another test
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = BROKER_URL
    try:
        yield
    finally:
        Service.stop_all()
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved


@pytest.fixture
def test_database_url(transactional_db: None) -> str:
    """The URL of pytest-django's test database, for the processes this test starts."""
    parts = urlsplit(DATABASE_URL)
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer(free_port()).start()
    yield server
    server.stop()


@dataclass
class Stack:
    """Starts exchange processes for one test against one database, broker and SMTP server."""

    workdir: Path
    database_url: str
    broker_url: str
    smtp: SmtpServer

    def env(self, **extra: str) -> dict[str, str]:
        """The process environment; ``extra`` overrides any variable (DATABASE_URL…)."""
        return app_env(
            database_url=self.database_url,
            broker_url=self.broker_url,
            redis_url=REDIS_URL,
            smtp_port=self.smtp.port,
            **extra,
        )

    def worker(self, name: str = "worker", **env: str) -> Service:
        service = Service(
            name, worker_argv(name), self.env(**env), self.workdir / f"{name}.log"
        ).start()
        service.wait_for_log(" ready.", timeout=90)
        return service

    def beat(self, schedule: str, **env: str) -> Service:
        service = Service(
            "beat",
            beat_argv(self.workdir),
            self.env(CELERY_BEAT_TEST_SCHEDULE=schedule, **env),
            self.workdir / "beat.log",
        ).start()
        service.wait_for_log("beat: Starting", timeout=60)
        return service

    def web(self, **env: str) -> Web:
        port = free_port()
        service = Service(
            "gunicorn",
            gunicorn_argv(port),
            self.env(WEB_CONCURRENCY="2", **env),
            self.workdir / "gunicorn.log",
        ).start()
        web = Web(service, f"http://127.0.0.1:{port}")
        wait_until(web.up, timeout=60, interval=0.2, what="gunicorn to answer /healthz")
        return web


@dataclass
class Web:
    service: Service
    url: str

    def request(
        self, method: str, path: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """A request as the TLS-terminating proxy forwards it (X-Forwarded-Proto: https)."""
        headers = {"X-Forwarded-Proto": "https", **(headers or {})}
        return httpx.request(method, self.url + path, headers=headers, timeout=30, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def up(self) -> bool:
        if not self.service.alive:
            raise RuntimeError(f"gunicorn exited:\n{self.service.tail()}")
        try:
            return httpx.get(self.url + "/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False


@pytest.fixture
def stack(tmp_path: Path, test_database_url: str, smtp: SmtpServer) -> Iterator[Stack]:
    built = Stack(tmp_path, test_database_url, BROKER_URL, smtp)
    yield built
    for service in list(Service.running):
        print(f"--- {service.name} log (last lines) ---\n{service.tail()}")  # noqa: T201
    Service.stop_all()


class PrivateRedis:
    """A Redis of this test's own, which the test may stop and start again on the same port."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.service: Service | None = None

    def start(self) -> PrivateRedis:
        self.service = Service(
            "redis",
            redis_argv(self.port, self.workdir),
            dict(os.environ),
            self.workdir / "redis.log",
        ).start()
        wait_until(self.ping, timeout=20, what="the private Redis")
        return self

    def stop(self) -> None:
        assert self.service is not None
        self.service.stop()

    def ping(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=1).ping())
        except redis.ConnectionError:
            return False


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path).start()
    yield server
    if server.service is not None:
        server.service.stop()


@dataclass(frozen=True)
class PostgresServer:
    bindir: Path
    datadir: Path

    def restart(self) -> None:
        """Fast restart (every connection is cut, as in a failover), with the options the
        server was started with (pg_ctl keeps them in postmaster.opts)."""
        command = [
            str(self.bindir / "pg_ctl"),
            *("-D", str(self.datadir), "-l", str(self.datadir / "server.log")),
            *("-m", "fast", "-w", "-t", "60", "restart"),
        ]
        if os.geteuid() == 0:  # the server runs as its owner, never as root
            command = ["runuser", "-u", self.datadir.owner(), "--", *command]
        subprocess.run(  # noqa: S603  (our own argv)
            command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120
        )

    def tool(self, name: str) -> str:
        return str(self.bindir / name)


@pytest.fixture
def postgres_server() -> PostgresServer:
    bindir, datadir = os.environ.get("OIX_PGBIN", ""), os.environ.get("OIX_PGDATA", "")
    need(
        bool(bindir and datadir),
        "OIX_PGBIN and OIX_PGDATA must name the PostgreSQL server the tests may restart",
    )
    return PostgresServer(Path(bindir), Path(datadir))
