"""Reads of the council workflows, each starting from the listing visibility rule.

A private listing's interests, questions, responses and pilots are exactly as private as the
listing: every queryset here narrows by ``visibility_filter`` (as a subquery) first, then by
the workflow's own rule (who may see a response, a pilot, a shortlist, a draft case study).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet, Value

from exchange.enums import OrganisationKind
from exchange.models import Membership, Organisation, User
from exchange.permissions import LISTING_CHANGE, has_perm
from listings.models import (
    Answer,
    CaseStudy,
    CoOwner,
    Follow,
    Interest,
    Listing,
    PilotMessage,
    PilotRequest,
    PilotTransition,
    Question,
    RequestResponse,
    Shortlist,
    ShortlistItem,
)
from listings.queries.core import visibility_filter
from listings.workflow_enums import (
    CaseStudyStatus,
    CoOwnerStatus,
    ResponderKind,
    ResponseStatus,
)

# --- Building blocks ---------------------------------------------------------------------------


def _my_org_ids(user: User | AnonymousUser) -> QuerySet[Membership, Any]:
    return Membership.objects.filter(user_id=user.pk or 0).values("organisation_id")


def visible_listing_ids(user: User | AnonymousUser) -> QuerySet[Listing, Any]:
    """The ids of listings ``user`` may see, as a subquery."""
    return Listing.objects.filter(visibility_filter(user)).values("pk")


def co_owned_listing_ids(user: User | AnonymousUser) -> QuerySet[CoOwner, Any]:
    """Listings whose joint commissioning group includes one of ``user``'s organisations."""
    return CoOwner.objects.filter(
        organisation_id__in=_my_org_ids(user), status=CoOwnerStatus.ACCEPTED
    ).values("listing_id")


def managed_listing_ids(user: User | AnonymousUser) -> QuerySet[Listing, Any]:
    """Listings ``user`` manages: owned by one of their organisations, or co-owned."""
    return Listing.objects.filter(
        Q(organisation_id__in=_my_org_ids(user)) | Q(pk__in=co_owned_listing_ids(user))
    ).values("pk")


def can_manage_listing(user: User | AnonymousUser, listing: Listing) -> bool:
    """Owners and accepted co-owners: they hold the listing's change permission."""
    return has_perm(user, LISTING_CHANGE, listing)


def organisations_of(user: User | AnonymousUser) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(Organisation.objects.filter(memberships__user_id=user.pk).order_by("name"))


def members_of(*organisations: Organisation | None) -> QuerySet[User]:
    """Active people belonging to any of ``organisations`` (one row each)."""
    ids = [o.pk for o in organisations if o is not None]
    return User.objects.filter(
        is_active=True, pk__in=Membership.objects.filter(organisation_id__in=ids).values("user_id")
    )


# --- Interest and co-owners --------------------------------------------------------------------


def interests_visible_to(user: User | AnonymousUser) -> QuerySet[Interest]:
    return Interest.objects.filter(listing_id__in=visible_listing_ids(user)).select_related(
        "organisation", "listing"
    )


@dataclass
class InterestSummary:
    """The demand on one listing as ``user`` may see it."""

    count: int
    named: list[Organisation]
    anonymous_count: int
    mine: list[Interest] = field(default_factory=list)
    everyone: list[Interest] = field(default_factory=list)  # owners only, anonymous included


def interest_summary(user: User | AnonymousUser, listing: Listing) -> InterestSummary:
    """Named organisations, the anonymous count, and the viewer's own organisations' interest.

    Owners and co-owners also get ``everyone`` (anonymous organisations named), so that they
    can invite organisations sharing the need into the joint commissioning group.
    """
    interests = list(
        Interest.objects.filter(listing_id=listing.pk)
        .select_related("organisation")
        .order_by("created_at", "id")
    )
    my_orgs = set(_my_org_ids(user).values_list("organisation_id", flat=True))
    manager = can_manage_listing(user, listing)
    return InterestSummary(
        count=len(interests),
        named=[i.organisation for i in interests if not i.anonymous],
        anonymous_count=sum(1 for i in interests if i.anonymous),
        mine=[i for i in interests if i.organisation_id in my_orgs],
        everyone=interests if manager else [],
    )


