"""Organisations' people through the API, with the members page's permissions: create an
organisation, members and roles, leave, invitations (and accepting one), requests to join."""

from types import SimpleNamespace

import pytest
from django.core import signing

from exchange import services
from exchange.enums import Role
from exchange.models import Invitation, JoinRequest, Membership, Notification, Organisation
from tests.factories.exchange import UserFactory, add_member, make_organisation

pytestmark = pytest.mark.django_db

# Authentication is forced (no token lookup). Every list: the organisation, the requester's
# right to manage its members (guardian: user grants, group grants), the count, the page.
# Members: + the requester's own membership (members may look).
MEMBERS_QUERIES = 6
INVITATIONS_QUERIES = 5
JOIN_REQUESTS_QUERIES = 5


@pytest.fixture
def org(db):
    """A council with its first admin, a member, and people outside it."""
    admin = UserFactory(email="ada@northshire.gov.uk", full_name="Ada Admin", job_title="Head")
    council = make_organisation(admin=admin, name="Northshire County Council", kind="council")
    member = add_member(council, UserFactory(email="ben@northshire.gov.uk", full_name="Ben Member"))
    return SimpleNamespace(
        council=council,
        admin=admin,
        member=member,
        outsider=UserFactory(email="olive@elsewhere.org", full_name="Olive Outsider"),
        admin_membership=Membership.objects.get(user=admin),
        member_membership=Membership.objects.get(user=member),
    )


def _members_url(org, pk=None):
    base = f"/api/v1/organisations/{org.council.slug}/members/"
    return f"{base}{pk}/" if pk else base


def _roles(organisation):
    return sorted(organisation.memberships.values_list("user__email", "role"))


def _error(response):
    return response.status_code, response.json()["error"]


# --- Create an organisation -------------------------------------------------------------------


def test_create_organisation_makes_the_creator_its_admin(client_as, user):
    response = client_as(user).post(
        "/api/v1/organisations/",
        {
            "name": "Brightbin Ltd",
            "kind": "supplier",
            "region": "north_west",
            "description": "Smart bins.",
            "website": "https://brightbin.example",
        },
        format="json",
    )

    assert response.status_code == 201
    organisation = Organisation.objects.get(slug="brightbin-ltd")
    body = response.json()
    assert response["Location"] == "http://testserver/api/v1/organisations/brightbin-ltd/"
    assert {k: v for k, v in body.items() if k not in ("created_at", "updated_at")} == {
        "url": "http://testserver/api/v1/organisations/brightbin-ltd/",
        "slug": "brightbin-ltd",
        "name": "Brightbin Ltd",
        "kind": "supplier",
        "description": "Smart bins.",
        "website": "https://brightbin.example",
        "region": "north_west",
        "is_small": True,
        "verified": False,
    }
    assert _roles(organisation) == [(user.email, "admin")]


def test_create_organisation_needs_sign_in(api_client):
    response = api_client.post(
        "/api/v1/organisations/", {"name": "Brightbin Ltd", "kind": "supplier"}, format="json"
    )

    assert response.status_code == 401
    assert Organisation.objects.count() == 0


def test_create_organisation_names_bad_fields(client_as, user):
    response = client_as(user).post(
        "/api/v1/organisations/",
        {"name": "   ", "kind": "bank", "website": "not a url"},
        format="json",
    )

    status, error = _error(response)
    assert status == 400
    assert sorted(error["fields"]) == ["kind", "name", "website"]
    assert Organisation.objects.count() == 0


def test_create_organisation_cannot_set_verified(client_as, user):
    response = client_as(user).post(
        "/api/v1/organisations/",
        {"name": "Fake Council", "kind": "council", "verified": True},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["verified"], Organisation.objects.get().verified) == (False, False)


# --- Members ----------------------------------------------------------------------------------


