"""Follow a listing, an organisation or a case study; tell followers what changed.

This module imports no other listings service, so ``listings.services`` may call
``followers_notify_listing_status`` from its status transitions without an import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from exchange.enums import NotificationKind
from exchange.exceptions import PermissionDenied, ValidationError
from exchange.models import Organisation, User
from exchange.notifications import notify
from listings.enums import ListingStatus
from listings.models import CaseStudy, Follow, Listing
from listings.queries import case_studies_visible_to, visibility_filter


@transaction.atomic
def follow_create(
    *,
    actor: User,
    listing: Listing | None = None,
    organisation: Organisation | None = None,
    case_study: CaseStudy | None = None,
) -> Follow:
    """Follow one thing ``actor`` can see. Idempotent: following twice returns the same row."""
    targets = [t for t in (listing, organisation, case_study) if t is not None]
    if len(targets) != 1:
        raise ValidationError("Follow one listing, organisation or case study.")
    if (
        listing is not None
        and not Listing.objects.filter(visibility_filter(actor), pk=listing.pk).exists()
    ):
        raise PermissionDenied("You cannot see this listing.")
    if (
        case_study is not None
        and not case_studies_visible_to(actor).filter(pk=case_study.pk).exists()
    ):
        raise PermissionDenied("You cannot see this case study.")
    follow, _ = Follow.objects.get_or_create(
        user=actor, listing=listing, organisation=organisation, case_study=case_study
    )
    return follow


@transaction.atomic
def follow_delete(*, actor: User, follow: Follow) -> None:
    if follow.user_id != actor.pk:
        raise PermissionDenied("This is not your follow.")
    follow.delete()


def followers(
    *,
    listings: Iterable[Listing] = (),
    organisations: Iterable[Organisation | None] = (),
    case_studies: Iterable[CaseStudy] = (),
) -> list[User]:
    """Everyone following any of the targets (duplicates are dropped by ``notify``)."""
    condition = Q(pk__in=[])
    listing_ids = [x.pk for x in listings]
    org_ids = [x.pk for x in organisations if x is not None]
    case_ids = [x.pk for x in case_studies]
    if listing_ids:
        condition |= Q(listing_id__in=listing_ids)
    if org_ids:
        condition |= Q(organisation_id__in=org_ids)
    if case_ids:
        condition |= Q(case_study_id__in=case_ids)
    return [f.user for f in Follow.objects.filter(condition).select_related("user")]


@transaction.atomic
def followers_notify_listing_status(*, listing: Listing, previous_status: str) -> int:
    """Tell a listing's followers its status changed (published, closed, archived …).

    Meant to be called by the listing status services after the change. Returns the number
    of notifications created.
    """
    if listing.status == previous_status:
        return 0
    state = ListingStatus(listing.status).label.lower()
    created = notify(
        recipients=followers(listings=[listing]),
        kind=NotificationKind.LISTING,
        text=f"“{listing.title}” is now {state}.",
        link=listing.get_absolute_url(),
        target=listing,
    )
    return len(created)
