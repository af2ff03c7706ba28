"""Who may hear of a domain event: only organisations that may see the resource.

The rules mirror the visibility queries of the owning apps, applied to an organisation
rather than a person (an endpoint acts for its organisation alone).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from events.models import Booking, Event
from events.queries import PUBLIC_STATUSES
from listings.models import CoOwner, Interest, Listing, PilotRequest, Question
from listings.queries import organisation_visibility_filter
from listings.workflow_enums import CaseStudyStatus, CoOwnerStatus


def _listing_visible(organisation_id: int, listing_id: int | None) -> bool:
    if listing_id is None:
        return False
    return (
        Listing.objects.filter(pk=listing_id)
        .filter(organisation_visibility_filter(organisation_id))
        .exists()
    )


def _listing(org: int, payload: dict[str, Any]) -> bool:
    return _listing_visible(org, payload["id"])


def _match(org: int, payload: dict[str, Any]) -> bool:
    """Told to the source listing's organisation, when it may see both listings."""
    source_id = payload.get("related", {}).get("listing")
    owns_source = Listing.objects.filter(pk=source_id, organisation_id=org).exists()
    return owns_source and _listing_visible(org, payload["id"])


def _interest(org: int, payload: dict[str, Any]) -> bool:
    """Told to the listing's organisation and the interested one (anonymous interest is
    named to the owners only, so nobody else hears of it)."""
    interest = Interest.objects.filter(pk=payload["id"]).select_related("listing").first()
    if interest is None or org not in (interest.organisation_id, interest.listing.organisation_id):
        return False
    return _listing_visible(org, interest.listing_id)


def _question(org: int, payload: dict[str, Any]) -> bool:
    question = Question.objects.filter(pk=payload["id"]).select_related("case_study").first()
    if question is None:
        return False
    if question.listing_id is not None:
        return _listing_visible(org, question.listing_id)
    study = question.case_study
    return study is not None and (
        study.status == CaseStudyStatus.PUBLISHED
        or org in (study.organisation_id, study.partner_id)
    )


def _pilot(org: int, payload: dict[str, Any]) -> bool:
    """Only the pilot's two sides and accepted co-owners of the request it answers."""
    co_owned = CoOwner.objects.filter(organisation_id=org, status=CoOwnerStatus.ACCEPTED).values(
        "listing_id"
    )
    return (
        PilotRequest.objects.filter(pk=payload["id"])
        .filter(Q(requester_id=org) | Q(supplier_id=org) | Q(origin_request_id__in=co_owned))
        .exists()
    )


def _event(org: int, payload: dict[str, Any]) -> bool:
    return (
        Event.objects.filter(pk=payload["id"])
        .filter(Q(status__in=PUBLIC_STATUSES) | Q(organiser_id=org))
        .exists()
    )


def _booking(org: int, payload: dict[str, Any]) -> bool:
    """Only the booker's organisation and the organiser (named by the event's emitter)."""
    return (
        Booking.objects.filter(pk=payload["id"])
        .filter(Q(organisation_id=org) | Q(event__organiser_id=org))
        .exists()
    )


RULES = {
    "listing": _listing,
    "match": _match,
    "interest": _interest,
    "question": _question,
    "pilot": _pilot,
    "event": _event,
    "booking": _booking,
}


def may_receive(organisation_id: int, payload: dict[str, Any]) -> bool:
    """May ``organisation_id`` be told of the domain event in ``payload``? Unknown resources,
    vanished resources and organisations outside a given ``organisations`` list may not."""
    named = payload.get("organisations")
    if named is not None and organisation_id not in named:
        return False
    rule = RULES.get(payload.get("resource", ""))
    return rule is not None and rule(organisation_id, payload)
