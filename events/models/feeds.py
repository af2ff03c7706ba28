"""Personal calendar feed secrets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class CalendarToken(models.Model):
    """The secret in a person's personal feed URL, stored only as its SHA-256 hex digest.

    The raw value (``secrets.token_urlsafe(32)``: 256 bits) is shown once, when it is made;
    rotating makes a new one and revokes the old, so the old URL answers 404 at once. A
    person has at most one active token.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendartoken_one_active_per_user",
            ),
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"Calendar feed of {self.user} ({state})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