def test_members_list_for_a_member_hides_email_addresses_but_their_own(client_as, org):
    response = client_as(org.member).get(_members_url(org))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["results"] == [
        {
            "id": org.admin_membership.pk,
            "url": f"http://testserver{_members_url(org, org.admin_membership.pk)}",
            "name": "Ada Admin",
            "job_title": "Head",
            "email": None,
            "role": "admin",
            "is_you": False,
            "joined_at": body["results"][0]["joined_at"],
        },
        {
            "id": org.member_membership.pk,
            "url": f"http://testserver{_members_url(org, org.member_membership.pk)}",
            "name": "Ben Member",
            "job_title": "",
            "email": "ben@northshire.gov.uk",
            "role": "member",
            "is_you": True,
            "joined_at": body["results"][1]["joined_at"],
        },
    ]


def test_members_list_for_an_admin_shows_email_addresses(client_as, org):
    response = client_as(org.admin).get(_members_url(org))

    assert [m["email"] for m in response.json()["results"]] == [
        "ada@northshire.gov.uk",
        "ben@northshire.gov.uk",
    ]


def test_members_list_filters_by_role(client_as, org):
    response = client_as(org.member).get(_members_url(org) + "?role=admin")

    assert [m["name"] for m in response.json()["results"]] == ["Ada Admin"]


def test_members_list_is_forbidden_outside_the_organisation(client_as, org):
    response = client_as(org.outsider).get(_members_url(org))

    assert _error(response) == (
        403,
        {
            "status": 403,
            "code": "permission_denied",
            "message": "Only members can see who belongs to this organisation.",
        },
    )


def test_members_list_needs_sign_in(api_client, org):
    assert api_client.get(_members_url(org)).status_code == 401


def test_members_of_an_unknown_organisation_is_404(client_as, org):
    response = client_as(org.member).get("/api/v1/organisations/nowhere/members/")

    assert response.status_code == 404


def test_member_detail_has_an_etag(client_as, org):
    client = client_as(org.member)
    first = client.get(_members_url(org, org.admin_membership.pk))

    again = client.get(_members_url(org, org.admin_membership.pk), HTTP_IF_NONE_MATCH=first["ETag"])

    assert (first.status_code, first.json()["name"], again.status_code) == (200, "Ada Admin", 304)


def test_member_of_another_organisation_is_404(client_as, org):
    elsewhere = make_organisation(name="Elsewhere")
    stranger = Membership.objects.get(organisation=elsewhere)

    response = client_as(org.admin).get(_members_url(org, stranger.pk))

    assert response.status_code == 404


