"""Writes of the core app: people, organisations, memberships, taxonomy, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import signing
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from exchange import notifications
from exchange.enums import NotificationKind, Region, RequestStatus, Role
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import ApiToken, Invitation, JoinRequest, Membership, Organisation, Tag, User
from exchange.permissions import (
    ORG_ADMIN_PERMS,
    ORG_MANAGE_MEMBERS,
    grant_to_organisation,
    require_perm,
)
from exchange.queue import enqueue_after_commit

INVITATION_SALT = "exchange.invitation"
API_TOKEN_PREFIX = "oix_"  # noqa: S105  (a public marker, not a secret)


# --- People ---------------------------------------------------------------------------------


@transaction.atomic
def user_signup(*, email: str, password: str, full_name: str = "", job_title: str = "") -> User:
    """Create an account. Raises ValidationError when the email is taken."""
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this email address already exists."})
    user = User(email=email, full_name=full_name.strip(), job_title=job_title.strip())
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@transaction.atomic
def user_update_profile(*, actor: User, full_name: str, job_title: str) -> User:
    actor.full_name = full_name.strip()
    actor.job_title = job_title.strip()
    actor.full_clean(exclude=["password"])
    actor.save(update_fields=["full_name", "job_title"])
    return actor


# --- Organisations and memberships ----------------------------------------------------------


def _unique_slug(model: type[Organisation], base: str, max_length: int = 200) -> str:
    root = (slugify(base) or "organisation")[:max_length]
    slug, n = root, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{root}-{n}"
        n += 1
    return slug


def _sync_groups(membership: Membership) -> None:
    org, user = membership.organisation, membership.user
    user.groups.add(org.member_group)
    if membership.role == Role.ADMIN:
        user.groups.add(org.admin_group)
    else:
        user.groups.remove(org.admin_group)


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    name: str,
    kind: str,
    region: str = Region.NATIONAL,
    description: str = "",
    website: str = "",
    is_small: bool = True,
) -> Organisation:
    """Create an organisation with its role groups; the creator becomes its first admin.

    Side effects: two auth groups, an admin membership, object permissions for admins.
    Public bodies start unverified; staff verify them in the admin.
    """
    slug = _unique_slug(Organisation, name)
    admin_group = Group.objects.create(name=f"org:{slug}:admins")
    member_group = Group.objects.create(name=f"org:{slug}:members")
    org = Organisation(
        name=name.strip(),
        slug=slug,
        kind=kind,
        region=region,
        description=description,
        website=website,
        is_small=is_small,
        admin_group=admin_group,
        member_group=member_group,
    )
    org.full_clean()
    org.save()
    grant_to_organisation(org, org, admin_perms=ORG_ADMIN_PERMS)
    membership = Membership.objects.create(user=actor, organisation=org, role=Role.ADMIN)
    _sync_groups(membership)
    return org


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: Organisation, **fields: object
) -> Organisation:
    """Admins change name, description, website, region, kind or size. Slug stays stable."""
    require_perm(actor, "exchange.change_organisation", organisation)
    allowed = {"name", "description", "website", "region", "kind", "is_small"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(f"Cannot change: {', '.join(sorted(unknown))}.")
    if "kind" in fields and fields["kind"] != organisation.kind and organisation.verified:
        raise ValidationError({"kind": "A verified public body cannot change its kind."})
    renamed = "name" in fields and fields["name"] != organisation.name
    for key, value in fields.items():
        setattr(organisation, key, value)
    organisation.full_clean()
    organisation.save(update_fields=[*fields.keys(), "updated_at"])
    if renamed:
        # Listings (a higher app) index the organisation's name; named, not imported.
        enqueue_after_commit("listings.tasks.reindex_organisation", organisation.pk)
    return organisation


def _membership_add(organisation: Organisation, user: User, role: str) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    if not created and membership.role != role and role == Role.ADMIN:
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
    _sync_groups(membership)
    return membership


@transaction.atomic
def membership_add(*, actor: User, organisation: Organisation, user: User, role: str) -> Membership:
    """An admin adds an existing account directly (used by staff tools and demo data)."""
    require_perm(actor, ORG_MANAGE_MEMBERS, organisation)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role “{role}”."})
    return _membership_add(organisation, user, role)


def _admins_of(organisation: Organisation) -> list[User]:
    return list(
        User.objects.filter(memberships__organisation=organisation, memberships__role=Role.ADMIN)
    )


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=INVITATION_SALT)


@transaction.atomic
def invitation_create(
    *, actor: User, organisation: Organisation, email: str, role: str = Role.MEMBER
) -> Invitation:
    """Invite someone by email. Side effect: an email with a signed link, sent after commit."""
    require_perm(actor, ORG_MANAGE_MEMBERS, organisation)
    email = email.strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": "This person is already a member."})
    if Invitation.objects.filter(
        organisation=organisation, email=email, status=RequestStatus.PENDING
    ).exists():
        raise ValidationError({"email": "An invitation to this address is already pending."})
    invitation = Invitation(organisation=organisation, email=email, role=role, invited_by=actor)
    invitation.full_clean()
    invitation.save()
    enqueue_after_commit("exchange.tasks.send_invitation_email", invitation.pk)
    return invitation


def invitation_email_send(*, invitation_id: int) -> bool:
    """Email the invitation link. Idempotent enough: only pending invitations are sent."""
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, status=RequestStatus.PENDING)
        .first()
    )
    if invitation is None:
        return False
    url = settings.SITE_URL + reverse(
        "invitation-accept", kwargs={"token": invitation_token(invitation)}
    )
    inviter = invitation.invited_by.display_name if invitation.invited_by else "Someone"
    send_mail(
        f"Join {invitation.organisation.name} on Open Innovation Exchange",
        f"{inviter} invited you to join {invitation.organisation.name} on Open Innovation "
        f"Exchange as {invitation.get_role_display().lower()}.\n\nAccept the invitation:\n"
        f"{url}\n\nThe link works for 14 days. Sign up or log in with this email address "
        "first.\n",
        settings.DEFAULT_FROM_EMAIL,
        [invitation.email],
    )
    return True


def invitation_from_token(token: str) -> Invitation:
    """Resolve a signed invitation link. Raises ValidationError when bad or expired."""
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError("This invitation has expired. Ask for a new one.") from exc
    except signing.BadSignature as exc:
        raise ValidationError("This invitation link is not valid.") from exc
    invitation = Invitation.objects.select_related("organisation").filter(pk=data.get("i")).first()
    if invitation is None:
        raise ValidationError("This invitation no longer exists.")
    return invitation


@transaction.atomic
def invitation_accept(*, actor: User, token: str) -> Membership:
    """Accept an invitation addressed to the actor's own email address."""
    invitation = invitation_from_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status != RequestStatus.PENDING:
        raise InvalidTransition("This invitation has already been used or withdrawn.")
    if invitation.email.lower() != actor.email.lower():
        raise PermissionDenied("This invitation was sent to a different email address.")
    membership = _membership_add(invitation.organisation, actor, invitation.role)
    invitation.status = RequestStatus.APPROVED
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    notifications.notify(
        recipients=_admins_of(invitation.organisation),
        kind=NotificationKind.MEMBERSHIP,
        text=f"{actor.display_name} accepted the invitation to {invitation.organisation.name}.",
        link=reverse("organisation-members", kwargs={"slug": invitation.organisation.slug}),
        target=invitation.organisation,
        exclude=[actor],
    )
    return membership


