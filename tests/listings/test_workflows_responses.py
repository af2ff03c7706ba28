"""Responses to requests: propose, shortlist, invite to pilot, decline — the responder is told."""

import pytest

from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Notification
from listings import workflows
from listings.models import CoOwner, PilotRequest, RequestResponse
from listings.queries import response_counts, responses_to
from listings.workflow_enums import ResponseStatus
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import PILOT_DEFAULTS, make_listing, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    owner = make_organisation(name="Northshire County Council", kind="council")
    supplier = make_organisation(name="Brightbin Ltd", kind="supplier")
    return {
        "owner": owner,
        "owner_person": owner.memberships.get().user,
        "request": make_request(organisation=owner, title="Overflowing bins"),
        "supplier": supplier,
        "supplier_person": supplier.memberships.get().user,
        "offer": make_listing(organisation=supplier, title="Smart bins"),
    }


def _respond(scene, **extra):
    values = {"proposed_listing": scene["offer"], "pitch": "Sensors cut collections by 40%."}
    values.update(extra)
    return workflows.response_create(
        actor=scene["supplier_person"],
        request=scene["request"],
        organisation=scene["supplier"],
        **values,
    )


def _texts(user):
    return list(Notification.objects.filter(recipient=user).values_list("text", flat=True))


def test_response_create_with_listing_notifies_owners(scene):
    response = _respond(scene)

    assert (response.status, response.title) == ("submitted", "Smart bins")
    assert _texts(scene["owner_person"]) == [
        "Brightbin Ltd responded to “Overflowing bins” with “Smart bins”."
    ]
    assert _texts(scene["supplier_person"]) == []


def test_response_create_with_new_idea(scene):
    response = _respond(
        scene, proposed_listing=None, idea_title="Bin-sharing rota", idea_summary="Neighbours."
    )

    assert (response.proposed_listing, response.title, response.idea_summary) == (
        None,
        "Bin-sharing rota",
        "Neighbours.",
    )


def test_response_create_with_both_listing_and_idea_is_refused(scene):
    with pytest.raises(ValidationError):
        _respond(scene, idea_title="Also an idea", idea_summary="Two at once.")

    assert RequestResponse.objects.count() == 0


def test_response_create_with_someone_elses_listing_is_refused(scene):
    with pytest.raises(ValidationError) as excinfo:
        _respond(scene, proposed_listing=make_listing(title="Not ours"))

    assert excinfo.value.message_dict == {
        "proposed_listing": ["Choose one of your organisation's published offers."]
    }
    assert RequestResponse.objects.count() == 0


def test_response_create_same_listing_twice_is_refused(scene):
    _respond(scene)

    with pytest.raises(ValidationError):
        _respond(scene)

    assert RequestResponse.objects.count() == 1


def test_response_create_by_owner_is_refused(scene):
    with pytest.raises(ValidationError):
        workflows.response_create(
            actor=scene["owner_person"],
            request=scene["request"],
            organisation=scene["owner"],
            idea_title="Ourselves",
            idea_summary="No.",
            pitch="No.",
        )

    assert RequestResponse.objects.count() == 0


def test_response_create_on_offer_is_refused(scene):
    with pytest.raises(ValidationError):
        workflows.response_create(
            actor=scene["supplier_person"],
            request=make_listing(title="An offer"),
            organisation=scene["supplier"],
            idea_title="x",
            idea_summary="y",
            pitch="z",
        )

    assert RequestResponse.objects.count() == 0


def test_response_shortlist_then_decline_tells_responder(scene):
    response = _respond(scene)
    colleague = add_member(scene["supplier"])

    workflows.response_shortlist(actor=scene["owner_person"], response=response)
    workflows.response_decline(
        actor=scene["owner_person"],
        response=response,
        reason="budget",
        note="We can spend £5k at most.",
    )

    response.refresh_from_db()
    assert (response.status, response.decline_reason, response.decline_note) == (
        "declined",
        "budget",
        "We can spend £5k at most.",
    )
    expected = [
        "Northshire County Council shortlisted your response “Smart bins” to “Overflowing bins”.",
        "Northshire County Council declined your response “Smart bins” to “Overflowing bins”: "
        "outside the budget. “We can spend £5k at most.”",
    ]
    assert sorted(_texts(scene["supplier_person"])) == sorted(expected)
    assert sorted(_texts(colleague)) == sorted(expected)


def test_response_decline_by_responder_is_refused(scene):
    response = _respond(scene)

    with pytest.raises(PermissionDenied):
        workflows.response_decline(
            actor=scene["supplier_person"], response=response, reason="budget"
        )

    assert RequestResponse.objects.get().status == ResponseStatus.SUBMITTED


def test_response_decline_without_reason_is_refused(scene):
    response = _respond(scene)

    with pytest.raises(ValidationError):
        workflows.response_decline(actor=scene["owner_person"], response=response, reason="")
    with pytest.raises(ValidationError):
        workflows.response_decline(actor=scene["owner_person"], response=response, reason="other")

    assert RequestResponse.objects.get().status == ResponseStatus.SUBMITTED


