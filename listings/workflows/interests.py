"""Interest / "we need this too" and the joint commissioning group (co-owners) of a request."""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from exchange.enums import NotificationKind
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Organisation, User
from exchange.outbox import domain_event_record
from exchange.permissions import (
    LISTING_CHANGE,
    LISTING_PUBLISH,
    grant_to_organisation,
    has_perm,
    require_perm,
    revoke_from_organisation,
)
from listings.enums import ListingKind, Visibility
from listings.models import CoOwner, Interest, Listing
from listings.workflow_enums import CoOwnerStatus
from listings.workflows.common import (
    is_member,
    lock_visible_listing,
    manager_organisations,
    require_member,
    require_published,
    tell,
)


@transaction.atomic
def interest_register(
    *,
    actor: User,
    listing: Listing,
    organisation: Organisation,
    anonymous: bool = False,
    note: str = "",
) -> Interest:
    """``organisation`` is interested in an offer, or needs a request too.

    Public bodies are always named; other organisations may be counted anonymously (named to
    the listing's owners only). Side effects: the listing's ``interest_count`` goes up by one;
    the owners and co-owners are notified (INTEREST).
    """
    require_member(actor, organisation, doing="register its interest")
    listing = lock_visible_listing(actor, listing)
    require_published(listing, doing="register interest in")
    if listing.organisation_id == organisation.pk:
        raise ValidationError("Your organisation owns this listing.")
    if anonymous and organisation.is_public_body:
        raise ValidationError({"anonymous": "Public bodies are always named."})
    if Interest.objects.filter(listing=listing, organisation=organisation).exists():
        raise ValidationError(f"{organisation.name} has already registered its interest.")
    interest = Interest(
        listing=listing,
        organisation=organisation,
        created_by=actor,
        anonymous=anonymous,
        note=note.strip(),
    )
    interest.full_clean()
    interest.save()
    Listing.objects.filter(pk=listing.pk).update(interest_count=F("interest_count") + 1)
    domain_event_record("interest.created", resource="interest", id=interest.pk)
    verb = "needs" if listing.kind == ListingKind.REQUEST else "is interested in"
    suffix = " too" if listing.kind == ListingKind.REQUEST else ""
    privately = " (anonymously to the public)" if anonymous else ""
    tell(
        manager_organisations(listing),
        kind=NotificationKind.INTEREST,
        text=f"{organisation.name} {verb} “{listing.title}”{suffix}{privately}.",
        link=listing.get_absolute_url(),
        target=listing,
        actor=actor,
    )
    return interest


@transaction.atomic
def interest_withdraw(*, actor: User, interest: Interest) -> None:
    """Take an organisation's interest back. Side effect: ``interest_count`` down by one."""
    require_member(actor, interest.organisation, doing="withdraw its interest")
    # The listing first, as interest_register does: one lock order, no deadlock.
    Listing.objects.select_for_update().filter(pk=interest.listing_id).first()
    locked = Interest.objects.select_for_update().filter(pk=interest.pk).first()
    if locked is None:
        return  # withdrawn meanwhile: nothing left to do
    locked.delete()
    Listing.objects.filter(pk=interest.listing_id, interest_count__gt=0).update(
        interest_count=F("interest_count") - 1
    )


# --- Co-owners ----------------------------------------------------------------------------------


@transaction.atomic
def co_owner_invite(
    *, actor: User, listing: Listing, organisation: Organisation, message: str = ""
) -> CoOwner:
    """The request's owners invite an organisation that shares the need to co-own it.

    Only the owning organisation (its publish permission) invites; the invited organisation
    must have said "we need this too". Side effect: its members are notified (INTEREST).
    """
    listing = lock_visible_listing(actor, listing)
    require_perm(actor, LISTING_PUBLISH, listing)
    if listing.kind != ListingKind.REQUEST:
        raise ValidationError("Only requests have co-owners.")
    require_published(listing, doing="invite co-owners to")
    if organisation.pk == listing.organisation_id:
        raise ValidationError("Your organisation already owns this request.")
    if not Interest.objects.filter(listing=listing, organisation=organisation).exists():
        raise ValidationError(
            {"organisation": f"{organisation.name} has not said it needs this too."}
        )
    live = CoOwner.objects.filter(
        listing=listing,
        organisation=organisation,
        status__in=(CoOwnerStatus.INVITED, CoOwnerStatus.ACCEPTED),
    ).first()
    if live is not None:
        state = (
            "already co-owns" if live.status == CoOwnerStatus.ACCEPTED else "is already invited to"
        )
        raise ValidationError({"organisation": f"{organisation.name} {state} this request."})
    co_owner = CoOwner(
        listing=listing, organisation=organisation, invited_by=actor, message=message.strip()
    )
    co_owner.full_clean()
    co_owner.save()
    tell(
        [organisation],
        kind=NotificationKind.INTEREST,
        text=f"{listing.organisation.name} invites {organisation.name} to co-own the request "
        f"“{listing.title}”.",
        link=listing.get_absolute_url(),
        target=listing,
        actor=actor,
    )
    return co_owner


