"""Unconference forms: proposing a session, rooms, slots, the vote budget, moves, notes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import URLValidator

from events.forms.common import MAX_CAPACITY, datetime_field, organisations_of
from events.forms.organiser import ZonedForm
from events.models import Event, Room, Slot
from exchange.forms import ExchangeForm
from exchange.models import Organisation, User
from exchange.services import parse_tag_names
from listings.models import Listing
from listings.queries import listings_visible_to

MAX_LINKS = 20


class SessionProposalForm(ExchangeForm):
    title = forms.CharField(max_length=160, label="Session title")
    description = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you want to talk about, and who should come.",
    )
    tags = forms.CharField(required=False, max_length=500, help_text="Comma-separated.")
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        label="On behalf of",
        empty_label="Just me",
    )
    listing = forms.ModelChoiceField(
        queryset=Listing.objects.none(),
        required=False,
        label="Linked listing",
        empty_label="None",
        help_text="A listing of your organisation the session is about.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = organisations_of(user)
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["listing"].queryset = (  # type: ignore[attr-defined]
            listings_visible_to(user)
            .filter(organisation__in=orgs)
            .prefetch_related(None)
            .order_by("title")
        )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "tag_names": parse_tag_names(data["tags"]),
            "listing": data["listing"],
            "organisation_id": data["organisation"].pk if data["organisation"] else None,
        }


class RoomForm(ExchangeForm):
    name = forms.CharField(max_length=100, label="Room name")
    capacity = forms.IntegerField(min_value=1, max_value=MAX_CAPACITY, label="Seats")


class SlotForm(ZonedForm):
    datetime_fields = ("starts_at", "ends_at")
    starts_at = datetime_field("Starts")
    ends_at = datetime_field("Ends")


class VoteBudgetForm(ExchangeForm):
    vote_budget = forms.IntegerField(
        min_value=1, max_value=100, label="Votes per person", help_text="Between 1 and 100."
    )


class SessionMoveForm(ExchangeForm):
    """Put a session into a cell, or take it out (both empty)."""

    room = forms.ModelChoiceField(queryset=Room.objects.none(), required=False)
    slot = forms.ModelChoiceField(queryset=Slot.objects.none(), required=False)
    pin = forms.BooleanField(
        required=False, label="Pin here", help_text="The scheduler keeps pinned sessions."
    )

    def __init__(self, *args: Any, event: Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(event=event)  # type: ignore[attr-defined]
        self.fields["slot"].queryset = Slot.objects.filter(event=event)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("room")) != bool(data.get("slot")):
            raise forms.ValidationError("Choose both a room and a slot, or neither.")
        if data.get("pin") and not data.get("room"):
            raise forms.ValidationError("Choose the cell to pin the session to.")
        return data


class SessionNotesForm(ExchangeForm):
    notes = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown: what was said, what was agreed, what comes next.",
    )
    links = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Outputs",
        help_text="One per line: a title, a bar, then the web address, e.g. "
        "“Slides | https://example.org/slides”.",
    )

    def clean_links(self) -> list[dict[str, str]]:
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise forms.ValidationError(f"At most {MAX_LINKS} outputs.")
        validate = URLValidator(schemes=["http", "https"])
        links = []
        for line in lines:
            title, _, url = line.rpartition("|")
            url = url.strip()
            try:
                validate(url)
            except forms.ValidationError:
                raise forms.ValidationError(f"Not a web address: {url[:80]}") from None
            links.append({"title": title.strip() or url, "url": url})
        return links

    @staticmethod
    def initial_links(links: list[dict[str, str]]) -> str:
        return "\n".join(f"{link['title']} | {link['url']}" for link in links)
