import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from exchange import notifications, services
from exchange.enums import Delivery, NotificationKind, OrganisationKind, RequestStatus, Role
from exchange.models import (
    ApiToken,
    Invitation,
    JoinRequest,
    Notification,
    NotificationPreference,
    Organisation,
    User,
)
from listings.enums import ListingKind, Visibility
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def message_texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def notify(user, text="Brightbin Ltd asked to join Northshire.", link="/dashboard/", **kwargs):
    kwargs.setdefault("kind", NotificationKind.MEMBERSHIP)
    return notifications.notify(recipients=[user], text=text, link=link, **kwargs)[0]


def admin_of(organisation):
    return organisation.memberships.get(role=Role.ADMIN).user


# --- Home -----------------------------------------------------------------------------------


def test_home_empty_says_what_to_do(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert "No requests are published yet." in response.text
    assert "No offers are published yet." in response.text
    assert "Tags appear here once listings are published." in response.text


def test_home_shows_latest_published_requests_offers_and_tags(client, council, supplier):
    make_listing(
        organisation=council,
        kind=ListingKind.REQUEST,
        title="Fix potholes faster",
        tag_names=["Roads"],
    )
    make_listing(organisation=supplier, kind=ListingKind.PRODUCT, title="Smart bins")
    make_listing(organisation=supplier, title="Unpublished draft", publish=False)

    response = client.get(reverse("home"))

    assert [x.title for x in response.context["latest_requests"]] == ["Fix potholes faster"]
    assert [x.title for x in response.context["latest_offers"]] == ["Smart bins"]
    assert [t.slug for t in response.context["popular_tags"]] == ["roads"]
    assert "Unpublished draft" not in response.text
    assert f'href="{reverse("listing-browse")}?tag=roads"' in response.text


def test_home_hides_members_only_listings_and_their_tags_from_visitors(client, supplier):
    make_listing(
        organisation=supplier,
        title="Members-only pilot",
        tag_names=["secret-plan"],
        visibility=Visibility.MEMBERS,
    )

    response = client.get(reverse("home"))

    assert list(response.context["popular_tags"]) == []
    assert "Members-only pilot" not in response.text
    assert "secret-plan" not in response.text


# --- Sign up, log in, log out, password reset -------------------------------------------------


def signup_data(**overrides):
    data = {
        "email": "amira.khan@northshire.example",
        "full_name": "Amira Khan",
        "job_title": "Digital lead",
        "password1": "tidy-lantern-harbour",
        "password2": "tidy-lantern-harbour",
    }
    return {**data, **overrides}


def test_signup_page_renders(client):
    response = client.get(reverse("signup"))

    assert response.status_code == 200
    assert "<h1>Create your account</h1>" in response.text


def test_signup_creates_one_user_and_logs_in(client):
    response = client.post(reverse("signup"), signup_data())

    user = User.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert (user.email, user.full_name, user.job_title) == (
        "amira.khan@northshire.example",
        "Amira Khan",
        "Digital lead",
    )
    assert user.check_password("tidy-lantern-harbour") is True
    assert client.session[SESSION_KEY] == str(user.pk)


def test_signup_duplicate_email_shows_field_error_and_creates_nothing(client):
    UserFactory(email="amira.khan@northshire.example")

    response = client.post(reverse("signup"), signup_data(email="Amira.Khan@Northshire.example"))

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "An account with this email address already exists."
    ]
    assert User.objects.count() == 1
    assert SESSION_KEY not in client.session


def test_signup_weak_password_is_refused(client):
    response = client.post(
        reverse("signup"), signup_data(password1="12345678", password2="12345678")
    )

    assert response.status_code == 200
    assert response.context["form"].errors["password1"] == [
        "This password is too common.",
        "This password is entirely numeric.",
    ]
    assert User.objects.count() == 0


def test_signup_follows_local_next_only(client):
    local = client.post(reverse("signup"), {**signup_data(), "next": "/organisations/"})
    client.logout()
    external = client.post(
        reverse("signup"),
        {**signup_data(email="b@example.org"), "next": "https://evil.example/"},
    )

    assert local.url == "/organisations/"
    assert external.url == reverse("dashboard")


def test_login_and_logout_work(client, user):
    login = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    session_user = client.session[SESSION_KEY]
    logout = client.post(reverse("logout"))

    assert (login.status_code, login.url) == (302, reverse("dashboard"))
    assert session_user == str(user.pk)
    assert (logout.status_code, logout.url) == (302, reverse("home"))
    assert SESSION_KEY not in client.session


