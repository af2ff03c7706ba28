"""HTML pages for listings: browse, detail, create, edit, status changes, my listings."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.markup import render_markdown
from exchange.models import Organisation
from exchange.permissions import LISTING_CHANGE, LISTING_PUBLISH, has_perm
from exchange.typing import AuthenticatedHttpRequest
from listings import presenters, services
from listings.enums import STATUS_TRANSITIONS, AlertFrequency, ListingStatus
from listings.forms import ListingForm, SavedSearchForm
from listings.models import SavedSearch
from listings.queries import (
    SearchParams,
    listing_search,
    listings_visible_to,
    similar_listings,
    similar_to_draft,
)

STATUS_ACTIONS = {
    "publish": (services.listing_publish, "Listing published."),
    "close": (services.listing_close, "Listing closed: it stays visible but is marked closed."),
    "archive": (services.listing_archive, "Listing archived."),
}


def listing_browse(request: HttpRequest) -> HttpResponse:
    """The search page: query box, facets, results; the URL carries the whole search."""
    params = SearchParams.from_query(request.GET)
    result = listing_search(request.user, params, page_number=request.GET.get("page"))
    query = params.querystring()
    return render(
        request,
        "listings/browse.html",
        {
            "result": result,
            "params": params,
            "rows": presenters.rows(result),
            "facet_groups": presenters.facet_groups(result),
            "active_filters": presenters.active_filters(result),
            "query": query,
            "page_query": f"{query}&" if query else "",
        },
    )


def listing_similar(request: HttpRequest) -> HttpResponse:
    """Fragment: up to 5 published listings like the title and summary being written."""
    similar = similar_to_draft(
        request.user, title=request.GET.get("title", ""), summary=request.GET.get("summary", "")
    )
    return render(request, "listings/_similar_hint.html", {"similar": similar})


def listing_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    listing = get_object_or_404(listings_visible_to(request.user), pk=pk)
    if slug != listing.slug:
        return redirect(listing, permanent=True)
    user = request.user
    can_publish = has_perm(user, LISTING_PUBLISH, listing)
    return render(
        request,
        "listings/detail.html",
        {
            "listing": listing,
            "body_html": render_markdown(listing.body),
            "similar": similar_listings(
                user,
                " ".join([listing.title, listing.summary, *(t.name for t in listing.tags.all())]),
                exclude_id=listing.pk,
            ),
            "can_edit": listing.status != ListingStatus.ARCHIVED
            and has_perm(user, LISTING_CHANGE, listing),
            "status_actions": [
                a
                for a in STATUS_ACTIONS
                if can_publish and _target(a) in STATUS_TRANSITIONS[listing.status]
            ],
            "is_owner_member": user.is_authenticated
            and listing.organisation.memberships.filter(user=user).exists(),
        },
    )


def _target(action: str) -> str:
    return {
        "publish": ListingStatus.PUBLISHED,
        "close": ListingStatus.CLOSED,
        "archive": ListingStatus.ARCHIVED,
    }[action]


@login_required
def listing_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not Organisation.objects.filter(memberships__user=request.user).exists():
        messages.info(
            request, "Create or join an organisation first: listings belong to organisations."
        )
        return redirect("organisation-list")
    form = ListingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.listing_create(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                **form.service_kwargs(),
            )
            if request.POST.get("publish_now"):
                listing = services.listing_publish(actor=request.user, listing=listing)
        except (ValidationError, PermissionDenied, InvalidTransition) as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, "Listing published." if listing.status == "published" else "Draft saved."
            )
            return redirect(listing)
    return render(request, "listings/form.html", {"form": form, "creating": True})


@login_required
def listing_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    listing = get_object_or_404(listings_visible_to(request.user), pk=pk)
    if (
        not has_perm(request.user, LISTING_CHANGE, listing)
        or listing.status == ListingStatus.ARCHIVED
    ):
        raise PermissionDenied("You cannot edit this listing.")
    form = ListingForm(
        request.POST or None,
        user=request.user,
        listing=listing,
        initial=ListingForm.initial_from(listing),
    )
    if request.method == "POST" and form.is_valid():
        try:
            kwargs = form.service_kwargs()
            listing = services.listing_update(
                actor=request.user,
                listing=listing,
                tag_names=kwargs.pop("tag_names"),
                needs=kwargs.pop("needs"),
                shared_with=kwargs.pop("shared_with"),
                **kwargs,
            )
        except (ValidationError, PermissionDenied, InvalidTransition) as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Changes saved.")
            return redirect(listing)
    return render(
        request, "listings/form.html", {"form": form, "listing": listing, "creating": False}
    )


@require_POST
@login_required
def listing_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    listing = get_object_or_404(listings_visible_to(request.user), pk=pk)
    action = STATUS_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, "Unknown action.")
        return redirect(listing)
    service, done = action
    try:
        listing = service(actor=request.user, listing=listing)
    except (ValidationError, InvalidTransition) as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, done)
    return HttpResponseRedirect(listing.get_absolute_url())


@login_required
def my_listings(request: AuthenticatedHttpRequest) -> HttpResponse:
    orgs = Organisation.objects.filter(memberships__user=request.user).order_by("name")
    visible = listings_visible_to(request.user)
    groups = [
        (org, list(visible.filter(organisation=org).order_by("status", "-updated_at")))
        for org in orgs
    ]
    return render(request, "listings/mine.html", {"groups": groups})


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return getattr(exc, "message", str(exc))


def _add_errors(form: forms.Form, exc: Exception) -> None:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            name = {"price_pence": "price", "budget_pence": "budget"}.get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, _message(exc))


# --- Saved searches ---------------------------------------------------------------------------


@login_required
def saved_search_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    params = SearchParams.from_query(source)
    suggested = params.q or "My search"
    form = SavedSearchForm(request.POST or None, initial={"name": suggested[:120]})
    if request.method == "POST" and form.is_valid():
        try:
            services.saved_search_create(actor=request.user, params=params, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, "Search saved. We will email you when new listings match.")
            return redirect("saved-search-list")
    return render(
        request,
        "listings/saved_search_form.html",
        {
            "form": form,
            "params": params,
            "query": params.querystring(),
        },
    )


@login_required
def saved_search_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        saved = get_object_or_404(SavedSearch, pk=request.POST.get("id", 0), user=request.user)
        try:
            if request.POST.get("action") == "delete":
                services.saved_search_delete(actor=request.user, saved=saved)
                messages.success(request, f"Deleted “{saved.name}”.")
            else:
                services.saved_search_update(
                    actor=request.user,
                    saved=saved,
                    frequency=request.POST.get("frequency", saved.frequency),
                )
                messages.success(request, f"Alerts for “{saved.name}” updated.")
        except ValidationError as exc:
            messages.error(request, _message(exc))
        return redirect("saved-search-list")
    searches = SavedSearch.objects.filter(user=request.user)
    return render(
        request,
        "listings/saved_search_list.html",
        {
            "searches": searches,
            "frequencies": AlertFrequency.choices,
        },
    )


@csrf_exempt  # RFC 8058 one-click POST from mail clients carries no CSRF token; the
# signed token is the credential and the only effect is turning alerts off.
def saved_search_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click from an email, no login: alerts for that search are turned off."""
    try:
        saved = services.saved_search_unsubscribe(token=token)
    except ValidationError as exc:
        return render(request, "listings/unsubscribed.html", {"error": _message(exc)}, status=400)
    return render(request, "listings/unsubscribed.html", {"saved": saved})
