"""Writes of listings: create, update, publish, close, archive, share."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from exchange.enums import Region
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Membership, Need, Organisation, User
from exchange.permissions import (
    LISTING_CHANGE,
    LISTING_MEMBER_PERMS,
    LISTING_PUBLISH,
    grant_to_organisation,
    require_perm,
)
from exchange.services import tags_from_names
from listings.enums import (
    PRICED_MODELS,
    STATUS_TRANSITIONS,
    ListingKind,
    ListingStatus,
    PriceModel,
    Visibility,
)
from listings.models import Listing

EDITABLE_FIELDS = frozenset(
    {
        "kind",
        "title",
        "summary",
        "body",
        "price_model",
        "price_pence",
        "budget_pence",
        "region",
        "visibility",
        "video_url",
        "website_url",
    }
)


def _check_price(listing: Listing) -> None:
    errors: dict[str, str] = {}
    if listing.price_model in PRICED_MODELS and listing.price_pence is None:
        errors["price_pence"] = "Enter the price for this price model."
    if listing.price_model in (PriceModel.FREE, PriceModel.QUOTE):
        listing.price_pence = None
    if listing.kind != ListingKind.REQUEST:
        listing.budget_pence = None
    if errors:
        raise ValidationError(errors)


def _set_relations(
    listing: Listing,
    *,
    tag_names: Iterable[str] | None,
    needs: Iterable[Need] | None,
    shared_with: Iterable[Organisation] | None,
) -> None:
    if tag_names is not None:
        listing.tags.set(tags_from_names(tag_names))
    if needs is not None:
        listing.needs.set(list(needs))
    if shared_with is not None:
        orgs = [org for org in shared_with if org.pk != listing.organisation_id]
        listing.shared_with.set(orgs)
    if listing.visibility == Visibility.SHARED and not listing.shared_with.exists():
        raise ValidationError(
            {"shared_with": "Name at least one organisation to share this listing with."}
        )


@transaction.atomic
def listing_create(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    title: str,
    summary: str,
    body: str = "",
    tag_names: Sequence[str] = (),
    needs: Sequence[Need] = (),
    price_model: str = PriceModel.FREE,
    price_pence: int | None = None,
    budget_pence: int | None = None,
    region: str = Region.NATIONAL,
    visibility: str = Visibility.PUBLIC,
    shared_with: Sequence[Organisation] = (),
    video_url: str = "",
    website_url: str = "",
) -> Listing:
    """Create a draft listing owned by ``organisation``; the actor must be one of its members.

    Side effects: tags created as needed; change/publish permissions granted to the
    organisation's member group.
    """
    if not (
        actor.is_superuser
        or Membership.objects.filter(user=actor, organisation=organisation).exists()
    ):
        raise PermissionDenied("You can only create listings for your own organisation.")
    listing = Listing(
        kind=kind,
        title=title.strip(),
        slug=slugify(title)[:180] or "listing",
        summary=summary.strip(),
        body=body,
        organisation=organisation,
        author=actor,
        price_model=price_model,
        price_pence=price_pence,
        budget_pence=budget_pence,
        region=region,
        visibility=visibility,
        video_url=video_url,
        website_url=website_url,
        status=ListingStatus.DRAFT,
    )
    _check_price(listing)
    listing.full_clean()
    listing.save()
    _set_relations(listing, tag_names=tag_names, needs=needs, shared_with=shared_with)
    grant_to_organisation(listing, organisation, member_perms=LISTING_MEMBER_PERMS)
    return listing


@transaction.atomic
def listing_update(
    *,
    actor: User,
    listing: Listing,
    tag_names: Sequence[str] | None = None,
    needs: Sequence[Need] | None = None,
    shared_with: Sequence[Organisation] | None = None,
    **fields: Any,
) -> Listing:
    """Change a listing's content. Archived listings are frozen."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    require_perm(actor, LISTING_CHANGE, listing)
    if listing.status == ListingStatus.ARCHIVED:
        raise InvalidTransition("An archived listing cannot be edited.")
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Cannot change: {', '.join(sorted(unknown))}.")
    for key, value in fields.items():
        setattr(listing, key, value)
    if "title" in fields:
        listing.title = listing.title.strip()
        listing.slug = slugify(listing.title)[:180] or "listing"
    _check_price(listing)
    listing.full_clean()
    listing.save(update_fields=[*fields, "slug", "price_pence", "budget_pence", "updated_at"])
    _set_relations(listing, tag_names=tag_names, needs=needs, shared_with=shared_with)
    return listing


def _transition(actor: User, listing: Listing, target: str) -> Listing:
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    require_perm(actor, LISTING_PUBLISH, listing)
    if target not in STATUS_TRANSITIONS[listing.status]:
        state = listing.get_status_display().lower()
        article = "An" if state[0] in "aeiou" else "A"
        raise InvalidTransition(
            f"{article} {state} listing cannot be {ListingStatus(target).label.lower()}."
        )
    listing.status = target
    update = ["status", "updated_at"]
    if target == ListingStatus.PUBLISHED and listing.published_at is None:
        listing.published_at = timezone.now()
        update.append("published_at")
    if target == ListingStatus.ARCHIVED and listing.published_at is None:
        # Archived drafts keep the constraint "not draft → has a date".
        listing.published_at = timezone.now()
        update.append("published_at")
    listing.save(update_fields=update)
    return listing


@transaction.atomic
def listing_publish(*, actor: User, listing: Listing) -> Listing:
    """draft/closed → published. Side effects: published_at set on first publication."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    require_perm(actor, LISTING_PUBLISH, listing)
    if listing.visibility == Visibility.SHARED and not listing.shared_with.exists():
        raise ValidationError("Share the listing with at least one organisation first.")
    return _transition(actor, listing, ListingStatus.PUBLISHED)


@transaction.atomic
def listing_close(*, actor: User, listing: Listing) -> Listing:
    """published → closed: still visible, no longer open for responses."""
    return _transition(actor, listing, ListingStatus.CLOSED)


@transaction.atomic
def listing_archive(*, actor: User, listing: Listing) -> Listing:
    """any → archived: hidden from everyone but its organisation. Final."""
    return _transition(actor, listing, ListingStatus.ARCHIVED)


@transaction.atomic
def listing_share(
    *, actor: User, listing: Listing, organisations: Sequence[Organisation]
) -> Listing:
    """Restrict a listing to its own organisation plus the named organisations."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    require_perm(actor, LISTING_CHANGE, listing)
    if listing.status == ListingStatus.ARCHIVED:
        raise InvalidTransition("An archived listing cannot be shared.")
    listing.visibility = Visibility.SHARED
    listing.save(update_fields=["visibility", "updated_at"])
    _set_relations(listing, tag_names=None, needs=None, shared_with=organisations)
    return listing
