import re
from datetime import timedelta

import pytest
from django.core import mail

from exchange import services
from exchange.enums import RequestStatus, Role
from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import ApiToken, Invitation, JoinRequest, Membership, Notification, Tag, User
from exchange.permissions import has_perm
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


def test_user_signup_normalises_email_and_refuses_duplicates():
    user = services.user_signup(email=" Amira.Khan@Northshire.Example ", password="long-enough-pw")

    with pytest.raises(ValidationError):
        services.user_signup(email="amira.khan@northshire.example", password="another-pw-1")

    assert user.email == "amira.khan@northshire.example"
    assert User.objects.count() == 1


def test_organisation_create_makes_creator_admin_with_groups_and_perms():
    creator = UserFactory()

    org = services.organisation_create(
        actor=creator, name="Northshire County Council", kind="council"
    )

    membership = Membership.objects.get(organisation=org)
    assert (org.slug, org.verified) == ("northshire-county-council", False)
    assert (membership.user, membership.role) == (creator, Role.ADMIN)
    assert set(creator.groups.values_list("name", flat=True)) == {
        "org:northshire-county-council:admins",
        "org:northshire-county-council:members",
    }
    assert has_perm(creator, "exchange.manage_members", org) is True


def test_organisation_create_same_name_gets_unique_slug():
    first = make_organisation(name="Acme")
    second = make_organisation(name="Acme")

    assert (first.slug, second.slug) == ("acme", "acme-2")


def test_organisation_update_by_member_is_refused(council):
    member = add_member(council)

    with pytest.raises(PermissionDenied):
        services.organisation_update(actor=member, organisation=council, name="Hijacked")

    council.refresh_from_db()
    assert council.name == "Northshire County Council"


def test_organisation_update_verified_kind_is_frozen(council):
    admin = council.memberships.get().user
    council.verified = True
    council.save(update_fields=["verified"])

    with pytest.raises(ValidationError):
        services.organisation_update(actor=admin, organisation=council, kind="supplier")


def test_invitation_create_emails_link_that_accepts(council, django_capture_on_commit_callbacks):
    admin = council.memberships.get().user
    invitee = UserFactory(email="newbie@northshire.example")

    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            actor=admin, organisation=council, email="Newbie@Northshire.example", role=Role.MEMBER
        )
    # The emailed link carries its own timestamped token: accept through exactly that one.
    token = re.search(r"/invitations/([^/\s]+)/", mail.outbox[0].body).group(1)
    membership = services.invitation_accept(actor=invitee, token=token)

    assert len(mail.outbox) == 1
    assert services.invitation_from_token(token) == invitation
    assert mail.outbox[0].to == ["newbie@northshire.example"]
    assert (membership.user, membership.role) == (invitee, Role.MEMBER)
    invitation.refresh_from_db()
    assert invitation.status == RequestStatus.APPROVED


def test_invitation_accept_by_other_address_is_refused(council):
    admin = council.memberships.get().user
    invitation = services.invitation_create(actor=admin, organisation=council, email="a@x.example")
    intruder = UserFactory(email="b@x.example")

    with pytest.raises(PermissionDenied):
        services.invitation_accept(actor=intruder, token=services.invitation_token(invitation))

    assert Membership.objects.filter(organisation=council).count() == 1


def test_invitation_accept_twice_is_refused(council):
    admin = council.memberships.get().user
    invitee = UserFactory(email="a@x.example")
    invitation = services.invitation_create(actor=admin, organisation=council, email="a@x.example")
    token = services.invitation_token(invitation)
    services.invitation_accept(actor=invitee, token=token)

    with pytest.raises(InvalidTransition):
        services.invitation_accept(actor=invitee, token=token)


def test_invitation_tampered_or_expired_token_is_refused(council, settings):
    admin = council.memberships.get().user
    invitation = services.invitation_create(actor=admin, organisation=council, email="a@x.example")
    token = services.invitation_token(invitation)
    settings.INVITATION_MAX_AGE = timedelta(seconds=-1)

    with pytest.raises(ValidationError, match="expired"):
        services.invitation_from_token(token)
    with pytest.raises(ValidationError, match="not valid"):
        services.invitation_from_token(token[:-2] + "xx")


def test_invitation_by_plain_member_is_refused(council):
    member = add_member(council)

    with pytest.raises(PermissionDenied):
        services.invitation_create(actor=member, organisation=council, email="a@x.example")

    assert Invitation.objects.count() == 0


def test_invitation_duplicate_pending_is_refused(council):
    admin = council.memberships.get().user
    services.invitation_create(actor=admin, organisation=council, email="a@x.example")

    with pytest.raises(ValidationError):
        services.invitation_create(actor=admin, organisation=council, email="A@x.example")

    assert Invitation.objects.count() == 1


def test_join_request_notifies_admins_once_and_approval_adds_member(council):
    admin = council.memberships.get().user
    second_admin = add_member(council, role=Role.ADMIN)
    requester = UserFactory()

    request = services.join_request_create(actor=requester, organisation=council, message="Hi")
    services.join_request_decide(actor=admin, join_request=request, approve=True)

    assert sorted(
        Notification.objects.filter(text__contains="asked to join").values_list(
            "recipient", flat=True
        )
    ) == sorted([admin.pk, second_admin.pk])
    assert Notification.objects.filter(recipient=requester).values_list(
        "text", flat=True
    ).get() == ("Your request to join Northshire County Council was approved.")
    assert Membership.objects.get(organisation=council, user=requester).role == Role.MEMBER


