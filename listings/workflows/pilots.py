"""Pilot requests: the state machine, its transition log and the message thread.

    requested ─accept→ accepted ─start→ active ─complete→ completed
        │                  │                 └─cancel→ cancelled
        ├─decline→ declined └─cancel→ cancelled
        └─withdraw→ withdrawn

The supplier side (members of the offer's organisation) accepts or declines; the requester
side (the council or third-sector group) withdraws, starts and completes; either side may
cancel an accepted or active pilot. Rights are guardian permissions on the pilot, granted to
each organisation's member group when the pilot is created. Every transition is logged and
tells the other side.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from exchange.enums import NotificationKind, OrganisationKind
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Organisation, User
from exchange.outbox import domain_event_record
from exchange.permissions import grant_to_organisation, has_perm, require_perm
from listings.enums import OFFER_KINDS
from listings.models import Listing, PilotMessage, PilotRequest, PilotTransition, RequestResponse
from listings.permissions import (
    PILOT_ANSWER,
    PILOT_CANCEL,
    PILOT_MESSAGE,
    PILOT_REQUESTER_PERMS,
    PILOT_RUN,
    PILOT_SUPPLIER_PERMS,
)
from listings.workflow_enums import (
    PILOT_FINAL_STATUSES,
    DeclineReason,
    PilotOutcome,
    PilotSide,
    PilotStatus,
)
from listings.workflows.common import (
    is_member,
    lock_visible_listing,
    require_member,
    require_published,
    require_text,
    tell,
)

PILOT_REQUESTER_KINDS = frozenset({OrganisationKind.COUNCIL, OrganisationKind.THIRD_SECTOR})


@dataclass(frozen=True)
class PilotAction:
    sources: frozenset[str]
    target: str
    perm: str
    side: str  # whose permission it is; "both" for cancel
    verb: str


PILOT_ACTIONS: dict[str, PilotAction] = {
    "accept": PilotAction(
        frozenset({PilotStatus.REQUESTED}),
        PilotStatus.ACCEPTED,
        PILOT_ANSWER,
        PilotSide.SUPPLIER,
        "accepted",
    ),
    "decline": PilotAction(
        frozenset({PilotStatus.REQUESTED}),
        PilotStatus.DECLINED,
        PILOT_ANSWER,
        PilotSide.SUPPLIER,
        "declined",
    ),
    "withdraw": PilotAction(
        frozenset({PilotStatus.REQUESTED}),
        PilotStatus.WITHDRAWN,
        PILOT_RUN,
        PilotSide.REQUESTER,
        "withdrew",
    ),
    "start": PilotAction(
        frozenset({PilotStatus.ACCEPTED}),
        PilotStatus.ACTIVE,
        PILOT_RUN,
        PilotSide.REQUESTER,
        "started",
    ),
    "complete": PilotAction(
        frozenset({PilotStatus.ACTIVE}),
        PilotStatus.COMPLETED,
        PILOT_RUN,
        PilotSide.REQUESTER,
        "completed",
    ),
    "cancel": PilotAction(
        frozenset({PilotStatus.ACCEPTED, PilotStatus.ACTIVE}),
        PilotStatus.CANCELLED,
        PILOT_CANCEL,
        "both",
        "cancelled",
    ),
}


def pilot_actions_for(user: User, pilot: PilotRequest) -> list[str]:
    """The transitions ``user`` may make on ``pilot`` now (for buttons and the API)."""
    return [
        name
        for name, action in PILOT_ACTIONS.items()
        if pilot.status in action.sources and has_perm(user, action.perm, pilot)
    ]


def acting_side(actor: User, pilot: PilotRequest, action: PilotAction) -> Organisation:
    """The organisation the actor acts for in this transition."""
    if action.side == PilotSide.SUPPLIER:
        return pilot.supplier
    if action.side == PilotSide.REQUESTER:
        return pilot.requester
    return (
        pilot.supplier
        if is_member(actor, pilot.supplier) and not is_member(actor, pilot.requester)
        else pilot.requester
    )


def _other_side(pilot: PilotRequest, side: Organisation) -> Organisation:
    return pilot.supplier if side.pk == pilot.requester_id else pilot.requester


def _check_dates(starts_on: date | None, ends_on: date | None) -> None:
    if starts_on and ends_on and ends_on < starts_on:
        raise ValidationError({"ends_on": "The pilot cannot end before it starts."})


def _create(
    *,
    actor: User,
    requester: Organisation,
    supplier: Organisation,
    offer: Listing | None,
    response: RequestResponse | None,
    origin_request: Listing | None,
    title: str,
    scope: str,
    success_criteria: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str,
    starts_on: date | None,
    ends_on: date | None,
    budget_pence: int,
    notice: str,
) -> PilotRequest:
    if requester.kind not in PILOT_REQUESTER_KINDS:
        raise PermissionDenied("Only councils and third-sector organisations can request pilots.")
    if requester.pk == supplier.pk:
        raise ValidationError("Your organisation cannot ask itself for a pilot.")
    _check_dates(starts_on, ends_on)
    if budget_pence is None or budget_pence < 0:
        raise ValidationError({"budget_pence": "Give a budget of zero or more."})
    pilot = PilotRequest(
        offer=offer,
        response=response,
        origin_request=origin_request,
        requester=requester,
        supplier=supplier,
        created_by=actor,
        title=title.strip()[:200],
        scope=require_text(scope, "scope", "Describe the scope of the pilot."),
        success_criteria=require_text(
            success_criteria, "success_criteria", "Say how you will judge success."
        ),
        contact_name=require_text(contact_name, "contact_name", "Name a contact."),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        budget_pence=budget_pence,
    )
    pilot.full_clean()
    pilot.save()
    grant_to_organisation(pilot, requester, member_perms=PILOT_REQUESTER_PERMS)
    grant_to_organisation(pilot, supplier, member_perms=PILOT_SUPPLIER_PERMS)
    PilotTransition.objects.create(
        pilot=pilot,
        from_status="",
        to_status=PilotStatus.REQUESTED,
        actor=actor,
        organisation=requester,
    )
    tell(
        [supplier],
        kind=NotificationKind.PILOT,
        text=notice,
        link=pilot.get_absolute_url(),
        target=pilot,
        actor=actor,
    )
    return pilot


@transaction.atomic
def pilot_request_create(
    *,
    actor: User,
    offer: Listing,
    requester: Organisation,
    scope: str,
    success_criteria: str,
    contact_name: str,
    contact_email: str,
    contact_phone: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    budget_pence: int = 0,
    title: str = "",
) -> PilotRequest:
    """A member of a council or third-sector group asks the supplier of an offer for a pilot.

    Side effects: the transition log starts ("requested"); permissions granted to both sides'
    member groups; the supplier's members are notified (PILOT).
    """
    require_member(actor, requester, doing="request pilots")
    offer = lock_visible_listing(actor, offer)
    if offer.kind not in OFFER_KINDS:
        raise ValidationError("Pilots are requested of ideas, products and services.")
    require_published(offer, doing="request a pilot of")
    open_pilot = PilotRequest.objects.filter(offer=offer, requester=requester).exclude(
        status__in=PILOT_FINAL_STATUSES
    )
    if open_pilot.exists():
        raise ValidationError(f"{requester.name} already has an open pilot request for this.")
    supplier = Organisation.objects.get(pk=offer.organisation_id)
    return _create(
        actor=actor,
        requester=requester,
        supplier=supplier,
        offer=offer,
        response=None,
        origin_request=None,
        title=title or f"Pilot of {offer.title}",
        scope=scope,
        success_criteria=success_criteria,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        starts_on=starts_on,
        ends_on=ends_on,
        budget_pence=budget_pence,
        notice=f"{requester.name} asks {supplier.name} for a pilot of “{offer.title}”.",
    )


def pilot_from_response(
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
    """The pilot behind ``response_invite_to_pilot`` (which checks rights and state).

    Call inside that service's transaction; the supplier is notified once, by this.
    """
    request = response.request
    return _create(
        actor=actor,
        requester=requester,
        supplier=response.organisation,
        offer=response.proposed_listing,
        response=response,
        origin_request=request,
        title=f"Pilot of {response.title}",
        scope=scope,
        success_criteria=success_criteria,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        starts_on=starts_on,
        ends_on=ends_on,
        budget_pence=budget_pence,
        notice=f"{requester.name} invites {response.organisation.name} to pilot "
        f"“{response.title}” in answer to “{request.title}”.",
    )


def _lock(pilot: PilotRequest) -> PilotRequest:
    return (
        PilotRequest.objects.select_for_update(of=("self",))
        .select_related("requester", "supplier")
        .get(pk=pilot.pk)
    )


def _transition(
    actor: User,
    pilot: PilotRequest,
    name: str,
    *,
    note: str = "",
    fields: dict[str, object] | None = None,
) -> PilotRequest:
    action = PILOT_ACTIONS[name]
    pilot = _lock(pilot)
    require_perm(actor, action.perm, pilot)
    if pilot.status not in action.sources:
        raise InvalidTransition(
            f"A pilot that is {pilot.get_status_display().lower()} cannot be {action.verb}."
        )
    previous = pilot.status
    pilot.status = action.target
    for key, value in (fields or {}).items():
        setattr(pilot, key, value)
    pilot.full_clean()
    pilot.save(update_fields=["status", *(fields or {}), "updated_at"])
    side = acting_side(actor, pilot, action)
    PilotTransition.objects.create(
        pilot=pilot,
        from_status=previous,
        to_status=pilot.status,
        actor=actor,
        organisation=side,
        note=note,
    )
    domain_event_record("pilot.updated", resource="pilot", id=pilot.pk)
    tell(
        [_other_side(pilot, side)],
        kind=NotificationKind.PILOT,
        text=f"{side.name} {action.verb} the pilot “{pilot.title}”.",
        link=pilot.get_absolute_url(),
        target=pilot,
        actor=actor,
    )
    return pilot


@transaction.atomic
def pilot_accept(*, actor: User, pilot: PilotRequest, note: str = "") -> PilotRequest:
    """Supplier: requested → accepted. Side effects: logged; the requester is told."""
    return _transition(actor, pilot, "accept", note=note.strip())


@transaction.atomic
def pilot_decline(*, actor: User, pilot: PilotRequest, reason: str, note: str = "") -> PilotRequest:
    """Supplier: requested → declined, with a reason category and a note (no black holes)."""
    if reason not in DeclineReason.values:
        raise ValidationError({"reason": "Choose a reason."})
    if reason == DeclineReason.OTHER and not note.strip():
        raise ValidationError({"note": "Say why."})
    return _transition(
        actor,
        pilot,
        "decline",
        note=note.strip(),
        fields={"decline_reason": reason, "decline_note": note.strip()},
    )


@transaction.atomic
def pilot_withdraw(*, actor: User, pilot: PilotRequest, note: str = "") -> PilotRequest:
    """Requester: requested → withdrawn. Side effects: logged; the supplier is told."""
    return _transition(actor, pilot, "withdraw", note=note.strip())


@transaction.atomic
def pilot_start(*, actor: User, pilot: PilotRequest, note: str = "") -> PilotRequest:
    """Requester: accepted → active. Side effects: logged; the supplier is told."""
    return _transition(actor, pilot, "start", note=note.strip())


@transaction.atomic
def pilot_complete(*, actor: User, pilot: PilotRequest, outcome: str, report: str) -> PilotRequest:
    """Requester: active → completed, judged against the success criteria, with a report."""
    if outcome not in PilotOutcome.values:
        raise ValidationError({"outcome": "Choose whether the success criteria were met."})
    report = require_text(report, "report", "Write a short report.")
    return _transition(
        actor, pilot, "complete", note=report, fields={"outcome": outcome, "report": report}
    )


@transaction.atomic
def pilot_cancel(*, actor: User, pilot: PilotRequest, note: str) -> PilotRequest:
    """Either side: accepted or active → cancelled, saying why."""
    note = require_text(note, "note", "Say why the pilot is cancelled.")
    return _transition(actor, pilot, "cancel", note=note)


@transaction.atomic
def pilot_message_post(*, actor: User, pilot: PilotRequest, body: str) -> PilotMessage:
    """Write in the pilot's thread. Side effect: the other side is notified (PILOT)."""
    pilot = _lock(pilot)
    require_perm(actor, PILOT_MESSAGE, pilot)
    body = require_text(body, "body", "Write a message.")
    side = pilot.requester if is_member(actor, pilot.requester) else pilot.supplier
    message = PilotMessage(pilot=pilot, author=actor, organisation=side, body=body)
    message.full_clean()
    message.save()
    tell(
        [_other_side(pilot, side)],
        kind=NotificationKind.PILOT,
        text=f"New message from {side.name} on the pilot “{pilot.title}”.",
        link=f"{pilot.get_absolute_url()}#message-{message.pk}",
        target=pilot,
        actor=actor,
    )
    return message