def test_admin_changes_a_members_role(client_as, org):
    response = client_as(org.admin).patch(
        _members_url(org, org.member_membership.pk), {"role": "admin"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["role"], response.json()["email"]) == (
        "admin",
        "ben@northshire.gov.uk",
    )
    assert _roles(org.council) == [
        ("ada@northshire.gov.uk", "admin"),
        ("ben@northshire.gov.uk", "admin"),
    ]
    assert org.member.groups.filter(pk=org.council.admin_group_id).exists()


def test_member_cannot_change_roles(client_as, org):
    before = _roles(org.council)

    response = client_as(org.member).patch(
        _members_url(org, org.member_membership.pk), {"role": "admin"}, format="json"
    )

    assert _error(response)[0] == 403
    assert _roles(org.council) == before


def test_outsider_cannot_change_roles(client_as, org):
    before = _roles(org.council)

    response = client_as(org.outsider).patch(
        _members_url(org, org.admin_membership.pk), {"role": "member"}, format="json"
    )

    assert response.status_code == 403
    assert _roles(org.council) == before


def test_the_last_admin_cannot_be_demoted(client_as, org):
    before = _roles(org.council)

    response = client_as(org.admin).patch(
        _members_url(org, org.admin_membership.pk), {"role": "member"}, format="json"
    )

    assert _error(response) == (
        409,
        {
            "status": 409,
            "code": "invalid_state",
            "message": "An organisation needs at least one admin. Appoint another first.",
        },
    )
    assert _roles(org.council) == before


@pytest.mark.parametrize("body", [{}, {"role": "owner"}, {"role": None}, {"role": ["admin"]}])
def test_role_change_names_a_bad_role(client_as, org, body):
    before = _roles(org.council)

    response = client_as(org.admin).patch(
        _members_url(org, org.member_membership.pk), body, format="json"
    )

    status, error = _error(response)
    assert (status, list(error["fields"])) == (400, ["role"])
    assert _roles(org.council) == before


def test_put_is_not_allowed_on_a_member(client_as, org):
    response = client_as(org.admin).put(
        _members_url(org, org.member_membership.pk), {"role": "admin"}, format="json"
    )

    assert response.status_code == 405


def test_admin_removes_a_member(client_as, org):
    response = client_as(org.admin).delete(_members_url(org, org.member_membership.pk))

    assert response.status_code == 204
    assert _roles(org.council) == [("ada@northshire.gov.uk", "admin")]
    assert not org.member.groups.filter(pk=org.council.member_group_id).exists()


def test_member_cannot_remove_anyone(client_as, org):
    before = _roles(org.council)

    response = client_as(org.member).delete(_members_url(org, org.admin_membership.pk))

    assert response.status_code == 403
    assert _roles(org.council) == before


def test_the_last_admin_cannot_be_removed(client_as, org):
    before = _roles(org.council)

    response = client_as(org.admin).delete(_members_url(org, org.admin_membership.pk))

    assert _error(response)[0] == 409
    assert _roles(org.council) == before


@pytest.mark.parametrize("n", [1, 3])
def test_members_list_query_count_is_constant(client_as, django_assert_num_queries, org, n):
    for _ in range(n - 1):
        add_member(org.council)
    client = client_as(org.member)

    with django_assert_num_queries(MEMBERS_QUERIES):
        response = client.get(_members_url(org))

    assert response.json()["count"] == n + 1


# --- Leave ------------------------------------------------------------------------------------


def test_member_leaves(client_as, org):
    response = client_as(org.member).post(f"/api/v1/organisations/{org.council.slug}/leave/")

    assert response.status_code == 204
    assert _roles(org.council) == [("ada@northshire.gov.uk", "admin")]


def test_the_only_admin_cannot_leave(client_as, org):
    before = _roles(org.council)

    response = client_as(org.admin).post(f"/api/v1/organisations/{org.council.slug}/leave/")

    assert _error(response) == (
        409,
        {
            "status": 409,
            "code": "invalid_state",
            "message": "You are the only admin. Appoint another admin before you leave.",
        },
    )
    assert _roles(org.council) == before


def test_leaving_an_organisation_you_are_not_in_is_400(client_as, org):
    before = _roles(org.council)

    response = client_as(org.outsider).post(f"/api/v1/organisations/{org.council.slug}/leave/")

    assert _error(response)[1]["message"] == "You are not a member of this organisation."
    assert response.status_code == 400
    assert _roles(org.council) == before


def test_leaving_needs_sign_in(api_client, org):
    before = _roles(org.council)

    response = api_client.post(f"/api/v1/organisations/{org.council.slug}/leave/")

    assert response.status_code == 401
    assert _roles(org.council) == before


# --- Invitations ------------------------------------------------------------------------------


def _invitations_url(org, pk=None, action=""):
    base = f"/api/v1/organisations/{org.council.slug}/invitations/"
    if pk is None:
        return base
    return f"{base}{pk}/{action + '/' if action else ''}"


def _invitation_state(organisation):
    return sorted(
        Invitation.objects.filter(organisation=organisation).values_list("email", "status")
    )


def test_admin_invites_someone(client_as, org, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(org.admin).post(
            _invitations_url(org), {"email": " Cleo@Example.org ", "role": "admin"}, format="json"
        )

    assert response.status_code == 201
    invitation = Invitation.objects.get()
    assert response.json() == {
        "id": invitation.pk,
        "url": f"http://testserver{_invitations_url(org, invitation.pk)}",
        "email": "cleo@example.org",
        "role": "admin",
        "status": "pending",
        "created_at": response.json()["created_at"],
        "responded_at": None,
    }
    assert response["Location"] == response.json()["url"]
    assert [m.to for m in mailoutbox] == [["cleo@example.org"]]


def test_a_retried_invitation_with_its_idempotency_key_is_replayed_not_sent_twice(client_as, org):
    client = client_as(org.admin)
    send = {"email": "cleo@example.org"}

    first = client.post(_invitations_url(org), send, format="json", HTTP_IDEMPOTENCY_KEY="inv-1")
    retry = client.post(_invitations_url(org), send, format="json", HTTP_IDEMPOTENCY_KEY="inv-1")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert (retry.json(), retry["Idempotent-Replayed"]) == (first.json(), "true")
    assert _invitation_state(org.council) == [("cleo@example.org", "pending")]


def test_invitation_role_defaults_to_member(client_as, org):
    response = client_as(org.admin).post(
        _invitations_url(org), {"email": "cleo@example.org"}, format="json"
    )

    assert (response.status_code, response.json()["role"]) == (201, "member")


def test_invitation_list_never_holds_the_token(client_as, org):
    invitation = services.invitation_create(
        actor=org.admin, organisation=org.council, email="cleo@example.org"
    )
    token = services.invitation_token(invitation)

    response = client_as(org.admin).get(_invitations_url(org))

    assert response.status_code == 200
    assert [i["email"] for i in response.json()["results"]] == ["cleo@example.org"]
    assert token not in response.content.decode()
    assert sorted(response.json()["results"][0]) == [
        "created_at",
        "email",
        "id",
        "responded_at",
        "role",
        "status",
        "url",
    ]


def test_invitation_list_filters_by_status(client_as, org):
    services.invitation_create(actor=org.admin, organisation=org.council, email="a@example.org")
    withdrawn = services.invitation_create(
        actor=org.admin, organisation=org.council, email="b@example.org"
    )
    services.invitation_withdraw(actor=org.admin, invitation=withdrawn)

    response = client_as(org.admin).get(_invitations_url(org) + "?status=pending")

    assert [i["email"] for i in response.json()["results"]] == ["a@example.org"]


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_invitations_are_for_admins_only(client_as, org, who):
    person = getattr(org, who)
    invitation = services.invitation_create(
        actor=org.admin, organisation=org.council, email="cleo@example.org"
    )
    client = client_as(person)

    answers = [
        client.get(_invitations_url(org)).status_code,
        client.get(_invitations_url(org, invitation.pk)).status_code,
        client.post(_invitations_url(org), {"email": "dan@example.org"}, format="json").status_code,
        client.post(_invitations_url(org, invitation.pk, "withdraw")).status_code,
    ]

    assert answers == [403, 403, 403, 403]
    assert _invitation_state(org.council) == [("cleo@example.org", "pending")]


def test_invitations_need_sign_in(api_client, org):
    response = api_client.post(_invitations_url(org), {"email": "dan@example.org"}, format="json")

    assert response.status_code == 401
    assert Invitation.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"email": "cleo@example.org", "role": "owner"}, "role"),
        ({"email": "ben@northshire.gov.uk"}, "email"),  # already a member (the service says)
    ],
)
def test_invitation_names_bad_fields(client_as, org, body, field):
    response = client_as(org.admin).post(_invitations_url(org), body, format="json")

    status, error = _error(response)
    assert (status, list(error["fields"])) == (400, [field])
    assert Invitation.objects.count() == 0


