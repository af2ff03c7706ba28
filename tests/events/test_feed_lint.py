"""Feed lint: every kind of feed, populated with what real feeds carry (agenda items,
published sessions, a 1:1 meeting, a cancelled event, an event after 2037, summer and
winter times, long non-ASCII text), obeys the RFC 5545 points the issue lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from events import services
from tests.events.feed_helpers import by_uid, lines, lint, vevents
from tests.events.feed_world import make_world

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def uid_of(obj) -> str:
    return f"{obj.uid}@open-innovation-exchange"


@pytest.fixture
def world(client):
    return make_world(client)


FEEDS = ["public", "organiser", "event", "event-future", "personal"]


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_is_lint_clean(world, feed):
    body = world["client"].get(world["urls"][feed]).content

    assert lint(body) == []
    assert vevents(body) != []


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_crlf_and_folding(world, feed):
    body = world["client"].get(world["urls"][feed]).content

    raw_lines = body.split(b"\r\n")
    assert raw_lines[-1] == b""
    assert all(b"\n" not in line and b"\r" not in line for line in raw_lines)
    assert max(len(line) for line in raw_lines) <= 75
    assert any(line.startswith(b" ") for line in raw_lines)  # long text really was folded


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_every_tzid_has_a_vtimezone_that_is_right_on_each_date(world, feed):
    calendar = Calendar.from_ical(world["client"].get(world["urls"][feed]).content)

    zones = {str(tz["TZID"]): tz.to_tz() for tz in calendar.walk("VTIMEZONE")}
    for event in calendar.walk("VEVENT"):
        start = event["DTSTART"]
        tzid = str(start.params["TZID"])
        local = start.dt.replace(tzinfo=None)
        # The feed's own VTIMEZONE gives the same offset as the zoneinfo database, in 2041 too.
        assert zones[tzid].utcoffset(local) == local.replace(tzinfo=ZoneInfo(tzid)).utcoffset()


def test_summer_2041_is_bst_and_winter_is_gmt(world):
    body = world["client"].get(world["urls"]["organiser"]).content
    events = by_uid(body)

    future = events[uid_of(world["future"])]
    uncon = events[uid_of(world["uncon"])]
    assert future.decoded("DTSTART").astimezone(UTC) == datetime(2041, 7, 1, 7, 0, tzinfo=UTC)
    assert uncon.decoded("DTSTART").utcoffset() == timedelta(0)
    assert "DTSTART;TZID=Europe/London:20410701T080000" in lines(body)


@pytest.mark.parametrize("feed", FEEDS)
def test_feed_calendar_properties(world, feed):
    response = world["client"].get(world["urls"][feed])
    calendar = Calendar.from_ical(response.content)

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["NAME"]) == str(calendar["X-WR-CALNAME"])
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in lines(response.content)
    assert "X-PUBLISHED-TTL:PT1H" in lines(response.content)
    assert "METHOD" not in calendar
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith(" GMT")


@pytest.mark.parametrize("feed", ["public", "organiser", "personal"])
def test_cancelled_event_kept(world, feed):
    events = by_uid(world["client"].get(world["urls"][feed]).content)

    doomed = events[uid_of(world["doomed"])]
    assert str(doomed["STATUS"]) == "CANCELLED"
    assert doomed["SEQUENCE"] == 2  # published (1), cancelled (2)


@pytest.mark.parametrize("feed", FEEDS)
def test_sequence_increases_after_an_edit(world, feed):
    client = world["client"]
    url = world["urls"][feed]
    before = {uid: e["SEQUENCE"] for uid, e in by_uid(client.get(url).content).items()}
    actor = world["actor"]
    for event in (world["future"], world["uncon"]):
        services.event_update(actor=actor, event=event, venue_name="Civic Centre")

    after = {uid: e["SEQUENCE"] for uid, e in by_uid(client.get(url).content).items()}

    assert set(after) == set(before)
    changed = {uid for uid in after if after[uid] != before[uid]}
    unchanged_doomed = {uid_of(world["doomed"])} & set(after)
    assert changed == set(after) - unchanged_doomed
    assert all(after[uid] == before[uid] + 1 for uid in changed)


def test_event_feed_carries_session_and_uids_survive_a_rename(world):
    client = world["client"]
    url = world["urls"]["event"]
    before = set(by_uid(client.get(url).content))

    services.event_update(actor=world["actor"], event=world["uncon"], title="Renamed camp")
    after = by_uid(client.get(url).content)

    assert set(after) == before
    assert uid_of(world["session"]) in after
    assert str(after[uid_of(world["uncon"])]["SUMMARY"]) == "Renamed camp"


def test_personal_feed_has_the_meeting(world):
    events = by_uid(world["client"].get(world["urls"]["personal"]).content)

    meeting = events[uid_of(world["meeting"])]
    assert str(meeting["SUMMARY"]) == ("1:1 meeting: Ana's supplier and Olu's charity (table 1)")
    assert str(meeting["STATUS"]) == "CONFIRMED"
