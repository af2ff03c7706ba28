"""Case studies: drafts from completed pilots, "shining light" nominations (published only with
the named organisation's consent), and "Replicate this"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from exchange.enums import NotificationKind
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Need, Organisation, User
from exchange.permissions import grant_to_organisation, has_perm, require_perm
from exchange.services import tags_from_names
from listings import services as listing_services
from listings.enums import ListingKind
from listings.models import CaseStudy, Listing, PilotRequest
from listings.permissions import CASE_STUDY_CHANGE, CASE_STUDY_PUBLISH, PILOT_VIEW
from listings.queries import case_studies_visible_to
from listings.workflow_enums import (
    CaseStudyOrigin,
    CaseStudyStatus,
    PilotOutcome,
    PilotStatus,
)
from listings.workflows.common import require_member, require_text, tell
from listings.workflows.follows import followers

EDITABLE_FIELDS = frozenset(
    {
        "title",
        "summary",
        "what_tried",
        "what_worked",
        "what_didnt",
        "costs",
        "cost_pence",
        "recipe",
        "links",
        "video_url",
        "region",
    }
)


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _steps(values: Sequence[str]) -> list[str]:
    return [v.strip() for v in values if v and v.strip()][:30]


def _set_relations(
    case_study: CaseStudy, *, tag_names: Sequence[str] | None, needs: Sequence[Need] | None
) -> None:
    if tag_names is not None:
        case_study.tags.set(tags_from_names(tag_names))
    if needs is not None:
        case_study.needs.set(list(needs))


def _clean(case_study: CaseStudy) -> None:
    case_study.title = require_text(case_study.title, "title", "Give the case study a title.")
    case_study.slug = slugify(case_study.title)[:180] or "case-study"
    case_study.recipe = _steps(case_study.recipe)
    case_study.links = _steps(case_study.links)
    case_study.full_clean()


@transaction.atomic
def case_study_draft_from_pilot(*, actor: User, pilot: PilotRequest) -> CaseStudy:
    """Start a case study draft of a completed pilot, pre-filled from it.

    The requester is the organisation featured (it publishes); the supplier is the partner.
    Side effects: change permission to both sides' member groups, publish permission to the
    requester's; the other side is notified (LISTING).
    """
    pilot = (
        PilotRequest.objects.select_for_update(of=("self",))
        .select_related("requester", "supplier", "offer", "origin_request", "response")
        .get(pk=pilot.pk)
    )
    require_perm(actor, PILOT_VIEW, pilot)
    if pilot.status != PilotStatus.COMPLETED:
        raise InvalidTransition("Only a completed pilot can become a case study.")
    if CaseStudy.objects.filter(pilot=pilot).exists():
        raise ValidationError("This pilot already has a case study.")
    offer = pilot.offer
    summary = offer.summary if offer else (pilot.response.idea_summary if pilot.response else "")
    met = pilot.outcome in (PilotOutcome.MET, PilotOutcome.PARTLY_MET)
    period = ""
    if pilot.starts_on and pilot.ends_on:
        period = f" from {_day(pilot.starts_on)} to {_day(pilot.ends_on)}"
    case_study = CaseStudy(
        title=pilot.title,
        origin=CaseStudyOrigin.PILOT,
        status=CaseStudyStatus.DRAFT,
        organisation=pilot.requester,
        partner=pilot.supplier,
        pilot=pilot,
        summary=(summary or pilot.scope)[:400],
        what_tried=f"{pilot.scope}\n\nSuccess criteria: {pilot.success_criteria}",
        what_worked=pilot.report if met else "",
        what_didnt="" if met else pilot.report,
        costs=f"Pilot budget: £{pilot.budget_pence / 100:,.2f}",
        cost_pence=pilot.budget_pence,
        recipe=[
            f"Agree the scope: {pilot.scope.splitlines()[0]}",
            f"Set success criteria: {pilot.success_criteria.splitlines()[0]}",
            f"Run a pilot with {pilot.supplier.name}{period}.",
            "Report against the criteria and decide whether to adopt.",
        ],
        links=[f"{settings.SITE_URL}{offer.get_absolute_url()}"] if offer else [],
        video_url=offer.video_url if offer else "",
        outcome=pilot.outcome,
        region=pilot.requester.region,
        created_by=actor,
    )
    _clean(case_study)
    case_study.save()
    sources = [x for x in (offer, pilot.origin_request) if x is not None]
    case_study.tags.set({t for listing in sources for t in listing.tags.all()})
    case_study.needs.set({n for listing in sources for n in listing.needs.all()})
    grant_to_organisation(case_study, pilot.requester, member_perms=(CASE_STUDY_CHANGE,))
    grant_to_organisation(case_study, pilot.supplier, member_perms=(CASE_STUDY_CHANGE,))
    grant_to_organisation(case_study, pilot.requester, member_perms=(CASE_STUDY_PUBLISH,))
    tell(
        [pilot.requester, pilot.supplier],
        kind=NotificationKind.LISTING,
        text=f"A case study of the pilot “{pilot.title}” was drafted.",
        link=case_study.get_absolute_url(),
        target=case_study,
        actor=actor,
    )
    return case_study


@transaction.atomic
def case_study_nominate(
    *,
    actor: User,
    organisation: Organisation,
    title: str,
    summary: str,
    what_tried: str,
    what_worked: str = "",
    what_didnt: str = "",
    costs: str = "",
    recipe: Sequence[str] = (),
    links: Sequence[str] = (),
    video_url: str = "",
    nomination_note: str = "",
    tag_names: Sequence[str] = (),
    needs: Sequence[Need] = (),
) -> CaseStudy:
    """Anyone signed in nominates a "shining light" at ``organisation`` (self-nomination too).

    It is published only when that organisation consents. Side effects: change and publish
    permissions to the named organisation's member group; its members are notified
    (LISTING).
    """
    case_study = CaseStudy(
        title=title,
        origin=CaseStudyOrigin.NOMINATION,
        status=CaseStudyStatus.AWAITING_CONSENT,
        organisation=organisation,
        summary=require_text(summary, "summary", "Summarise the story."),
        what_tried=require_text(what_tried, "what_tried", "Say what was tried."),
        what_worked=what_worked.strip(),
        what_didnt=what_didnt.strip(),
        costs=costs.strip(),
        recipe=list(recipe),
        links=list(links),
        video_url=video_url,
        region=organisation.region,
        created_by=actor,
        nomination_note=nomination_note.strip(),
    )
    _clean(case_study)
    case_study.save()
    _set_relations(case_study, tag_names=tag_names, needs=needs)
    grant_to_organisation(
        case_study, organisation, member_perms=(CASE_STUDY_CHANGE, CASE_STUDY_PUBLISH)
    )
    tell(
        [organisation],
        kind=NotificationKind.LISTING,
        text=f"{actor.display_name} nominated {organisation.name} as a shining light: "
        f"“{case_study.title}”. It is published only if you consent.",
        link=case_study.get_absolute_url(),
        target=case_study,
        actor=actor,
    )
    return case_study


def _lock(case_study: CaseStudy) -> CaseStudy:
    return (
        CaseStudy.objects.select_for_update(of=("self",))
        .select_related("organisation", "partner", "pilot__offer", "created_by")
        .get(pk=case_study.pk)
    )


@transaction.atomic
def case_study_update(
    *,
    actor: User,
    case_study: CaseStudy,
    tag_names: Sequence[str] | None = None,
    needs: Sequence[Need] | None = None,
    **fields: Any,
) -> CaseStudy:
    """Edit a draft, a nomination awaiting consent or a published case study."""
    case_study = _lock(case_study)
    require_perm(actor, CASE_STUDY_CHANGE, case_study)
    if case_study.status in (CaseStudyStatus.DECLINED, CaseStudyStatus.WITHDRAWN):
        raise InvalidTransition("This case study is closed.")
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Cannot change: {', '.join(sorted(unknown))}.")
    for key, value in fields.items():
        setattr(case_study, key, value)
    _clean(case_study)
    case_study.save(update_fields=[*fields, "slug", "updated_at"])
    _set_relations(case_study, tag_names=tag_names, needs=needs)
    return case_study


@transaction.atomic
def case_study_publish(*, actor: User, case_study: CaseStudy) -> CaseStudy:
    """The featured organisation publishes: a draft, or a nomination (its consent).

    Side effects: consent recorded for nominations; the nominator and the followers of the
    organisation, the partner, the case study and the piloted listing are notified (LISTING),
    each exactly once.
    """
    case_study = _lock(case_study)
    require_perm(actor, CASE_STUDY_PUBLISH, case_study)
    if case_study.status not in (CaseStudyStatus.DRAFT, CaseStudyStatus.AWAITING_CONSENT):
        raise InvalidTransition(
            f"A case study that is {case_study.get_status_display().lower()} cannot be published."
        )
    now = timezone.now()
    update = ["status", "published_at", "updated_at"]
    if case_study.status == CaseStudyStatus.AWAITING_CONSENT:
        case_study.consent_by = actor
        case_study.consent_at = now
        update += ["consent_by", "consent_at"]
    case_study.status = CaseStudyStatus.PUBLISHED
    case_study.published_at = now
    case_study.save(update_fields=update)
    offer = case_study.pilot.offer if case_study.pilot else None
    audience = followers(
        listings=[offer] if offer else [],
        organisations=[case_study.organisation, case_study.partner],
        case_studies=[case_study],
    )
    if case_study.created_by is not None:
        audience.append(case_study.created_by)
    tell(
        [],
        kind=NotificationKind.LISTING,
        text=f"New case study: “{case_study.title}” ({case_study.organisation.name}).",
        link=case_study.get_absolute_url(),
        target=case_study,
        actor=actor,
        also=audience,
    )
    return case_study


@transaction.atomic
def case_study_decline(*, actor: User, case_study: CaseStudy, note: str = "") -> CaseStudy:
    """The named organisation refuses consent: never published. The nominator is told."""
    case_study = _lock(case_study)
    require_perm(actor, CASE_STUDY_PUBLISH, case_study)
    if case_study.status != CaseStudyStatus.AWAITING_CONSENT:
        raise InvalidTransition("Only a nomination awaiting consent can be declined.")
    case_study.status = CaseStudyStatus.DECLINED
    case_study.consent_by = actor
    case_study.consent_at = timezone.now()
    case_study.consent_note = note.strip()
    case_study.save(
        update_fields=["status", "consent_by", "consent_at", "consent_note", "updated_at"]
    )
    tell(
        [],
        kind=NotificationKind.LISTING,
        text=f"{case_study.organisation.name} did not consent to publishing “{case_study.title}”."
        + (f" “{case_study.consent_note}”" if case_study.consent_note else ""),
        link=case_study.get_absolute_url(),
        target=case_study,
        actor=actor,
        also=[case_study.created_by] if case_study.created_by else [],
    )
    return case_study


@transaction.atomic
def case_study_withdraw(*, actor: User, case_study: CaseStudy) -> CaseStudy:
    """The nominator withdraws a nomination still awaiting consent."""
    case_study = _lock(case_study)
    if case_study.created_by_id != actor.pk or case_study.origin != CaseStudyOrigin.NOMINATION:
        raise PermissionDenied("Only the nominator can withdraw a nomination.")
    if case_study.status != CaseStudyStatus.AWAITING_CONSENT:
        raise InvalidTransition("Only a nomination awaiting consent can be withdrawn.")
    case_study.status = CaseStudyStatus.WITHDRAWN
    case_study.save(update_fields=["status", "updated_at"])
    return case_study


def replication_body(case_study: CaseStudy) -> str:
    """The Markdown body of a request that replicates ``case_study``."""
    url = f"{settings.SITE_URL}{case_study.get_absolute_url()}"
    parts = [
        f"We want to replicate [{case_study.title}]({url}) ({case_study.organisation.name}).",
        case_study.summary,
    ]
    if case_study.recipe:
        parts.append("## Recipe\n\n" + "\n".join(f"1. {s}" for s in case_study.recipe))
    if case_study.what_worked:
        parts.append(f"## What worked there\n\n{case_study.what_worked}")
    if case_study.what_didnt:
        parts.append(f"## What didn't\n\n{case_study.what_didnt}")
    return "\n\n".join(parts)


@transaction.atomic
def case_study_replicate(
    *, actor: User, case_study: CaseStudy, organisation: Organisation
) -> Listing:
    """ "Replicate this": a draft request for ``organisation`` pre-filled from the recipe.

    Side effects: those of ``listing_create`` (tags, permissions, search index).
    """
    require_member(actor, organisation, doing="create its requests")
    visible = case_studies_visible_to(actor).filter(
        pk=case_study.pk, status=CaseStudyStatus.PUBLISHED
    )
    found = visible.first()
    if found is None:
        raise PermissionDenied("You cannot see this case study.")
    return listing_services.listing_create(
        actor=actor,
        organisation=organisation,
        kind=ListingKind.REQUEST,
        title=f"Replicate: {found.title}"[:160],
        summary=found.summary[:400],
        body=replication_body(found),
        tag_names=[t.name for t in found.tags.all()],
        needs=list(found.needs.all()),
        region=organisation.region,
    )


def case_study_can_publish(user: User, case_study: CaseStudy) -> bool:
    return has_perm(user, CASE_STUDY_PUBLISH, case_study)