def test_a_second_pending_invitation_to_one_address_is_400(client_as, org):
    services.invitation_create(actor=org.admin, organisation=org.council, email="cleo@example.org")

    response = client_as(org.admin).post(
        _invitations_url(org), {"email": "cleo@example.org"}, format="json"
    )

    assert _error(response)[1]["fields"] == {
        "email": ["An invitation to this address is already pending."]
    }
    assert Invitation.objects.count() == 1


def test_admin_withdraws_an_invitation(client_as, org):
    invitation = services.invitation_create(
        actor=org.admin, organisation=org.council, email="cleo@example.org"
    )

    response = client_as(org.admin).post(_invitations_url(org, invitation.pk, "withdraw"))

    assert (response.status_code, response.json()["status"]) == (200, "withdrawn")
    assert _invitation_state(org.council) == [("cleo@example.org", "withdrawn")]


def test_withdrawing_twice_is_409(client_as, org):
    invitation = services.invitation_create(
        actor=org.admin, organisation=org.council, email="cleo@example.org"
    )
    services.invitation_withdraw(actor=org.admin, invitation=invitation)

    response = client_as(org.admin).post(_invitations_url(org, invitation.pk, "withdraw"))

    assert response.status_code == 409


@pytest.mark.parametrize("n", [1, 3])
def test_invitation_list_query_count_is_constant(client_as, django_assert_num_queries, org, n):
    for i in range(n):
        services.invitation_create(
            actor=org.admin, organisation=org.council, email=f"person{i}@example.org"
        )
    client = client_as(org.admin)

    with django_assert_num_queries(INVITATIONS_QUERIES):
        response = client.get(_invitations_url(org))

    assert response.json()["count"] == n


