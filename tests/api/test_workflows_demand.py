"""API: interest, co-owners (and their rights on the request), responses, follows."""

import pytest

from exchange.models import Notification
from listings import workflows
from listings.models import CoOwner, Follow, Interest, Listing, RequestResponse
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def need():
    owner = make_organisation(name="Northshire County Council", kind="council")
    partner = make_organisation(name="Southshire Council", kind="council")
    hidden = make_organisation(name="Hidden Trust", kind="third_sector")
    request = make_request(organisation=owner, title="Overflowing bins")
    workflows.interest_register(
        actor=partner.memberships.get().user, listing=request, organisation=partner
    )
    workflows.interest_register(
        actor=hidden.memberships.get().user,
        listing=request,
        organisation=hidden,
        anonymous=True,
        note="Budget next year",
    )
    return {
        "owner": owner,
        "owner_person": owner.memberships.get().user,
        "partner": partner,
        "partner_person": partner.memberships.get().user,
        "hidden": hidden,
        "hidden_person": hidden.memberships.get().user,
        "request": request,
    }


def _organisations(body):
    return [(i["organisation"] or {}).get("slug") for i in body["results"]]


def test_interest_list_api_hides_anonymous_organisation_from_public(client_as, need):
    public = client_as(UserFactory()).get("/api/v1/interests/").json()

    assert public["count"] == 2
    assert _organisations(public) == [need["partner"].slug, None]
    assert [i["note"] for i in public["results"]] == ["", ""]
    assert [i["kind"] for i in public["results"]] == ["need_too", "need_too"]
    assert "Hidden Trust" not in str(public)


def test_interest_list_api_names_anonymous_to_owner_and_itself(client_as, need):
    owner = client_as(need["owner_person"]).get("/api/v1/interests/").json()
    itself = client_as(need["hidden_person"]).get("/api/v1/interests/").json()

    assert _organisations(owner) == [need["partner"].slug, need["hidden"].slug]
    assert owner["results"][1]["note"] == "Budget next year"
    assert _organisations(itself) == [need["partner"].slug, need["hidden"].slug]


def test_interest_create_api(client_as, need):
    charity = make_organisation(kind="third_sector")

    response = client_as(charity.memberships.get().user).post(
        "/api/v1/interests/",
        {"listing": need["request"].pk, "organisation": charity.slug, "anonymous": True},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["anonymous"], response.json()["organisation"]["slug"]) == (
        True,
        charity.slug,
    )
    assert Listing.objects.get(pk=need["request"].pk).interest_count == 3


def test_interest_create_api_for_organisation_not_mine_is_403(client_as, need):
    charity = make_organisation(kind="third_sector")

    response = client_as(UserFactory()).post(
        "/api/v1/interests/",
        {"listing": need["request"].pk, "organisation": charity.slug},
        format="json",
    )

    assert response.status_code == 403
    assert Interest.objects.count() == 2
    assert Listing.objects.get(pk=need["request"].pk).interest_count == 2


def test_interest_delete_api_by_other_organisation_is_403(client_as, need):
    interest = Interest.objects.get(organisation=need["partner"])

    response = client_as(need["hidden_person"]).delete(f"/api/v1/interests/{interest.pk}/")

    assert response.status_code == 403
    assert Interest.objects.count() == 2


def test_interest_delete_api_withdraws(client_as, need):
    interest = Interest.objects.get(organisation=need["partner"])

    response = client_as(need["partner_person"]).delete(f"/api/v1/interests/{interest.pk}/")

    assert response.status_code == 204
    assert Listing.objects.get(pk=need["request"].pk).interest_count == 1


def test_interests_on_private_listing_are_hidden_from_api(client_as):
    owner = make_organisation(kind="supplier")
    partner = make_organisation(kind="council")
    private = make_listing(organisation=owner, visibility="shared", shared_with=[partner])
    interest = workflows.interest_register(
        actor=partner.memberships.get().user, listing=private, organisation=partner
    )
    stranger = client_as(UserFactory())

    assert stranger.get("/api/v1/interests/").json()["count"] == 0
    assert stranger.get(f"/api/v1/interests/{interest.pk}/").status_code == 404


# --- Co-owners -----------------------------------------------------------------------------------


def test_co_owner_flow_api_grants_listing_edit(client_as, need):
    invited = client_as(need["owner_person"]).post(
        "/api/v1/co-owners/",
        {"listing": need["request"].pk, "organisation": need["partner"].slug},
        format="json",
    )
    co_owner_id = invited.json()["id"]
    before = client_as(need["partner_person"]).patch(
        f"/api/v1/listings/{need['request'].pk}/", {"summary": "Too early"}, format="json"
    )
    accepted = client_as(need["partner_person"]).post(f"/api/v1/co-owners/{co_owner_id}/accept/")
    edited = client_as(need["partner_person"]).patch(
        f"/api/v1/listings/{need['request'].pk}/", {"summary": "Joint need."}, format="json"
    )
    closed = client_as(need["partner_person"]).post(f"/api/v1/listings/{need['request'].pk}/close/")

    assert (invited.status_code, invited.json()["status"]) == (201, "invited")
    assert before.status_code == 403
    assert (accepted.status_code, accepted.json()["status"]) == (200, "accepted")
    assert (edited.status_code, edited.json()["summary"]) == (200, "Joint need.")
    assert closed.status_code == 403
    assert Listing.objects.get(pk=need["request"].pk).status == "published"


