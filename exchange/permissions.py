"""Object permissions: codenames and the helpers that grant them to role groups.

Objects belong to organisations, not people. Every organisation has two groups (admins,
members); the service that creates an object grants its permissions to those groups in the
same transaction, so staff changes never orphan anything and "who may do X to this object"
is one guardian query.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db import models
from guardian.shortcuts import assign_perm, remove_perm

from exchange.exceptions import PermissionDenied
from exchange.models import Organisation, User

# Organisation
ORG_CHANGE = "exchange.change_organisation"
ORG_MANAGE_MEMBERS = "exchange.manage_members"
ORG_ADMIN_PERMS = (ORG_CHANGE, ORG_MANAGE_MEMBERS)

# Listing
LISTING_CHANGE = "listings.change_listing"
LISTING_PUBLISH = "listings.publish_listing"
LISTING_MEMBER_PERMS = (LISTING_CHANGE, LISTING_PUBLISH)


def grant_to_organisation(
    obj: models.Model,
    organisation: Organisation,
    *,
    member_perms: Iterable[str] = (),
    admin_perms: Iterable[str] = (),
) -> None:
    """Grant object permissions on ``obj`` to the organisation's role groups."""
    for perm in member_perms:
        assign_perm(perm, organisation.member_group, obj)
    for perm in admin_perms:
        assign_perm(perm, organisation.admin_group, obj)


def revoke_from_organisation(
    obj: models.Model, organisation: Organisation, *, perms: Iterable[str]
) -> None:
    for perm in perms:
        remove_perm(perm, organisation.member_group, obj)
        remove_perm(perm, organisation.admin_group, obj)


def has_perm(user: User | AnonymousUser, perm: str, obj: models.Model) -> bool:
    """True when ``user`` holds ``perm`` on ``obj`` (superusers hold everything)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.has_perm(perm, obj))


def require_perm(user: User | AnonymousUser, perm: str, obj: models.Model) -> None:
    if not has_perm(user, perm, obj):
        raise PermissionDenied("You do not have permission to do that.")