def test_login_wrong_password_shows_error(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct email address and password." in response.text
    assert SESSION_KEY not in client.session


def test_password_reset_sends_one_email_with_a_working_link(client, user):
    response = client.post(reverse("password_reset"), {"email": user.email.upper()})

    assert response.url == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]
    assert mail.outbox[0].subject == "Reset your Open Innovation Exchange password"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    done = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "quiet-meadow-lamp",
            "new_password2": "quiet-meadow-lamp",
        },
    )
    user.refresh_from_db()
    assert "Choose a new password" in form_page.text
    assert done.url == reverse("password_reset_complete")
    assert user.check_password("quiet-meadow-lamp") is True


def test_password_reset_pages_render(client):
    pages = ["password_reset", "password_reset_done", "password_reset_complete"]

    statuses = [client.get(reverse(name)).status_code for name in pages]

    assert statuses == [200, 200, 200]


def test_password_reset_bad_link_says_so(client, user):
    response = client.get(reverse("password_reset_confirm", args=["MQ", "bad-token"]))

    assert response.status_code == 200
    assert "This link no longer works" in response.text


# --- Profile ----------------------------------------------------------------------------------


def test_profile_requires_login(client):
    response = client.get(reverse("profile"))

    assert response.url == f"{reverse('login')}?next={reverse('profile')}"


def test_profile_without_organisation_says_what_to_do(client, user):
    client.force_login(user)

    response = client.get(reverse("profile"))

    assert response.status_code == 200
    assert "You do not belong to an organisation yet." in response.text
    assert reverse("notification-settings") in response.text
    assert reverse("api-tokens") in response.text


def test_profile_lists_organisations_with_role(client, council):
    client.force_login(admin_of(council))

    response = client.get(reverse("profile"))

    assert [(m.organisation.name, m.role) for m in response.context["memberships"]] == [
        ("Northshire County Council", Role.ADMIN)
    ]
    assert "Northshire County Council" in response.text


def test_profile_update_saves_name_and_job_title(client, user):
    client.force_login(user)

    response = client.post(
        reverse("profile"),
        {
            "full_name": "Amira\nKhan",
            "job_title": "Head of digital",
        },
    )

    user.refresh_from_db()
    assert response.url == reverse("profile")
    assert (user.full_name, user.job_title) == ("Amira Khan", "Head of digital")


# --- Dashboard --------------------------------------------------------------------------------


def test_dashboard_empty_says_what_to_do(client, user):
    client.force_login(user)

    response = client.get(reverse("dashboard"))

    assert response.status_code == 200
    assert "You do not belong to an organisation yet." in response.text
    assert reverse("organisation-create") in response.text
    assert reverse("organisation-list") in response.text
    assert "You are all caught up." in response.text


def test_dashboard_shows_counts_requests_and_unread(client, council):
    admin = admin_of(council)
    make_listing(organisation=council, title="A request", kind=ListingKind.REQUEST)
    make_listing(organisation=council, title="A draft", publish=False)
    make_listing(organisation=council, title="Another draft", publish=False)
    applicant = UserFactory(full_name="Rhys Evans")
    services.join_request_create(actor=applicant, organisation=council)
    client.force_login(admin)

    response = client.get(reverse("dashboard"))

    assert (
        "<dt>Draft</dt><dd>2</dd><dt>Published</dt><dd>1</dd>"
        "<dt>Closed</dt><dd>0</dd><dt>Archived</dt><dd>0</dd>"
    ) in response.text
    assert [(j.user, j.organisation) for j in response.context["join_requests"]] == [
        (applicant, council)
    ]
    assert [n.text for n in response.context["unread"]] == [
        "Rhys Evans asked to join Northshire County Council."
    ]
    assert reverse("listing-mine") in response.text


def test_dashboard_shows_at_most_five_unread(client, user):
    for n in range(7):
        notify(user, text=f"Update {n}")
    client.force_login(user)

    response = client.get(reverse("dashboard"))

    assert [n.text for n in response.context["unread"]] == [f"Update {n}" for n in (6, 5, 4, 3, 2)]


# --- Organisations: list, create, detail, edit ------------------------------------------------


def test_organisation_list_empty_says_what_to_do(client):
    response = client.get(reverse("organisation-list"))

    assert response.status_code == 200
    assert "No organisations have joined yet." in response.text