def co_owners_of(listing: Listing) -> QuerySet[CoOwner]:
    """A listing's co-owners and open invitations (accepted first)."""
    return (
        CoOwner.objects.filter(
            listing_id=listing.pk, status__in=(CoOwnerStatus.ACCEPTED, CoOwnerStatus.INVITED)
        )
        .select_related("organisation")
        .order_by("status", "created_at", "id")
    )


def co_owners_visible_to(user: User | AnonymousUser) -> QuerySet[CoOwner]:
    """Accepted co-owners of listings ``user`` may see; invitations only to both sides."""
    involved = Q(listing_id__in=managed_listing_ids(user)) | Q(
        organisation_id__in=_my_org_ids(user)
    )
    qs = CoOwner.objects.filter(listing_id__in=visible_listing_ids(user))
    if not user.is_superuser:
        qs = qs.filter(Q(status=CoOwnerStatus.ACCEPTED) | involved)
    return qs.select_related("organisation", "listing__organisation")


def co_owner_invitations_for(user: User | AnonymousUser) -> QuerySet[CoOwner]:
    """Open co-owner invitations to ``user``'s organisations."""
    return (
        CoOwner.objects.filter(
            organisation_id__in=_my_org_ids(user),
            status=CoOwnerStatus.INVITED,
            listing_id__in=visible_listing_ids(user),
        )
        .select_related("organisation", "listing__organisation")
        .order_by("-created_at", "-id")
    )


# --- Responses to requests ---------------------------------------------------------------------


def responses_visible_to(user: User | AnonymousUser) -> QuerySet[RequestResponse]:
    """Responses the request's managers, or the responding organisation, may read in full."""
    qs = RequestResponse.objects.filter(request_id__in=visible_listing_ids(user))
    if not user.is_superuser:
        qs = qs.filter(
            Q(request_id__in=managed_listing_ids(user)) | Q(organisation_id__in=_my_org_ids(user))
        )
    return qs.select_related("organisation", "proposed_listing__organisation", "request")


def responses_to(user: User | AnonymousUser, listing: Listing) -> list[RequestResponse]:
    """Responses to ``listing`` that ``user`` may read (all of them for its managers)."""
    return list(responses_visible_to(user).filter(request_id=listing.pk).order_by("created_at"))


def responder_kind(organisation: Organisation) -> str:
    if organisation.kind == OrganisationKind.SUPPLIER:
        small = organisation.is_small
        return ResponderKind.SMALL_SUPPLIER if small else ResponderKind.LARGE_SUPPLIER
    if organisation.kind == OrganisationKind.THIRD_SECTOR:
        return ResponderKind.THIRD_SECTOR
    return ResponderKind.OTHER


def response_counts(listing: Listing) -> list[tuple[str, int]]:
    """(responder kind label, count) of a request's live responses: public, one query."""
    rows = (
        RequestResponse.objects.filter(request_id=listing.pk)
        .exclude(status=ResponseStatus.WITHDRAWN)
        .values_list("organisation__kind", "organisation__is_small")
    )
    counts: Counter[str] = Counter()
    for kind, is_small in rows:
        counts[responder_kind(Organisation(kind=kind, is_small=is_small))] += 1
    return [(label, counts[value]) for value, label in ResponderKind.choices if counts[value]]


# --- Questions and answers ---------------------------------------------------------------------


def questions_visible_to(user: User | AnonymousUser) -> QuerySet[Question]:
    """Questions on listings and case studies ``user`` may see, with their answers loaded."""
    return (
        Question.objects.filter(
            Q(listing_id__in=visible_listing_ids(user))
            | Q(case_study_id__in=case_studies_visible_to(user).values("pk"))
        )
        .select_related("organisation", "asker", "listing", "case_study")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("organisation", "author"))
        )
    )


def questions_on(user: User | AnonymousUser, target: Listing | CaseStudy) -> list[Question]:
    key = "listing_id" if isinstance(target, Listing) else "case_study_id"
    return list(questions_visible_to(user).filter(**{key: target.pk}).order_by("created_at", "id"))


