"""Forms of the events app. They validate input; the services do the writing.

Date-time inputs are read in the event's own time zone (Europe/London unless the
organiser chose another), whatever the server's time zone.
"""

from events.forms.booking import (
    AttendeeForm,
    BookingCancelForm,
    CheckInForm,
    PaymentForm,
    TicketChoiceForm,
    TicketField,
    WaitlistJoinForm,
    attendee_data,
    attendee_formset,
)
from events.forms.common import in_zone, organisations_of, wall_clock
from events.forms.filters import AttendeeFilterForm, EventFilterForm, valid_data
from events.forms.organiser import (
    AgendaItemForm,
    EventCancelForm,
    EventCopyForm,
    EventForm,
    ListingLinkForm,
    TicketTypeForm,
    ZonedForm,
    parse_tiers,
)

__all__ = [
    "AgendaItemForm",
    "AttendeeFilterForm",
    "AttendeeForm",
    "BookingCancelForm",
    "CheckInForm",
    "EventCancelForm",
    "EventCopyForm",
    "EventFilterForm",
    "EventForm",
    "ListingLinkForm",
    "PaymentForm",
    "TicketChoiceForm",
    "TicketField",
    "TicketTypeForm",
    "WaitlistJoinForm",
    "ZonedForm",
    "attendee_data",
    "attendee_formset",
    "in_zone",
    "organisations_of",
    "parse_tiers",
    "valid_data",
    "wall_clock",
]