def test_organisation_list_filters_by_kind_and_region(client):
    make_organisation(name="Northshire", kind=OrganisationKind.COUNCIL, region="north_west")
    make_organisation(name="Southshire", kind=OrganisationKind.COUNCIL, region="south_east")
    make_organisation(name="Brightbin", kind=OrganisationKind.SUPPLIER, region="north_west")

    response = client.get(reverse("organisation-list"), {"kind": "council", "region": "north_west"})

    assert [o.name for o in response.context["page_obj"]] == ["Northshire"]


def test_organisation_list_filter_without_results_says_so(client, council):
    response = client.get(reverse("organisation-list"), {"kind": "supplier"})

    assert "No organisations match these filters." in response.text


def test_organisation_list_paginates_by_twenty_keeping_filters(client):
    admin = UserFactory()
    for n in range(21):
        make_organisation(admin=admin, name=f"Council {n:02d}", kind=OrganisationKind.COUNCIL)

    first = client.get(reverse("organisation-list"), {"kind": "council"})
    second = client.get(reverse("organisation-list"), {"kind": "council", "page": 2})

    assert len(first.context["page_obj"]) == 20
    assert [o.name for o in second.context["page_obj"]] == ["Council 20"]
    assert 'href="?kind=council&amp;page=2"' in first.text


@pytest.mark.parametrize("count", [1, 3])
def test_organisation_list_queries_do_not_grow_with_rows(client, django_assert_num_queries, count):
    admin = UserFactory()
    for _ in range(count):
        make_organisation(admin=admin)

    with django_assert_num_queries(2):
        client.get(reverse("organisation-list"))


def test_organisation_create_requires_login(client):
    response = client.get(reverse("organisation-create"))

    assert response.url == f"{reverse('login')}?next={reverse('organisation-create')}"


def test_organisation_create_makes_creator_admin(client, user):
    client.force_login(user)

    response = client.post(
        reverse("organisation-create"),
        {
            "name": "Northshire County Council",
            "kind": "council",
            "region": "north_west",
            "description": "We run **services**.",
            "website": "https://northshire.example",
        },
    )

    organisation = Organisation.objects.get()
    assert response.url == reverse("organisation-detail", args=[organisation.slug])
    assert (organisation.name, organisation.kind, organisation.is_small) == (
        "Northshire County Council",
        "council",
        False,
    )
    assert list(organisation.memberships.values_list("user", "role")) == [(user.pk, Role.ADMIN)]


