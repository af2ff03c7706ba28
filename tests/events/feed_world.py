"""A populated exchange for the feed tests: every kind of entry a feed can carry."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, MeetingSlot, Room, SessionProposal, Slot
from events.services import networking
from events.services.feeds import calendar_token_create
from tests.factories.events import book, in_days, make_event, ticket
from tests.factories.exchange import UserFactory, make_organisation

LONDON = ZoneInfo("Europe/London")


def make_world(client):
    """One organiser with a summer event after 2037, a winter unconference with a published
    schedule, a cancelled breakfast; one attendee with bookings, a star and a meeting."""
    organiser = make_organisation(name="Northshire Council — Événements & Co")
    actor = organiser.memberships.get().user
    future = make_event(
        organisation=organiser,
        title="Summer breakfast 2041: " + "very long title with ünïcödé " * 4,
        starts_at=datetime(2041, 7, 1, 8, 0, tzinfo=LONDON),
        summary="A summary with commas, semicolons; and a backslash \\ to escape.",
    )
    services.agenda_item_create(
        actor=actor, event=future, starts_at=future.starts_at, title="Coffee ☕"
    )
    winter_start = datetime(in_days(0).year + 1, 1, 15, 9, 0, tzinfo=LONDON)
    uncon = make_event(
        organisation=organiser,
        kind="unconference",
        title="Winter unconference",
        starts_at=winter_start,
        hours=6,
    )
    room = Room.objects.create(event=uncon, name="Main hall", capacity=100)
    slot = Slot.objects.create(
        event=uncon, starts_at=winter_start, ends_at=winter_start + timedelta(hours=1)
    )
    session = SessionProposal.objects.create(
        event=uncon,
        proposer=actor,
        title="Open data for potholes",
        placed_room=room,
        placed_slot=slot,
        last_modified=timezone.now(),
    )
    Event.objects.filter(pk=uncon.pk).update(schedule_published_at=timezone.now())
    doomed = make_event(organisation=organiser, title="Doomed breakfast", starts_at=in_days(20))
    attendee = UserFactory(full_name="Ana Attendee")
    make_organisation(admin=attendee, name="Ana's supplier", kind="supplier")
    other = UserFactory(full_name="Olu Other")
    other_org = make_organisation(admin=other, name="Olu's charity", kind="third_sector")
    for event in (future, uncon, doomed):
        book(ticket(event), user=attendee)
    book(ticket(uncon), user=other)
    MeetingSlot.objects.create(
        event=uncon,
        starts_at=winter_start + timedelta(hours=2),
        ends_at=winter_start + timedelta(hours=2, minutes=20),
        tables=3,
    )
    meeting = networking.meeting_request_create(
        actor=attendee, event=uncon, to_organisation=other_org
    )
    networking.meeting_request_accept(actor=other, meeting=meeting)
    services.event_cancel(actor=actor, event=doomed, reason="Snow")
    _, raw = calendar_token_create(actor=attendee)
    return {
        "client": client,
        "organiser": organiser,
        "actor": actor,
        "future": future,
        "uncon": uncon,
        "session": session,
        "doomed": doomed,
        "meeting": meeting,
        "urls": {
            "public": "/events/feed.ics",
            "organiser": reverse("organiser-events-feed", kwargs={"slug": organiser.slug}),
            "event": reverse("event-feed", kwargs={"slug": uncon.slug}),
            "event-future": reverse("event-feed", kwargs={"slug": future.slug}),
            "personal": reverse("calendar-personal-feed", kwargs={"token": raw}),
        },
    }
