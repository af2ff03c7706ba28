"""Reads the API needs that the apps do not offer (yet).

They belong with the other reusable reads (``exchange/queries.py``, ``listings/queries.py``);
they live here only until those modules take them over. Every listing-derived read starts
from ``listings_visible_to`` so that nothing private leaks through the API.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet

from exchange.models import Need, NeedArea, Organisation, Tag, User
from listings.models import Listing
from listings.queries import listings_visible_to


def listings_for_api(user: User | AnonymousUser) -> QuerySet[Listing]:
    """Listings ``user`` may see, with everything the API representation reads loaded."""
    qs = listings_visible_to(user)
    if user.is_authenticated:
        # The serializer shows ``shared_with`` to members of the owning organisation only.
        qs = qs.prefetch_related("shared_with")
    return qs


def organisations_for_api() -> QuerySet[Organisation]:
    """The public directory of organisations."""
    return Organisation.objects.order_by("name", "pk")


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


def needs_for_api() -> QuerySet[Need]:
    """The controlled needs vocabulary, each with its area."""
    return Need.objects.select_related("area").order_by("area__position", "position", "name")


def need_areas_for_api() -> QuerySet[NeedArea]:
    """The areas of the needs vocabulary, each with its needs in order."""
    return NeedArea.objects.prefetch_related(
        Prefetch("needs", queryset=Need.objects.order_by("position", "name"))
    ).order_by("position", "name")