def test_organisation_create_invalid_shows_errors_and_creates_nothing(client, user):
    client.force_login(user)

    response = client.post(reverse("organisation-create"), {"name": "", "kind": "castle"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "kind", "region"}
    assert Organisation.objects.count() == 0


def test_organisation_detail_for_visitor_shows_published_listings_only(client, supplier):
    make_listing(organisation=supplier, title="Smart bins")
    make_listing(organisation=supplier, title="Secret draft", publish=False)

    response = client.get(reverse("organisation-detail", args=[supplier.slug]))

    assert response.status_code == 200
    assert [x.title for x in response.context["page_obj"]] == ["Smart bins"]
    assert "Secret draft" not in response.text
    assert "Log in</a> to ask to join" in response.text
    assert "Manage members" not in response.text


def test_organisation_detail_without_listings_says_so(client, supplier):
    response = client.get(reverse("organisation-detail", args=[supplier.slug]))

    assert "Brightbin Ltd has not published any listings yet." in response.text


def test_organisation_detail_signed_in_outsider_can_ask_to_join(client, supplier, user):
    client.force_login(user)

    response = client.get(reverse("organisation-detail", args=[supplier.slug]))

    assert response.context["can_join"] is True
    assert reverse("organisation-join", args=[supplier.slug]) in response.text
    assert reverse("organisation-leave", args=[supplier.slug]) not in response.text


def test_organisation_detail_with_pending_request_hides_join_button(client, supplier, user):
    services.join_request_create(actor=user, organisation=supplier)
    client.force_login(user)

    response = client.get(reverse("organisation-detail", args=[supplier.slug]))

    assert response.context["can_join"] is False
    assert "You have asked to join." in response.text
    assert reverse("organisation-join", args=[supplier.slug]) not in response.text


def test_organisation_detail_member_sees_drafts_and_leave_but_no_admin_buttons(client, supplier):
    member = add_member(supplier)
    make_listing(organisation=supplier, title="Secret draft", publish=False)
    client.force_login(member)

    response = client.get(reverse("organisation-detail", args=[supplier.slug]))

    assert [x.title for x in response.context["page_obj"]] == ["Secret draft"]
    assert reverse("organisation-leave", args=[supplier.slug]) in response.text
    assert reverse("organisation-edit", args=[supplier.slug]) not in response.text
    assert "Manage members" not in response.text


def test_organisation_detail_admin_sees_edit_and_manage(client, supplier):
    client.force_login(admin_of(supplier))

    response = client.get(reverse("organisation-detail", args=[supplier.slug]))

    assert reverse("organisation-edit", args=[supplier.slug]) in response.text
    assert "Manage members" in response.text


def test_organisation_detail_unknown_slug_is_404(client):
    response = client.get(reverse("organisation-detail", args=["nowhere"]))

    assert response.status_code == 404


def test_organisation_edit_by_admin_saves(client, supplier):
    client.force_login(admin_of(supplier))

    response = client.post(
        reverse("organisation-edit", args=[supplier.slug]),
        {
            "name": "Brightbin Group",
            "kind": "supplier",
            "region": "london",
            "description": "",
            "website": "",
            "is_small": "on",
        },
    )

    supplier.refresh_from_db()
    assert response.url == reverse("organisation-detail", args=[supplier.slug])
    assert (supplier.name, supplier.region, supplier.slug) == (
        "Brightbin Group",
        "london",
        "brightbin-ltd",
    )


def test_organisation_edit_form_shows_current_values(client, supplier):
    client.force_login(admin_of(supplier))

    response = client.get(reverse("organisation-edit", args=[supplier.slug]))

    assert response.status_code == 200
    assert response.context["form"]["name"].value() == "Brightbin Ltd"


def test_organisation_edit_by_member_is_refused_and_changes_nothing(client, supplier):
    member = add_member(supplier)
    client.force_login(member)

    response = client.post(
        reverse("organisation-edit", args=[supplier.slug]),
        {
            "name": "Hijacked",
            "kind": "supplier",
            "region": "london",
        },
    )

    supplier.refresh_from_db()
    assert response.status_code == 403
    assert supplier.name == "Brightbin Ltd"


def test_organisation_edit_verified_body_cannot_change_kind(client, council):
    Organisation.objects.filter(pk=council.pk).update(verified=True)
    client.force_login(admin_of(council))

    client.post(
        reverse("organisation-edit", args=[council.slug]),
        {
            "name": "Northshire Council",
            "kind": "supplier",
            "region": "north_west",
        },
    )

    council.refresh_from_db()
    assert (council.name, council.kind) == ("Northshire Council", "council")


# --- Members page -----------------------------------------------------------------------------


def members_url(organisation):
    return reverse("organisation-members", args=[organisation.slug])


def test_members_page_refuses_outsiders(client, council, user):
    client.force_login(user)

    response = client.get(members_url(council))

    assert response.status_code == 403


def test_members_page_for_member_lists_people_without_admin_forms(client, council):
    member = add_member(council, UserFactory(full_name="Rhys Evans"))
    client.force_login(member)

    response = client.get(members_url(council))

    assert response.status_code == 200
    assert "Rhys Evans (you)" in response.text
    assert "Send invitation" not in response.text


def test_members_page_for_admin_shows_empty_states(client, council):
    client.force_login(admin_of(council))

    response = client.get(members_url(council))

    assert "No one is waiting to join." in response.text
    assert "No invitations are waiting." in response.text
    assert "Send invitation" in response.text


def test_invite_sends_one_email_whose_link_works_for_the_invited_address(
    client, council, django_capture_on_commit_callbacks
):
    invitee = UserFactory(email="newbie@northshire.example")
    client.force_login(admin_of(council))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            members_url(council),
            {
                "action": "invite",
                "email": "Newbie@Northshire.example",
                "role": "member",
            },
        )
    link = re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[0].body).group(1)
    client.force_login(invitee)
    page = client.get(link)
    accepted = client.post(link)

    assert response.url == members_url(council)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["newbie@northshire.example"]
    assert "Join Northshire County Council" in page.text
    assert accepted.url == reverse("organisation-detail", args=[council.slug])
    assert council.memberships.get(user=invitee).role == Role.MEMBER
    assert Invitation.objects.get().status == RequestStatus.APPROVED