# --- Accepting an invitation ------------------------------------------------------------------


@pytest.fixture
def invited(org):
    cleo = UserFactory(email="cleo@example.org", full_name="Cleo New")
    invitation = services.invitation_create(
        actor=org.admin, organisation=org.council, email="cleo@example.org", role=Role.ADMIN
    )
    return cleo, invitation, services.invitation_token(invitation)


def test_the_invited_person_accepts(client_as, org, invited):
    cleo, invitation, token = invited

    response = client_as(cleo).post("/api/v1/invitations/accept/", {"token": token}, format="json")

    assert response.status_code == 200
    assert response.json() == {
        "organisation": {
            "slug": "northshire-county-council",
            "name": "Northshire County Council",
            "kind": "council",
        },
        "role": "admin",
        "joined_at": response.json()["joined_at"],
    }
    invitation.refresh_from_db()
    assert (invitation.status, Membership.objects.get(user=cleo).role) == ("approved", "admin")
    assert list(Notification.objects.values_list("recipient__email", "text")) == [
        ("ada@northshire.gov.uk", "Cleo New accepted the invitation to Northshire County Council.")
    ]


def test_someone_else_cannot_accept(client_as, org, invited):
    _cleo, invitation, token = invited

    response = client_as(org.outsider).post(
        "/api/v1/invitations/accept/", {"token": token}, format="json"
    )

    assert _error(response) == (
        403,
        {
            "status": 403,
            "code": "permission_denied",
            "message": "This invitation was sent to a different email address.",
        },
    )
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert not Membership.objects.filter(user=org.outsider).exists()


def test_accepting_needs_sign_in(api_client, invited):
    _cleo, invitation, token = invited

    response = api_client.post("/api/v1/invitations/accept/", {"token": token}, format="json")

    assert response.status_code == 401
    invitation.refresh_from_db()
    assert invitation.status == "pending"


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("not-a-token", "This invitation link is not valid."),
        ("signed-unknown-id", "This invitation no longer exists."),
        ("", "This field may not be blank."),
    ],
)
def test_a_bad_token_is_400_naming_it(client_as, invited, token, message):
    cleo, _invitation, _token = invited
    if token == "signed-unknown-id":
        token = signing.dumps({"i": 999999}, salt=services.INVITATION_SALT)

    response = client_as(cleo).post("/api/v1/invitations/accept/", {"token": token}, format="json")

    status, error = _error(response)
    assert (status, error["fields"]) == (400, {"token": [message]})
    assert not Membership.objects.filter(user=cleo).exists()


def test_an_expired_token_is_400(client_as, invited, settings):
    cleo, _invitation, token = invited
    settings.INVITATION_MAX_AGE = -1

    response = client_as(cleo).post("/api/v1/invitations/accept/", {"token": token}, format="json")

    assert _error(response)[1]["fields"] == {
        "token": ["This invitation has expired. Ask for a new one."]
    }
    assert not Membership.objects.filter(user=cleo).exists()


