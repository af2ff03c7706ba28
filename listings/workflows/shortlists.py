"""Shortlists: named, shared with colleagues, noted, ordered, exported, closed by an outcome.

Every change writes a ``ShortlistEvent`` — the audit trail of who added, removed, reordered
and decided what, and when.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from exchange.exceptions import InvalidTransition, ValidationError
from exchange.models import Organisation, User
from exchange.permissions import grant_to_organisation, require_perm
from listings.models import Listing, Shortlist, ShortlistEvent, ShortlistItem
from listings.permissions import SHORTLIST_CHANGE, SHORTLIST_MEMBER_PERMS
from listings.queries import visibility_filter
from listings.workflow_enums import ShortlistAction, ShortlistStatus
from listings.workflows.common import require_member, require_text

OUTCOMES = (ShortlistStatus.CHOSEN, ShortlistStatus.NONE_SUITABLE, ShortlistStatus.CANCELLED)


def _log(
    shortlist: Shortlist,
    actor: User,
    action: str,
    *,
    listing: Listing | None = None,
    detail: str = "",
) -> None:
    ShortlistEvent.objects.create(
        shortlist=shortlist, actor=actor, action=action, listing=listing, detail=detail[:500]
    )


def _clean(shortlist: Shortlist) -> None:
    if (
        Shortlist.objects.filter(organisation_id=shortlist.organisation_id, name=shortlist.name)
        .exclude(pk=shortlist.pk)
        .exists()
    ):
        raise ValidationError({"name": "Your organisation already has a shortlist with this name."})
    shortlist.full_clean()


def _lock_open(actor: User, shortlist: Shortlist) -> Shortlist:
    shortlist = Shortlist.objects.select_for_update().get(pk=shortlist.pk)
    require_perm(actor, SHORTLIST_CHANGE, shortlist)
    if not shortlist.is_open:
        raise InvalidTransition("This shortlist is closed: its outcome is recorded.")
    return shortlist


@transaction.atomic
def shortlist_create(
    *, actor: User, organisation: Organisation, name: str, description: str = ""
) -> Shortlist:
    """A shortlist shared with everyone in ``organisation``.

    Side effects: view/change permissions granted to its member group; "created" logged.
    """
    require_member(actor, organisation, doing="create its shortlists")
    shortlist = Shortlist(
        organisation=organisation,
        name=require_text(name, "name", "Name the shortlist."),
        description=description.strip(),
        created_by=actor,
    )
    _clean(shortlist)
    shortlist.save()
    grant_to_organisation(shortlist, organisation, member_perms=SHORTLIST_MEMBER_PERMS)
    _log(shortlist, actor, ShortlistAction.CREATED, detail=shortlist.name)
    return shortlist


@transaction.atomic
def shortlist_rename(
    *, actor: User, shortlist: Shortlist, name: str, description: str | None = None
) -> Shortlist:
    shortlist = Shortlist.objects.select_for_update().get(pk=shortlist.pk)
    require_perm(actor, SHORTLIST_CHANGE, shortlist)
    previous = shortlist.name
    shortlist.name = require_text(name, "name", "Name the shortlist.")
    if description is not None:
        shortlist.description = description.strip()
    _clean(shortlist)
    shortlist.save(update_fields=["name", "description", "updated_at"])
    if previous != shortlist.name:
        _log(shortlist, actor, ShortlistAction.RENAMED, detail=f"{previous} → {shortlist.name}")
    return shortlist


@transaction.atomic
def shortlist_item_add(
    *, actor: User, shortlist: Shortlist, listing: Listing, note: str = ""
) -> ShortlistItem:
    """Add a listing the actor can see, at the end, with a note."""
    shortlist = _lock_open(actor, shortlist)
    if not Listing.objects.filter(visibility_filter(actor), pk=listing.pk).exists():
        raise ValidationError({"listing": "You cannot see this listing."})
    if ShortlistItem.objects.filter(shortlist=shortlist, listing_id=listing.pk).exists():
        raise ValidationError({"listing": "This listing is already on the shortlist."})
    last = shortlist.items.aggregate(last=Max("position"))["last"] or 0
    item = ShortlistItem(
        shortlist=shortlist, listing=listing, note=note.strip(), position=last + 1, added_by=actor
    )
    item.full_clean()
    item.save()
    shortlist.save(update_fields=["updated_at"])
    _log(shortlist, actor, ShortlistAction.ITEM_ADDED, listing=listing, detail=listing.title)
    return item


@transaction.atomic
def shortlist_item_note(*, actor: User, item: ShortlistItem, note: str) -> ShortlistItem:
    shortlist = _lock_open(actor, item.shortlist)
    item = ShortlistItem.objects.get(pk=item.pk, shortlist=shortlist)
    item.note = note.strip()
    item.full_clean()
    item.save(update_fields=["note"])
    _log(shortlist, actor, ShortlistAction.NOTE_CHANGED, listing=item.listing, detail=item.note)
    return item


@transaction.atomic
def shortlist_item_remove(*, actor: User, item: ShortlistItem) -> None:
    shortlist = _lock_open(actor, item.shortlist)
    item = ShortlistItem.objects.select_related("listing").get(pk=item.pk, shortlist=shortlist)
    item.delete()
    shortlist.save(update_fields=["updated_at"])
    _log(
        shortlist,
        actor,
        ShortlistAction.ITEM_REMOVED,
        listing=item.listing,
        detail=item.listing.title,
    )


def _renumber(shortlist: Shortlist, ordered: list[ShortlistItem]) -> None:
    for position, item in enumerate(ordered, start=1):
        item.position = position
    ShortlistItem.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def shortlist_reorder(
    *, actor: User, shortlist: Shortlist, item_ids: Sequence[int]
) -> list[ShortlistItem]:
    """Put every item in the given order (the ids must be exactly the shortlist's items)."""
    shortlist = _lock_open(actor, shortlist)
    items = {item.pk: item for item in shortlist.items.all()}
    if sorted(item_ids) != sorted(items):
        raise ValidationError({"items": "Give every item of the shortlist exactly once."})
    ordered = [items[pk] for pk in item_ids]
    _renumber(shortlist, ordered)
    shortlist.save(update_fields=["updated_at"])
    _log(shortlist, actor, ShortlistAction.REORDERED)
    return ordered


@transaction.atomic
def shortlist_item_move(*, actor: User, item: ShortlistItem, offset: int) -> list[ShortlistItem]:
    """Move one item up (-1) or down (+1); at either end nothing moves."""
    shortlist = _lock_open(actor, item.shortlist)
    ordered = list(shortlist.items.order_by("position", "id"))
    index = next(i for i, it in enumerate(ordered) if it.pk == item.pk)
    target = min(max(index + offset, 0), len(ordered) - 1)
    if target == index:
        return ordered
    ordered.insert(target, ordered.pop(index))
    _renumber(shortlist, ordered)
    shortlist.save(update_fields=["updated_at"])
    _log(shortlist, actor, ShortlistAction.REORDERED, listing=item.listing)
    return ordered


@transaction.atomic
def shortlist_outcome_record(
    *,
    actor: User,
    shortlist: Shortlist,
    outcome: str,
    reason: str,
    chosen_listing: Listing | None = None,
) -> Shortlist:
    """Close the shortlist: a chosen listing (one of its items), none suitable, or cancelled —
    always with a reason. Final; logged."""
    shortlist = _lock_open(actor, shortlist)
    if outcome not in OUTCOMES:
        raise ValidationError({"outcome": "Choose an outcome."})
    reason = require_text(reason, "reason", "Give the reason for this outcome.")
    if outcome == ShortlistStatus.CHOSEN:
        if (
            chosen_listing is None
            or not shortlist.items.filter(listing_id=chosen_listing.pk).exists()
        ):
            raise ValidationError({"chosen_listing": "Choose one of the shortlisted listings."})
    elif chosen_listing is not None:
        raise ValidationError({"chosen_listing": "Only the outcome “chosen” names a listing."})
    shortlist.status = outcome
    shortlist.chosen_listing = chosen_listing
    shortlist.outcome_reason = reason
    shortlist.outcome_by = actor
    shortlist.outcome_at = timezone.now()
    shortlist.full_clean()
    shortlist.save(
        update_fields=[
            "status",
            "chosen_listing",
            "outcome_reason",
            "outcome_by",
            "outcome_at",
            "updated_at",
        ]
    )
    label = ShortlistStatus(outcome).label
    _log(
        shortlist,
        actor,
        ShortlistAction.OUTCOME,
        listing=chosen_listing,
        detail=f"{label}: {reason}",
    )
    return shortlist