def test_invitation_link_refuses_another_address(client, council):
    invitation = services.invitation_create(
        actor=admin_of(council), organisation=council, email="newbie@northshire.example"
    )
    link = reverse("invitation-accept", args=[services.invitation_token(invitation)])
    client.force_login(UserFactory(email="intruder@example.org"))

    page = client.get(link)
    response = client.post(link)

    assert "Accept and join" not in page.text
    assert response.status_code == 403
    assert "sent to a different email address" in response.text
    assert "newbie@northshire.example" not in response.text
    assert council.memberships.count() == 1
    assert Invitation.objects.get().status == RequestStatus.PENDING


def test_invitation_link_sends_visitor_to_login(client, council):
    invitation = services.invitation_create(
        actor=admin_of(council), organisation=council, email="newbie@northshire.example"
    )
    link = reverse("invitation-accept", args=[services.invitation_token(invitation)])

    response = client.get(link)

    assert response.status_code == 302
    assert response.url.startswith(f"{reverse('login')}?next=/invitations/")


def test_invitation_bad_token_is_friendly_400(client, user):
    client.force_login(user)

    response = client.get(reverse("invitation-accept", args=["not-a-token"]))

    assert response.status_code == 400
    assert "This invitation link is not valid." in response.text


def test_invitation_used_twice_is_friendly_400(client, council):
    invitee = UserFactory(email="newbie@northshire.example")
    invitation = services.invitation_create(
        actor=admin_of(council), organisation=council, email=invitee.email
    )
    link = reverse("invitation-accept", args=[services.invitation_token(invitation)])
    client.force_login(invitee)
    client.post(link)

    response = client.post(link)

    assert response.status_code == 400
    assert "already been used or withdrawn" in response.text
    assert council.memberships.filter(user=invitee).count() == 1


def test_invite_invalid_email_shows_field_error_and_sends_nothing(client, council):
    client.force_login(admin_of(council))

    response = client.post(
        members_url(council), {"action": "invite", "email": "nope", "role": "member"}
    )

    assert response.status_code == 200
    assert response.context["invite_form"].errors["email"] == ["Enter a valid email address."]
    assert Invitation.objects.count() == 0


def test_invite_existing_member_shows_field_error(client, council):
    member = add_member(council)
    client.force_login(admin_of(council))

    response = client.post(
        members_url(council), {"action": "invite", "email": member.email, "role": "member"}
    )

    assert response.context["invite_form"].errors["email"] == ["This person is already a member."]
    assert Invitation.objects.count() == 0


def test_withdraw_invitation(client, council):
    invitation = services.invitation_create(
        actor=admin_of(council), organisation=council, email="newbie@northshire.example"
    )
    client.force_login(admin_of(council))

    response = client.post(
        members_url(council), {"action": "withdraw", "invitation": invitation.pk}
    )

    invitation.refresh_from_db()
    assert response.url == members_url(council)
    assert invitation.status == RequestStatus.WITHDRAWN


def test_withdraw_invitation_of_another_organisation_is_404(client, council, supplier):
    invitation = services.invitation_create(
        actor=admin_of(supplier), organisation=supplier, email="newbie@northshire.example"
    )
    client.force_login(admin_of(council))

    response = client.post(
        members_url(council), {"action": "withdraw", "invitation": invitation.pk}
    )

    invitation.refresh_from_db()
    assert response.status_code == 404
    assert invitation.status == RequestStatus.PENDING


def test_approve_join_request_adds_member_and_notifies_requester_once(client, council):
    applicant = UserFactory()
    join_request = services.join_request_create(actor=applicant, organisation=council)
    client.force_login(admin_of(council))

    response = client.post(
        members_url(council), {"action": "approve", "join_request": join_request.pk}
    )

    join_request.refresh_from_db()
    assert response.url == members_url(council)
    assert join_request.status == RequestStatus.APPROVED
    assert council.memberships.get(user=applicant).role == Role.MEMBER
    assert list(
        Notification.objects.filter(recipient=applicant).values_list("text", flat=True)
    ) == ["Your request to join Northshire County Council was approved."]


def test_decline_join_request_adds_nobody_and_notifies_requester_once(client, council):
    applicant = UserFactory()
    join_request = services.join_request_create(actor=applicant, organisation=council)
    client.force_login(admin_of(council))

    client.post(members_url(council), {"action": "decline", "join_request": join_request.pk})

    join_request.refresh_from_db()
    assert join_request.status == RequestStatus.DECLINED
    assert council.memberships.filter(user=applicant).exists() is False
    assert list(
        Notification.objects.filter(recipient=applicant).values_list("text", flat=True)
    ) == ["Your request to join Northshire County Council was declined."]