def test_a_withdrawn_invitation_cannot_be_accepted(client_as, org, invited):
    cleo, invitation, token = invited
    services.invitation_withdraw(actor=org.admin, invitation=invitation)

    response = client_as(cleo).post("/api/v1/invitations/accept/", {"token": token}, format="json")

    assert response.status_code == 409
    assert not Membership.objects.filter(user=cleo).exists()


# --- Requests to join -------------------------------------------------------------------------


def _join_url(org, pk=None, action=""):
    base = f"/api/v1/organisations/{org.council.slug}/join-requests/"
    if pk is None:
        return base
    return f"{base}{pk}/{action + '/' if action else ''}"


def _join_state(organisation):
    return sorted(
        JoinRequest.objects.filter(organisation=organisation).values_list("user__email", "status")
    )


def test_someone_asks_to_join_and_the_admins_are_told(client_as, org):
    response = client_as(org.outsider).post(
        _join_url(org), {"message": "I run the  libraries."}, format="json"
    )

    assert response.status_code == 201
    join_request = JoinRequest.objects.get()
    assert response.json() == {
        "id": join_request.pk,
        "url": f"http://testserver{_join_url(org, join_request.pk)}",
        "name": "Olive Outsider",
        "job_title": "",
        "email": "olive@elsewhere.org",
        "message": "I run the  libraries.",
        "status": "pending",
        "created_at": response.json()["created_at"],
        "decided_at": None,
    }
    assert list(Notification.objects.values_list("recipient__email", "text")) == [
        ("ada@northshire.gov.uk", "Olive Outsider asked to join Northshire County Council.")
    ]


def test_asking_without_a_message(client_as, org):
    response = client_as(org.outsider).post(_join_url(org), {}, format="json")

    assert (response.status_code, response.json()["message"]) == (201, "")


def test_a_member_cannot_ask_to_join(client_as, org):
    response = client_as(org.member).post(_join_url(org), {}, format="json")

    assert _error(response)[1]["message"] == "You are already a member of this organisation."
    assert response.status_code == 400
    assert JoinRequest.objects.count() == 0


def test_asking_twice_is_400(client_as, org):
    services.join_request_create(actor=org.outsider, organisation=org.council)

    response = client_as(org.outsider).post(_join_url(org), {}, format="json")

    assert response.status_code == 400
    assert JoinRequest.objects.count() == 1


def test_a_too_long_message_is_400_naming_it(client_as, org):
    response = client_as(org.outsider).post(_join_url(org), {"message": "x" * 1001}, format="json")

    assert (response.status_code, list(response.json()["error"]["fields"])) == (400, ["message"])
    assert JoinRequest.objects.count() == 0


def test_asking_needs_sign_in(api_client, org):
    response = api_client.post(_join_url(org), {}, format="json")

    assert response.status_code == 401
    assert JoinRequest.objects.count() == 0


def test_admins_see_every_request_the_asker_their_own_others_none(client_as, org):
    services.join_request_create(actor=org.outsider, organisation=org.council)
    other = UserFactory(email="pat@example.org")
    services.join_request_create(actor=other, organisation=org.council)

    seen = {
        who: [r["email"] for r in client_as(person).get(_join_url(org)).json()["results"]]
        for who, person in (("admin", org.admin), ("asker", other), ("member", org.member))
    }

    assert seen == {
        "admin": ["pat@example.org", "olive@elsewhere.org"],
        "asker": ["pat@example.org"],
        "member": [],
    }


def test_someone_elses_request_is_404_for_non_admins(client_as, org):
    join_request = services.join_request_create(actor=org.outsider, organisation=org.council)

    response = client_as(org.member).get(_join_url(org, join_request.pk))

    assert response.status_code == 404


