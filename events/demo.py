"""Demo events for a newcomer's exchange: a breakfast, a paid workshop, an online hot seat
and an unconference with a published session grid.

Made through the real services (permissions, prices, bookings and notifications as in real
use), on dates relative to today so they are always upcoming. Idempotent: an event whose
title already exists is left alone. Needs the demo exchange (``seed_demo``) first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from events import services
from events.enums import PaymentMethod
from events.models import Event
from events.services import AttendeeData, unconference
from exchange.models import Organisation, User
from listings.enums import ListingStatus, Visibility
from listings.models import Listing


@dataclass
class EventSeedReport:
    events: int = 0
    bookings: int = 0


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _person(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def _public_listings(organisation_name: str) -> list[Listing]:
    return list(
        Listing.objects.filter(
            organisation__name=organisation_name,
            status=ListingStatus.PUBLISHED,
            visibility=Visibility.PUBLIC,
        ).order_by("pk")[:2]
    )


@transaction.atomic
def seed_events() -> EventSeedReport:
    report = EventSeedReport()
    host = Organisation.objects.filter(name="Northshire County Council").first()
    organiser = _person("amira.khan@northshire.example")
    if host is None or organiser is None:
        return report  # the demo exchange is not loaded

    if not Event.objects.filter(title="Ageing well breakfast").exists():
        starts = _at(12, 8)
        event = services.event_create(
            actor=organiser,
            organisation=host,
            kind="breakfast",
            title="Ageing well breakfast",
            summary="Three short stories of care technology that worked, then coffee and "
            "introductions between officers and suppliers.",
            description="Bring a colleague. **Seats are limited**: the room holds 40.",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            capacity=40,
            venue_name="County Hall, Committee Room 2",
            venue_address="Market Street, Northshire",
            venue_postcode="NS1 1AA",
            tag_names=["telecare", "falls", "loneliness"],
        )
        services.ticket_type_create(actor=organiser, event=event, name="Free seat", capacity=40)
        for minutes, title, speaker, org in [
            (0, "Coffee and welcome", "", ""),
            (20, "Falls detection in extra care: what a year taught us", "Sarah Boyle", "Kinlink"),
            (45, "Befriending by phone in rural villages", "Volunteer lead", "Silver Threads"),
            (70, "Networking", "", ""),
        ]:
            services.agenda_item_create(
                actor=organiser,
                event=event,
                starts_at=starts + timedelta(minutes=minutes),
                title=title,
                speaker_name=speaker,
                speaker_organisation=org,
            )
        for listing in _public_listings("Northshire County Council"):
            services.event_listing_link(
                actor=organiser, event=event, listing=listing, role="on_agenda"
            )
        services.event_publish(actor=organiser, event=event)
        report.events += 1
        for email in ("gareth.lomas@northshire.example", "sarah.boyle@kinlink.example"):
            person = _person(email)
            if person is not None:
                services.booking_create(
                    actor=person,
                    ticket_type=event.ticket_types.get(),
                    attendees=[AttendeeData(person.display_name, person.email)],
                )
                report.bookings += 1

    calderbrook = Organisation.objects.filter(name__startswith="Calderbrook Metropolitan").first()
    helen = _person("helen.sutcliffe@calderbrook.example")
    if calderbrook and helen and not Event.objects.filter(title="Retrofit at scale").exists():
        starts = _at(26, 9, 30)
        event = services.event_create(
            actor=helen,
            organisation=calderbrook,
            kind="workshop",
            title="Retrofit at scale",
            summary="A working session on coordinating retrofit across council housing.",
            starts_at=starts,
            ends_at=starts + timedelta(hours=4),
            capacity=30,
            venue_name="Calderbrook Civic Centre",
            venue_postcode="CB2 4RT",
            tag_names=["retrofit", "housing"],
        )
        services.ticket_type_create(
            actor=helen,
            event=event,
            name="Delegate",
            price_pence=9500,
            capacity=30,
            early_bird_price_pence=7500,
            early_bird_until=_at(10, 23, 59),
            group_tiers=[{"min_seats": 4, "percent_off": 15}],
        )
        services.event_publish(actor=helen, event=event)
        report.events += 1
        officer = _person("amira.khan@northshire.example")
        if officer is not None:
            services.booking_create(
                actor=officer,
                ticket_type=event.ticket_types.get(),
                attendees=[AttendeeData(officer.display_name, officer.email)],
                payment_method=PaymentMethod.INVOICE,
                organisation=host,
                invoice=services.InvoiceDetails(
                    purchase_order="NCC-PO-40211",
                    billing_name="Northshire accounts payable",
                    billing_email="ap@northshire.example",
                ),
            )
            report.bookings += 1

    if not Event.objects.filter(title="Hot seat: digital front doors").exists():
        starts = _at(5, 12, 30)
        event = services.event_create(
            actor=organiser,
            organisation=host,
            kind="hot_seat",
            title="Hot seat: digital front doors",
            summary="Forty minutes of questions to a council that replaced its website forms.",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=40),
            capacity=200,
            online_url="https://meet.example.org/oix-hot-seat",
            tag_names=["digital", "portal"],
        )
        services.ticket_type_create(actor=organiser, event=event, name="Online", capacity=200)
        services.event_publish(actor=organiser, event=event)
        report.events += 1
    if not Event.objects.filter(title=UNCONFERENCE_TITLE).exists():
        _seed_unconference(report, host, organiser)
    return report


UNCONFERENCE_TITLE = "Open data unconference"
# (proposer, title, description, tags, voters): voters are indexes into the attendees.
UNCONFERENCE_SESSIONS = [
    (
        "claire.whitworth@northshire.example",
        "One schema for care home vacancies",
        "Every council publishes vacancies differently. Can we agree one shape this morning?",
        ["open data", "care homes"],
        [0, 1, 2, 3, 4],
    ),
    (
        "gareth.lomas@northshire.example",
        "Sensor data nobody reads",
        "We bought the sensors; who looks at the dashboards, and what would make them useful?",
        ["sensors", "iot"],
        [0, 2, 5],
    ),
    (
        "hannah.yeo@sensorgrid.example",
        "Buying data, not devices",
        "Procurement options when the data is what you need.",
        ["procurement", "iot"],
        [1, 3],
    ),
    (
        "gareth.lomas@northshire.example",
        "Publishing bin routes safely",
        "Open data without telling burglars who is on holiday.",
        ["open data", "waste"],
        [4],
    ),
    ("beth.lawson@kinlink.example", "Falls data between agencies", "", ["falls"], []),
]
UNCONFERENCE_ATTENDEES = [
    "claire.whitworth@northshire.example",
    "gareth.lomas@northshire.example",
    "hannah.yeo@sensorgrid.example",
    "beth.lawson@kinlink.example",
    "chris.tan@civicform.example",
    "grace.okafor@albion.example",
]


def _seed_unconference(report: EventSeedReport, host: Organisation, organiser: User) -> None:
    """An unconference with rooms, slots, proposed sessions with votes, a published grid."""
    starts = _at(19, 9, 30)
    event = services.event_create(
        actor=organiser,
        organisation=host,
        kind="unconference",
        title=UNCONFERENCE_TITLE,
        summary="Bring a question about council data; the room decides the agenda by vote.",
        description="Pitch a session on the board before or on the day. Each of you has "
        "**five votes**; the most-voted sessions get the biggest rooms.",
        starts_at=starts,
        ends_at=starts + timedelta(hours=7),
        capacity=60,
        venue_name="Northshire Library",
        venue_postcode="NS1 2LB",
        tag_names=["open data", "iot"],
    )
    services.ticket_type_create(actor=organiser, event=event, name="Free place", capacity=60)
    services.event_publish(actor=organiser, event=event)
    report.events += 1
    for name, capacity in [("Council Chamber", 40), ("Committee Room 1", 16), ("Reading room", 8)]:
        unconference.room_create(actor=organiser, event=event, name=name, capacity=capacity)
    for start, end in [((10, 0), (10, 45)), ((11, 0), (11, 45)), ((13, 30), (14, 15))]:
        unconference.slot_create(
            actor=organiser,
            event=event,
            starts_at=starts.replace(hour=start[0], minute=start[1]),
            ends_at=starts.replace(hour=end[0], minute=end[1]),
        )
    people = [p for p in (_person(email) for email in UNCONFERENCE_ATTENDEES) if p is not None]
    for person in people:
        services.booking_create(
            actor=person,
            ticket_type=event.ticket_types.get(),
            attendees=[AttendeeData(person.display_name, person.email)],
        )
        report.bookings += 1
    if len(people) < len(UNCONFERENCE_ATTENDEES):
        return  # a trimmed demo exchange: the board stays empty
    for email, title, description, tags, voters in UNCONFERENCE_SESSIONS:
        proposer = _person(email)
        assert proposer is not None  # noqa: S101 - every proposer is one of the attendees
        session = unconference.session_propose(
            actor=proposer, event=event, title=title, description=description, tag_names=tags
        )
        for index in voters:
            unconference.session_vote(actor=people[index], session=session)
    unconference.schedule_run(actor=organiser, event=event)
    unconference.schedule_publish(actor=organiser, event=event)
