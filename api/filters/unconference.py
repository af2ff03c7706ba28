"""Filters of unconference rooms, slots and sessions: by event id (visibility is the
viewset's query's business, so an unknown or hidden event just gives an empty list)."""

from __future__ import annotations

from django_filters import rest_framework as filters

from api.filters.fields import IdFilter
from events.enums import SessionStatus
from events.models import Room, SessionProposal, Slot


class RoomFilterSet(filters.FilterSet):
    event = IdFilter(field_name="event_id", help_text="Event id.")

    class Meta:
        model = Room
        fields = ["event"]


class SlotFilterSet(filters.FilterSet):
    event = IdFilter(field_name="event_id", help_text="Event id.")

    class Meta:
        model = Slot
        fields = ["event"]


class SessionFilterSet(filters.FilterSet):
    event = IdFilter(field_name="event_id", help_text="Event id.")
    status = filters.ChoiceFilter(choices=SessionStatus.choices)

    class Meta:
        model = SessionProposal
        fields = ["event", "status"]
