import pytest
from django.core.management import call_command

from events.models import Booking, Event
from events.queries import published_grid
from exchange.demo import seed_exchange

pytestmark = pytest.mark.django_db


def test_seed_demo_events_is_idempotent(capsys):
    seed_exchange()

    call_command("seed_demo_events")
    call_command("seed_demo_events")

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Demo events: 4 new events, 9 bookings.",
        "Demo events: 0 new events, 0 bookings.",
    ]
    assert sorted(Event.objects.values_list("title", "status")) == [
        ("Ageing well breakfast", "published"),
        ("Hot seat: digital front doors", "published"),
        ("Open data unconference", "published"),
        ("Retrofit at scale", "published"),
    ]
    assert sorted(Booking.objects.values_list("payment_method", "status")) == [
        *[("free", "confirmed")] * 8,
        ("invoice", "confirmed"),
    ]


def test_seed_demo_events_unconference_has_a_published_grid(capsys):
    seed_exchange()

    call_command("seed_demo_events")

    event = Event.objects.get(title="Open data unconference")
    grid = published_grid(event)
    placed = {
        (row.slot.starts_at.hour, cell.room.name): cell.session.title
        for row in grid.rows
        for cell in row.cells
        if cell.session
    }
    assert event.schedule_published_at is not None
    assert list(event.rooms.values_list("name", "capacity")) == [
        ("Council Chamber", 40),
        ("Committee Room 1", 16),
        ("Reading room", 8),
    ]
    assert list(event.sessions.values_list("title", "vote_count")) == [
        ("One schema for care home vacancies", 5),
        ("Sensor data nobody reads", 3),
        ("Buying data, not devices", 2),
        ("Publishing bin routes safely", 1),
        ("Falls data between agencies", 0),
    ]
    # The most-voted fill the largest room first; Gareth cannot speak twice at 11:00.
    assert placed == {
        (10, "Council Chamber"): "One schema for care home vacancies",
        (10, "Committee Room 1"): "Publishing bin routes safely",
        (11, "Council Chamber"): "Sensor data nobody reads",
        (11, "Committee Room 1"): "Falls data between agencies",
        (13, "Council Chamber"): "Buying data, not devices",
    }


def test_seed_demo_events_without_demo_exchange_does_nothing(capsys):
    call_command("seed_demo_events")

    assert capsys.readouterr().out == "Demo events: 0 new events, 0 bookings.\n"
    assert Event.objects.count() == 0