def test_admin_approves_a_request(client_as, org):
    join_request = services.join_request_create(actor=org.outsider, organisation=org.council)

    response = client_as(org.admin).post(_join_url(org, join_request.pk, "approve"))

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["decided_at"] is not None) == (
        "approved",
        True,
    )
    assert Membership.objects.get(user=org.outsider, organisation=org.council).role == "member"
    assert list(
        Notification.objects.filter(recipient=org.outsider).values_list("text", flat=True)
    ) == ["Your request to join Northshire County Council was approved."]


def test_admin_declines_a_request(client_as, org):
    join_request = services.join_request_create(actor=org.outsider, organisation=org.council)

    response = client_as(org.admin).post(_join_url(org, join_request.pk, "decline"))

    assert (response.status_code, response.json()["status"]) == (200, "declined")
    assert not Membership.objects.filter(user=org.outsider).exists()


@pytest.mark.parametrize("who", ["member", "outsider"])
@pytest.mark.parametrize("verdict", ["approve", "decline"])
def test_only_admins_decide(client_as, org, who, verdict):
    join_request = services.join_request_create(actor=org.outsider, organisation=org.council)

    response = client_as(getattr(org, who)).post(_join_url(org, join_request.pk, verdict))

    assert response.status_code == 403
    assert _join_state(org.council) == [("olive@elsewhere.org", "pending")]
    assert not Membership.objects.filter(user=org.outsider).exists()


def test_deciding_twice_is_409(client_as, org):
    join_request = services.join_request_create(actor=org.outsider, organisation=org.council)
    services.join_request_decide(actor=org.admin, join_request=join_request, approve=False)

    response = client_as(org.admin).post(_join_url(org, join_request.pk, "approve"))

    assert response.status_code == 409
    assert _join_state(org.council) == [("olive@elsewhere.org", "declined")]
    assert not Membership.objects.filter(user=org.outsider).exists()


def test_join_requests_filter_by_status(client_as, org):
    decided = services.join_request_create(actor=org.outsider, organisation=org.council)
    services.join_request_decide(actor=org.admin, join_request=decided, approve=False)
    services.join_request_create(
        actor=UserFactory(email="pat@example.org"), organisation=org.council
    )

    response = client_as(org.admin).get(_join_url(org) + "?status=pending")

    assert [r["email"] for r in response.json()["results"]] == ["pat@example.org"]


def test_members_modified_since_sees_a_role_change(client_as, org):
    Membership.objects.filter(organisation=org.council).update(
        created_at="2026-01-01T09:00:00Z", updated_at="2026-01-01T09:00:00Z"
    )
    client = client_as(org.admin)
    since = "?modified_since=2026-02-01T00:00:00Z"

    before = client.get(_members_url(org) + since)
    services.membership_change_role(actor=org.admin, membership=org.member_membership, role="admin")
    after = client.get(_members_url(org) + since)

    assert before.json()["results"] == []
    assert [r["id"] for r in after.json()["results"]] == [org.member_membership.pk]


def test_join_requests_modified_since_counts_decisions(client_as, org):
    join_request = services.join_request_create(actor=org.outsider, organisation=org.council)
    JoinRequest.objects.filter(pk=join_request.pk).update(created_at="2026-01-01T09:00:00Z")
    client = client_as(org.admin)

    before = client.get(_join_url(org) + "?modified_since=2026-02-01T00:00:00Z")
    services.join_request_decide(actor=org.admin, join_request=join_request, approve=True)
    after = client.get(_join_url(org) + "?modified_since=2026-02-01T00:00:00Z")

    assert (before.json()["count"], after.json()["count"]) == (0, 1)


@pytest.mark.parametrize("n", [1, 3])
def test_join_request_list_query_count_is_constant(client_as, django_assert_num_queries, org, n):
    for _ in range(n):
        services.join_request_create(actor=UserFactory(), organisation=org.council)
    client = client_as(org.admin)

    with django_assert_num_queries(JOIN_REQUESTS_QUERIES):
        response = client.get(_join_url(org))

    assert response.json()["count"] == n
