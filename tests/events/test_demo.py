import pytest
from django.core.management import call_command

from events.models import Booking, Event
from exchange.demo import seed_exchange

pytestmark = pytest.mark.django_db


def test_seed_demo_events_is_idempotent(capsys):
    seed_exchange()

    call_command("seed_demo_events")
    call_command("seed_demo_events")

    out = capsys.readouterr().out.splitlines()
    assert out == [
        "Demo events: 3 new events, 3 bookings.",
        "Demo events: 0 new events, 0 bookings.",
    ]
    assert sorted(Event.objects.values_list("title", "status")) == [
        ("Ageing well breakfast", "published"),
        ("Hot seat: digital front doors", "published"),
        ("Retrofit at scale", "published"),
    ]
    assert sorted(Booking.objects.values_list("payment_method", "status")) == [
        ("free", "confirmed"),
        ("free", "confirmed"),
        ("invoice", "confirmed"),
    ]


def test_seed_demo_events_without_demo_exchange_does_nothing(capsys):
    call_command("seed_demo_events")

    assert capsys.readouterr().out == "Demo events: 0 new events, 0 bookings.\n"
    assert Event.objects.count() == 0