def test_co_owner_invite_api_by_non_owner_is_403(client_as, need):
    response = client_as(need["partner_person"]).post(
        "/api/v1/co-owners/",
        {"listing": need["request"].pk, "organisation": need["hidden"].slug},
        format="json",
    )

    assert response.status_code == 403
    assert CoOwner.objects.count() == 0


def test_co_owner_accept_api_by_third_party_is_403(client_as, need):
    co_owner = workflows.co_owner_invite(
        actor=need["owner_person"], listing=need["request"], organisation=need["partner"]
    )

    response = client_as(need["owner_person"]).post(f"/api/v1/co-owners/{co_owner.pk}/accept/")

    assert response.status_code == 403
    assert CoOwner.objects.get().status == "invited"


def test_co_owner_invitation_hidden_from_public_until_accepted(client_as, need):
    co_owner = workflows.co_owner_invite(
        actor=need["owner_person"], listing=need["request"], organisation=need["partner"]
    )
    public = client_as(UserFactory())

    assert public.get("/api/v1/co-owners/").json()["count"] == 0
    workflows.co_owner_accept(actor=need["partner_person"], co_owner=co_owner)
    assert [
        c["organisation"]["slug"] for c in public.get("/api/v1/co-owners/").json()["results"]
    ] == [need["partner"].slug]


def test_co_owner_remove_api_revokes_edit(client_as, need):
    co_owner = workflows.co_owner_invite(
        actor=need["owner_person"], listing=need["request"], organisation=need["partner"]
    )
    workflows.co_owner_accept(actor=need["partner_person"], co_owner=co_owner)

    removed = client_as(need["owner_person"]).delete(f"/api/v1/co-owners/{co_owner.pk}/")
    edit = client_as(need["partner_person"]).patch(
        f"/api/v1/listings/{need['request'].pk}/", {"summary": "Still mine?"}, format="json"
    )

    assert removed.status_code == 204
    assert edit.status_code == 403
    assert Listing.objects.get(pk=need["request"].pk).summary != "Still mine?"


# --- Responses -----------------------------------------------------------------------------------


def test_response_api_flow_decline_notifies_responder(client_as, need):
    supplier = make_organisation(name="Binco", kind="supplier")
    supplier_person = supplier.memberships.get().user
    created = client_as(supplier_person).post(
        "/api/v1/responses/",
        {
            "request": need["request"].pk,
            "organisation": supplier.slug,
            "idea_title": "Bin rota",
            "idea_summary": "Neighbours share bins.",
            "pitch": "Cheap.",
        },
        format="json",
    )
    response_id = created.json()["id"]

    refused = client_as(supplier_person).post(
        f"/api/v1/responses/{response_id}/decline/", {"reason": "budget"}, format="json"
    )
    shortlisted = client_as(need["owner_person"]).post(
        f"/api/v1/responses/{response_id}/shortlist/"
    )
    declined = client_as(need["owner_person"]).post(
        f"/api/v1/responses/{response_id}/decline/",
        {"reason": "not_a_fit", "note": "We need collections."},
        format="json",
    )

    assert created.status_code == 201
    assert refused.status_code == 403
    assert shortlisted.json()["status"] == "shortlisted"
    assert (declined.json()["status"], declined.json()["decline_reason"]) == (
        "declined",
        "not_a_fit",
    )
    assert list(
        Notification.objects.filter(recipient=supplier_person).values_list("text", flat=True)
    ) == [
        "Northshire County Council declined your response “Bin rota” to “Overflowing bins”: "
        "not a fit for the need. “We need collections.”",
        "Northshire County Council shortlisted your response “Bin rota” to “Overflowing bins”.",
    ]


def test_response_api_hidden_from_third_parties(client_as, need):
    supplier = make_organisation(kind="supplier")
    response = workflows.response_create(
        actor=supplier.memberships.get().user,
        request=need["request"],
        organisation=supplier,
        idea_title="Idea",
        idea_summary="Summary",
        pitch="Pitch",
    )

    stranger = client_as(UserFactory())

    assert stranger.get("/api/v1/responses/").json()["count"] == 0
    assert stranger.get(f"/api/v1/responses/{response.pk}/").status_code == 404
    assert RequestResponse.objects.count() == 1


# --- Follows -------------------------------------------------------------------------------------


def test_follow_api_create_list_delete(client_as, need):
    user = UserFactory()
    client = client_as(user)

    created = client.post("/api/v1/follows/", {"organisation": need["owner"].slug}, format="json")
    listed = client.get("/api/v1/follows/").json()
    other = client_as(UserFactory()).get("/api/v1/follows/").json()
    deleted = client_as(user).delete(f"/api/v1/follows/{created.json()['id']}/")

    assert created.status_code == 201
    assert [f["organisation"]["slug"] for f in listed["results"]] == [need["owner"].slug]
    assert other["count"] == 0
    assert deleted.status_code == 204
    assert Follow.objects.count() == 0


def test_follow_api_of_invisible_listing_is_403(client_as, need):
    draft = make_request(organisation=need["owner"], publish=False)

    response = client_as(UserFactory()).post(
        "/api/v1/follows/", {"listing": draft.pk}, format="json"
    )

    assert response.status_code == 403
    assert Follow.objects.count() == 0


def test_follow_api_anonymous_is_401(client_as):
    assert client_as(None).get("/api/v1/follows/").status_code == 401


def test_member_colleague_sees_own_anonymous_interest(client_as, need):
    colleague = add_member(need["hidden"])

    body = client_as(colleague).get("/api/v1/interests/").json()

    assert _organisations(body) == [need["partner"].slug, need["hidden"].slug]
