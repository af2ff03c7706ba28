from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from exchange.enums import Region
from exchange.models import Need, Organisation, User
from exchange.services import parse_tag_names
from listings.enums import PRICED_MODELS, AlertFrequency, ListingKind, PriceModel, Visibility
from listings.models import Listing


def pounds_to_pence(value: Decimal | None) -> int | None:
    if value is None:
        return None
    return int((value * 100).quantize(Decimal("1")))


def pence_to_pounds(value: int | None) -> Decimal | None:
    return None if value is None else (Decimal(value) / 100).quantize(Decimal("0.01"))


def grouped_need_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Needs as (area, [(id, need)]) groups for an <optgroup> select."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for need in Need.objects.select_related("area"):
        groups.setdefault(need.area.name, []).append((need.pk, need.name))
    return list(groups.items())


class ListingForm(forms.Form):
    """Validates a listing. The listing services do the write."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), empty_label=None)
    kind = forms.ChoiceField(choices=ListingKind.choices, label="What are you posting?")
    title = forms.CharField(max_length=160)
    summary = forms.CharField(
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or two sentences shown in search results.",
    )
    body = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        label="Description",
        help_text="Markdown: **bold**, _italics_, lists and links.",
    )
    tags = forms.CharField(
        required=False,
        max_length=500,
        help_text="Comma-separated, e.g. befriending, volunteers, telecare.",
    )
    needs = forms.ModelMultipleChoiceField(
        queryset=Need.objects.all(),
        required=False,
        help_text="The public-service needs this is about (choose up to 5).",
    )
    price_model = forms.ChoiceField(choices=PriceModel.choices, initial=PriceModel.FREE)
    price = forms.DecimalField(
        required=False,
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        label="Price (£)",
        help_text="Needed for fixed, from and per-user-per-year prices.",
    )
    budget = forms.DecimalField(
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        label="Budget (£)",
        help_text="Requests only: what you can spend.",
    )
    region = forms.ChoiceField(choices=Region.choices, initial=Region.NATIONAL)
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.PUBLIC)
    shared_with = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.all(),
        required=False,
        help_text="Only for “shared with named organisations”.",
    )
    video_url = forms.URLField(required=False, label="Video link", assume_scheme="https")
    website_url = forms.URLField(required=False, label="Web link", assume_scheme="https")

    def __init__(
        self, *args: Any, user: User, listing: Listing | None = None, **kwargs: Any
    ) -> None:
        """``listing``: editing it — its organisation is fixed (a co-owner editing a joint
        request is no member of the owning organisation, yet the field must validate)."""
        super().__init__(*args, **kwargs)
        if listing is not None:
            orgs = Organisation.objects.filter(pk=listing.organisation_id)
            self.fields["organisation"].disabled = True
        else:
            orgs = Organisation.objects.filter(memberships__user=user).order_by("name")
        self.fields["organisation"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["needs"].widget.choices = grouped_need_choices()

    def clean_tags(self) -> list[str]:
        names = parse_tag_names(self.cleaned_data["tags"])
        if len(names) > 12:
            raise forms.ValidationError("Use at most 12 tags.")
        return names

    def clean_needs(self) -> list[Need]:
        needs = list(self.cleaned_data["needs"])
        if len(needs) > 5:
            raise forms.ValidationError("Choose at most 5 needs.")
        return needs

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("price_model") in PRICED_MODELS and data.get("price") is None:
            self.add_error("price", "Enter a price for this price model.")
        if data.get("kind") != ListingKind.REQUEST and data.get("budget") is not None:
            self.add_error("budget", "Only requests have a budget.")
        if data.get("visibility") == Visibility.SHARED and not data.get("shared_with"):
            self.add_error("shared_with", "Choose at least one organisation to share with.")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned data in the shape the listing services take."""
        d = self.cleaned_data
        priced = d["price_model"] in PRICED_MODELS
        return {
            "kind": d["kind"],
            "title": d["title"],
            "summary": d["summary"],
            "body": d["body"],
            "tag_names": d["tags"],
            "needs": d["needs"],
            "price_model": d["price_model"],
            "price_pence": pounds_to_pence(d["price"]) if priced else None,
            "budget_pence": pounds_to_pence(d["budget"])
            if d["kind"] == ListingKind.REQUEST
            else None,
            "region": d["region"],
            "visibility": d["visibility"],
            "shared_with": list(d["shared_with"]) if d["visibility"] == Visibility.SHARED else [],
            "video_url": d["video_url"],
            "website_url": d["website_url"],
        }

    @staticmethod
    def initial_from(listing: Listing) -> dict[str, Any]:
        return {
            "organisation": listing.organisation_id,
            "kind": listing.kind,
            "title": listing.title,
            "summary": listing.summary,
            "body": listing.body,
            "tags": ", ".join(t.name for t in listing.tags.all()),
            "needs": list(listing.needs.all()),
            "price_model": listing.price_model,
            "price": pence_to_pounds(listing.price_pence),
            "budget": pence_to_pounds(listing.budget_pence),
            "region": listing.region,
            "visibility": listing.visibility,
            "shared_with": list(listing.shared_with.all()),
            "video_url": listing.video_url,
            "website_url": listing.website_url,
        }


class SavedSearchForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="So you can recognise it in your emails.")
    frequency = forms.ChoiceField(
        choices=AlertFrequency.choices,
        initial=AlertFrequency.DAILY,
        widget=forms.RadioSelect,
        label="Email me new matches",
    )