@transaction.atomic
def invitation_withdraw(*, actor: User, invitation: Invitation) -> Invitation:
    require_perm(actor, ORG_MANAGE_MEMBERS, invitation.organisation)
    if invitation.status != RequestStatus.PENDING:
        raise InvalidTransition("Only a pending invitation can be withdrawn.")
    invitation.status = RequestStatus.WITHDRAWN
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    return invitation


@transaction.atomic
def join_request_create(
    *, actor: User, organisation: Organisation, message: str = ""
) -> JoinRequest:
    """Ask to join. Side effect: the organisation's admins are notified."""
    if Membership.objects.filter(organisation=organisation, user=actor).exists():
        raise ValidationError("You are already a member of this organisation.")
    if JoinRequest.objects.filter(
        organisation=organisation, user=actor, status=RequestStatus.PENDING
    ).exists():
        raise ValidationError("You have already asked to join; an admin will decide soon.")
    join_request = JoinRequest(organisation=organisation, user=actor, message=message.strip())
    join_request.full_clean()
    join_request.save()
    notifications.notify(
        recipients=_admins_of(organisation),
        kind=NotificationKind.MEMBERSHIP,
        text=f"{actor.display_name} asked to join {organisation.name}.",
        link=reverse("organisation-members", kwargs={"slug": organisation.slug}),
        target=organisation,
    )
    return join_request