def test_join_request_decided_twice_shows_message(client, council):
    join_request = services.join_request_create(actor=UserFactory(), organisation=council)
    client.force_login(admin_of(council))
    client.post(members_url(council), {"action": "approve", "join_request": join_request.pk})

    response = client.post(
        members_url(council), {"action": "decline", "join_request": join_request.pk}
    )

    join_request.refresh_from_db()
    assert message_texts(response)[-1] == "This request has already been decided."
    assert join_request.status == RequestStatus.APPROVED


def test_change_role_promotes_member(client, council):
    member = add_member(council)
    membership = council.memberships.get(user=member)
    client.force_login(admin_of(council))

    client.post(
        members_url(council), {"action": "role", "membership": membership.pk, "role": "admin"}
    )

    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_change_role_of_last_admin_shows_error_and_changes_nothing(client, council):
    admin = admin_of(council)
    membership = council.memberships.get(user=admin)
    client.force_login(admin)

    response = client.post(
        members_url(council), {"action": "role", "membership": membership.pk, "role": "member"}
    )

    membership.refresh_from_db()
    assert response.url == members_url(council)
    assert message_texts(response) == [
        "An organisation needs at least one admin. Appoint another first."
    ]
    assert membership.role == Role.ADMIN


def test_remove_last_admin_shows_error_and_changes_nothing(client, council):
    admin = admin_of(council)
    client.force_login(admin)

    response = client.post(
        members_url(council),
        {
            "action": "remove",
            "membership": council.memberships.get(user=admin).pk,
        },
    )

    assert message_texts(response) == [
        "An organisation needs at least one admin. Appoint another first."
    ]
    assert list(council.memberships.values_list("user", "role")) == [(admin.pk, Role.ADMIN)]


def test_remove_member(client, council):
    member = add_member(council)
    client.force_login(admin_of(council))

    client.post(
        members_url(council),
        {
            "action": "remove",
            "membership": council.memberships.get(user=member).pk,
        },
    )

    assert council.memberships.filter(user=member).exists() is False


@pytest.mark.parametrize("action", ["role", "remove"])
def test_member_actions_by_non_admin_are_refused_and_change_nothing(client, council, action):
    member = add_member(council)
    admin_membership = council.memberships.get(role=Role.ADMIN)
    client.force_login(member)

    response = client.post(
        members_url(council),
        {
            "action": action,
            "membership": admin_membership.pk,
            "role": "member",
        },
    )

    assert response.status_code == 403
    assert sorted(council.memberships.values_list("role", flat=True)) == ["admin", "member"]


def test_invite_by_non_admin_is_refused_and_sends_nothing(client, council):
    client.force_login(add_member(council))

    response = client.post(
        members_url(council), {"action": "invite", "email": "friend@example.org", "role": "admin"}
    )

    assert response.status_code == 403
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_approve_by_non_admin_is_refused_and_changes_nothing(client, council):
    join_request = services.join_request_create(actor=UserFactory(), organisation=council)
    client.force_login(add_member(council))

    response = client.post(
        members_url(council), {"action": "approve", "join_request": join_request.pk}
    )

    join_request.refresh_from_db()
    assert response.status_code == 403
    assert join_request.status == RequestStatus.PENDING


def test_members_post_by_outsider_is_refused(client, council, user):
    client.force_login(user)

    response = client.post(
        members_url(council), {"action": "invite", "email": "friend@example.org", "role": "admin"}
    )

    assert response.status_code == 403
    assert Invitation.objects.count() == 0


def test_members_post_unknown_action_or_bad_id_is_404(client, council):
    client.force_login(admin_of(council))

    unknown = client.post(members_url(council), {"action": "explode"})
    bad_id = client.post(members_url(council), {"action": "remove", "membership": "abc"})

    assert (unknown.status_code, bad_id.status_code) == (404, 404)


# --- Join and leave ---------------------------------------------------------------------------


def test_join_creates_request_and_notifies_admins(client, council, user):
    client.force_login(user)

    response = client.post(
        reverse("organisation-join", args=[council.slug]), {"message": "I run the parks team."}
    )

    assert response.url == reverse("organisation-detail", args=[council.slug])
    assert list(JoinRequest.objects.values_list("user", "message", "status")) == [
        (user.pk, "I run the parks team.", RequestStatus.PENDING)
    ]
    assert Notification.objects.filter(recipient=admin_of(council)).count() == 1


