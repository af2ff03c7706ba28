"""Helpers shared by the workflow services: membership checks, locking a visible listing,
telling an organisation's people."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model

from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Membership, Organisation, User
from exchange.notifications import notify
from listings.enums import ListingStatus
from listings.models import CoOwner, Listing
from listings.queries import members_of, visibility_filter
from listings.workflow_enums import CoOwnerStatus


def is_member(user: User, organisation: Organisation) -> bool:
    return Membership.objects.filter(user_id=user.pk, organisation_id=organisation.pk).exists()


def require_member(actor: User, organisation: Organisation, *, doing: str = "do that") -> None:
    """The actor acts for ``organisation``: they must belong to it (staff may act for any)."""
    if not (actor.is_superuser or is_member(actor, organisation)):
        raise PermissionDenied(f"Only members of {organisation.name} can {doing}.")


def lock_visible_listing(actor: User, listing: Listing) -> Listing:
    """The listing, locked for this transaction, if ``actor`` may see it."""
    locked = (
        Listing.objects.select_for_update()
        .filter(visibility_filter(actor))
        .filter(pk=listing.pk)
        .first()
    )
    if locked is None:
        raise PermissionDenied("You cannot see this listing.")
    return locked


def require_published(listing: Listing, *, doing: str) -> None:
    if listing.status != ListingStatus.PUBLISHED:
        raise InvalidTransition(f"You can only {doing} a published listing.")


def require_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def manager_organisations(listing: Listing) -> list[Organisation]:
    """The owning organisation and the accepted co-owners of ``listing``."""
    co_owner_ids = CoOwner.objects.filter(
        listing_id=listing.pk, status=CoOwnerStatus.ACCEPTED
    ).values("organisation_id")
    return list(
        Organisation.objects.filter(pk=listing.organisation_id)
        | Organisation.objects.filter(pk__in=co_owner_ids)
    )


def tell(
    organisations: Iterable[Organisation | None],
    *,
    kind: str,
    text: str,
    link: str,
    target: Model | None,
    actor: User | None = None,
    also: Iterable[User] = (),
) -> None:
    """Notify every member of ``organisations`` (and ``also``) once, except the actor."""
    people = list(members_of(*organisations)) + list(also)
    notify(
        recipients=people,
        kind=kind,
        text=text,
        link=link,
        target=target,
        exclude=[actor] if actor is not None else [],
    )