@transaction.atomic
def join_request_decide(*, actor: User, join_request: JoinRequest, approve: bool) -> JoinRequest:
    """Approve (adds a member) or decline. Side effect: the requester is notified."""
    join_request = (
        JoinRequest.objects.select_for_update()
        .select_related("organisation", "user")
        .get(pk=join_request.pk)
    )
    organisation = join_request.organisation
    require_perm(actor, ORG_MANAGE_MEMBERS, organisation)
    if join_request.status != RequestStatus.PENDING:
        raise InvalidTransition("This request has already been decided.")
    join_request.status = RequestStatus.APPROVED if approve else RequestStatus.DECLINED
    join_request.decided_by = actor
    join_request.decided_at = timezone.now()
    join_request.save(update_fields=["status", "decided_by", "decided_at"])
    if approve:
        _membership_add(organisation, join_request.user, Role.MEMBER)
    verdict = "approved" if approve else "declined"
    notifications.notify(
        recipients=[join_request.user],
        kind=NotificationKind.MEMBERSHIP,
        text=f"Your request to join {organisation.name} was {verdict}.",
        link=reverse("organisation-detail", kwargs={"slug": organisation.slug}),
        target=organisation,
    )
    return join_request


def _admin_count(organisation: Organisation) -> int:
    """Count the admins, holding the organisation's row lock until the transaction ends.

    Without the lock, two admins demoting or removing each other at the same moment would
    each count two admins on PostgreSQL and leave the organisation with none.
    """
    list(Organisation.objects.select_for_update().filter(pk=organisation.pk).values_list("pk"))
    return Membership.objects.filter(organisation=organisation, role=Role.ADMIN).count()


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    """Change a member's role. The last admin cannot be demoted."""
    membership = (
        Membership.objects.select_for_update()
        .select_related("organisation", "user")
        .get(pk=membership.pk)
    )
    require_perm(actor, ORG_MANAGE_MEMBERS, membership.organisation)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role “{role}”."})
    if (
        membership.role == Role.ADMIN
        and role != Role.ADMIN
        and _admin_count(membership.organisation) == 1
    ):
        raise InvalidTransition("An organisation needs at least one admin. Appoint another first.")
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    _sync_groups(membership)
    return membership


def _membership_delete(membership: Membership) -> None:
    org, user = membership.organisation, membership.user
    user.groups.remove(org.admin_group, org.member_group)
    membership.delete()


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    """An admin removes a member (not the last admin)."""
    membership = (
        Membership.objects.select_for_update()
        .select_related("organisation", "user")
        .get(pk=membership.pk)
    )
    require_perm(actor, ORG_MANAGE_MEMBERS, membership.organisation)
    if membership.role == Role.ADMIN and _admin_count(membership.organisation) == 1:
        raise InvalidTransition("An organisation needs at least one admin. Appoint another first.")
    _membership_delete(membership)


