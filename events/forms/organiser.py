"""Organiser forms: events, copies, cancellation, ticket types, agenda, linked listings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from events.enums import (
    EventKind,
    EventTimezone,
    ListingRole,
)
from events.forms.common import (
    MAX_CAPACITY,
    MAX_PRICE,
    datetime_field,
    in_zone,
    organisations_of,
    wall_clock,
)
from events.models import Event, TicketType
from exchange.enums import Region
from exchange.forms import ExchangeForm, single_line
from exchange.models import Organisation, User
from exchange.services import parse_tag_names
from listings.forms import pence_to_pounds, pounds_to_pence


class EventForm(ExchangeForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), empty_label=None, label="Organised by"
    )
    kind = forms.ChoiceField(choices=EventKind.choices, label="Kind of event")
    title = forms.CharField(max_length=160)
    summary = forms.CharField(
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One or two sentences shown in event listings.",
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Markdown: **bold**, _italics_, lists and links.",
    )
    starts_at = datetime_field("Starts")
    ends_at = datetime_field("Ends")
    timezone = forms.ChoiceField(
        choices=EventTimezone.choices, initial=EventTimezone.LONDON, label="Time zone"
    )
    venue_name = forms.CharField(max_length=200, required=False, label="Venue")
    venue_address = forms.CharField(
        required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}), label="Address"
    )
    venue_postcode = forms.CharField(max_length=10, required=False, label="Postcode")
    map_url = forms.URLField(required=False, label="Map link", assume_scheme="https")
    online_url = forms.URLField(
        required=False,
        label="Online joining link",
        assume_scheme="https",
        help_text="Shown only to people with a confirmed booking.",
    )
    region = forms.ChoiceField(choices=Region.choices)
    capacity = forms.IntegerField(min_value=1, max_value=MAX_CAPACITY, label="Seats in all")
    tags = forms.CharField(required=False, max_length=500, help_text="Comma-separated.")
    booking_opens_at = datetime_field(
        "Bookings open", required=False, help_text="Empty: as soon as the event is published."
    )
    booking_closes_at = datetime_field(
        "Bookings close", required=False, help_text="Empty: when the event starts."
    )
    cancellation_cutoff_hours = forms.IntegerField(
        min_value=0,
        max_value=24 * 60,
        initial=24,
        label="Cancellation cutoff (hours before the start)",
    )

    def __init__(self, *args: Any, user: User, event: Event | None = None, **kwargs: Any) -> None:
        if event is not None:
            kwargs.setdefault("initial", self.initial_from(event))
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations_of(user)  # type: ignore[attr-defined]
        if event is not None:
            field.disabled = True
            field.required = False
        else:
            self.fields["region"].initial = Region.NATIONAL

    def clean_title(self) -> str:
        return single_line(self.cleaned_data["title"])

    def clean_tags(self) -> list[str]:
        names = parse_tag_names(self.cleaned_data["tags"])
        if len(names) > 12:
            raise forms.ValidationError("Use at most 12 tags.")
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = data.get("timezone") or EventTimezone.LONDON
        for name in ("starts_at", "ends_at", "booking_opens_at", "booking_closes_at"):
            if name in data:
                data[name] = in_zone(data[name], zone)
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The event must end after it starts.")
        if not data.get("venue_name") and not data.get("online_url"):
            self.add_error("venue_name", "Give a venue, an online link, or both.")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        fields = [
            "kind",
            "title",
            "summary",
            "description",
            "starts_at",
            "ends_at",
            "timezone",
            "venue_name",
            "venue_address",
            "venue_postcode",
            "map_url",
            "online_url",
            "region",
            "capacity",
            "booking_opens_at",
            "booking_closes_at",
            "cancellation_cutoff_hours",
        ]
        return {**{name: d[name] for name in fields}, "tag_names": d["tags"]}

    @staticmethod
    def initial_from(event: Event) -> dict[str, Any]:
        zone = event.timezone
        return {
            "organisation": event.organiser_id,
            "kind": event.kind,
            "title": event.title,
            "summary": event.summary,
            "description": event.description,
            "starts_at": wall_clock(event.starts_at, zone),
            "ends_at": wall_clock(event.ends_at, zone),
            "timezone": zone,
            "venue_name": event.venue_name,
            "venue_address": event.venue_address,
            "venue_postcode": event.venue_postcode,
            "map_url": event.map_url,
            "online_url": event.online_url,
            "region": event.region,
            "capacity": event.capacity,
            "tags": ", ".join(t.name for t in event.tags.all()),
            "booking_opens_at": wall_clock(event.booking_opens_at, zone),
            "booking_closes_at": wall_clock(event.booking_closes_at, zone),
            "cancellation_cutoff_hours": event.cancellation_cutoff_hours,
        }


class ZonedForm(ExchangeForm):
    """A form whose date-times are read in an event's time zone."""

    datetime_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, zone: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.datetime_fields:
            if name in data:
                data[name] = in_zone(data[name], self.zone)
        return data


class EventCopyForm(ZonedForm):
    datetime_fields = ("starts_at",)
    starts_at = datetime_field(
        "The next event starts",
        help_text="Everything else (end, agenda, sales windows) moves by the same amount.",
    )


