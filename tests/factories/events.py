"""Events, tickets and bookings made through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from events import services
from events.enums import PaymentMethod
from events.models import Booking, Event, TicketType
from events.services import AttendeeData, InvoiceDetails
from exchange.models import Organisation, User
from tests.factories.exchange import UserFactory, make_organisation

LONDON = ZoneInfo("Europe/London")


def in_days(days: int, hour: int = 8) -> datetime:
    """A moment ``days`` from today at ``hour`` o'clock London time."""
    day = timezone.localtime(timezone.now(), LONDON).date() + timedelta(days=days)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def organiser_of(event: Event) -> User:
    return event.organiser.memberships.order_by("pk").first().user


def make_event(
    *,
    organisation: Organisation | None = None,
    actor: User | None = None,
    kind: str = "breakfast",
    title: str = "Digital breakfast",
    summary: str = "Councils and suppliers talk about what works, over coffee.",
    starts_at: datetime | None = None,
    hours: int = 2,
    capacity: int = 50,
    venue_name: str = "Town Hall",
    tickets: list[dict] | None = None,
    publish: bool = True,
    tag_names: tuple[str, ...] = (),
    **extra,
) -> Event:
    """An event with ticket types (one free "Standard" by default), published unless told."""
    if organisation is None:
        organisation = make_organisation(admin=actor)
    actor = actor or organisation.memberships.order_by("pk").first().user
    starts_at = starts_at or in_days(14)
    event = services.event_create(
        actor=actor,
        organisation=organisation,
        kind=kind,
        title=title,
        summary=summary,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        capacity=capacity,
        venue_name=venue_name,
        tag_names=tag_names,
        **extra,
    )
    for spec in tickets if tickets is not None else [{"name": "Standard"}]:
        spec = {"price_pence": 0, "capacity": capacity, **spec}
        services.ticket_type_create(actor=actor, event=event, **spec)
    if publish:
        event = services.event_publish(actor=actor, event=event)
    return Event.objects.get(pk=event.pk)


def ticket(event: Event, name: str | None = None) -> TicketType:
    qs = event.ticket_types.all()
    return qs.get(name=name) if name else qs.get()


def people(n: int, prefix: str = "Guest") -> list[AttendeeData]:
    return [
        AttendeeData(name=f"{prefix} {i + 1}", email=f"{prefix.lower()}{i + 1}@example.org")
        for i in range(n)
    ]


def book(
    ticket_type: TicketType,
    *,
    user: User | None = None,
    quantity: int = 1,
    payment_method: str = PaymentMethod.FREE,
    organisation: Organisation | None = None,
    invoice: InvoiceDetails | None = None,
    now: datetime | None = None,
) -> Booking:
    user = user or UserFactory()
    return services.booking_create(
        actor=user,
        ticket_type=ticket_type,
        attendees=people(quantity, prefix=f"Seat{user.pk}x"),
        payment_method=payment_method,
        organisation=organisation,
        invoice=invoice,
        now=now,
    )


INVOICE = InvoiceDetails(
    purchase_order="PO-1234",
    billing_name="Accounts Payable",
    billing_email="ap@northshire.gov.uk",
    billing_address="County Hall\nNorthshire",
)

__all__ = ["INVOICE", "book", "in_days", "make_event", "organiser_of", "people", "ticket"]
