"""Reusable reads of the core app: memberships, join requests, the directory, taxonomy."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet

from exchange.enums import RequestStatus
from exchange.models import (
    Invitation,
    JoinRequest,
    Membership,
    Need,
    NeedArea,
    Notification,
    Organisation,
    User,
)
from exchange.permissions import ORG_MANAGE_MEMBERS, has_perm


def membership_of(user: User | AnonymousUser, organisation: Organisation) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("organisation")


def pending_join_requests(organisation_ids: list[int]) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(
        organisation_id__in=organisation_ids, status=RequestStatus.PENDING
    ).select_related("user", "organisation")


def has_pending_join_request(user: User | AnonymousUser, organisation: Organisation) -> bool:
    return (
        user.is_authenticated
        and JoinRequest.objects.filter(
            organisation=organisation, user_id=user.pk, status=RequestStatus.PENDING
        ).exists()
    )


def can_see_members(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Who belongs to an organisation is shown to its members (and whoever manages them)."""
    return membership_of(user, organisation) is not None or has_perm(
        user, ORG_MANAGE_MEMBERS, organisation
    )


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    """An organisation's memberships with their people, in the order they joined."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user", "organisation")
        .order_by("created_at", "pk")
    )


def invitations_of(organisation: Organisation) -> QuerySet[Invitation]:
    """Every invitation an organisation sent (pending, accepted, withdrawn), newest first."""
    return (
        Invitation.objects.filter(organisation=organisation)
        .select_related("organisation")
        .order_by("-created_at", "-pk")
    )


def join_requests_visible_to(
    user: User | AnonymousUser, organisation: Organisation
) -> QuerySet[JoinRequest]:
    """Requests to join ``organisation``, newest first: all of them for those who manage its
    members, the asker's own for anyone else (what the organisation page tells them)."""
    requests = JoinRequest.objects.filter(organisation=organisation)
    if not user.is_authenticated:
        return requests.none()
    if not has_perm(user, ORG_MANAGE_MEMBERS, organisation):
        requests = requests.filter(user_id=user.pk)
    return requests.select_related("user", "organisation").order_by("-created_at", "-pk")


def organisations_for_api() -> QuerySet[Organisation]:
    """The public directory of organisations."""
    return Organisation.objects.order_by("name", "pk")


def needs_for_api() -> QuerySet[Need]:
    """The controlled needs vocabulary, each with its area."""
    return Need.objects.select_related("area").order_by("area__position", "position", "name")


def need_areas_for_api() -> QuerySet[NeedArea]:
    """The areas of the needs vocabulary, each with its needs in order."""
    return NeedArea.objects.prefetch_related(
        Prefetch("needs", queryset=Need.objects.order_by("position", "name"))
    ).order_by("position", "name")


def notifications_of(user: User | AnonymousUser) -> QuerySet[Notification]:
    """The person's own notifications, newest first (nobody else's, ever)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")
