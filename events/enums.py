"""Choices and state machines of events, tickets, bookings, waitlists and payments."""

from django.db import models


class EventKind(models.TextChoices):
    BREAKFAST = "breakfast", "Breakfast meeting"
    UNCONFERENCE = "unconference", "Unconference"
    WORKSHOP = "workshop", "Workshop"
    HOT_SEAT = "hot_seat", "Hot seat (online Q&A)"
    CONFERENCE = "conference", "Conference"


class EventStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"


EVENT_TRANSITIONS: dict[str, frozenset[str]] = {
    EventStatus.DRAFT: frozenset({EventStatus.PUBLISHED, EventStatus.CANCELLED}),
    EventStatus.PUBLISHED: frozenset({EventStatus.CANCELLED}),
    EventStatus.CANCELLED: frozenset(),
}


class EventTimezone(models.TextChoices):
    LONDON = "Europe/London", "UK time (Europe/London)"
    DUBLIN = "Europe/Dublin", "Irish time (Europe/Dublin)"
    BRUSSELS = "Europe/Brussels", "Central European time (Europe/Brussels)"
    UTC = "UTC", "UTC"


class ListingRole(models.TextChoices):
    ON_AGENDA = "on_agenda", "On the agenda"
    SHOWCASED = "showcased", "Showcased"


class BookingStatus(models.TextChoices):
    PENDING = "pending", "Awaiting payment"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"
    EXPIRED = "expired", "Expired (not paid in time)"


# Seats count against capacity while a booking is in one of these states.
SEAT_HOLDING_STATUSES = (BookingStatus.PENDING, BookingStatus.CONFIRMED)

BOOKING_TRANSITIONS: dict[str, frozenset[str]] = {
    # pending: seats held while the booker pays by card.
    BookingStatus.PENDING: frozenset(
        {BookingStatus.CONFIRMED, BookingStatus.EXPIRED, BookingStatus.CANCELLED}
    ),
    BookingStatus.CONFIRMED: frozenset({BookingStatus.CANCELLED}),
    # cancelled → refunded once the card refund is confirmed by Stripe.
    BookingStatus.CANCELLED: frozenset({BookingStatus.REFUNDED}),
    BookingStatus.REFUNDED: frozenset(),
    # A payment that completes after the hold lapsed re-confirms the booking when seats are
    # still free; otherwise it is cancelled and refunded.
    BookingStatus.EXPIRED: frozenset({BookingStatus.CONFIRMED, BookingStatus.CANCELLED}),
}


class PaymentMethod(models.TextChoices):
    FREE = "free", "Free"
    CARD = "card", "Card (Stripe)"
    INVOICE = "invoice", "Invoice (purchase order)"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a place"
    ACCEPTED = "accepted", "Accepted"
    EXPIRED = "expired", "Expired"
    LEFT = "left", "Left the waitlist"


# Offered entries reserve their seats until accepted, left or expired.
WAITLIST_ACTIVE_STATUSES = (WaitlistStatus.WAITING, WaitlistStatus.OFFERED)

WAITLIST_TRANSITIONS: dict[str, frozenset[str]] = {
    WaitlistStatus.WAITING: frozenset(
        {WaitlistStatus.OFFERED, WaitlistStatus.LEFT, WaitlistStatus.EXPIRED}
    ),
    WaitlistStatus.OFFERED: frozenset(
        {WaitlistStatus.ACCEPTED, WaitlistStatus.EXPIRED, WaitlistStatus.LEFT}
    ),
    WaitlistStatus.ACCEPTED: frozenset(),
    WaitlistStatus.EXPIRED: frozenset(),
    WaitlistStatus.LEFT: frozenset(),
}


class PaymentStatus(models.TextChoices):
    OPEN = "open", "Checkout open"
    PAID = "paid", "Paid"
    EXPIRED = "expired", "Checkout expired"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"


class RefundStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"  # recorded, not yet sent to Stripe
    PENDING = "pending", "Pending at Stripe"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


# Refund states only move forward; a late or replayed webhook never moves one back. Stripe
# can still report a succeeded refund as failed later (e.g. a closed card account).
REFUND_RANK: dict[str, int] = {
    RefundStatus.REQUESTED: 0,
    RefundStatus.PENDING: 1,
    RefundStatus.SUCCEEDED: 2,
    RefundStatus.FAILED: 3,
}

# Object permissions on an event, granted to the organiser organisation's member group.
# (They sit here because exchange/permissions.py belongs to the core app.)
EVENT_CHANGE = "events.change_event"
EVENT_MANAGE = "events.manage_event"
EVENT_MEMBER_PERMS = (EVENT_CHANGE, EVENT_MANAGE)


class SessionStatus(models.TextChoices):
    """An unconference session pitched by an attendee."""

    PROPOSED = "proposed", "Proposed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class PitchStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


PITCH_TRANSITIONS: dict[str, frozenset[str]] = {
    PitchStatus.PENDING: frozenset(
        {PitchStatus.ACCEPTED, PitchStatus.DECLINED, PitchStatus.WITHDRAWN}
    ),
    PitchStatus.ACCEPTED: frozenset({PitchStatus.WITHDRAWN}),
    PitchStatus.DECLINED: frozenset(),
    PitchStatus.WITHDRAWN: frozenset(),
}


class MeetingStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


MEETING_TRANSITIONS: dict[str, frozenset[str]] = {
    MeetingStatus.REQUESTED: frozenset(
        {MeetingStatus.ACCEPTED, MeetingStatus.DECLINED, MeetingStatus.CANCELLED}
    ),
    MeetingStatus.ACCEPTED: frozenset({MeetingStatus.CANCELLED}),
    MeetingStatus.DECLINED: frozenset(),
    MeetingStatus.CANCELLED: frozenset(),
}
