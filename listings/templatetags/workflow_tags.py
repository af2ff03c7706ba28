"""Fragments of the council workflows for the listing page, cards and the dashboard.

The listing page and the core app's dashboard load these tags, so the sections (demand,
co-owners, responses, Q&A, pilots, shortlists) are built in one place from the visibility
queries, and the core app never imports listings.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from exchange.enums import OrganisationKind
from exchange.models import Organisation
from exchange.permissions import LISTING_PUBLISH, has_perm
from listings.enums import OFFER_KINDS, ListingKind, ListingStatus
from listings.forms_workflows import DeclineForm, InterestForm, QuestionDeclineForm, QuestionForm
from listings.models import Listing
from listings.queries import (
    can_manage_listing,
    co_owner_invitations_for,
    co_owners_of,
    follow_of,
    interest_summary,
    may_see_asker,
    organisations_of,
    pilots_asked_for,
    pilots_asked_of,
    pilots_of_request,
    questions_on,
    response_counts,
    responses_to,
    shortlists_visible_to,
)
from listings.workflow_enums import PILOT_FINAL_STATUSES, ShortlistStatus

register = template.Library()

DASHBOARD_LIMIT = 10
REQUESTER_KINDS = (OrganisationKind.COUNCIL, OrganisationKind.THIRD_SECTOR)


@register.filter
def demand_label(listing: Listing) -> str:
    """ "3 need this too" on a request, "3 interested" on an offer; "" when nobody yet."""
    n = listing.interest_count
    if not n:
        return ""
    if listing.kind == ListingKind.REQUEST:
        return f"{n} organisation{'s' if n != 1 else ''} need{'s' if n == 1 else ''} this too"
    return f"{n} organisation{'s' if n != 1 else ''} interested"


@register.inclusion_tag("listings/_workflow_actions.html", takes_context=True)
def listing_actions(context: template.Context, listing: Listing) -> dict[str, Any]:
    """Follow, add to a shortlist, request a pilot: the buttons under a listing's title."""
    request = context["request"]
    user = request.user
    mine = organisations_of(user)
    own = any(o.pk == listing.organisation_id for o in mine)
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "listing": listing,
        "user": user,
        "follow": follow_of(user, listing_id=listing.pk),
        "organisation_follow": follow_of(user, organisation_id=listing.organisation_id),
        "shortlists": list(
            shortlists_visible_to(user).filter(status=ShortlistStatus.OPEN).order_by("name")
        )
        if user.is_authenticated
        else [],
        "has_organisation": bool(mine),
        "organisations": mine,
        "can_request_pilot": listing.kind in OFFER_KINDS
        and listing.status == ListingStatus.PUBLISHED
        and not own
        and any(o.kind in REQUESTER_KINDS for o in mine),
    }


@register.inclusion_tag("listings/_workflow_sections.html", takes_context=True)
def listing_workflows(context: template.Context, listing: Listing) -> dict[str, Any]:
    """Demand, co-owners, responses, pilots and public Q&A of one listing, as the viewer may
    see them (the listing itself was found through the visibility query)."""
    request = context["request"]
    user = request.user
    manager = can_manage_listing(user, listing)
    mine = organisations_of(user)
    own = any(o.pk == listing.organisation_id for o in mine)
    summary = interest_summary(user, listing)
    interested_ids = {i.organisation_id for i in summary.mine}
    is_request = listing.kind == ListingKind.REQUEST
    co_owners = list(co_owners_of(listing)) if is_request else []
    live_ids = {c.organisation_id for c in co_owners}
    questions = [(q, *may_see_asker(user, q, manager=manager)) for q in questions_on(user, listing)]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "user": user,
        "listing": listing,
        "is_request": is_request,
        "published": listing.status == ListingStatus.PUBLISHED,
        "manager": manager,
        "is_owner": has_perm(user, LISTING_PUBLISH, listing),
        "own": own,
        "my_org_ids": {o.pk for o in mine},
        "summary": summary,
        "interest_form": InterestForm(user=user) if user.is_authenticated else None,
        "can_register": [o for o in mine if o.pk not in interested_ids and not own],
        "co_owners": co_owners,
        "my_invitations": [
            c for c in co_owners if c.status == "invited" and c.organisation in mine
        ],
        "invitable": [
            i.organisation
            for i in summary.everyone
            if i.organisation_id not in live_ids and i.organisation_id != listing.organisation_id
        ],
        "response_counts": response_counts(listing) if is_request else [],
        "responses": responses_to(user, listing) if is_request and user.is_authenticated else [],
        "can_respond": is_request and bool(mine) and not manager,
        "pilots": pilots_of_request(user, listing) if is_request and manager else [],
        "decline_form": DeclineForm(),
        "questions": questions,
        "question_form": QuestionForm(user=user) if user.is_authenticated else None,
        "question_decline_form": QuestionDeclineForm(),
    }


@register.inclusion_tag("listings/_follow_button.html", takes_context=True)
def follow_button(context: template.Context, target: Model) -> dict[str, Any]:
    """Follow / unfollow for a listing, an organisation or a case study."""
    request = context["request"]
    kind = {"Listing": "listing", "Organisation": "organisation", "CaseStudy": "case_study"}[
        type(target).__name__
    ]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "user": request.user,
        "kind": kind,
        "target": target,
        "is_organisation": isinstance(target, Organisation),
        "follow": follow_of(request.user, **{f"{kind}_id": target.pk}),
    }


@register.inclusion_tag("listings/_dashboard_workflows.html", takes_context=True)
def my_workflows(context: template.Context) -> dict[str, Any]:
    """Dashboard: "Pilots we asked for", "Pilots asked of us", open shortlists, invitations."""
    user = context["request"].user

    def open_first(qs: Any) -> list[Any]:
        return list(qs.exclude(status__in=PILOT_FINAL_STATUSES)[:DASHBOARD_LIMIT])

    return {
        "asked_for": open_first(pilots_asked_for(user)),
        "asked_of": open_first(pilots_asked_of(user)),
        "shortlists": list(
            shortlists_visible_to(user).filter(status=ShortlistStatus.OPEN)[:DASHBOARD_LIMIT]
        ),
        "invitations": list(co_owner_invitations_for(user)[:DASHBOARD_LIMIT]),
        "csrf_token": context.get("csrf_token"),
    }
