"""Shortlist pages: list and create, add from a listing, edit items, outcome, CSV export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from exchange.permissions import has_perm
from exchange.typing import AuthenticatedHttpRequest
from exchange.views.common import posted_pk
from listings import workflows
from listings.exports import shortlist_csv
from listings.forms_workflows import ShortlistForm, ShortlistOutcomeForm
from listings.models import Shortlist, ShortlistItem
from listings.permissions import SHORTLIST_CHANGE
from listings.queries import listings_visible_to, shortlist_items, shortlists_with_items
from listings.views_workflows.common import (
    SERVICE_ERRORS,
    apply_service_error,
    back,
    form_errors,
    run,
)


@login_required
def shortlist_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ShortlistForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            shortlist = workflows.shortlist_create(actor=request.user, **form.cleaned_data)
        except SERVICE_ERRORS as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, "Shortlist created. Your colleagues can see it too.")
            return redirect(shortlist)
    return render(
        request,
        "listings/shortlist_list.html",
        {"form": form, "shortlists": shortlists_with_items(request.user)},
    )


@require_POST
@login_required
def shortlist_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """From a listing page: add it to a shortlist (or to a new one, by name)."""
    listing = get_object_or_404(listings_visible_to(request.user), pk=posted_pk(request, "listing"))
    fallback = listing.get_absolute_url()
    if request.POST.get("shortlist"):
        shortlist = get_object_or_404(
            shortlists_with_items(request.user), pk=posted_pk(request, "shortlist")
        )
    else:
        form = ShortlistForm(request.POST, user=request.user)
        if not form.is_valid():
            messages.error(request, form_errors(form))
            return back(request, fallback)
        shortlist = run(
            request,
            workflows.shortlist_create,
            "Shortlist created.",
            actor=request.user,
            **form.cleaned_data,
        )
        if shortlist is None:
            return back(request, fallback)
    run(
        request,
        workflows.shortlist_item_add,
        f"Added to “{shortlist.name}”.",
        actor=request.user,
        shortlist=shortlist,
        listing=listing,
        note=request.POST.get("note", ""),
    )
    return back(request, fallback)


def _item(shortlist: Shortlist, request: AuthenticatedHttpRequest) -> ShortlistItem:
    return get_object_or_404(ShortlistItem, pk=posted_pk(request, "item"), shortlist=shortlist)


def _post_action(request: AuthenticatedHttpRequest, shortlist: Shortlist) -> None:
    action, user, data = request.POST.get("action", ""), request.user, request.POST
    if action == "rename":
        run(
            request,
            workflows.shortlist_rename,
            "Saved.",
            actor=user,
            shortlist=shortlist,
            name=data.get("name", ""),
            description=data.get("description", ""),
        )
    elif action == "note":
        run(
            request,
            workflows.shortlist_item_note,
            "Note saved.",
            actor=user,
            item=_item(shortlist, request),
            note=data.get("note", ""),
        )
    elif action == "remove":
        run(
            request,
            workflows.shortlist_item_remove,
            "Removed from the shortlist.",
            actor=user,
            item=_item(shortlist, request),
        )
    elif action in ("up", "down"):
        run(
            request,
            workflows.shortlist_item_move,
            "Order saved.",
            actor=user,
            item=_item(shortlist, request),
            offset=-1 if action == "up" else 1,
        )
    elif action == "outcome":
        form = ShortlistOutcomeForm(data, shortlist=shortlist)
        if not form.is_valid():
            messages.error(request, form_errors(form))
        else:
            run(
                request,
                workflows.shortlist_outcome_record,
                "Outcome recorded.",
                actor=user,
                shortlist=shortlist,
                **form.cleaned_data,
            )
    else:
        raise Http404("Unknown action.")


@login_required
def shortlist_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    shortlist = get_object_or_404(shortlists_with_items(request.user), pk=pk)
    if request.method == "POST":
        _post_action(request, shortlist)
        return redirect(shortlist)
    return render(
        request,
        "listings/shortlist_detail.html",
        {
            "shortlist": shortlist,
            "items": shortlist_items(request.user, shortlist),
            "events": shortlist.events.select_related("actor", "listing").order_by("-created_at"),
            "can_change": shortlist.is_open and has_perm(request.user, SHORTLIST_CHANGE, shortlist),
            "outcome_form": ShortlistOutcomeForm(shortlist=shortlist),
        },
    )


@login_required
def shortlist_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    shortlist = get_object_or_404(shortlists_with_items(request.user), pk=pk)
    response = HttpResponse(
        shortlist_csv(shortlist, shortlist_items(request.user, shortlist)),
        content_type="text/csv; charset=utf-8",
    )
    name = slugify(shortlist.name) or "shortlist"
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
