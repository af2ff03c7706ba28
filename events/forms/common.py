"""Helpers shared by the event forms: date-time fields read in the event's time zone."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone

from exchange.models import Organisation, User

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_CAPACITY = 100_000
MAX_PRICE = Decimal("100000")


def datetime_field(label: str, *, required: bool = True, help_text: str = "") -> forms.Field:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )


def in_zone(value: datetime | None, zone: str) -> datetime | None:
    """Re-read a wall-clock time the form parsed in the server's zone as time in ``zone``."""
    if value is None:
        return None
    return timezone.make_naive(value).replace(tzinfo=ZoneInfo(zone))


def wall_clock(value: datetime | None, zone: str) -> datetime | None:
    """An aware time as a naive wall-clock time in ``zone``, for a form's initial value."""
    if value is None:
        return None
    return timezone.localtime(value, ZoneInfo(zone)).replace(tzinfo=None)


def organisations_of(user: User) -> Any:
    return Organisation.objects.filter(memberships__user=user).order_by("name")