@transaction.atomic
def membership_leave(*, actor: User, organisation: Organisation) -> None:
    """Leave an organisation. The last admin must appoint another admin first."""
    membership = (
        Membership.objects.select_for_update().filter(organisation=organisation, user=actor).first()
    )
    if membership is None:
        raise ValidationError("You are not a member of this organisation.")
    if membership.role == Role.ADMIN and _admin_count(organisation) == 1:
        raise InvalidTransition("You are the only admin. Appoint another admin before you leave.")
    _membership_delete(membership)


# --- Taxonomy -------------------------------------------------------------------------------


def tag_slug(name: str) -> str:
    """Normalised form of a tag: case-, accent- and whitespace-insensitive."""
    return slugify(" ".join(name.split()))[:60]


def tags_from_names(names: Iterable[str]) -> list[Tag]:
    """Get or create tags for free-text names, resolving merged tags to their target.

    Must run inside the caller's transaction. Duplicates and blanks are dropped; order kept.
    """
    result: list[Tag] = []
    seen: set[int] = set()
    for raw in names:
        name = " ".join(raw.split())[:60]
        slug = tag_slug(name)
        if not slug:
            continue
        tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": name.lower()})
        while tag.merged_into_id is not None:
            tag = Tag.objects.get(pk=tag.merged_into_id)
        if tag.pk not in seen:
            seen.add(tag.pk)
            result.append(tag)
    return result


def parse_tag_names(text: str) -> list[str]:
    """Split a comma-separated tag field into names."""
    return [part.strip() for part in text.split(",") if part.strip()]


@transaction.atomic
def tag_merge(*, actor: User, source: Tag, target: Tag) -> Tag:
    """Merge ``source`` into ``target``: listings move over, ``source`` becomes a synonym."""
    if not actor.is_staff:
        raise PermissionDenied("Only staff can merge tags.")
    if source.pk == target.pk:
        raise ValidationError("A tag cannot be merged into itself.")
    while target.merged_into_id is not None:
        target = Tag.objects.get(pk=target.merged_into_id)
    if target.pk == source.pk:
        raise ValidationError("That merge would make a loop.")
    through = Tag.listings.through
    listing_ids = list(
        through.objects.filter(tag_id=source.pk).values_list("listing_id", flat=True)
    )
    already = set(
        through.objects.filter(tag_id=target.pk, listing_id__in=listing_ids).values_list(
            "listing_id", flat=True
        )
    )
    through.objects.bulk_create(
        [through(tag_id=target.pk, listing_id=lid) for lid in listing_ids if lid not in already]
    )
    through.objects.filter(tag_id=source.pk).delete()
    Tag.objects.filter(merged_into=source).update(merged_into=target)
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    enqueue_after_commit("listings.tasks.reindex_tag", target.pk)
    return target


def tags_popular(limit: int = 30) -> list[Tag]:
    return list(
        Tag.objects.filter(merged_into__isnull=True)
        # Only public listings count: tags of members-only or shared listings stay private.
        .annotate(
            n=Count(
                "listings", filter=Q(listings__status="published", listings__visibility="public")
            )
        )
        .filter(n__gt=0)
        .order_by("-n", "slug")[:limit]
    )


# --- API tokens -----------------------------------------------------------------------------


def api_token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal token. Returns the row and the secret, which is shown only once."""
    if not name.strip():
        raise ValidationError({"name": "Give the token a name so you can recognise it later."})
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)  # 256 bits of entropy
    token = ApiToken(
        user=actor, name=name.strip()[:100], prefix=raw[:12], key_hash=api_token_hash(raw)
    )
    token.full_clean()
    token.save()
    return token, raw


def api_token_touch(*, token: ApiToken) -> None:
    """Record that a token was used, at most once a minute (keeps writes off the hot path)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied("You can only revoke your own tokens.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


# --- Maintenance ------------------------------------------------------------------------------


def database_analyse() -> None:
    """Refresh the query planner's statistics.

    SQLite keeps none until asked: without them it drives searches from the wrong index
    (a rare word took 70 ms instead of 0.3 ms on 100,000 listings). PostgreSQL's autovacuum
    analyses too, but a fresh bulk load should not wait for it.
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
