"""Shared harness for benchmarks: a throw-away database, seeding, timing, name=value output.

Benchmarks run in-process with Django's test client. They use ``DATABASE_URL`` when set
(a PostgreSQL server you point them at; a fresh database named ``<name>_bench`` is created)
and otherwise a temporary SQLite file with the production SQLite options.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Run benchmarks as modules from the project root (python -m bench.search) so that a script's
# name never shadows an app of the same name.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def setup_django(label: str) -> str:
    """Configure Django against a fresh benchmark database. Returns the backend vendor."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exchange.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 50)
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")  # eager tasks log a line each while seeding
    if os.environ.get("DATABASE_URL"):
        url = os.environ["DATABASE_URL"].rstrip("/")
        base, _, name = url.rpartition("/")
        import psycopg

        bench_db = f"{name}_{label}_bench"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
            conn.execute(f'CREATE DATABASE "{bench_db}"')
        os.environ["DATABASE_URL"] = f"{base}/{bench_db}"
    else:
        tmp = Path(tempfile.mkdtemp(prefix=f"oix-bench-{label}-"))
        os.environ["SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    return connection.vendor


def seed(listings: int) -> None:
    from exchange.demo import bulk_generate_listings, seed_exchange

    seed_exchange()
    if listings:
        bulk_generate_listings(listings)


def measure(fn: Callable[[], object], *, repeat: int, warmup: int = 3) -> list[float]:
    """Run ``fn`` ``repeat`` times (after warm-up); return durations in milliseconds."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p50(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(name: str, value: float | int | str) -> None:
    """Print one figure as a ``name=value`` line."""
    if isinstance(value, float):
        value = f"{value:.3f}"
    print(f"{name}={value}", flush=True)
