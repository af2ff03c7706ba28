"""Events, their agenda, linked listings and ticket types."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from events.enums import EventKind, EventStatus, EventTimezone, ListingRole
from events.pricing import PriceRules, parse_group_tiers
from exchange.enums import Region
from exchange.models import Organisation, Tag


class Event(models.Model):
    """A breakfast meeting, unconference, workshop, hot seat or conference.

    ``uid`` never changes (calendar clients key on it); ``sequence`` goes up and
    ``last_modified`` moves on every significant change (time, place, title, status), as
    RFC 5545 asks of a calendar entry that was revised.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organiser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    title = models.CharField(max_length=160)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=300, help_text="One or two sentences for listings.")
    description = models.TextField(blank=True, help_text="Markdown. Rendered sanitised.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    timezone = models.CharField(
        max_length=40, choices=EventTimezone.choices, default=EventTimezone.LONDON
    )
    venue_name = models.CharField(max_length=200, blank=True)
    venue_address = models.TextField(blank=True)
    venue_postcode = models.CharField(max_length=10, blank=True)
    map_url = models.URLField(blank=True)
    online_url = models.URLField(
        blank=True, help_text="Joining link, shown only to people with a confirmed booking."
    )
    region = models.CharField(max_length=20, choices=Region.choices, default=Region.NATIONAL)
    capacity = models.PositiveIntegerField(help_text="Seats across all ticket types.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="events")
    listings = models.ManyToManyField(  # type: ignore[var-annotated]
        "listings.Listing", through="events.EventListing", blank=True, related_name="events"
    )
    booking_opens_at = models.DateTimeField(null=True, blank=True)
    booking_closes_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: bookings close when the event starts."
    )
    cancellation_cutoff_hours = models.PositiveIntegerField(
        default=24, help_text="Attendees may cancel until this many hours before the start."
    )
    status = models.CharField(max_length=10, choices=EventStatus.choices, default="draft")
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=500, blank=True)
    previous_in_series = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_in_series"
    )
    sequence = models.PositiveIntegerField(default=0)
    last_modified = models.DateTimeField()
    # Unconferences: each attendee's number of session votes; when the grid went public.
    vote_budget = models.PositiveSmallIntegerField(
        default=5, help_text="Unconferences: how many sessions each attendee may vote for."
    )
    schedule_published_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        permissions = [("manage_event", "Can manage bookings, attendees and check-in")]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="event_status_start"),
            models.Index(fields=["organiser", "status"], name="event_organiser_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid"),
            models.CheckConstraint(
                condition=Q(status__in=EventStatus.values), name="event_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="event_capacity_positive"),
            models.CheckConstraint(
                condition=Q(vote_budget__gte=1), name="event_vote_budget_positive"
            ),
            models.CheckConstraint(
                condition=Q(booking_opens_at__isnull=True)
                | Q(booking_closes_at__isnull=True)
                | Q(booking_closes_at__gt=models.F("booking_opens_at")),
                name="event_booking_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | ~Q(venue_name="") | ~Q(online_url=""),
                name="event_published_has_place",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="event_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("event-detail", kwargs={"slug": self.slug})

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_online(self) -> bool:
        return not self.venue_name and bool(self.online_url)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def cancellation_deadline(self) -> datetime:
        return self.starts_at - timedelta(hours=self.cancellation_cutoff_hours)

    @property
    def booking_deadline(self) -> datetime:
        return self.booking_closes_at or self.starts_at


class EventUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Event, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        pass


class EventGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Event, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        pass


class EventListing(models.Model):
    """A listing linked to an event: pitched on the agenda, or showcased at the event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="listing_links")
    listing = models.ForeignKey(
        "listings.Listing", on_delete=models.CASCADE, related_name="event_links"
    )
    role = models.CharField(
        max_length=10, choices=ListingRole.choices, default=ListingRole.SHOWCASED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["role", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "listing"], name="eventlisting_unique"),
            models.CheckConstraint(
                condition=Q(role__in=ListingRole.values), name="eventlisting_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.listing} at {self.event} ({self.role})"


class AgendaItem(models.Model):
    """One slot of the agenda: a time, a title and (optionally) a speaker.

    Its own ``uid`` and ``sequence`` let calendar feeds carry it as a separate entry.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda_items")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    speaker_name = models.CharField(max_length=150, blank=True)
    speaker_organisation = models.CharField(max_length=200, blank=True)
    speaker_bio = models.TextField(blank=True, max_length=1000)
    sequence = models.PositiveIntegerField(default=0)
    last_modified = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="agendaitem_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TicketType(models.Model):
    """A kind of seat with its price rules, capacity and sales window."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(max_length=100)
    description = models.CharField(max_length=300, blank=True)
    price_pence = models.PositiveIntegerField(default=0, help_text="0 means free.")
    capacity = models.PositiveIntegerField(help_text="At most the event's capacity.")
    sales_start = models.DateTimeField(null=True, blank=True)
    sales_end = models.DateTimeField(null=True, blank=True)
    max_per_booking = models.PositiveSmallIntegerField(default=10)
    early_bird_price_pence = models.PositiveIntegerField(null=True, blank=True)
    early_bird_until = models.DateTimeField(null=True, blank=True)
    group_tiers = models.JSONField(
        default=list,
        blank=True,
        help_text='Group discounts, e.g. [{"min_seats": 5, "percent_off": 10}].',
    )
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "price_pence", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="tickettype_unique_name"),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="tickettype_capacity_positive"
            ),
            models.CheckConstraint(
                condition=Q(max_per_booking__gte=1), name="tickettype_max_per_booking_positive"
            ),
            models.CheckConstraint(
                condition=Q(early_bird_price_pence__isnull=True, early_bird_until__isnull=True)
                | Q(
                    early_bird_price_pence__isnull=False,
                    early_bird_until__isnull=False,
                    early_bird_price_pence__lt=models.F("price_pence"),
                ),
                name="tickettype_early_bird_complete_and_cheaper",
            ),
            models.CheckConstraint(
                condition=Q(sales_start__isnull=True)
                | Q(sales_end__isnull=True)
                | Q(sales_end__gt=models.F("sales_start")),
                name="tickettype_sales_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event}: {self.name}"

    @property
    def is_free(self) -> bool:
        return self.price_pence == 0

    @property
    def rules(self) -> PriceRules:
        return PriceRules(
            price_pence=self.price_pence,
            early_bird_price_pence=self.early_bird_price_pence,
            early_bird_until=self.early_bird_until,
            group_tiers=parse_group_tiers(self.group_tiers or []),
        )

    def on_sale(self, at: datetime) -> bool:
        return (self.sales_start is None or self.sales_start <= at) and (
            self.sales_end is None or at < self.sales_end
        )
