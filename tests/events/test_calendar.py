"""The pure .ics builder: RFC 5545 essentials the booking email relies on (feeds come later)."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from events.calendar import CalendarEntry, build_calendar, entry_uid

LONDON = ZoneInfo("Europe/London")
STAMP = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def entry(**overrides):
    data = {
        "uid": entry_uid("6f1c3a9e-0000-4000-8000-000000000001"),
        "sequence": 3,
        "title": "Digital breakfast: what councils learned from a very long pilot programme",
        "starts_at": datetime(2041, 7, 1, 8, 0, tzinfo=LONDON),
        "ends_at": datetime(2041, 7, 1, 10, 0, tzinfo=LONDON),
        "timezone": "Europe/London",
        "last_modified": datetime(2030, 1, 1, tzinfo=UTC),
        "location": "Town Hall, Market Street",
        "organiser_name": "Northshire Council",
        "organiser_email": "events@example.org",
        "categories": ("care", "housing"),
    }
    data.update(overrides)
    return CalendarEntry(**data)


def test_build_calendar_essentials():
    body = build_calendar([entry()], name="Digital breakfast", dtstamp=STAMP, method="PUBLISH")

    text = body.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = text.replace("\r\n ", "").split("\r\n")
    for line in [
        "VERSION:2.0",
        "PRODID:-//Open Innovation Exchange//Events//EN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:Digital breakfast",
        "UID:6f1c3a9e-0000-4000-8000-000000000001@open-innovation-exchange",
        "DTSTAMP:20300102T030405Z",
        "SEQUENCE:3",
        "LAST-MODIFIED:20300101T000000Z",
        "STATUS:CONFIRMED",
        "DTSTART;TZID=Europe/London:20410701T080000",
        "DTEND;TZID=Europe/London:20410701T100000",
        "TZID:Europe/London",
        'ORGANIZER;CN="Northshire Council":mailto:events@example.org',
        "LOCATION:Town Hall\\, Market Street",
    ]:
        assert line in lines


def test_build_calendar_vtimezone_covers_dates_after_2037():
    calendar = Calendar.from_ical(build_calendar([entry()], name="x", dtstamp=STAMP))

    vtimezone = calendar.walk("VTIMEZONE")[0]
    event = calendar.walk("VEVENT")[0]
    assert vtimezone["TZID"] == "Europe/London"
    # 1 July 2041 is summer time: 08:00 BST is 07:00 UTC once the VTIMEZONE is applied.
    tz = vtimezone.to_tz()
    local = event.decoded("DTSTART").replace(tzinfo=None)
    assert tz.utcoffset(local).total_seconds() == 3600


def test_build_calendar_cancelled_status_and_utc_times():
    calendar = Calendar.from_ical(
        build_calendar(
            [entry(status="CANCELLED", timezone="UTC", sequence=4)], name="x", dtstamp=STAMP
        )
    )

    event = calendar.walk("VEVENT")[0]
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 4)
    assert event.decoded("DTSTART") == datetime(2041, 7, 1, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"status": "MAYBE"}, "Unknown calendar status"),
        ({"ends_at": datetime(2041, 7, 1, 8, 0, tzinfo=LONDON)}, "must end after it starts"),
    ],
)
def test_build_calendar_refuses_bad_entries(overrides, message):
    with pytest.raises(ValueError, match=message):
        build_calendar([entry(**overrides)], name="x", dtstamp=STAMP)


def test_build_calendar_needs_aware_stamp():
    with pytest.raises(ValueError, match="dtstamp needs a time zone"):
        build_calendar([entry()], name="x", dtstamp=datetime(2030, 1, 1))  # noqa: DTZ001