def test_join_twice_shows_message_and_keeps_one_request(client, council, user):
    client.force_login(user)
    client.post(reverse("organisation-join", args=[council.slug]))

    response = client.post(reverse("organisation-join", args=[council.slug]))

    assert message_texts(response)[-1] == (
        "You have already asked to join; an admin will decide soon."
    )
    assert JoinRequest.objects.count() == 1


def test_join_by_get_is_not_allowed(client, council, user):
    client.force_login(user)

    response = client.get(reverse("organisation-join", args=[council.slug]))

    assert response.status_code == 405
    assert JoinRequest.objects.count() == 0


def test_leave_removes_membership(client, council):
    member = add_member(council)
    client.force_login(member)

    response = client.post(reverse("organisation-leave", args=[council.slug]))

    assert response.url == reverse("organisation-detail", args=[council.slug])
    assert message_texts(response) == ["You left Northshire County Council."]
    assert council.memberships.filter(user=member).exists() is False


def test_leave_as_last_admin_shows_message_and_changes_nothing(client, council):
    admin = admin_of(council)
    client.force_login(admin)

    response = client.post(reverse("organisation-leave", args=[council.slug]))

    assert message_texts(response) == [
        "You are the only admin. Appoint another admin before you leave."
    ]
    assert list(council.memberships.values_list("user", "role")) == [(admin.pk, Role.ADMIN)]


# --- Notifications ----------------------------------------------------------------------------


def test_notification_list_empty_says_what_to_do(client, user):
    client.force_login(user)

    response = client.get(reverse("notification-list"))

    assert response.status_code == 200
    assert "No notifications yet." in response.text


def test_notification_list_shows_newest_first_with_unread_bold(client, user):
    first = notify(user, text="First update")
    notify(user, text="Second update")
    notifications.notifications_mark_read(actor=user, ids=[first.pk])
    client.force_login(user)

    response = client.get(reverse("notification-list"))

    assert [n.text for n in response.context["page_obj"]] == ["Second update", "First update"]
    assert response.text.count('<li class="unread">') == 1
    assert "Mark all as read" in response.text


@pytest.mark.parametrize("count", [1, 3])
def test_notification_list_queries_do_not_grow_with_rows(
    client, user, django_assert_num_queries, count
):
    for n in range(count):
        notify(user, text=f"Update {n}")
    client.force_login(user)

    with django_assert_num_queries(5):
        client.get(reverse("notification-list"))


def test_notification_mark_all_read(client, user):
    notify(user, text="One")
    notify(user, text="Two")
    client.force_login(user)

    response = client.post(reverse("notification-list"), {"action": "mark_all"})

    assert response.url == reverse("notification-list")
    assert Notification.objects.filter(recipient=user, read_at__isnull=True).count() == 0


def test_notification_open_marks_read_and_follows_local_link(client, user):
    notification = notify(user, link="/organisations/northshire/members/")
    client.force_login(user)

    response = client.post(
        reverse("notification-list"), {"action": "open", "notification": notification.pk}
    )

    notification.refresh_from_db()
    assert response.url == "/organisations/northshire/members/"
    assert notification.is_read is True


@pytest.mark.parametrize(
    "link", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "javascript:alert(1)"]
)
def test_notification_open_refuses_absolute_links(client, user, link):
    notification = notify(user, link=link)
    client.force_login(user)

    response = client.post(
        reverse("notification-list"), {"action": "open", "notification": notification.pk}
    )

    notification.refresh_from_db()
    assert response.url == reverse("notification-list")
    assert notification.is_read is True


def test_notification_of_someone_else_is_404_and_stays_unread(client, user):
    notification = notify(UserFactory())
    client.force_login(user)

    response = client.post(
        reverse("notification-list"), {"action": "read", "notification": notification.pk}
    )

    notification.refresh_from_db()
    assert response.status_code == 404
    assert notification.is_read is False


# --- Notification settings --------------------------------------------------------------------


def test_notification_settings_shows_defaults_and_fixed_kinds(client, user):
    NotificationPreference.objects.create(user=user, kind="match", delivery="never")
    client.force_login(user)

    response = client.get(reverse("notification-settings"))

    form = response.context["form"]
    assert response.status_code == 200
    assert (form["match"].value(), form["listing"].value()) == ("never", "digest")
    assert "booking" not in form.fields
    assert "system" not in form.fields
    assert "<li>Bookings and payments</li>" in response.text
    assert "<legend>New matches</legend>" in response.text


