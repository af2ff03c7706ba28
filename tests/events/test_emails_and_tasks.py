from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from events import services, tasks
from events.models import Booking
from events.services import AttendeeData
from exchange.models import Notification
from tests.factories.events import LONDON, book, in_days, make_event, ticket
from tests.factories.exchange import UserFactory

pytestmark = pytest.mark.django_db


def test_confirmation_email_contents(booker, django_capture_on_commit_callbacks):
    event = make_event(venue_name="Town Hall", online_url="https://meet.example.org/room")

    with django_capture_on_commit_callbacks(execute=True):
        booking = services.booking_create(
            actor=booker,
            ticket_type=ticket(event),
            attendees=[AttendeeData("Bea Booker", "bea@example.org")],
        )

    message = mail.outbox[0]
    attendee = booking.attendees.get()
    assert message.to == ["bea@example.org"]
    assert f"Reference: {booking.reference}" in message.body
    assert f"http://testserver/tickets/{attendee.code}/" in message.body
    assert "Join online: https://meet.example.org/room" in message.body
    assert message.alternatives[0][1] == "text/html"
    ics = message.attachments[0][1].replace("\r\n ", "")
    assert "https://meet.example.org/room" in ics  # ticket holders get the joining link
    assert len(mail.outbox) == 1  # the booker is the only attendee


def test_reminders_go_out_the_day_before_once(booker):
    # No cancellation cutoff, so the booker may still cancel whatever the hour the test runs.
    tomorrow = make_event(
        title="Tomorrow", starts_at=in_days(1, hour=9), cancellation_cutoff_hours=0
    )
    later = make_event(title="Later", starts_at=in_days(3, hour=9))
    services.booking_create(
        actor=booker,
        ticket_type=ticket(tomorrow),
        attendees=[AttendeeData("Bea", "bea@example.org"), AttendeeData("Cy", "cy@example.org")],
    )
    book(ticket(later), user=booker)
    cancelled = book(ticket(tomorrow))
    services.booking_cancel(actor=cancelled.booker, booking=cancelled)
    mail.outbox.clear()
    now = timezone.now()

    sent = services.event_reminders_send(now=now)
    again = services.event_reminders_send(now=now)

    assert (sent, again) == (1, 0)
    assert [m.to for m in mail.outbox] == [["cy@example.org"]]
    assert mail.outbox[0].subject == "Tomorrow: Tomorrow"
    note = Notification.objects.filter(recipient=booker).order_by("-pk").first()
    assert note.text.startswith("Reminder: Tomorrow is tomorrow, ")
    assert Booking.objects.filter(reminded_at__isnull=False).count() == 1


def test_reminder_uses_the_event_time_zone_for_tomorrow(booker):
    # "Tomorrow" is the next calendar day in the event's zone, counted from 01:00 London.
    now = datetime.combine(in_days(1).date(), datetime.min.time(), tzinfo=LONDON) + timedelta(
        hours=1
    )
    event = make_event(starts_at=now + timedelta(days=1, hours=7))
    book(ticket(event), user=booker)

    assert services.event_reminders_send(now=now) == 1


def test_periodic_tasks_call_their_services(stripe_on, settings):
    settings.BOOKING_HOLD_MINUTES = 30
    event = make_event(capacity=1, tickets=[{"name": "Paid", "price_pence": 500}])
    past = timezone.now() - timedelta(hours=1)
    held = book(ticket(event), payment_method="card", now=past)
    waiter = UserFactory()
    services.waitlist_join(actor=waiter, ticket_type=ticket(event), quantity=1, now=past)

    released = tasks.release_expired_holds.apply().get()
    expired = tasks.expire_waitlist_offers.apply().get()
    reminded = tasks.send_event_reminders.apply().get()
    refunds = tasks.send_requested_refunds.apply().get()

    held.refresh_from_db()
    assert (released, expired, reminded, refunds) == (1, 0, 0, 0)
    assert held.status == "expired"
    assert event.waitlist.get().status == "offered"


def test_task_names_used_by_services_exist():
    from exchange.queue import resolve_task

    for name in [
        "send_booking_confirmation",
        "send_refund",
        "expire_checkout_session",
        "release_expired_holds",
        "expire_waitlist_offers",
        "send_event_reminders",
        "send_requested_refunds",
    ]:
        assert resolve_task(f"events.tasks.{name}").name == f"events.tasks.{name}"


def test_beat_schedule_runs_the_periodic_tasks(settings):
    tasks_in_beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {
        "events.tasks.release_expired_holds",
        "events.tasks.expire_waitlist_offers",
        "events.tasks.send_requested_refunds",
        "events.tasks.send_event_reminders",
    } <= tasks_in_beat