def test_join_request_decline_adds_nobody(council):
    admin = council.memberships.get().user
    requester = UserFactory()
    request = services.join_request_create(actor=requester, organisation=council)

    services.join_request_decide(actor=admin, join_request=request, approve=False)

    assert Membership.objects.filter(user=requester).count() == 0
    assert JoinRequest.objects.get().status == RequestStatus.DECLINED


def test_join_request_decided_twice_is_refused(council):
    admin = council.memberships.get().user
    request = services.join_request_create(actor=UserFactory(), organisation=council)
    services.join_request_decide(actor=admin, join_request=request, approve=False)

    with pytest.raises(InvalidTransition):
        services.join_request_decide(actor=admin, join_request=request, approve=True)

    assert Membership.objects.filter(organisation=council).count() == 1


def test_membership_change_role_last_admin_is_refused(council):
    membership = council.memberships.get()

    with pytest.raises(InvalidTransition):
        services.membership_change_role(
            actor=membership.user, membership=membership, role=Role.MEMBER
        )

    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_membership_change_role_promotes_and_grants_admin_group(council):
    admin = council.memberships.get().user
    member = add_member(council)
    membership = Membership.objects.get(user=member)

    services.membership_change_role(actor=admin, membership=membership, role=Role.ADMIN)

    assert has_perm(member, "exchange.manage_members", council) is True


def test_membership_leave_revokes_listing_permissions(council):
    listing = make_listing(organisation=council)
    member = add_member(council)
    assert has_perm(member, "listings.change_listing", listing) is True

    services.membership_leave(actor=member, organisation=council)

    member = User.objects.get(pk=member.pk)  # fresh permission cache
    assert has_perm(member, "listings.change_listing", listing) is False


def test_membership_leave_last_admin_is_refused(council):
    admin = council.memberships.get().user
    add_member(council)

    with pytest.raises(InvalidTransition):
        services.membership_leave(actor=admin, organisation=council)

    assert Membership.objects.filter(organisation=council).count() == 2


def test_membership_remove_by_member_is_refused(council):
    member = add_member(council)
    other = Membership.objects.get(user=add_member(council))

    with pytest.raises(PermissionDenied):
        services.membership_remove(actor=member, membership=other)

    assert Membership.objects.filter(organisation=council).count() == 3


def test_tag_slug_is_case_and_space_insensitive():
    assert (
        services.tag_slug("  Older   People ")
        == services.tag_slug("older people")
        == "older-people"
    )


def test_tag_merge_moves_listings_and_makes_synonym(supplier):
    staff = UserFactory(is_staff=True)
    listing = make_listing(organisation=supplier, tag_names=["elderly", "older people"])
    other = make_listing(organisation=supplier, title="Other", tag_names=["elderly"])
    source = Tag.objects.get(slug="elderly")
    target = Tag.objects.get(slug="older-people")

    services.tag_merge(actor=staff, source=source, target=target)

    assert list(listing.tags.values_list("slug", flat=True)) == ["older-people"]
    assert list(other.tags.values_list("slug", flat=True)) == ["older-people"]
    source.refresh_from_db()
    assert source.merged_into == target


def test_tag_merge_by_non_staff_is_refused(supplier):
    a, b = services.tags_from_names(["a", "b"])

    with pytest.raises(PermissionDenied):
        services.tag_merge(actor=UserFactory(), source=a, target=b)

    a.refresh_from_db()
    assert a.merged_into is None


def test_api_token_stored_hashed_and_revocable(user):
    token, raw = services.api_token_create(actor=user, name="CRM sync")

    stored = ApiToken.objects.get()
    assert raw.startswith("oix_")
    assert len(raw) == 47
    assert stored.key_hash == services.api_token_hash(raw)
    assert raw not in (stored.prefix + stored.key_hash)
    services.api_token_revoke(actor=user, token=token)
    stored.refresh_from_db()
    assert stored.revoked_at is not None


def test_api_token_revoke_someone_elses_is_refused(user):
    token, _ = services.api_token_create(actor=user, name="Mine")

    with pytest.raises(PermissionDenied):
        services.api_token_revoke(actor=UserFactory(), token=token)

    token.refresh_from_db()
    assert token.revoked_at is None


def test_invitation_email_sent_only_after_commit(council, django_capture_on_commit_callbacks):
    admin = council.memberships.get().user

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.invitation_create(actor=admin, organisation=council, email="a@x.example")

    assert (len(callbacks), len(mail.outbox)) == (1, 0)


def test_database_analyse_records_planner_statistics(supplier):
    from django.db import connection

    make_listing(organisation=supplier)

    services.database_analyse()

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'listings_listing'")
        else:
            cursor.execute(
                "SELECT DISTINCT tablename FROM pg_stats WHERE tablename = 'listings_listing'"
            )
        names = {row[0] for row in cursor.fetchall()}
    assert (
        ("listing_browse" in names)
        if connection.vendor == "sqlite"
        else (names == {"listings_listing"})
    )
