"""Every write of the events app: one function per use case, keyword-only, atomic.

Split by subject: ``events`` (event lifecycle), ``programme`` (agenda, tickets, links),
``bookings`` (seats under the capacity lock), ``waitlist``, ``checkout`` (Stripe Checkout,
webhooks, refunds), ``attendees`` (check-in) and ``emails`` (tickets with .ics, reminders).
"""

from events.services.attendees import attendee_check_in, attendee_check_in_undo
from events.services.bookings import (
    AttendeeData,
    InvoiceDetails,
    booking_cancel,
    booking_create,
    booking_hold_release,
    booking_invoice_mark_paid,
    holds_release_expired,
)
from events.services.checkout import (
    booking_checkout_start,
    checkout_session_close,
    refund_send,
    refunds_send_requested,
    stripe_event_process,
)
from events.services.common import SoldOut
from events.services.emails import (
    booking_confirmation_send,
    booking_reminder_send,
    event_ics,
    event_reminders_send,
)
from events.services.events import (
    event_cancel,
    event_copy,
    event_create,
    event_publish,
    event_update,
)
from events.services.programme import (
    agenda_item_create,
    agenda_item_delete,
    agenda_item_update,
    event_listing_link,
    event_listing_unlink,
    ticket_type_create,
    ticket_type_delete,
    ticket_type_update,
)
from events.services.seats import entry_from_token, offer_token
from events.services.waitlist import (
    waitlist_join,
    waitlist_leave,
    waitlist_offer_accept,
    waitlist_offer_expire,
    waitlist_offers_expire,
)

__all__ = [
    "AttendeeData",
    "InvoiceDetails",
    "SoldOut",
    "agenda_item_create",
    "agenda_item_delete",
    "agenda_item_update",
    "attendee_check_in",
    "attendee_check_in_undo",
    "booking_cancel",
    "booking_checkout_start",
    "booking_confirmation_send",
    "booking_create",
    "booking_hold_release",
    "booking_invoice_mark_paid",
    "booking_reminder_send",
    "checkout_session_close",
    "entry_from_token",
    "event_cancel",
    "event_copy",
    "event_create",
    "event_ics",
    "event_listing_link",
    "event_listing_unlink",
    "event_publish",
    "event_reminders_send",
    "event_update",
    "holds_release_expired",
    "offer_token",
    "refund_send",
    "refunds_send_requested",
    "stripe_event_process",
    "ticket_type_create",
    "ticket_type_delete",
    "ticket_type_update",
    "waitlist_join",
    "waitlist_leave",
    "waitlist_offer_accept",
    "waitlist_offer_expire",
    "waitlist_offers_expire",
]
