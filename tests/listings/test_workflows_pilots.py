"""Pilot requests: every transition, allowed and refused, for each role; the log; the thread."""

import datetime

import pytest

from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from exchange.models import Notification
from listings import workflows
from listings.models import PilotMessage, PilotRequest, PilotTransition
from listings.queries import pilots_asked_for, pilots_asked_of, pilots_visible_to
from listings.workflow_enums import PilotStatus
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import (
    PILOT_DEFAULTS,
    PILOT_PATHS,
    make_listing,
    make_pilot,
    make_request,
)

pytestmark = pytest.mark.django_db

ROLES = ("requester", "supplier", "co_owner", "outsider")
# Who may take each action (from its source states).
ALLOWED = {
    "accept": {"supplier"},
    "decline": {"supplier"},
    "withdraw": {"requester"},
    "start": {"requester"},
    "complete": {"requester"},
    "cancel": {"requester", "supplier"},
}
SOURCES = {
    "accept": ["requested"],
    "decline": ["requested"],
    "withdraw": ["requested"],
    "start": ["accepted"],
    "complete": ["active"],
    "cancel": ["accepted", "active"],
}
TARGETS = {
    "accept": "accepted",
    "decline": "declined",
    "withdraw": "withdrawn",
    "start": "active",
    "complete": "completed",
    "cancel": "cancelled",
}
ARGUMENTS = {
    "decline": {"reason": "capacity", "note": "Fully booked until spring."},
    "complete": {"outcome": "partly_met", "report": "Half the streets improved."},
    "cancel": {"note": "The site closed."},
}


@pytest.fixture
def world():
    """A council request co-owned with a second council, answered by a supplier's offer.

    ``pilot(status)`` makes a pilot of that response in ``status`` (through the services).
    """
    requester = make_organisation(name="Northshire County Council", kind="council")
    co_owner_org = make_organisation(name="Southshire Council", kind="council")
    supplier = make_organisation(name="Brightbin Ltd", kind="supplier")
    outsider_org = make_organisation(name="Riverside Trust", kind="third_sector")
    people = {
        "requester": requester.memberships.get().user,
        "supplier": supplier.memberships.get().user,
        "co_owner": co_owner_org.memberships.get().user,
        "outsider": outsider_org.memberships.get().user,
    }
    request = make_request(organisation=requester, title="Overflowing bins")
    workflows.interest_register(
        actor=people["co_owner"], listing=request, organisation=co_owner_org
    )
    invitation = workflows.co_owner_invite(
        actor=people["requester"], listing=request, organisation=co_owner_org
    )
    workflows.co_owner_accept(actor=people["co_owner"], co_owner=invitation)
    offer = make_listing(organisation=supplier, title="Smart bins")

    def pilot(status="requested"):
        response = workflows.response_create(
            actor=people["supplier"],
            request=request,
            organisation=supplier,
            proposed_listing=offer,
            pitch="Sensors.",
        )
        made = workflows.response_invite_to_pilot(
            actor=people["requester"], response=response, requester=requester, **PILOT_DEFAULTS
        )
        side = {"requester": people["requester"], "supplier": people["supplier"]}
        for action, who in PILOT_PATHS[status]:
            made = getattr(workflows, f"pilot_{action}")(
                actor=side[who], pilot=made, **ARGUMENTS.get(action, {})
            )
        return made

    return {
        "requester": requester,
        "supplier": supplier,
        "people": people,
        "request": request,
        "offer": offer,
        "pilot": pilot,
    }


def _snapshot(pilot):
    pilot = PilotRequest.objects.get(pk=pilot.pk)
    return (
        pilot.status,
        pilot.transitions.count(),
        Notification.objects.count(),
        pilot.decline_reason,
        pilot.outcome,
    )


CASES = [
    (action, source, role)
    for action, sources in SOURCES.items()
    for source in sources
    for role in ROLES
]


