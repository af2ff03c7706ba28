"""Responses to requests: "how can I help you fix it?" — and the owners' answer to each.

Owners and co-owners (the request's change permission) shortlist, invite to a pilot or
decline every response with a reason; the responding organisation is always told.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from exchange.enums import NotificationKind
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Organisation, User
from exchange.permissions import LISTING_CHANGE, require_perm
from listings.enums import OFFER_KINDS, ListingKind, ListingStatus
from listings.models import CoOwner, Listing, PilotRequest, RequestResponse
from listings.workflow_enums import CoOwnerStatus, DeclineReason, ResponseStatus
from listings.workflows.common import (
    is_member,
    lock_visible_listing,
    manager_organisations,
    require_member,
    require_published,
    require_text,
    tell,
)
from listings.workflows.pilots import pilot_from_response

OPEN_RESPONSE_STATUSES = (ResponseStatus.SUBMITTED, ResponseStatus.SHORTLISTED)


@transaction.atomic
def response_create(
    *,
    actor: User,
    request: Listing,
    organisation: Organisation,
    pitch: str,
    proposed_listing: Listing | None = None,
    idea_title: str = "",
    idea_summary: str = "",
) -> RequestResponse:
    """Propose one of ``organisation``'s published offers, or a new idea, for a request.

    Proposing a listing shows its title and summary to the request's owners. Side effect: the
    owners and co-owners are notified (INTEREST).
    """
    require_member(actor, organisation, doing="respond for it")
    request = lock_visible_listing(actor, request)
    if request.kind != ListingKind.REQUEST:
        raise ValidationError("Only requests take responses.")
    require_published(request, doing="respond to")
    if (
        request.organisation_id == organisation.pk
        or CoOwner.objects.filter(
            listing=request, organisation=organisation, status=CoOwnerStatus.ACCEPTED
        ).exists()
    ):
        raise ValidationError("Your organisation owns this request.")
    pitch = require_text(pitch, "pitch", "Write a short pitch.")
    idea_title = idea_title.strip()
    if (proposed_listing is None) == (not idea_title):
        raise ValidationError("Propose one of your listings or describe a new idea (not both).")
    if proposed_listing is not None:
        if (
            proposed_listing.organisation_id != organisation.pk
            or proposed_listing.kind not in OFFER_KINDS
            or proposed_listing.status != ListingStatus.PUBLISHED
        ):
            raise ValidationError(
                {"proposed_listing": "Choose one of your organisation's published offers."}
            )
        if (
            RequestResponse.objects.filter(request=request, proposed_listing=proposed_listing)
            .exclude(status=ResponseStatus.WITHDRAWN)
            .exists()
        ):
            raise ValidationError(
                {"proposed_listing": "This listing has already been proposed for this request."}
            )
    else:
        idea_summary = require_text(idea_summary, "idea_summary", "Describe your idea.")
    response = RequestResponse(
        request=request,
        organisation=organisation,
        author=actor,
        proposed_listing=proposed_listing,
        idea_title=idea_title,
        idea_summary=idea_summary.strip(),
        pitch=pitch,
    )
    response.full_clean()
    response.save()
    tell(
        manager_organisations(request),
        kind=NotificationKind.INTEREST,
        text=f"{organisation.name} responded to “{request.title}” with “{response.title}”.",
        link=response.get_absolute_url(),
        target=request,
        actor=actor,
    )
    return response


def _lock(response: RequestResponse) -> RequestResponse:
    return (
        RequestResponse.objects.select_for_update(of=("self",))
        .select_related("request__organisation", "organisation", "proposed_listing")
        .get(pk=response.pk)
    )


def _decide(actor: User, response: RequestResponse, verb: str) -> RequestResponse:
    response = _lock(response)
    require_perm(actor, LISTING_CHANGE, response.request)
    if response.status not in OPEN_RESPONSE_STATUSES:
        state = response.get_status_display().lower()
        raise InvalidTransition(f"A response that is {state} cannot be {verb}.")
    return response


def _tell_responder(actor: User, response: RequestResponse, text: str) -> None:
    tell(
        [response.organisation],
        kind=NotificationKind.INTEREST,
        text=text,
        link=response.get_absolute_url(),
        target=response.request,
        actor=actor,
    )


@transaction.atomic
def response_shortlist(*, actor: User, response: RequestResponse) -> RequestResponse:
    """Owners: submitted → shortlisted. Side effect: the responder is told (INTEREST)."""
    response = _decide(actor, response, "shortlisted")
    if response.status == ResponseStatus.SHORTLISTED:
        raise InvalidTransition("This response is already shortlisted.")
    response.status = ResponseStatus.SHORTLISTED
    response.decided_by = actor
    response.decided_at = timezone.now()
    response.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _tell_responder(
        actor,
        response,
        f"{response.request.organisation.name} shortlisted your response “{response.title}” "
        f"to “{response.request.title}”.",
    )
    return response


@transaction.atomic
def response_decline(
    *, actor: User, response: RequestResponse, reason: str, note: str = ""
) -> RequestResponse:
    """Owners decline with a reason category and a note. Side effect: the responder is told
    (INTEREST), reason included — no black holes."""
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": "Choose a reason."})
    note = note.strip()
    if reason == DeclineReason.OTHER and not note:
        raise ValidationError({"note": "Say why."})
    response = _decide(actor, response, "declined")
    response.status = ResponseStatus.DECLINED
    response.decline_reason = reason
    response.decline_note = note
    response.decided_by = actor
    response.decided_at = timezone.now()
    response.full_clean()
    response.save(
        update_fields=[
            "status",
            "decline_reason",
            "decline_note",
            "decided_by",
            "decided_at",
            "updated_at",
        ]
    )
    because = DeclineReason(reason).label.lower()
    _tell_responder(
        actor,
        response,
        f"{response.request.organisation.name} declined your response “{response.title}” "
        f"to “{response.request.title}”: {because}." + (f" “{note}”" if note else ""),
    )
    return response


@transaction.atomic
def response_invite_to_pilot(
    *,
    actor: User,
    response: RequestResponse,
    requester: Organisation,
    scope: str,
    success_criteria: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    budget_pence: int = 0,
) -> PilotRequest:
    """Owners invite the responder to pilot its proposal: a pilot request in "requested".

    ``requester`` is the owning organisation or a co-owner the actor belongs to. Side
    effects: the response becomes "invited"; the responder is notified once (PILOT).
    """
    response = _decide(actor, response, "invited to a pilot")
    if requester.pk not in {o.pk for o in manager_organisations(response.request)}:
        raise ValidationError({"requester": "Choose the request's owner or a co-owner."})
    if not (actor.is_superuser or is_member(actor, requester)):
        raise PermissionDenied(f"Only members of {requester.name} can ask for this pilot.")
    response.status = ResponseStatus.INVITED
    response.decided_by = actor
    response.decided_at = timezone.now()
    response.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return pilot_from_response(
        actor=actor,
        response=response,
        requester=requester,
        scope=scope,
        success_criteria=success_criteria,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        starts_on=starts_on,
        ends_on=ends_on,
        budget_pence=budget_pence,
    )


@transaction.atomic
def response_withdraw(*, actor: User, response: RequestResponse) -> RequestResponse:
    """The responding organisation withdraws an open response. Side effect: owners told."""
    response = _lock(response)
    require_member(actor, response.organisation, doing="withdraw its response")
    if response.status not in OPEN_RESPONSE_STATUSES:
        raise InvalidTransition("Only a submitted or shortlisted response can be withdrawn.")
    response.status = ResponseStatus.WITHDRAWN
    response.save(update_fields=["status", "updated_at"])
    tell(
        manager_organisations(response.request),
        kind=NotificationKind.INTEREST,
        text=f"{response.organisation.name} withdrew its response “{response.title}”.",
        link=response.request.get_absolute_url(),
        target=response.request,
        actor=actor,
    )
    return response