def may_see_asker(
    user: User | AnonymousUser, question: Question, *, manager: bool
) -> tuple[bool, bool]:
    """(show the asker's organisation, show the asker's name) to ``user``.

    Anonymous-to-public: the owners (``manager``) still see the organisation; the asker sees
    themselves; nobody else learns anything, not even the organisation.
    """
    if not question.anonymous or user.is_superuser:
        return True, True
    if user.is_authenticated and question.asker_id == user.pk:
        return True, True
    return manager, False


# --- Follows ----------------------------------------------------------------------------------


def follows_of(user: User | AnonymousUser) -> QuerySet[Follow]:
    """``user``'s follows whose target they may still see."""
    return (
        Follow.objects.filter(user_id=user.pk or 0)
        .filter(
            Q(listing_id__in=visible_listing_ids(user))
            | Q(organisation__isnull=False)
            | Q(case_study_id__in=case_studies_visible_to(user).values("pk"))
        )
        .select_related("listing", "organisation", "case_study")
    )


def follow_of(user: User | AnonymousUser, **target: Any) -> Follow | None:
    if not user.is_authenticated:
        return None
    return Follow.objects.filter(user_id=user.pk, **target).first()


# --- Shortlists -------------------------------------------------------------------------------


def shortlists_visible_to(user: User | AnonymousUser) -> QuerySet[Shortlist]:
    """Shortlists of ``user``'s organisations (they are shared with colleagues, nobody else)."""
    qs = Shortlist.objects.all()
    if not user.is_superuser:
        qs = qs.filter(organisation_id__in=_my_org_ids(user))
    return qs.select_related("organisation", "chosen_listing", "created_by", "outcome_by")


def shortlist_items(user: User | AnonymousUser, shortlist: Shortlist) -> list[ShortlistItem]:
    """The items whose listing ``user`` may still see, in order."""
    return list(
        ShortlistItem.objects.filter(
            shortlist_id=shortlist.pk, listing_id__in=visible_listing_ids(user)
        )
        .select_related("listing__organisation", "added_by")
        .order_by("position", "id")
    )


def shortlists_with_items(user: User | AnonymousUser) -> QuerySet[Shortlist]:
    """Shortlists with their visible items prefetched (for lists and the API)."""
    items = (
        ShortlistItem.objects.filter(listing_id__in=visible_listing_ids(user))
        .select_related("listing__organisation")
        .order_by("position", "id")
    )
    return shortlists_visible_to(user).prefetch_related(
        Prefetch("items", queryset=items, to_attr="visible_items")
    )


# --- Pilot requests ---------------------------------------------------------------------------


def pilots_visible_to(user: User | AnonymousUser) -> QuerySet[PilotRequest]:
    """Pilots between ``user``'s organisations and another, and pilots of requests they co-own.

    A pilot is never public: only its two sides (and the co-owners of the request it answers)
    see it, so it is never more visible than the listing it pilots.
    """
    qs = PilotRequest.objects.all()
    if not user.is_superuser:
        mine = _my_org_ids(user)
        qs = qs.filter(
            Q(requester_id__in=mine)
            | Q(supplier_id__in=mine)
            | Q(origin_request_id__in=co_owned_listing_ids(user))
        )
    return qs.select_related("requester", "supplier", "offer", "origin_request", "response")


def pilots_asked_for(user: User | AnonymousUser) -> QuerySet[PilotRequest]:
    """Pilots ``user``'s organisations asked for."""
    return pilots_visible_to(user).filter(requester_id__in=_my_org_ids(user))


def pilots_asked_of(user: User | AnonymousUser) -> QuerySet[PilotRequest]:
    """Pilots asked of ``user``'s organisations."""
    return pilots_visible_to(user).filter(supplier_id__in=_my_org_ids(user))


def pilot_transitions(pilot: PilotRequest) -> QuerySet[PilotTransition]:
    return pilot.transitions.select_related("actor", "organisation").order_by("created_at", "id")


def pilot_messages(pilot: PilotRequest) -> QuerySet[PilotMessage]:
    return pilot.messages.select_related("author", "organisation").order_by("created_at", "id")


