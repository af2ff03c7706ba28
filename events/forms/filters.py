"""Filters of the event list and the attendee list. Bad values are ignored, never a 500."""

from __future__ import annotations

from typing import Any

from django import forms

from events.enums import BookingStatus, EventKind
from events.models import Event, TicketType
from events.queries import AttendeeFilters, EventFilters
from exchange.enums import Region

PRICE_CHOICES = [("", "Free or paid"), ("free", "Free"), ("paid", "Paid")]


def valid_data(form: forms.Form) -> dict[str, Any]:
    """Cleaned values of the fields that validated (bad filter values are ignored)."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if k not in form.errors}


class EventFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Any kind"), *EventKind.choices], required=False)
    tag = forms.SlugField(required=False)
    region = forms.ChoiceField(choices=[("", "Anywhere"), *Region.choices], required=False)
    price = forms.ChoiceField(choices=PRICE_CHOICES, required=False)
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def filters(self) -> EventFilters:
        valid = valid_data(self)
        return EventFilters(
            kind=valid.get("kind") or "",
            tag=valid.get("tag") or "",
            region=valid.get("region") or "",
            price=valid.get("price") or "",
            date_from=valid.get("date_from"),
            date_to=valid.get("date_to"),
        )


class AttendeeFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Booked (confirmed or awaiting payment)"), *BookingStatus.choices],
        required=False,
    )
    ticket_type = forms.ModelChoiceField(
        queryset=TicketType.objects.none(), required=False, empty_label="Any ticket"
    )
    checked_in = forms.ChoiceField(
        choices=[("", "Checked in or not"), ("yes", "Checked in"), ("no", "Not checked in")],
        required=False,
        label="Check-in",
    )
    q = forms.CharField(required=False, max_length=100, label="Search")

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ticket_type"].queryset = event.ticket_types.all()  # type: ignore[attr-defined]

    def filters(self) -> AttendeeFilters:
        valid = valid_data(self)
        ticket_type = valid.get("ticket_type")
        return AttendeeFilters(
            status=valid.get("status") or "",
            ticket_type=ticket_type.pk if ticket_type else None,
            checked_in=valid.get("checked_in") or "",
            search=(valid.get("q") or "").strip(),
        )
