"""Models of the events app: events and tickets, bookings and waitlists, payments."""

from events.models.booking import Attendee, Booking, WaitlistEntry
from events.models.event import (
    AgendaItem,
    Event,
    EventGroupObjectPermission,
    EventListing,
    EventUserObjectPermission,
    TicketType,
)
from events.models.payment import Payment, Refund, StripeEvent

__all__ = [
    "AgendaItem",
    "Attendee",
    "Booking",
    "Event",
    "EventGroupObjectPermission",
    "EventListing",
    "EventUserObjectPermission",
    "Payment",
    "Refund",
    "StripeEvent",
    "TicketType",
    "WaitlistEntry",
]