@pytest.mark.parametrize(("action", "source", "role"), CASES)
def test_pilot_transition_by_role(world, action, source, role):
    pilot = world["pilot"](source)
    actor = world["people"][role]
    before = _snapshot(pilot)
    service = getattr(workflows, f"pilot_{action}")

    if role not in ALLOWED[action]:
        with pytest.raises(PermissionDenied):
            service(actor=actor, pilot=pilot, **ARGUMENTS.get(action, {}))
        assert _snapshot(pilot) == before
        return

    Notification.objects.all().delete()
    result = service(actor=actor, pilot=pilot, **ARGUMENTS.get(action, {}))

    assert result.status == TARGETS[action]
    last = PilotTransition.objects.filter(pilot=pilot).order_by("-id").first()
    acting = world["requester"] if role == "requester" else world["supplier"]
    other = world["people"]["supplier" if role == "requester" else "requester"]
    assert (last.from_status, last.to_status, last.actor, last.organisation) == (
        source,
        TARGETS[action],
        actor,
        acting,
    )
    assert list(Notification.objects.values_list("recipient", "kind")) == [(other.pk, "pilot")]


WRONG_STATE_CASES = [
    (action, status)
    for action in SOURCES
    for status in PilotStatus.values
    if status not in SOURCES[action]
]


@pytest.mark.parametrize(("action", "status"), WRONG_STATE_CASES)
def test_pilot_transition_from_wrong_state_is_refused(world, action, status):
    pilot = world["pilot"](status)
    role = sorted(ALLOWED[action])[0]
    before = _snapshot(pilot)

    with pytest.raises(InvalidTransition):
        getattr(workflows, f"pilot_{action}")(
            actor=world["people"][role], pilot=pilot, **ARGUMENTS.get(action, {})
        )

    assert _snapshot(pilot) == before


def test_pilot_full_history_is_recorded(world):
    pilot = world["pilot"]("completed")

    rows = list(
        PilotTransition.objects.filter(pilot=pilot)
        .order_by("id")
        .values_list("from_status", "to_status", "organisation__name", "note")
    )

    assert rows == [
        ("", "requested", "Northshire County Council", ""),
        ("requested", "accepted", "Brightbin Ltd", ""),
        ("accepted", "active", "Northshire County Council", ""),
        ("active", "completed", "Northshire County Council", "Half the streets improved."),
    ]
    pilot.refresh_from_db()
    assert (pilot.outcome, pilot.report) == ("partly_met", "Half the streets improved.")


def test_pilot_decline_records_reason_and_note(world):
    pilot = world["pilot"]("declined")

    assert (pilot.status, pilot.decline_reason, pilot.decline_note) == (
        "declined",
        "capacity",
        "Fully booked until spring.",
    )


def test_pilot_decline_without_reason_is_refused(world):
    pilot = world["pilot"]()
    before = _snapshot(pilot)

    with pytest.raises(ValidationError):
        workflows.pilot_decline(actor=world["people"]["supplier"], pilot=pilot, reason="")

    assert _snapshot(pilot) == before


def test_pilot_complete_without_report_is_refused(world):
    pilot = world["pilot"]("active")
    before = _snapshot(pilot)

    with pytest.raises(ValidationError):
        workflows.pilot_complete(
            actor=world["people"]["requester"], pilot=pilot, outcome="met", report="  "
        )

    assert _snapshot(pilot) == before


def test_pilot_cancel_without_reason_is_refused(world):
    pilot = world["pilot"]("active")
    before = _snapshot(pilot)

    with pytest.raises(ValidationError):
        workflows.pilot_cancel(actor=world["people"]["supplier"], pilot=pilot, note="")

    assert _snapshot(pilot) == before


def test_pilot_transition_notifies_every_member_of_other_side_once(world):
    pilot = world["pilot"]()
    colleague = add_member(world["requester"])
    add_member(world["supplier"], colleague)  # belongs to both sides: told once, not twice
    Notification.objects.all().delete()

    workflows.pilot_accept(actor=world["people"]["supplier"], pilot=pilot)

    assert sorted(Notification.objects.values_list("recipient", flat=True)) == sorted(
        [world["people"]["requester"].pk, colleague.pk]
    )
    assert set(Notification.objects.values_list("text", flat=True)) == {
        "Brightbin Ltd accepted the pilot “Pilot of Smart bins”."
    }


