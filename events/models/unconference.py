"""Unconference rooms, time slots, sessions pitched by attendees, votes and stars."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from events.enums import SessionStatus
from events.models.event import AgendaItem, Event
from exchange.models import Organisation, Tag


class Room(models.Model):
    """A room of an unconference; bigger rooms take the sessions with more votes."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=100)
    capacity = models.PositiveIntegerField(help_text="Seats in the room.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="room_unique_name"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="room_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.capacity})"


class Slot(models.Model):
    """A time slot of an unconference; each room holds one session per slot."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "ends_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["event", "starts_at", "ends_at"], name="slot_unique_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M}–{self.ends_at:%H:%M}"


class SessionProposal(models.Model):
    """A session an attendee pitches at an unconference.

    ``pinned_*`` is where the organiser fixed it (the scheduler keeps it there);
    ``placed_*`` is where the schedule puts it. One cell holds one session. ``uid`` never
    changes; ``sequence`` and ``last_modified`` move on every change a calendar shows (title,
    description, time, room, withdrawal), so feeds carry each session as its own VEVENT.
    ``vote_count`` is kept in step with ``votes`` through ``F()`` updates.
    """

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposed_sessions"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=160)
    description = models.TextField(blank=True, max_length=2000)
    tags = models.ManyToManyField(Tag, blank=True, related_name="unconference_sessions")
    listing = models.ForeignKey(
        "listings.Listing",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="unconference_sessions",
    )
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.PROPOSED
    )
    pinned_room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pinned_slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    placed_room = models.ForeignKey(
        Room, on_delete=models.PROTECT, null=True, blank=True, related_name="placed_sessions"
    )
    placed_slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, null=True, blank=True, related_name="placed_sessions"
    )
    vote_count = models.PositiveIntegerField(default=0)
    notes = models.TextField(
        blank=True, max_length=10000, help_text="Markdown: what was said, what comes next."
    )
    output_links = models.JSONField(
        default=list, blank=True, help_text='Outputs, e.g. [{"title": "Slides", "url": "…"}].'
    )
    sequence = models.PositiveIntegerField(default=0)
    last_modified = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Where a session withdrawn from a published grid had been, so that calendars that
    # showed it keep it, as cancelled (RFC 5545: a cancelled entry stays, STATUS:CANCELLED).
    cancelled_starts_at = models.DateTimeField(null=True, blank=True)
    cancelled_ends_at = models.DateTimeField(null=True, blank=True)
    cancelled_room = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-vote_count", "id"]
        indexes = [
            models.Index(fields=["event", "status"], name="session_event_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=SessionStatus.values), name="session_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(pinned_room__isnull=True, pinned_slot__isnull=True)
                | Q(pinned_room__isnull=False, pinned_slot__isnull=False),
                name="session_pin_is_a_cell",
            ),
            models.CheckConstraint(
                condition=Q(placed_room__isnull=True, placed_slot__isnull=True)
                | Q(placed_room__isnull=False, placed_slot__isnull=False),
                name="session_placement_is_a_cell",
            ),
            models.CheckConstraint(
                condition=Q(status="proposed")
                | Q(
                    pinned_room__isnull=True,
                    placed_room__isnull=True,
                    withdrawn_at__isnull=False,
                ),
                name="session_withdrawn_is_unplaced",
            ),
            models.UniqueConstraint(
                fields=["placed_room", "placed_slot"], name="session_one_per_placed_cell"
            ),
            models.UniqueConstraint(
                fields=["pinned_room", "pinned_slot"], name="session_one_per_pinned_cell"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse(
            "event-session-detail", kwargs={"slug": self.event.slug, "session_id": self.pk}
        )

    @property
    def is_withdrawn(self) -> bool:
        return self.status == SessionStatus.WITHDRAWN

    @property
    def is_placed(self) -> bool:
        return self.placed_slot_id is not None

    @property
    def is_pinned(self) -> bool:
        return self.pinned_slot_id is not None


class SessionVote(models.Model):
    """One attendee's vote for one session; each attendee has the event's vote budget."""

    session = models.ForeignKey(SessionProposal, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_votes"
    )
    # Denormalised so the budget check counts one person's votes at one event in one query.
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["voter", "event"], name="sessionvote_voter_event")]
        constraints = [
            models.UniqueConstraint(fields=["session", "voter"], name="sessionvote_one_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.voter} → {self.session}"


class Star(models.Model):
    """A person's star on an unconference session or an agenda item (exactly one of them).

    Starred items that are scheduled appear in the person's own calendar feed.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stars"
    )
    session = models.ForeignKey(
        SessionProposal, on_delete=models.CASCADE, null=True, blank=True, related_name="stars"
    )
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="stars"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(session__isnull=False, agenda_item__isnull=True)
                | Q(session__isnull=True, agenda_item__isnull=False),
                name="star_exactly_one_target",
            ),
            models.UniqueConstraint(fields=["user", "session"], name="star_unique_session"),
            models.UniqueConstraint(fields=["user", "agenda_item"], name="star_unique_agenda_item"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ★ {self.session or self.agenda_item}"
