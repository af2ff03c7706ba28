"""Visibility and the everyday reads of listings."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, Q, QuerySet

from exchange.models import Membership, Organisation, Tag, User
from listings.enums import ListingStatus, Visibility
from listings.models import Listing

OUTSIDER_STATUSES = (ListingStatus.PUBLISHED, ListingStatus.CLOSED)


def member_organisation_ids(user: User | AnonymousUser) -> list[int]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).values_list("organisation_id", flat=True))


def visibility_filter(user: User | AnonymousUser) -> Q:
    """The rule of who may see a listing, as one Q built from subqueries (no joins, no dupes).

    - staff (superusers) see everything;
    - members of the owning organisation see all its listings, drafts and archive included;
    - everybody else sees published and closed listings that are public, or "members" when
      they are signed in and belong to an organisation, or "shared" when one of their
      organisations is named.
    """
    outsider = Q(status__in=OUTSIDER_STATUSES)
    if not user.is_authenticated:
        return outsider & Q(visibility=Visibility.PUBLIC)
    if user.is_superuser:
        return Q()
    my_orgs = Membership.objects.filter(user_id=user.pk).values("organisation_id")
    shared_with_me = Listing.shared_with.through.objects.filter(organisation_id__in=my_orgs).values(
        "listing_id"
    )
    in_any_org = Exists(Membership.objects.filter(user_id=user.pk))
    return (
        outsider
        & (
            Q(visibility=Visibility.PUBLIC)
            | (Q(visibility=Visibility.MEMBERS) & Q(in_any_org))
            | Q(visibility=Visibility.SHARED, pk__in=shared_with_me)
        )
    ) | Q(organisation_id__in=my_orgs)


def organisation_visibility_filter(organisation_id: int) -> Q:
    """``visibility_filter`` for an organisation acting on its own — a partner system of
    theirs, such as a webhook endpoint: what a member of that organisation alone may see."""
    shared_with_it = Listing.shared_with.through.objects.filter(
        organisation_id=organisation_id
    ).values("listing_id")
    return (
        Q(status__in=OUTSIDER_STATUSES)
        & (
            Q(visibility__in=(Visibility.PUBLIC, Visibility.MEMBERS))
            | Q(visibility=Visibility.SHARED, pk__in=shared_with_it)
        )
    ) | Q(organisation_id=organisation_id)


def listings_visible_to(user: User | AnonymousUser) -> QuerySet[Listing]:
    """Listings ``user`` may see, with what list pages need loaded."""
    return (
        Listing.objects.filter(visibility_filter(user))
        .select_related("organisation")
        .prefetch_related("tags", "needs__area")
    )


def listings_of_organisation(
    user: User | AnonymousUser, organisation: Organisation
) -> QuerySet[Listing]:
    """An organisation's listings as ``user`` may see them (its members see drafts too)."""
    return (
        listings_visible_to(user)
        .filter(organisation=organisation)
        .order_by("status", "-updated_at")
    )


def listings_for_api(user: User | AnonymousUser) -> QuerySet[Listing]:
    """Listings ``user`` may see, with everything the API representation reads loaded."""
    qs = listings_visible_to(user)
    if user.is_authenticated:
        # The serializer shows ``shared_with`` to members of the owning organisation only.
        qs = qs.prefetch_related("shared_with")
    return qs


def tags_in_use(user: User | AnonymousUser) -> QuerySet[Tag]:
    """Current (non-merged) tags on at least one listing ``user`` may see, with that count.

    Tags are created by listing authors, so a tag used only on a draft or a listing shared
    with named organisations is itself private: it is not shown to anyone who cannot see one
    of its listings.
    """
    visible = listings_visible_to(user).values("pk")
    return (
        Tag.objects.filter(merged_into__isnull=True)
        .annotate(listing_count=Count("listings", filter=Q(listings__in=visible)))
        .filter(listing_count__gt=0)
        .order_by("slug")
    )
