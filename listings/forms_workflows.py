"""Forms of the council workflows. They validate; the services in ``listings.workflows`` write."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from exchange.enums import OrganisationKind, Region
from exchange.forms import ExchangeForm
from exchange.models import Need, Organisation, User
from exchange.services import parse_tag_names
from listings.enums import ListingStatus
from listings.forms import grouped_need_choices, pounds_to_pence
from listings.models import Listing, Shortlist
from listings.workflow_enums import (
    CaseStudyOrigin,
    DeclineReason,
    PilotOutcome,
    QuestionDeclineReason,
    ShortlistStatus,
)


def _my_organisations(user: User) -> Any:
    return Organisation.objects.filter(memberships__user=user).order_by("name")


class OrganisationChoiceForm(ExchangeForm):
    """Base: acting for one of the user's organisations (the choice is hidden when single)."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), empty_label=None)

    def __init__(self, *args: Any, user: User, organisations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        qs = organisations if organisations is not None else _my_organisations(user)
        self.fields["organisation"].queryset = qs  # type: ignore[attr-defined]


class InterestForm(OrganisationChoiceForm):
    anonymous = forms.BooleanField(
        required=False,
        label="Count us anonymously",
        help_text="Public bodies are always named. Anonymous organisations are named only to "
        "the listing's owners.",
    )
    note = forms.CharField(required=False, max_length=300)


class CoOwnerInviteForm(ExchangeForm):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none())
    message = forms.CharField(required=False, max_length=500)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class ResponseForm(OrganisationChoiceForm):
    proposed_listing = forms.ModelChoiceField(
        queryset=Listing.objects.none(),
        required=False,
        label="One of your listings",
        help_text="Or leave empty and describe a new idea below.",
    )
    idea_title = forms.CharField(required=False, max_length=160, label="New idea: title")
    idea_summary = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="New idea: what it is",
    )
    pitch = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="How would this help fix the problem?",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["proposed_listing"].queryset = (  # type: ignore[attr-defined]
            Listing.objects.filter(
                organisation__memberships__user=user, status=ListingStatus.PUBLISHED
            )
            .exclude(kind="request")
            .select_related("organisation")
            .order_by("title")
        )


class DeclineForm(ExchangeForm):
    reason = forms.ChoiceField(choices=DeclineReason.choices)
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PilotForm(ExchangeForm):
    requester = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        empty_label=None,
        label="Asking as",
    )
    scope = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    starts_on = forms.DateField(
        required=False, label="Proposed start", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        required=False, label="Proposed end", widget=forms.DateInput(attrs={"type": "date"})
    )
    budget = forms.DecimalField(
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        initial=Decimal("0"),
        label="Budget (£)",
        help_text="Zero is fine for an unfunded pilot.",
    )
    success_criteria = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    contact_name = forms.CharField(max_length=150)
    contact_email = forms.EmailField()
    contact_phone = forms.CharField(required=False, max_length=40)

    def __init__(self, *args: Any, requesters: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = requesters  # type: ignore[attr-defined]

    @staticmethod
    def requesters_for(user: User) -> Any:
        return _my_organisations(user).filter(
            kind__in=[OrganisationKind.COUNCIL, OrganisationKind.THIRD_SECTOR]
        )

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "requester": d["requester"],
            "scope": d["scope"],
            "starts_on": d["starts_on"],
            "ends_on": d["ends_on"],
            "budget_pence": pounds_to_pence(d["budget"]) or 0,
            "success_criteria": d["success_criteria"],
            "contact_name": d["contact_name"],
            "contact_email": d["contact_email"],
            "contact_phone": d["contact_phone"],
        }


class PilotCompleteForm(ExchangeForm):
    outcome = forms.ChoiceField(choices=PilotOutcome.choices)
    report = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))


class QuestionForm(ExchangeForm):
    text = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Your question"
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(), required=False, label="Asking for"
    )
    anonymous = forms.BooleanField(
        required=False,
        label="Hide who asked from the public",
        help_text="The owners still see your organisation.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = _my_organisations(user)  # type: ignore[attr-defined]


class QuestionDeclineForm(ExchangeForm):
    reason = forms.ChoiceField(choices=QuestionDeclineReason.choices)
    note = forms.CharField(required=False, max_length=2000)


class ShortlistForm(OrganisationChoiceForm):
    name = forms.CharField(max_length=120)
    description = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ShortlistOutcomeForm(ExchangeForm):
    outcome = forms.ChoiceField(
        choices=[c for c in ShortlistStatus.choices if c[0] != ShortlistStatus.OPEN]
    )
    chosen_listing = forms.ModelChoiceField(queryset=Listing.objects.none(), required=False)
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, shortlist: Shortlist, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chosen_listing"].queryset = Listing.objects.filter(  # type: ignore[attr-defined]
            pk__in=shortlist.items.values("listing_id")
        )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class CaseStudyForm(ExchangeForm):
    """A case study's content (nomination and editing)."""

    title = forms.CharField(max_length=160)
    summary = forms.CharField(max_length=400, widget=forms.Textarea(attrs={"rows": 2}))
    what_tried = forms.CharField(
        max_length=10000, widget=forms.Textarea(attrs={"rows": 5}), label="What was tried"
    )
    what_worked = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4})
    )
    what_didnt = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What didn't work",
    )
    costs = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    recipe = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Replication recipe",
        help_text="One step per line, in order.",
    )
    links = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One web address per line.",
    )
    video_url = forms.URLField(required=False, label="Video link", assume_scheme="https")
    tags = forms.CharField(required=False, max_length=500, help_text="Comma-separated.")
    needs = forms.ModelMultipleChoiceField(queryset=Need.objects.all(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].widget.choices = grouped_need_choices()

    def clean_recipe(self) -> list[str]:
        return _lines(self.cleaned_data["recipe"])

    def clean_links(self) -> list[str]:
        links = _lines(self.cleaned_data["links"])
        validator = forms.URLField(assume_scheme="https")
        return [validator.clean(link) for link in links]

    def clean_tags(self) -> list[str]:
        return parse_tag_names(self.cleaned_data["tags"])

    def content_kwargs(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["tag_names"] = d.pop("tags")
        d["needs"] = list(d["needs"])
        return d


class NominationForm(CaseStudyForm):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        label="Which organisation shines?",
        help_text="It will be asked to consent before anything is published.",
    )
    nomination_note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why are you nominating them?",
    )
    field_order = ["organisation", "title", "summary"]


class CaseStudyFilterForm(ExchangeForm):
    q = forms.CharField(required=False, max_length=200, label="Words")
    origin = forms.ChoiceField(required=False, choices=[("", "Any"), *CaseStudyOrigin.choices])
    outcome = forms.ChoiceField(required=False, choices=[("", "Any"), *PilotOutcome.choices])
    organisation_kind = forms.ChoiceField(
        required=False, choices=[("", "Any"), *OrganisationKind.choices]
    )
    region = forms.ChoiceField(required=False, choices=[("", "Any"), *Region.choices])
    need = forms.SlugField(required=False)
    need_area = forms.SlugField(required=False)
    tag = forms.SlugField(required=False)


class ReplicateForm(OrganisationChoiceForm):
    pass
