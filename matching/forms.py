"""Forms of the match engine's pages: the trends filters."""

from __future__ import annotations

from django import forms

from exchange.enums import OrganisationKind, Region
from matching.trends import TrendFilters, measures

DEFAULT_MEASURE = "listings"


class TrendFilterForm(forms.Form):
    """Measure, region and organisation kind of the trends page, its CSV and (the same rules)
    the API. Every field may be left out; an unknown value is a field error."""

    measure = forms.ChoiceField(label="Measure", required=False)
    region = forms.ChoiceField(
        label="Region",
        required=False,
        choices=[("", "All regions"), *Region.choices],
    )
    organisation_kind = forms.ChoiceField(
        label="Kind of organisation",
        required=False,
        choices=[("", "All kinds"), *OrganisationKind.choices],
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["measure"].choices = [(m.key, m.label) for m in measures().values()]  # type: ignore[attr-defined]

    def clean_measure(self) -> str:
        return self.cleaned_data.get("measure") or DEFAULT_MEASURE

    def filters(self) -> TrendFilters:
        data = self.cleaned_data
        return TrendFilters(
            region=data.get("region") or "", organisation_kind=data.get("organisation_kind") or ""
        )
