"""Public Q&A on listings and case studies.

Anyone signed in asks (optionally anonymous to the public: the owners still see the
organisation); the owning organisation answers publicly, or marks a question answered
elsewhere, or declines it with a reason — nothing disappears silently. An answer tells the
asker and everybody following the listing or case study, each exactly once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from exchange.enums import NotificationKind
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Organisation, User
from exchange.outbox import domain_event_record
from exchange.permissions import LISTING_CHANGE, has_perm
from listings.models import Answer, CaseStudy, Follow, Listing, Question
from listings.permissions import CASE_STUDY_CHANGE
from listings.queries import case_studies_visible_to
from listings.workflow_enums import CaseStudyStatus, QuestionDeclineReason, QuestionStatus
from listings.workflows.common import (
    is_member,
    lock_visible_listing,
    manager_organisations,
    require_text,
)
from listings.workflows.common import tell as tell_organisations


def _owners(target: Listing | CaseStudy) -> list[Organisation]:
    if isinstance(target, Listing):
        return manager_organisations(target)
    return [o for o in (target.organisation, target.partner) if o is not None]


def _may_answer(user: User, target: Listing | CaseStudy) -> bool:
    perm = LISTING_CHANGE if isinstance(target, Listing) else CASE_STUDY_CHANGE
    return has_perm(user, perm, target)


def _answering_organisation(actor: User, target: Listing | CaseStudy) -> Organisation:
    owners = _owners(target)
    for organisation in owners:
        if is_member(actor, organisation):
            return organisation
    return owners[0]  # staff acting for the owner


def _followers(question: Question) -> list[User]:
    follows = (
        Follow.objects.filter(listing_id=question.listing_id)
        if question.listing_id
        else Follow.objects.filter(case_study_id=question.case_study_id)
    )
    return [f.user for f in follows.select_related("user")]


@transaction.atomic
def question_ask(
    *,
    actor: User,
    text: str,
    listing: Listing | None = None,
    case_study: CaseStudy | None = None,
    organisation: Organisation | None = None,
    anonymous: bool = False,
) -> Question:
    """Ask a public question on a listing or a published case study you can see.

    Side effect: the owners are notified (QUESTION) — with the asker's organisation, never the
    person's name when the question is anonymous.
    """
    if (listing is None) == (case_study is None):
        raise ValidationError("Ask about one listing or one case study.")
    if organisation is not None and not is_member(actor, organisation):
        raise PermissionDenied(f"You do not belong to {organisation.name}.")
    text = require_text(text, "text", "Write your question.")
    target: Listing | CaseStudy
    if listing is not None:
        target = lock_visible_listing(actor, listing)
        if target.organisation_id == getattr(organisation, "pk", None):
            raise ValidationError("Your organisation owns this listing.")
    else:
        assert case_study is not None  # noqa: S101  (one of the two, checked above)
        found = (
            case_studies_visible_to(actor)
            .filter(pk=case_study.pk, status=CaseStudyStatus.PUBLISHED)
            .first()
        )
        if found is None:
            raise PermissionDenied("You cannot see this case study.")
        target = found
    question = Question(
        listing=target if isinstance(target, Listing) else None,
        case_study=target if isinstance(target, CaseStudy) else None,
        asker=actor,
        organisation=organisation,
        anonymous=anonymous,
        text=text,
    )
    question.full_clean()
    question.save()
    who = organisation.name if organisation else "Someone"
    if not anonymous:
        who = f"{actor.display_name} ({organisation.name})" if organisation else actor.display_name
    tell_organisations(
        _owners(target),
        kind=NotificationKind.QUESTION,
        text=f"{who} asked a question about “{target.title}”.",
        link=question.get_absolute_url(),
        target=target,
        actor=actor,
    )
    return question


def _lock(question: Question) -> Question:
    return (
        Question.objects.select_for_update(of=("self",))
        .select_related("listing__organisation", "case_study__organisation", "asker")
        .get(pk=question.pk)
    )


def _require_answerer(actor: User, question: Question) -> Listing | CaseStudy:
    target: Listing | CaseStudy = question.listing or question.case_study  # type: ignore[assignment]
    if not _may_answer(actor, target):
        raise PermissionDenied("Only the owning organisation can do that.")
    return target


@transaction.atomic
def question_answer(*, actor: User, question: Question, body: str) -> Answer:
    """The owning organisation answers in public (a further answer may follow).

    Side effect: the asker and the followers of the listing or case study are notified
    (QUESTION), each exactly once, the actor excepted.
    """
    question = _lock(question)
    target = _require_answerer(actor, question)
    if question.status == QuestionStatus.DECLINED:
        raise InvalidTransition("A declined question cannot be answered.")
    body = require_text(body, "body", "Write the answer.")
    answer = Answer(
        question=question,
        author=actor,
        organisation=_answering_organisation(actor, target),
        body=body,
    )
    answer.full_clean()
    answer.save()
    if question.status != QuestionStatus.ANSWERED:
        question.status = QuestionStatus.ANSWERED
        question.status_by = actor
        question.closed_at = timezone.now()
        question.save(update_fields=["status", "status_by", "closed_at"])
    domain_event_record("question.answered", resource="question", id=question.pk)
    tell_organisations(
        [],
        kind=NotificationKind.QUESTION,
        text=f"{answer.organisation.name} answered a question about “{target.title}”.",
        link=question.get_absolute_url(),
        target=target,
        actor=actor,
        also=[*([question.asker] if question.asker else []), *_followers(question)],
    )
    return answer


def _close(
    actor: User, question: Question, status: str, *, reason: str, note: str, text: str
) -> Question:
    question.status = status
    question.decline_reason = reason
    question.status_note = note
    question.status_by = actor
    question.closed_at = timezone.now()
    question.full_clean()
    question.save(
        update_fields=["status", "decline_reason", "status_note", "status_by", "closed_at"]
    )
    if question.asker is not None:
        tell_organisations(
            [],
            kind=NotificationKind.QUESTION,
            text=text,
            link=question.get_absolute_url(),
            target=question.target,
            actor=actor,
            also=[question.asker],
        )
    return question


@transaction.atomic
def question_mark_answered_elsewhere(*, actor: User, question: Question, note: str) -> Question:
    """Owners: an open question was answered elsewhere — say where. The asker is told."""
    question = _lock(question)
    target = _require_answerer(actor, question)
    if question.status != QuestionStatus.OPEN:
        raise InvalidTransition("Only an open question can be marked answered elsewhere.")
    note = require_text(note, "note", "Say where it was answered.")
    return _close(
        actor,
        question,
        QuestionStatus.ANSWERED_ELSEWHERE,
        reason="",
        note=note,
        text=f"Your question about “{target.title}” was answered elsewhere: {note}",
    )


@transaction.atomic
def question_decline(*, actor: User, question: Question, reason: str, note: str = "") -> Question:
    """Owners decline an open question with a reason; it stays listed as declined and the
    asker is told why."""
    if reason not in QuestionDeclineReason.values:
        raise ValidationError({"reason": "Choose a reason."})
    question = _lock(question)
    target = _require_answerer(actor, question)
    if question.status != QuestionStatus.OPEN:
        raise InvalidTransition("Only an open question can be declined.")
    label = QuestionDeclineReason(reason).label.lower()
    return _close(
        actor,
        question,
        QuestionStatus.DECLINED,
        reason=reason,
        note=note.strip(),
        text=f"Your question about “{target.title}” was declined: {label}.",
    )
