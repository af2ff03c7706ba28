from django.db import models


class OrganisationKind(models.TextChoices):
    SUPPLIER = "supplier", "Supplier"
    COUNCIL = "council", "Council or public body"
    THIRD_SECTOR = "third_sector", "Third-sector group"
    OTHER = "other", "Other"


class Region(models.TextChoices):
    NATIONAL = "national", "National (UK-wide)"
    NORTH_EAST = "north_east", "North East"
    NORTH_WEST = "north_west", "North West"
    YORKSHIRE = "yorkshire", "Yorkshire and the Humber"
    EAST_MIDLANDS = "east_midlands", "East Midlands"
    WEST_MIDLANDS = "west_midlands", "West Midlands"
    EAST = "east", "East of England"
    LONDON = "london", "London"
    SOUTH_EAST = "south_east", "South East"
    SOUTH_WEST = "south_west", "South West"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern_ireland", "Northern Ireland"


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Email me straight away"
    DIGEST = "digest", "Include in my daily digest"
    NEVER = "never", "Don't email me (in-app only)"


class NotificationKind(models.TextChoices):
    MEMBERSHIP = "membership", "Membership and invitations"
    LISTING = "listing", "Changes to listings"
    MATCH = "match", "New matches"
    INTEREST = "interest", "Interest and demand"
    QUESTION = "question", "Questions and answers"
    PILOT = "pilot", "Pilot requests"
    EVENT = "event", "Events"
    BOOKING = "booking", "Bookings and payments"
    SEARCH = "search", "Saved-search alerts"
    SYSTEM = "system", "Account and security"


# Kinds whose emails must never wait for a digest (receipts, tickets, security).
ALWAYS_IMMEDIATE_KINDS = frozenset({NotificationKind.BOOKING, NotificationKind.SYSTEM})
