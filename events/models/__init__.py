"""Models of the events app: events and tickets, bookings and waitlists, payments, unconferences."""

from events.models.booking import Attendee, Booking, WaitlistEntry
from events.models.event import (
    AgendaItem,
    Event,
    EventGroupObjectPermission,
    EventListing,
    EventUserObjectPermission,
    TicketType,
)
from events.models.feeds import CalendarToken
from events.models.networking import MeetingRequest, MeetingSeat, MeetingSlot, PitchApplication
from events.models.payment import Payment, Refund, StripeEvent
from events.models.unconference import Room, SessionProposal, SessionVote, Slot, Star

__all__ = [
    "AgendaItem",
    "Attendee",
    "Booking",
    "CalendarToken",
    "Event",
    "EventGroupObjectPermission",
    "EventListing",
    "EventUserObjectPermission",
    "MeetingRequest",
    "MeetingSeat",
    "MeetingSlot",
    "Payment",
    "PitchApplication",
    "Refund",
    "Room",
    "SessionProposal",
    "SessionVote",
    "Slot",
    "Star",
    "StripeEvent",
    "TicketType",
    "WaitlistEntry",
]
