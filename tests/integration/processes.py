"""Real processes for the integration suite: a worker, beat, gunicorn, a private Redis.

Each process starts in its own process group and logs to a file; ``stop`` ends the group by
the leader's PID (SIGTERM, then SIGKILL), so a worker's pool children go with it. Every
process started is remembered, and ``stop_all`` (called by the conftest at the end of each
test and of the session, failures included) ends whatever is still running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")

QUEUES = "default,mail,matching,webhooks,search"
SECRET_KEY = "integration-" + "s3cr3t-K3y-" * 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(
    predicate: Callable[[], T], *, timeout: float, interval: float = 0.1, what: str = ""
) -> T:
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {timeout:.0f} s waiting for {what or predicate}")
        time.sleep(interval)


class Service:
    """One subprocess (and its children), logging to ``log_path``."""

    running: list[Service] = []

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_path: Path):
        self.name, self.argv, self.env, self.log_path = name, argv, env, log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> Service:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603  (our own argv)
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        Service.running.append(self)
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for_log(self, text: str, *, timeout: float = 60, count: int = 1) -> None:
        def seen() -> bool:
            if not self.alive:
                raise RuntimeError(f"{self.name} exited early:\n{self.tail()}")
            return self.log().count(text) >= count

        try:
            wait_until(seen, timeout=timeout, what=f"{text!r} in the {self.name} log")
        except TimeoutError as exc:
            raise TimeoutError(f"{exc}\n{self.tail()}") from None

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def children(self) -> list[int]:
        """PIDs whose parent is this process (a worker's pool processes)."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.pid:
                found.append(int(stat.parent.name))
        return sorted(found)

    def kill(self) -> None:
        """SIGKILL the whole group at once: no shutdown code runs."""
        self.stop(sig=signal.SIGKILL)

    def stop(self, sig: signal.Signals = signal.SIGTERM, timeout: float = 20) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            try:
                os.killpg(self.pid, sig)
                self.process.wait(timeout=timeout)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        # The leader may be gone while its children linger: end the group for sure.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(timeout=10)
        if self in Service.running:
            Service.running.remove(self)

    @classmethod
    def stop_all(cls) -> None:
        for service in reversed(list(cls.running)):
            service.stop(timeout=10)


def app_env(
    *,
    database_url: str,
    broker_url: str,
    redis_url: str,
    smtp_port: int | None = None,
    **extra: str,
) -> dict[str, str]:
    """The environment of a production-configured exchange process on this machine."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "CELERY_", "EMAIL_"))
    }
    env.update(
        {
            "DJANGO_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "exchange.settings",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "https://exchange.test",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "REDIS_URL": redis_url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp_port or 1),
            "EMAIL_TIMEOUT": "20",
            "MATCH_STATS_TTL": "0",
            "LOG_FORMAT": "plain",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "exchange", *args]


def worker_argv(hostname: str) -> list[str]:
    """One pool process, so the test knows which process runs the task."""
    return celery(
        "worker",
        "--loglevel=INFO",
        "--pool=prefork",
        "--concurrency=1",
        f"--queues={QUEUES}",
        f"--hostname={hostname}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    )


def beat_argv(workdir: Path) -> list[str]:
    return celery(
        "beat",
        "--loglevel=INFO",
        f"--schedule={workdir / 'celerybeat-schedule'}",
        f"--pidfile={workdir / 'beat.pid'}",
        "--max-interval=1",
    )


def gunicorn_argv(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "exchange.wsgi",
    ]


def redis_argv(port: int, workdir: Path) -> list[str]:
    return [
        "redis-server",
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
    ]