def test_response_decline_twice_is_refused(scene):
    response = _respond(scene)
    workflows.response_decline(actor=scene["owner_person"], response=response, reason="timing")

    with pytest.raises(InvalidTransition):
        workflows.response_decline(actor=scene["owner_person"], response=response, reason="budget")

    assert RequestResponse.objects.get().decline_reason == "timing"


def test_response_decided_by_co_owner(scene):
    partner = make_organisation(name="Southshire Council", kind="council")
    partner_person = partner.memberships.get().user
    workflows.interest_register(
        actor=partner_person, listing=scene["request"], organisation=partner
    )
    co_owner = workflows.co_owner_invite(
        actor=scene["owner_person"], listing=scene["request"], organisation=partner
    )
    workflows.co_owner_accept(actor=partner_person, co_owner=co_owner)
    response = _respond(scene)

    workflows.response_shortlist(actor=partner_person, response=response)

    assert RequestResponse.objects.get().status == ResponseStatus.SHORTLISTED
    assert CoOwner.objects.get().status == "accepted"


def test_response_invite_to_pilot_creates_pilot_and_notifies_responder_once(scene):
    response = _respond(scene)
    Notification.objects.all().delete()

    pilot = workflows.response_invite_to_pilot(
        actor=scene["owner_person"], response=response, requester=scene["owner"], **PILOT_DEFAULTS
    )

    response.refresh_from_db()
    assert response.status == ResponseStatus.INVITED
    assert (pilot.offer, pilot.response, pilot.origin_request, pilot.supplier) == (
        scene["offer"],
        response,
        scene["request"],
        scene["supplier"],
    )
    assert _texts(scene["supplier_person"]) == [
        "Northshire County Council invites Brightbin Ltd to pilot “Smart bins” in answer to "
        "“Overflowing bins”."
    ]
    assert Notification.objects.count() == 1


def test_response_invite_to_pilot_for_an_idea_has_no_offer(scene):
    response = _respond(
        scene, proposed_listing=None, idea_title="Bin-sharing rota", idea_summary="Neighbours."
    )

    pilot = workflows.response_invite_to_pilot(
        actor=scene["owner_person"], response=response, requester=scene["owner"], **PILOT_DEFAULTS
    )

    assert (pilot.offer, pilot.title) == (None, "Pilot of Bin-sharing rota")


def test_response_invite_to_pilot_by_outsider_is_refused(scene):
    response = _respond(scene)
    outsider_org = make_organisation(kind="council")

    with pytest.raises(PermissionDenied):
        workflows.response_invite_to_pilot(
            actor=outsider_org.memberships.get().user,
            response=response,
            requester=outsider_org,
            **PILOT_DEFAULTS,
        )

    assert RequestResponse.objects.get().status == ResponseStatus.SUBMITTED
    assert PilotRequest.objects.count() == 0


def test_response_withdraw_by_responder(scene):
    response = _respond(scene)

    workflows.response_withdraw(actor=scene["supplier_person"], response=response)

    assert RequestResponse.objects.get().status == ResponseStatus.WITHDRAWN


def test_responses_to_shows_owners_all_and_responders_their_own(scene):
    _respond(scene)
    other = make_organisation(name="Binco", kind="supplier")
    workflows.response_create(
        actor=other.memberships.get().user,
        request=scene["request"],
        organisation=other,
        idea_title="Compactors",
        idea_summary="Solar.",
        pitch="Fewer trips.",
    )

    assert [r.organisation.name for r in responses_to(scene["owner_person"], scene["request"])] == [
        "Brightbin Ltd",
        "Binco",
    ]
    assert [
        r.organisation.name for r in responses_to(scene["supplier_person"], scene["request"])
    ] == ["Brightbin Ltd"]
    assert responses_to(UserFactory(), scene["request"]) == []


def test_response_counts_by_responder_kind(scene):
    _respond(scene)
    large = make_organisation(name="Megacorp", kind="supplier", is_small=False)
    charity = make_organisation(name="Riverside Trust", kind="third_sector")
    for org in (large, charity):
        workflows.response_create(
            actor=org.memberships.get().user,
            request=scene["request"],
            organisation=org,
            idea_title=f"Idea of {org.name}",
            idea_summary="Summary.",
            pitch="Pitch.",
        )
    withdrawn = workflows.response_create(
        actor=scene["supplier_person"],
        request=scene["request"],
        organisation=scene["supplier"],
        idea_title="Withdrawn idea",
        idea_summary="Gone.",
        pitch="Gone.",
    )
    workflows.response_withdraw(actor=scene["supplier_person"], response=withdrawn)

    assert response_counts(scene["request"]) == [
        ("Small supplier", 1),
        ("Large supplier", 1),
        ("Third sector", 1),
    ]