def test_pilot_request_create_by_supplier_organisation_is_refused():
    supplier = make_organisation(kind="supplier")
    offer = make_listing()

    with pytest.raises(PermissionDenied):
        workflows.pilot_request_create(
            actor=supplier.memberships.get().user,
            offer=offer,
            requester=supplier,
            **PILOT_DEFAULTS,
        )

    assert PilotRequest.objects.count() == 0


def test_pilot_request_create_by_third_sector_notifies_supplier():
    charity = make_organisation(name="Riverside Trust", kind="third_sector")
    offer = make_listing(title="Befriending app")
    supplier_person = offer.organisation.memberships.get().user

    pilot = workflows.pilot_request_create(
        actor=charity.memberships.get().user, offer=offer, requester=charity, **PILOT_DEFAULTS
    )

    assert (pilot.status, pilot.supplier, pilot.budget_pence) == (
        "requested",
        offer.organisation,
        500_000,
    )
    assert list(Notification.objects.filter(recipient=supplier_person).values_list("text")) == [
        (f"Riverside Trust asks {offer.organisation.name} for a pilot of “Befriending app”.",)
    ]


def test_pilot_request_create_of_a_request_is_refused():
    council = make_organisation(kind="council")
    with pytest.raises(ValidationError):
        workflows.pilot_request_create(
            actor=council.memberships.get().user,
            offer=make_request(),
            requester=council,
            **PILOT_DEFAULTS,
        )
    assert PilotRequest.objects.count() == 0


def test_pilot_request_create_of_invisible_offer_is_refused():
    council = make_organisation(kind="council")
    hidden = make_listing(visibility="shared", shared_with=[make_organisation(kind="supplier")])

    with pytest.raises(PermissionDenied):
        workflows.pilot_request_create(
            actor=council.memberships.get().user, offer=hidden, requester=council, **PILOT_DEFAULTS
        )

    assert PilotRequest.objects.count() == 0


def test_pilot_request_create_twice_while_open_is_refused():
    council = make_organisation(kind="council")
    offer = make_listing()
    make_pilot(requester=council, offer=offer)

    with pytest.raises(ValidationError):
        make_pilot(requester=council, offer=offer)

    assert PilotRequest.objects.count() == 1


def test_pilot_request_create_with_end_before_start_is_refused():
    with pytest.raises(ValidationError):
        make_pilot(starts_on=datetime.date(2026, 5, 1), ends_on=datetime.date(2026, 4, 1))
    assert PilotRequest.objects.count() == 0


def test_pilots_visible_to_each_role(world):
    pilot = world["pilot"]()
    people = world["people"]

    visible = {role: list(pilots_visible_to(people[role])) for role in ROLES}

    assert visible == {
        "requester": [pilot],
        "supplier": [pilot],
        "co_owner": [pilot],
        "outsider": [],
    }
    assert list(pilots_asked_for(people["requester"])) == [pilot]
    assert list(pilots_asked_of(people["supplier"])) == [pilot]
    assert list(pilots_asked_for(people["co_owner"])) == []
    assert list(pilots_visible_to(UserFactory())) == []


def test_pilot_message_by_each_side_notifies_the_other(world):
    pilot = world["pilot"]()
    people = world["people"]
    Notification.objects.all().delete()

    workflows.pilot_message_post(actor=people["requester"], pilot=pilot, body="When can we start?")
    workflows.pilot_message_post(actor=people["supplier"], pilot=pilot, body="Next Monday.")

    assert list(PilotMessage.objects.values_list("organisation__name", "body")) == [
        ("Northshire County Council", "When can we start?"),
        ("Brightbin Ltd", "Next Monday."),
    ]
    assert sorted(Notification.objects.values_list("recipient", "text")) == sorted(
        [
            (
                people["supplier"].pk,
                "New message from Northshire County Council on the pilot “Pilot of Smart bins”.",
            ),
            (
                people["requester"].pk,
                "New message from Brightbin Ltd on the pilot “Pilot of Smart bins”.",
            ),
        ]
    )


@pytest.mark.parametrize("role", ["co_owner", "outsider"])
def test_pilot_message_by_non_party_is_refused(world, role):
    pilot = world["pilot"]()

    with pytest.raises(PermissionDenied):
        workflows.pilot_message_post(actor=world["people"][role], pilot=pilot, body="Hello")

    assert PilotMessage.objects.count() == 0
