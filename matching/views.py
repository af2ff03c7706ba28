"""HTML pages of the match engine: dismissing a match, and the trends heat map with its CSV.

Matches themselves are shown on other apps' pages by template tags (``matching_tags``).
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST

from exchange.enums import OrganisationKind, Region
from exchange.exceptions import ValidationError
from exchange.typing import AuthenticatedHttpRequest
from listings.queries import listings_visible_to
from matching import services
from matching.forms import TrendFilterForm
from matching.heatmap import heatmap
from matching.trends import TrendGrid, trend_grid


@require_POST
@login_required
def match_dismiss(request: AuthenticatedHttpRequest, pk: int, target_pk: int) -> HttpResponse:
    """Owners hide a match as not relevant. Others get 403 (PermissionDenied from the service)."""
    listing = get_object_or_404(listings_visible_to(request.user), pk=pk)
    try:
        services.match_dismiss(actor=request.user, source=listing, target_id=target_pk)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Match dismissed: it will not be suggested again.")
    return HttpResponseRedirect(f"{listing.get_absolute_url()}#matches")


def _trends_form(request: HttpRequest) -> tuple[TrendFilterForm, TrendGrid | None]:
    form = TrendFilterForm(request.GET)
    if not form.is_valid():
        return form, None
    grid = trend_grid(request.user, measure=form.cleaned_data["measure"], filters=form.filters())
    return form, grid


def trends(request: HttpRequest) -> HttpResponse:
    """Activity by need area × month as a heat map, a table and a CSV link; bad filters → 400."""
    form, grid = _trends_form(request)
    return render(
        request,
        "matching/trends.html",
        {
            "form": form,
            "grid": grid,
            "heatmap": heatmap(grid) if grid else None,
            "measures": form.fields["measure"].choices,  # type: ignore[attr-defined]
            "query": request.GET.urlencode(),
            "region_label": dict(Region.choices).get(grid.filters.region, "") if grid else "",
            "kind_label": (
                dict(OrganisationKind.choices).get(grid.filters.organisation_kind, "")
                if grid
                else ""
            ),
        },
        status=200 if grid else 400,
    )


def trends_csv(request: HttpRequest) -> HttpResponse:
    """The trends grid as CSV: one row per need area, one column per month, then the total."""
    form, grid = _trends_form(request)
    if grid is None:
        errors = "; ".join(
            f"{name}: {' '.join(str(m) for m in messages_)}"
            for name, messages_ in form.errors.items()
        )
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    parts = [grid.measure.key, grid.filters.region, grid.filters.organisation_kind]
    name = "-".join(["trends", *filter(None, parts), f"{grid.months[-1]:%Y-%m}"])
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Need area", *(f"{m:%Y-%m}" for m in grid.months), "Total"])
    for row in grid.rows:
        writer.writerow([row.area.name, *row.counts, row.total])
    return response
