"""Forms of networking at events: pitch applications, meeting slots and meeting requests."""

from __future__ import annotations

from typing import Any

from django import forms

from events.forms.common import datetime_field
from events.forms.organiser import ZonedForm
from exchange.forms import ExchangeForm
from exchange.models import Organisation
from listings.models import Listing


class PitchApplyForm(ExchangeForm):
    listing = forms.ModelChoiceField(
        queryset=Listing.objects.none(), label="Listing to pitch", empty_label=None
    )
    pitch = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What would you show in five minutes, and why does it matter to this room?",
    )

    def __init__(self, *args: Any, listings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["listing"].queryset = listings  # type: ignore[attr-defined]


class PitchAcceptForm(ZonedForm):
    datetime_fields = ("starts_at", "ends_at")
    starts_at = datetime_field("Pitch starts")
    ends_at = datetime_field("Pitch ends", required=False)


class PitchDeclineForm(ExchangeForm):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The applicant reads this.",
    )


class MeetingSlotForm(ZonedForm):
    datetime_fields = ("starts_at", "ends_at")
    starts_at = datetime_field("Starts")
    ends_at = datetime_field("Ends")
    tables = forms.IntegerField(min_value=1, max_value=500, initial=10)


class MeetingRequestForm(ExchangeForm):
    to_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), widget=forms.HiddenInput
    )
    from_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="You represent"
    )
    message = forms.CharField(
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Message",
        help_text="Optional: what you would like to talk about.",
    )

    def __init__(self, *args: Any, mine: Any, others: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = others  # type: ignore[attr-defined]
        self.fields["from_organisation"].queryset = mine  # type: ignore[attr-defined]


class MeetingDeclineForm(ExchangeForm):
    reason = forms.CharField(max_length=300, required=False)
