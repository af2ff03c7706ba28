"""The backup and restore of docs/deploy.md, run for real: pg_dump of a seeded database,
pg_restore into an empty one, every table's row count compared, Django's migration state
checked on the copy.
"""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from exchange.models import User
from listings.enums import AlertFrequency
from listings.queries import SearchParams
from listings.services import saved_search_create
from tests.factories.exchange import UserFactory, make_organisation
from tests.factories.listings import make_listing
from tests.integration.processes import ROOT, SECRET_KEY

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            for table in tables
        }


def _seed() -> None:
    council = make_organisation(name="Northshire County Council", kind="council")
    supplier = make_organisation(name="Brightbin Ltd", kind="supplier")
    make_listing(organisation=supplier, title="Smart bins for town centres")
    make_listing(organisation=supplier, title="Route planning for bin lorries")
    make_listing(organisation=council, kind="request", title="Fewer overflowing bins")
    saved_search_create(
        actor=UserFactory(),
        name="Bins",
        params=SearchParams(q="bins"),
        frequency=AlertFrequency.DAILY,
    )
    try:
        from tests.factories.events import book, make_event, ticket  # with the events app
    except ImportError:
        return
    book(ticket(make_event(organisation=council, title="Digital breakfast")), quantity=2)


def test_pg_dump_and_pg_restore_bring_back_every_row(postgres_server, test_database_url, tmp_path):
    _seed()
    dump = tmp_path / "exchange.dump"
    parts = urlsplit(test_database_url)
    restored_name = parts.path.lstrip("/") + "_restored"
    restored_url = urlunsplit(parts._replace(path="/" + restored_name))
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{restored_name}"')
        conn.execute(f'CREATE DATABASE "{restored_name}"')
    try:
        subprocess.run(  # noqa: S603  (the commands of docs/deploy.md)
            [
                postgres_server.tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                f"--file={dump}",
                test_database_url,
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        subprocess.run(  # noqa: S603
            [
                postgres_server.tool("pg_restore"),
                "--no-owner",
                "--exit-on-error",
                "--jobs=2",
                f"--dbname={restored_url}",
                str(dump),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
        migrations = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check", "--noinput"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={
                "PATH": "/usr/bin:/bin",
                "DATABASE_URL": restored_url,
                "DEBUG": "0",
                "SECRET_KEY": SECRET_KEY,
                "DJANGO_SETTINGS_MODULE": "exchange.settings",
            },
        )
        original, restored = _row_counts(test_database_url), _row_counts(restored_url)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{restored_name}" WITH (FORCE)')

    assert restored == original
    assert (
        restored["exchange_organisation"],
        restored["listings_listing"],
        restored["listings_savedsearch"],
        restored["exchange_user"],
    ) == (2, 3, 1, User.objects.count())
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
