"""The "event bookings" measure of the trends heat map (``matching.trends``).

``matching`` may not import ``events`` (they are siblings above ``listings``), so this app names
``booking_rows`` on its ``AppConfig`` (``trend_measures``) and ``matching.trends`` resolves it
by import name. This module imports only ``listings`` and ``exchange``, as ``events`` may.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from events.enums import BookingStatus
from events.models import Booking, Event, EventListing
from events.queries import event_visibility_filter
from exchange.models import User
from listings.queries import visible_listing_ids


def booking_rows(
    user: User | AnonymousUser,
    *,
    start: datetime,
    end: datetime,
    region: str,
    organisation_kind: str,
) -> list[tuple[int | None, datetime, int]]:
    """(need area id, month, seats) of confirmed bookings made between ``start`` and ``end``.

    A booking counts in the need areas of the listings its event is linked to that ``user``
    may see — once per area, however many of those listings share it. Two queries.
    """
    bookings = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        created_at__gte=start,
        created_at__lt=end,
        event__in=Event.objects.filter(event_visibility_filter(user)).values("pk"),
    )
    if region:
        bookings = bookings.filter(event__region=region)
    if organisation_kind:
        bookings = bookings.filter(organisation__kind=organisation_kind)
    seats = list(
        bookings.order_by()
        .values("event_id", month=TruncMonth("created_at", tzinfo=timezone.get_current_timezone()))
        .annotate(seats=Sum("quantity"))
        .values_list("event_id", "month", "seats")
    )
    areas: dict[int, set[int]] = defaultdict(set)
    for event_id, area_id in (
        EventListing.objects.filter(
            event_id__in={event_id for event_id, _, _ in seats},
            listing_id__in=visible_listing_ids(user),
            listing__needs__area__isnull=False,
        )
        .values_list("event_id", "listing__needs__area")
        .distinct()
    ):
        areas[event_id].add(area_id)
    return [
        (area_id, month, n or 0)
        for event_id, month, n in seats
        for area_id in sorted(areas[event_id])
    ]
