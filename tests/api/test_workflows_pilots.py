"""API: pilot requests — create, transitions per side (403 wrong side, 409 wrong state),
``actions``, the message thread, visibility."""

import pytest

from exchange.models import Notification
from listings.models import PilotMessage, PilotRequest
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import PILOT_DEFAULTS, make_listing, make_pilot

pytestmark = pytest.mark.django_db

NOT_FOUND = {"error": {"status": 404, "code": "not_found", "message": "Not found."}}
NOT_ALLOWED = {
    "error": {
        "status": 403,
        "code": "permission_denied",
        "message": "You do not have permission to perform this action.",
    }
}


def _people(pilot):
    return pilot.requester.memberships.get().user, pilot.supplier.memberships.get().user


def _snapshot(pilot):
    pilot = PilotRequest.objects.get(pk=pilot.pk)
    return pilot.status, pilot.transitions.count(), Notification.objects.count()


def test_pilot_create_api_by_council(client_as):
    council = make_organisation(name="Northshire County Council", kind="council")
    offer = make_listing(title="Smart bins")

    response = client_as(council.memberships.get().user).post(
        "/api/v1/pilots/",
        {**PILOT_DEFAULTS, "offer": offer.pk, "requester": council.slug, "starts_on": "2026-03-01"},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["title"], body["budget_pence"], body["starts_on"]) == (
        "requested",
        "Pilot of Smart bins",
        500_000,
        "2026-03-01",
    )
    assert body["actions"] == ["withdraw"]
    assert [(t["from_status"], t["to_status"]) for t in body["transitions"]] == [("", "requested")]


def test_pilot_create_api_by_supplier_is_403(client_as):
    supplier = make_organisation(kind="supplier")
    offer = make_listing()

    response = client_as(supplier.memberships.get().user).post(
        "/api/v1/pilots/",
        {**PILOT_DEFAULTS, "offer": offer.pk, "requester": supplier.slug},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["error"]["message"] == (
        "Only councils and third-sector organisations can request pilots."
    )
    assert PilotRequest.objects.count() == 0


def test_pilot_actions_field_per_side(client_as):
    pilot = make_pilot(status="accepted")
    requester, supplier = _people(pilot)

    as_requester = client_as(requester).get(f"/api/v1/pilots/{pilot.pk}/").json()
    as_supplier = client_as(supplier).get(f"/api/v1/pilots/{pilot.pk}/").json()

    assert as_requester["actions"] == ["start", "cancel"]
    assert as_supplier["actions"] == ["cancel"]


def test_pilot_accept_api_by_supplier(client_as):
    pilot = make_pilot()
    _, supplier = _people(pilot)

    response = client_as(supplier).post(f"/api/v1/pilots/{pilot.pk}/accept/", {}, format="json")

    assert (response.status_code, response.json()["status"]) == (200, "accepted")


def test_pilot_accept_api_by_requester_is_403_and_changes_nothing(client_as):
    pilot = make_pilot()
    requester, _ = _people(pilot)
    before = _snapshot(pilot)

    response = client_as(requester).post(f"/api/v1/pilots/{pilot.pk}/accept/", {}, format="json")

    assert (response.status_code, response.json()) == (403, NOT_ALLOWED)
    assert _snapshot(pilot) == before


def test_pilot_start_api_from_requested_is_409_and_changes_nothing(client_as):
    pilot = make_pilot()
    requester, _ = _people(pilot)
    before = _snapshot(pilot)

    response = client_as(requester).post(f"/api/v1/pilots/{pilot.pk}/start/", {}, format="json")

    assert response.status_code == 409
    assert response.json()["error"] == {
        "status": 409,
        "code": "invalid_state",
        "message": "A pilot that is requested cannot be started.",
    }
    assert _snapshot(pilot) == before


def test_pilot_decline_api_needs_reason(client_as):
    pilot = make_pilot()
    _, supplier = _people(pilot)
    before = _snapshot(pilot)

    missing = client_as(supplier).post(f"/api/v1/pilots/{pilot.pk}/decline/", {}, format="json")
    declined = client_as(supplier).post(
        f"/api/v1/pilots/{pilot.pk}/decline/",
        {"reason": "budget", "note": "Too small."},
        format="json",
    )

    assert missing.status_code == 400
    assert missing.json()["error"]["fields"] == {"reason": ["This field is required."]}
    assert before[0] == "requested"
    body = declined.json()
    assert (body["status"], body["decline_reason"], body["decline_note"]) == (
        "declined",
        "budget",
        "Too small.",
    )


def test_pilot_complete_api(client_as):
    pilot = make_pilot(status="active")
    requester, _ = _people(pilot)

    response = client_as(requester).post(
        f"/api/v1/pilots/{pilot.pk}/complete/",
        {"outcome": "not_met", "report": "Sensors failed in the rain."},
        format="json",
    )

    body = response.json()
    assert (body["status"], body["outcome"], body["report"], body["actions"]) == (
        "completed",
        "not_met",
        "Sensors failed in the rain.",
        [],
    )


def test_pilot_api_outsider_gets_404(client_as):
    pilot = make_pilot()
    client = client_as(UserFactory())

    assert client.get(f"/api/v1/pilots/{pilot.pk}/").json() == NOT_FOUND
    assert client.post(f"/api/v1/pilots/{pilot.pk}/cancel/", {"note": "x"}).status_code == 404
    assert client.get("/api/v1/pilots/").json()["count"] == 0
    assert client_as(None).get("/api/v1/pilots/").json()["count"] == 0


def test_pilot_list_api_sides(client_as):
    council = make_organisation(kind="council")
    asked_for = make_pilot(requester=council)
    asked_of = make_pilot(offer=make_listing(organisation=make_organisation(kind="supplier")))
    person = council.memberships.get().user
    add_member(asked_of.supplier, person)
    client = client_as(person)

    mine_for = client.get("/api/v1/pilots/?side=asked_for").json()["results"]
    mine_of = client.get("/api/v1/pilots/?side=asked_of").json()["results"]

    assert [p["id"] for p in mine_for] == [asked_for.pk]
    assert [p["id"] for p in mine_of] == [asked_of.pk]


def test_pilot_messages_api(client_as):
    pilot = make_pilot()
    requester, supplier = _people(pilot)

    posted = client_as(supplier).post(
        f"/api/v1/pilots/{pilot.pk}/messages/", {"body": "Monday?"}, format="json"
    )
    thread = client_as(requester).get(f"/api/v1/pilots/{pilot.pk}/messages/").json()

    assert posted.status_code == 201
    assert [(m["organisation"]["slug"], m["body"]) for m in thread["results"]] == [
        (pilot.supplier.slug, "Monday?")
    ]


def test_pilot_messages_api_by_outsider_is_404(client_as):
    pilot = make_pilot()

    response = client_as(UserFactory()).post(
        f"/api/v1/pilots/{pilot.pk}/messages/", {"body": "Hi"}, format="json"
    )

    assert response.status_code == 404
    assert PilotMessage.objects.count() == 0


def test_pilot_case_study_api_from_completed_pilot(client_as):
    pilot = make_pilot(status="completed")
    requester, _ = _people(pilot)

    response = client_as(requester).post(f"/api/v1/pilots/{pilot.pk}/case-study/")

    assert response.status_code == 201
    assert (response.json()["status"], response.json()["pilot"]) == ("draft", pilot.pk)
