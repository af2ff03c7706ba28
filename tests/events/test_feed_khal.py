"""Our feeds in a real calendar client: Debian's khal imports each feed into its own vdir
calendar, then lists them; we check the titles, the London wall-clock times and the
cancelled status it prints.

khal is installed by ``.ci/run``. Where it is missing this skips, except when
``OIX_REQUIRE_KHAL=1`` (CI sets it): then a missing khal fails the test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.events.feed_world import make_world

pytestmark = pytest.mark.django_db

KHAL = shutil.which("khal")

CONFIG = """\
[calendars]
{calendars}

[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
local_timezone = Europe/London
default_timezone = Europe/London

[default]
default_calendar = public

[sqlite]
path = {root}/khal.db
"""

FEEDS = ("public", "organiser", "event", "event-future", "personal")


@pytest.fixture
def khal(tmp_path: Path):
    if KHAL is None:
        if os.environ.get("OIX_REQUIRE_KHAL") == "1":
            pytest.fail("khal is missing: apt-get install khal (CI installs it).")
        pytest.skip("khal is not installed (apt-get install khal); CI requires it.")
    calendars = []
    for name in FEEDS:
        (tmp_path / name).mkdir()
        calendars.append(f"[[{name}]]\npath = {tmp_path / name}\ntype = calendar\n")
    config = tmp_path / "config"
    config.write_text(CONFIG.format(calendars="\n".join(calendars), root=tmp_path))
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "xdg-config"),
        "XDG_DATA_HOME": str(tmp_path / "xdg-data"),
        "TZ": "Europe/London",
        "LC_ALL": "C.UTF-8",
    }

    def run(*args: str) -> str:
        result = subprocess.run(  # noqa: S603 - a fixed program and our own arguments
            [KHAL, "-c", str(config), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert "error" not in result.stderr.lower(), result.stderr
        return result.stdout

    run.tmp = tmp_path  # type: ignore[attr-defined]
    return run


def imported(khal, name: str, body: bytes) -> list[tuple[str, str, str, str]]:
    """Import ``body`` into calendar ``name`` and list what khal then shows of it:
    (start, end, title, status) in London time."""
    path = khal.tmp / f"{name}.ics"
    path.write_bytes(body)
    khal("import", "--batch", "-a", name, str(path))
    out = khal(
        "list",
        "-a",
        name,
        "--format",
        "{start}|{end}|{title}|{status}",
        "--day-format",
        "",
        "2020-01-01",
        "3650d",
    )
    out += khal(
        "list",
        "-a",
        name,
        "--format",
        "{start}|{end}|{title}|{status}",
        "--day-format",
        "",
        "2030-01-01",
        "5000d",
    )
    rows = {
        tuple(part.strip() for part in line.split("|")) for line in out.splitlines() if "|" in line
    }
    return sorted(rows)  # type: ignore[arg-type]


@pytest.fixture
def world(client):
    return make_world(client)


def _get(world, feed: str) -> bytes:
    response = world["client"].get(world["urls"][feed])
    assert response.status_code == 200
    return response.content


def _when(moment) -> str:
    return moment.astimezone(ZoneInfo("Europe/London")).strftime("%Y-%m-%d %H:%M")


def test_khal_imports_the_organiser_feed(khal, world):
    future, uncon, doomed = world["future"], world["uncon"], world["doomed"]

    rows = imported(khal, "organiser", _get(world, "organiser"))

    assert rows == sorted(
        [
            ("2041-07-01 08:00", "2041-07-01 10:00", future.title, "CONFIRMED"),
            (_when(uncon.starts_at), _when(uncon.ends_at), uncon.title, "CONFIRMED"),
            (_when(doomed.starts_at), _when(doomed.ends_at), doomed.title, "CANCELLED"),
        ]
    )


def test_khal_imports_the_event_feed_with_sessions_and_agenda(khal, world):
    uncon, session = world["uncon"], world["session"]
    slot = session.placed_slot

    rows = imported(khal, "event", _get(world, "event"))
    future_rows = imported(khal, "event-future", _get(world, "event-future"))

    assert rows == sorted(
        [
            (_when(uncon.starts_at), _when(uncon.ends_at), uncon.title, "CONFIRMED"),
            (_when(slot.starts_at), _when(slot.ends_at), "Open data for potholes", "CONFIRMED"),
        ]
    )
    assert future_rows == sorted(
        [
            ("2041-07-01 08:00", "2041-07-01 10:00", world["future"].title, "CONFIRMED"),
            ("2041-07-01 08:00", "2041-07-01 10:00", "Coffee ☕", "CONFIRMED"),
        ]
    )


def test_khal_imports_the_public_and_personal_feeds(khal, world):
    future, uncon, doomed, meeting = (
        world["future"],
        world["uncon"],
        world["doomed"],
        world["meeting"],
    )
    expected_events = [
        ("2041-07-01 08:00", "2041-07-01 10:00", future.title, "CONFIRMED"),
        (_when(uncon.starts_at), _when(uncon.ends_at), uncon.title, "CONFIRMED"),
        (_when(doomed.starts_at), _when(doomed.ends_at), doomed.title, "CANCELLED"),
    ]
    meeting.refresh_from_db()
    slot = meeting.slot

    public = imported(khal, "public", _get(world, "public"))
    personal = imported(khal, "personal", _get(world, "personal"))

    assert public == sorted(expected_events)
    assert personal == sorted(
        [
            *expected_events,
            (
                _when(slot.starts_at),
                _when(slot.ends_at),
                "1:1 meeting: Ana's supplier and Olu's charity (table 1)",
                "CONFIRMED",
            ),
        ]
    )