class EventCancelForm(ExchangeForm):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Sent to everyone booked or waiting. Card payments are refunded in full.",
    )


def parse_tiers(text: str) -> list[dict[str, int]]:
    """ "5:10, 10:15" → [{"min_seats": 5, "percent_off": 10}, {"min_seats": 10, …}]."""
    tiers = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        seats, sep, percent = part.partition(":")
        if not sep or not seats.strip().isdigit() or not percent.strip().rstrip("%").isdigit():
            raise forms.ValidationError("Write tiers as seats:percent, e.g. 5:10, 10:15.")
        tiers.append({"min_seats": int(seats), "percent_off": int(percent.strip().rstrip("%"))})
    return tiers


class TicketTypeForm(ZonedForm):
    datetime_fields = ("sales_start", "sales_end", "early_bird_until")
    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=300, required=False)
    price = forms.DecimalField(
        min_value=Decimal("0"),
        max_value=MAX_PRICE,
        max_digits=8,
        decimal_places=2,
        label="Price (£)",
        help_text="0 for free tickets.",
    )
    capacity = forms.IntegerField(min_value=1, max_value=MAX_CAPACITY, label="Seats")
    max_per_booking = forms.IntegerField(min_value=1, max_value=100, initial=10)
    sales_start = datetime_field("Sales start", required=False)
    sales_end = datetime_field("Sales end", required=False)
    early_bird_price = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_value=MAX_PRICE,
        max_digits=8,
        decimal_places=2,
        label="Early-bird price (£)",
    )
    early_bird_until = datetime_field("Early-bird price until", required=False)
    group_tiers = forms.CharField(
        required=False,
        max_length=200,
        label="Group discounts",
        help_text="seats:percent off, e.g. “5:10, 10:15” = 10% off for 5+, 15% for 10+.",
    )
    position = forms.IntegerField(min_value=0, max_value=1000, initial=0, label="Order")

    def clean_group_tiers(self) -> list[dict[str, int]]:
        return parse_tiers(self.cleaned_data["group_tiers"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        early, until = data.get("early_bird_price"), data.get("early_bird_until")
        if (early is None) != (until is None):
            self.add_error("early_bird_until", "Give both an early-bird price and its deadline.")
        start, end = data.get("sales_start"), data.get("sales_end")
        if start and end and end <= start:
            self.add_error("sales_end", "Sales must end after they start.")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": single_line(d["name"]),
            "description": d["description"],
            "price_pence": pounds_to_pence(d["price"]),
            "capacity": d["capacity"],
            "max_per_booking": d["max_per_booking"],
            "sales_start": d["sales_start"],
            "sales_end": d["sales_end"],
            "early_bird_price_pence": pounds_to_pence(d["early_bird_price"]),
            "early_bird_until": d["early_bird_until"],
            "group_tiers": d["group_tiers"],
            "position": d["position"],
        }

    @staticmethod
    def initial_from(ticket_type: TicketType, zone: str) -> dict[str, Any]:
        return {
            "name": ticket_type.name,
            "description": ticket_type.description,
            "price": pence_to_pounds(ticket_type.price_pence),
            "capacity": ticket_type.capacity,
            "max_per_booking": ticket_type.max_per_booking,
            "sales_start": wall_clock(ticket_type.sales_start, zone),
            "sales_end": wall_clock(ticket_type.sales_end, zone),
            "early_bird_price": pence_to_pounds(ticket_type.early_bird_price_pence),
            "early_bird_until": wall_clock(ticket_type.early_bird_until, zone),
            "group_tiers": ", ".join(
                f"{t['min_seats']}:{t['percent_off']}" for t in ticket_type.group_tiers or []
            ),
            "position": ticket_type.position,
        }


class AgendaItemForm(ZonedForm):
    datetime_fields = ("starts_at", "ends_at")
    starts_at = datetime_field("Starts")
    ends_at = datetime_field("Ends", required=False)
    title = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    speaker_name = forms.CharField(max_length=150, required=False, label="Speaker")
    speaker_organisation = forms.CharField(
        max_length=200, required=False, label="Speaker's organisation"
    )
    speaker_bio = forms.CharField(
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Short biography",
    )

    FIELDS = (
        "starts_at",
        "ends_at",
        "title",
        "description",
        "speaker_name",
        "speaker_organisation",
        "speaker_bio",
    )

    def service_kwargs(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.FIELDS}


class ListingLinkForm(ExchangeForm):
    listing = forms.CharField(
        max_length=500,
        label="Listing",
        help_text="The listing's number or its address, e.g. /listings/42/smart-bins/.",
    )
    role = forms.ChoiceField(choices=ListingRole.choices, initial=ListingRole.SHOWCASED)

    def clean_listing(self) -> int:
        value = self.cleaned_data["listing"].strip()
        if value.isdigit():
            return int(value)
        parts = [p for p in value.split("/") if p]
        if "listings" in parts:
            after = parts[parts.index("listings") + 1 : parts.index("listings") + 2]
            if after and after[0].isdigit():
                return int(after[0])
        raise forms.ValidationError("Give a listing number or a listing's address.")