def _lock_co_owner(co_owner: CoOwner) -> CoOwner:
    return (
        CoOwner.objects.select_for_update(of=("self",))
        .select_related("listing__organisation", "organisation")
        .get(pk=co_owner.pk)
    )


@transaction.atomic
def co_owner_accept(*, actor: User, co_owner: CoOwner) -> CoOwner:
    """A member of the invited organisation accepts: it joins the commissioning group.

    Side effects: the listing's change permission is granted to the organisation's member
    group; a listing shared with named organisations is shared with it; the owners are
    notified (INTEREST).
    """
    co_owner = _lock_co_owner(co_owner)
    if not is_member(actor, co_owner.organisation):
        raise PermissionDenied(f"Only members of {co_owner.organisation.name} can accept.")
    if co_owner.status != CoOwnerStatus.INVITED:
        raise InvalidTransition("This invitation is no longer open.")
    listing = Listing.objects.select_for_update().get(pk=co_owner.listing_id)
    co_owner.status = CoOwnerStatus.ACCEPTED
    co_owner.responded_by = actor
    co_owner.responded_at = timezone.now()
    co_owner.save(update_fields=["status", "responded_by", "responded_at"])
    grant_to_organisation(listing, co_owner.organisation, member_perms=(LISTING_CHANGE,))
    if listing.visibility == Visibility.SHARED:
        listing.shared_with.add(co_owner.organisation)
    tell(
        [listing.organisation],
        kind=NotificationKind.INTEREST,
        text=f"{co_owner.organisation.name} is now a co-owner of “{listing.title}”.",
        link=listing.get_absolute_url(),
        target=listing,
        actor=actor,
    )
    return co_owner


@transaction.atomic
def co_owner_decline(*, actor: User, co_owner: CoOwner) -> CoOwner:
    """A member of the invited organisation declines. Side effect: the owners are told."""
    co_owner = _lock_co_owner(co_owner)
    if not is_member(actor, co_owner.organisation):
        raise PermissionDenied(f"Only members of {co_owner.organisation.name} can decline.")
    if co_owner.status != CoOwnerStatus.INVITED:
        raise InvalidTransition("This invitation is no longer open.")
    co_owner.status = CoOwnerStatus.DECLINED
    co_owner.responded_by = actor
    co_owner.responded_at = timezone.now()
    co_owner.save(update_fields=["status", "responded_by", "responded_at"])
    tell(
        [co_owner.listing.organisation],
        kind=NotificationKind.INTEREST,
        text=f"{co_owner.organisation.name} declined to co-own “{co_owner.listing.title}”.",
        link=co_owner.listing.get_absolute_url(),
        target=co_owner.listing,
        actor=actor,
    )
    return co_owner


@transaction.atomic
def co_owner_remove(*, actor: User, co_owner: CoOwner) -> CoOwner:
    """The owners remove a co-owner (or withdraw an invitation), or a co-owner leaves.

    Side effects: the change permission is revoked from the organisation's groups (it keeps
    seeing the listing if it could before); the other side is notified (INTEREST).
    """
    co_owner = _lock_co_owner(co_owner)
    listing = Listing.objects.select_for_update().get(pk=co_owner.listing_id)
    owner_side = has_perm(actor, LISTING_PUBLISH, listing)
    if not (owner_side or is_member(actor, co_owner.organisation)):
        raise PermissionDenied("Only the request's owners or the co-owner itself can do that.")
    if co_owner.status not in (CoOwnerStatus.INVITED, CoOwnerStatus.ACCEPTED):
        raise InvalidTransition("This organisation is not a co-owner.")
    was_accepted = co_owner.status == CoOwnerStatus.ACCEPTED
    co_owner.status = CoOwnerStatus.REMOVED
    co_owner.responded_by = actor
    co_owner.responded_at = timezone.now()
    co_owner.save(update_fields=["status", "responded_by", "responded_at"])
    if was_accepted:
        revoke_from_organisation(listing, co_owner.organisation, perms=(LISTING_CHANGE,))
    other = co_owner.organisation if owner_side else listing.organisation
    what = "is no longer a co-owner of" if was_accepted else "is no longer invited to co-own"
    tell(
        [other],
        kind=NotificationKind.INTEREST,
        text=f"{co_owner.organisation.name} {what} “{listing.title}”.",
        link=listing.get_absolute_url(),
        target=listing,
        actor=actor,
    )
    return co_owner