def pilots_of_request(user: User | AnonymousUser, listing: Listing) -> list[PilotRequest]:
    """Pilots that answer a request, for its owners and co-owners."""
    return list(pilots_visible_to(user).filter(origin_request_id=listing.pk))


# --- Case studies -----------------------------------------------------------------------------


def case_studies_visible_to(user: User | AnonymousUser) -> QuerySet[CaseStudy]:
    """Published case studies; drafts and nominations to their organisations and nominator."""
    published = Q(status=CaseStudyStatus.PUBLISHED)
    if not user.is_authenticated:
        qs = CaseStudy.objects.filter(published)
    elif user.is_superuser:
        qs = CaseStudy.objects.all()
    else:
        mine = _my_org_ids(user)
        qs = CaseStudy.objects.filter(
            published
            | Q(organisation_id__in=mine)
            | Q(partner_id__in=mine)
            | Q(created_by_id=user.pk)
        )
    return qs.select_related("organisation", "partner").prefetch_related("tags", "needs__area")


@dataclass(frozen=True)
class CaseStudyFilters:
    q: str = ""
    need_area: str = ""
    need: str = ""
    tag: str = ""
    region: str = ""
    organisation_kind: str = ""
    origin: str = ""
    outcome: str = ""


def case_study_search(user: User | AnonymousUser, filters: CaseStudyFilters) -> QuerySet[CaseStudy]:
    """Published case studies matching every filter; ``q`` matches each word in the text."""
    qs = case_studies_visible_to(user).filter(status=CaseStudyStatus.PUBLISHED)
    for word in filters.q.split()[:8]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(what_tried__icontains=word)
            | Q(what_worked__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    if filters.need_area:
        qs = qs.filter(
            pk__in=CaseStudy.needs.through.objects.filter(
                need__area__slug=filters.need_area
            ).values("casestudy_id")
        )
    if filters.need:
        qs = qs.filter(
            pk__in=CaseStudy.needs.through.objects.filter(need__slug=filters.need).values(
                "casestudy_id"
            )
        )
    if filters.tag:
        qs = qs.filter(
            pk__in=CaseStudy.tags.through.objects.filter(tag__slug=filters.tag).values(
                "casestudy_id"
            )
        )
    if filters.region:
        qs = qs.filter(region=filters.region)
    if filters.organisation_kind:
        qs = qs.filter(organisation__kind=filters.organisation_kind)
    if filters.origin:
        qs = qs.filter(origin=filters.origin)
    if filters.outcome:
        qs = qs.filter(outcome=filters.outcome)
    return qs.order_by("-published_at", "-id")


# --- API reads: what the viewer may see of each row, annotated (no per-row queries) -----------


def _flag(user: User | AnonymousUser, condition: Q) -> Any:
    if user.is_superuser:
        return Value(True, output_field=BooleanField())
    return ExpressionWrapper(condition, output_field=BooleanField())


def interests_for_api(user: User | AnonymousUser) -> QuerySet[Interest]:
    """Visible interests, each with ``viewer_manages`` (owners and co-owners of the listing)
    and ``viewer_named`` (may the viewer learn which organisation it is)."""
    managed = Q(listing_id__in=managed_listing_ids(user))
    return interests_visible_to(user).annotate(
        viewer_manages=_flag(user, managed),
        viewer_named=_flag(
            user, Q(anonymous=False) | managed | Q(organisation_id__in=_my_org_ids(user))
        ),
    )


def questions_for_api(user: User | AnonymousUser) -> QuerySet[Question]:
    """Visible questions, each with ``viewer_manages`` (the owners of what it is asked on)."""
    mine = _my_org_ids(user)
    managed = (
        Q(listing_id__in=managed_listing_ids(user))
        | Q(case_study__organisation_id__in=mine)
        | Q(case_study__partner_id__in=mine)
    )
    return questions_visible_to(user).annotate(viewer_manages=_flag(user, managed))


def responses_for_api(user: User | AnonymousUser) -> QuerySet[RequestResponse]:
    """Responses ``user`` may read, with ``viewer_manages`` (they decide on it)."""
    managed = Q(request_id__in=managed_listing_ids(user))
    return responses_visible_to(user).annotate(viewer_manages=_flag(user, managed))
