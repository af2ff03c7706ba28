"""Networking at events: pitch applications, 1:1 meeting slots and meeting requests."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from events.enums import MeetingStatus, PitchStatus
from events.models.event import AgendaItem, Event
from exchange.models import Organisation


class PitchApplication(models.Model):
    """A supplier asks to pitch one of its listings at an event (a breakfast).

    Accepting creates an agenda item and links the listing to the event "on the agenda".
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="pitch_applications")
    listing = models.ForeignKey(
        "listings.Listing", on_delete=models.CASCADE, related_name="pitch_applications"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pitch_applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    pitch = models.TextField(max_length=2000)
    status = models.CharField(
        max_length=10, choices=PitchStatus.choices, default=PitchStatus.PENDING
    )
    decline_reason = models.CharField(max_length=500, blank=True)
    agenda_item = models.OneToOneField(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="pitch"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PitchStatus.values), name="pitch_status_valid"
            ),
            # One open application per listing and event; a declined one may be tried again.
            models.UniqueConstraint(
                fields=["event", "listing"],
                condition=Q(status__in=["pending", "accepted"]),
                name="pitch_one_open_per_listing",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="pitch_declined_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Pitch of {self.listing} at {self.event} ({self.status})"


class MeetingSlot(models.Model):
    """A window of the event's networking time with ``tables`` tables for 1:1 meetings."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    tables = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meetingslot_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(tables__gte=1), name="meetingslot_tables_positive"),
            models.UniqueConstraint(fields=["event", "starts_at"], name="meetingslot_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.event}: meetings at {self.starts_at:%H:%M} ({self.tables} tables)"


class MeetingRequest(models.Model):
    """One organisation asks another, both attending, for a short 1:1 meeting.

    Accepted, it holds a slot and a table; ``MeetingSeat`` rows make sure nobody is in two
    meetings of one slot. ``uid``/``sequence``/``last_modified`` carry it in personal feeds.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_requests")
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="meeting_requests_sent"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_requests_sent"
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="meeting_requests_received"
    )
    message = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.REQUESTED
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_requests_accepted",
    )
    slot = models.ForeignKey(
        MeetingSlot, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings"
    )
    table = models.PositiveSmallIntegerField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    last_modified = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(from_organisation=models.F("to_organisation")),
                name="meeting_not_with_itself",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | Q(slot__isnull=False, table__isnull=False, accepted_by__isnull=False),
                name="meeting_accepted_has_slot_and_table",
            ),
            models.CheckConstraint(
                condition=Q(table__isnull=True) | Q(table__gte=1), name="meeting_table_positive"
            ),
            # One table holds one meeting per slot.
            models.UniqueConstraint(
                fields=["slot", "table"],
                condition=Q(status="accepted"),
                name="meeting_one_per_table_and_slot",
            ),
            # One open request between two organisations per event.
            models.UniqueConstraint(
                fields=["event", "from_organisation", "to_organisation"],
                condition=Q(status__in=["requested", "accepted"]),
                name="meeting_one_open_per_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_organisation} → {self.to_organisation} at {self.event}"


class MeetingSeat(models.Model):
    """A person held by an accepted meeting in a slot: nobody sits at two tables at once."""

    meeting = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="seats")
    slot = models.ForeignKey(MeetingSlot, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_seats"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slot", "user"], name="meetingseat_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.slot}"