def test_notification_settings_saves_preferences(client, user):
    client.force_login(user)
    choices = dict.fromkeys(
        ["membership", "listing", "match", "interest", "question", "pilot", "event", "search"],
        Delivery.DIGEST,
    )

    response = client.post(
        reverse("notification-settings"), {**choices, "match": "immediate", "search": "never"}
    )

    assert response.url == reverse("notification-settings")
    assert notifications.preferences_for(user) == {
        **choices,
        "match": "immediate",
        "search": "never",
        "booking": "digest",
        "system": "digest",
    }
    assert notifications.delivery_for(user, "booking") == Delivery.IMMEDIATE


def test_notification_settings_invalid_choice_saves_nothing(client, user):
    client.force_login(user)

    response = client.post(reverse("notification-settings"), {"match": "hourly"})

    assert response.status_code == 200
    assert NotificationPreference.objects.count() == 0


# --- API tokens -------------------------------------------------------------------------------


def test_api_tokens_empty_says_what_to_do(client, user):
    client.force_login(user)

    response = client.get(reverse("api-tokens"))

    assert response.status_code == 200
    assert "You have no API tokens." in response.text


def test_api_token_create_shows_secret_once(client, user):
    client.force_login(user)

    response = client.post(reverse("api-tokens"), {"action": "create", "name": "CRM sync"})
    secret = response.context["new_secret"]
    later = client.get(reverse("api-tokens"))

    token = ApiToken.objects.get()
    assert response.status_code == 200
    assert secret.startswith("oix_")
    assert secret in response.text
    assert "no-store" in response["Cache-Control"]
    assert (token.user, token.name, token.key_hash) == (
        user,
        "CRM sync",
        services.api_token_hash(secret),
    )
    assert secret not in later.text
    assert f"{token.prefix}…" in later.text
    assert message_texts(later) == []


def test_api_token_create_without_name_shows_error(client, user):
    client.force_login(user)

    response = client.post(reverse("api-tokens"), {"action": "create", "name": " "})

    assert response.context["form"].errors["name"] == ["This field is required."]
    assert ApiToken.objects.count() == 0


def test_api_token_revoke_sets_revoked_at(client, user):
    token, _ = services.api_token_create(actor=user, name="CRM sync")
    client.force_login(user)

    response = client.post(reverse("api-tokens"), {"action": "revoke", "token": token.pk})

    token.refresh_from_db()
    assert response.url == reverse("api-tokens")
    assert token.revoked_at is not None


def test_api_token_revoke_of_someone_else_is_404_and_changes_nothing(client, user):
    token, _ = services.api_token_create(actor=UserFactory(), name="Theirs")
    client.force_login(user)

    response = client.post(reverse("api-tokens"), {"action": "revoke", "token": token.pk})

    token.refresh_from_db()
    assert response.status_code == 404
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "name",
    [
        "profile",
        "dashboard",
        "organisation-create",
        "notification-list",
        "notification-settings",
        "api-tokens",
    ],
)
def test_personal_pages_send_visitors_to_login(client, name):
    response = client.get(reverse(name))

    assert response.url == f"{reverse('login')}?next={reverse(name)}"


def test_organisation_detail_outsider_follows_the_organisation(client, supplier, user):
    from listings.models import Follow

    client.force_login(user)
    page = client.get(reverse("organisation-detail", args=[supplier.slug]))

    response = client.post(
        reverse("follow-toggle"),
        {
            "target": "organisation",
            "id": supplier.pk,
            "action": "follow",
            "next": page.request["PATH_INFO"],
        },
    )

    assert "Follow Brightbin Ltd</button>" in page.text
    assert response.status_code == 302
    assert list(Follow.objects.values_list("user", "organisation")) == [(user.pk, supplier.pk)]
    followed = client.get(reverse("organisation-detail", args=[supplier.slug]))
    assert "Following Brightbin Ltd ✓</button>" in followed.text


def test_organisation_detail_member_sees_no_follow_button(client, supplier):
    client.force_login(supplier.memberships.get().user)

    response = client.get(reverse("organisation-detail", args=[supplier.slug]))

    assert reverse("follow-toggle") not in response.text
