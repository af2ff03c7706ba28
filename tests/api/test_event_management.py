"""Organisers create, edit, publish, cancel and copy events through the API, with the web's
permissions: exact bodies, denials that change nothing, service errors as 400/409 naming
the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import AgendaItem, Booking, Event, EventListing, TicketType
from events.services import agenda_item_create, event_cancel, event_listing_link
from exchange.models import OutboxMessage
from tests.factories.events import book, in_days, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/events/"


def detail(event: Event) -> str:
    return f"{EVENTS}{event.pk}/"


def snapshot(event: Event) -> tuple:
    """What a refused write must leave alone."""
    event.refresh_from_db()
    return (
        event.title,
        event.status,
        event.starts_at,
        event.capacity,
        event.sequence,
        event.last_modified,
        Event.objects.count(),
        OutboxMessage.objects.count(),
    )


@pytest.fixture
def as_user(api_client):
    def authenticate(user):
        api_client.force_authenticate(user)
        return api_client

    return authenticate


@pytest.fixture
def organiser_org():
    return make_organisation(name="Northshire County Council")


@pytest.fixture
def organiser(organiser_org):
    return organiser_org.memberships.get().user


def new_event_body(org, **overrides):
    starts = in_days(30)
    return {
        "organisation": org.slug,
        "kind": "breakfast",
        "title": "  Digital   breakfast ",
        "summary": "Councils and suppliers talk about what works.",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "capacity": 40,
        "venue_name": "Town Hall",
        "tags": ["Social care", "waste"],
        **overrides,
    }


# --- Create -----------------------------------------------------------------------------------


def test_event_create_by_member_makes_a_draft(as_user, organiser, organiser_org):
    body = new_event_body(organiser_org, online_url="https://meet.example.org/secret")

    response = as_user(organiser).post(EVENTS, body, format="json")

    event = Event.objects.get()
    data = response.json()
    assert response.status_code == 201
    assert response["Location"] == f"http://testserver{detail(event)}"
    assert (event.title, event.status, event.capacity, event.organiser) == (
        "Digital breakfast",
        "draft",
        40,
        organiser_org,
    )
    assert event.online_url == "https://meet.example.org/secret"
    assert (data["id"], data["title"], data["status"], data["kind"]) == (
        event.pk,
        "Digital breakfast",
        "draft",
        "breakfast",
    )
    assert data["tags"] == ["social-care", "waste"]
    assert data["region"] == organiser_org.region
    assert data["organiser"]["slug"] == organiser_org.slug
    assert data["agenda"] == []
    assert data["ticket_types"] == []
    assert data["online"] is True
    assert data["online_url"] == "https://meet.example.org/secret"  # the organisers' own link


def test_event_online_link_is_shown_to_its_organisers_only(as_user):
    event = make_event(online_url="https://meet.example.org/room-7")
    stranger = add_member(make_organisation(name="Elsewhere"), UserFactory())

    seen_by_organiser = as_user(organiser_of(event)).get(detail(event)).json()
    seen_by_stranger = as_user(stranger).get(detail(event)).json()

    assert seen_by_organiser["online_url"] == "https://meet.example.org/room-7"
    assert (seen_by_stranger["online"], seen_by_stranger["online_url"]) == (True, None)


def test_event_create_draft_is_visible_only_to_organisers(as_user, organiser, organiser_org):
    created = as_user(organiser).post(EVENTS, new_event_body(organiser_org), format="json")
    url = created.json()["url"]

    outsider = as_user(UserFactory()).get(url)
    member = as_user(add_member(organiser_org)).get(url)

    assert (outsider.status_code, member.status_code) == (404, 200)


def test_event_create_for_another_organisation_is_forbidden(as_user, organiser_org):
    outsider = add_member(make_organisation(name="Brightbin Ltd", kind="supplier"))

    response = as_user(outsider).post(EVENTS, new_event_body(organiser_org), format="json")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert Event.objects.count() == 0


def test_event_create_anonymous_is_401(api_client, organiser_org):
    response = api_client.post(EVENTS, new_event_body(organiser_org), format="json")

    assert response.status_code == 401
    assert Event.objects.count() == 0


def test_event_create_ending_before_it_starts_is_400_naming_ends_at(
    as_user, organiser, organiser_org
):
    starts = in_days(30)
    body = new_event_body(organiser_org, ends_at=(starts - timedelta(hours=1)).isoformat())

    response = as_user(organiser).post(EVENTS, body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "ends_at": ["The event must end after it starts."]
    }
    assert Event.objects.count() == 0


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"organisation": "no-such-org"}, "organisation"),
        ({"kind": "picnic"}, "kind"),
        ({"capacity": 0}, "capacity"),
        ({"starts_at": "3000-01-01T09:00:00Z"}, "starts_at"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"tags": [f"tag {n}" for n in range(13)]}, "tags"),
    ],
)
def test_event_create_bad_input_is_400_naming_the_field(
    as_user, organiser, organiser_org, override, field
):
    response = as_user(organiser).post(
        EVENTS, new_event_body(organiser_org, **override), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    assert Event.objects.count() == 0


def test_event_create_replays_with_the_same_idempotency_key(as_user, organiser, organiser_org):
    client = as_user(organiser)
    body = new_event_body(organiser_org)

    first = client.post(EVENTS, body, format="json", HTTP_IDEMPOTENCY_KEY="create-1")
    again = client.post(EVENTS, body, format="json", HTTP_IDEMPOTENCY_KEY="create-1")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Event.objects.count() == 1


# --- Edit -------------------------------------------------------------------------------------


def test_event_edit_changes_only_what_is_sent(as_user):
    event = make_event(title="Old title", tag_names=("care",))
    before = event.sequence

    response = as_user(organiser_of(event)).patch(
        detail(event), {"title": "New title", "capacity": 60}, format="json"
    )

    event.refresh_from_db()
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["capacity"]) == ("New title", 60)
    assert response.json()["tags"] == ["care"]
    assert (event.title, event.capacity, event.venue_name) == ("New title", 60, "Town Hall")
    assert event.sequence == before + 1


def test_event_edit_with_if_match_of_an_old_etag_is_412(as_user):
    event = make_event()
    client = as_user(organiser_of(event))
    etag = client.get(detail(event))["ETag"]
    client.patch(detail(event), {"title": "Changed once"}, format="json")
    before = snapshot(event)

    response = client.patch(
        detail(event), {"title": "Changed twice"}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 412
    assert snapshot(event) == before


def test_event_edit_by_non_organiser_is_403_and_changes_nothing(as_user):
    event = make_event()
    before = snapshot(event)

    response = as_user(UserFactory()).patch(detail(event), {"title": "Hijacked"}, format="json")

    assert response.status_code == 403
    assert snapshot(event) == before


def test_event_edit_of_another_organisations_draft_is_404(as_user):
    event = make_event(publish=False)
    before = snapshot(event)

    response = as_user(UserFactory()).patch(detail(event), {"title": "Hijacked"}, format="json")

    assert response.status_code == 404
    assert snapshot(event) == before


def test_event_edit_capacity_below_seats_booked_is_400_naming_capacity(as_user):
    event = make_event(capacity=10)
    book(ticket(event), quantity=4)
    before = snapshot(event)

    response = as_user(organiser_of(event)).patch(detail(event), {"capacity": 3}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "capacity": ["4 seats are already booked, held or offered."]
    }
    assert snapshot(event) == before


def test_event_edit_of_a_cancelled_event_is_409(as_user):
    event = make_event()
    event = event_cancel(actor=organiser_of(event), event=event, reason="Snow")
    before = snapshot(event)

    response = as_user(organiser_of(event)).patch(detail(event), {"title": "Again"}, format="json")

    assert response.status_code == 409
    assert response.json()["error"]["message"] == "A cancelled event cannot be edited."
    assert snapshot(event) == before


def test_event_put_is_not_allowed(as_user):
    event = make_event()

    response = as_user(organiser_of(event)).put(detail(event), {"title": "x"}, format="json")

    assert response.status_code == 405


# --- Publish ----------------------------------------------------------------------------------


def test_event_publish_opens_it_and_queues_the_webhook(as_user):
    event = make_event(publish=False)
    before = set(OutboxMessage.objects.values_list("pk", flat=True))

    response = as_user(organiser_of(event)).post(f"{detail(event)}publish/")

    event.refresh_from_db()
    queued = OutboxMessage.objects.exclude(pk__in=before)
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    assert event.status == "published"
    assert [
        (m.kind, m.payload["type"], m.payload["resource"], m.payload["id"]) for m in queued
    ] == [("domain_event", "event.published", "event", event.pk)]


def test_event_publish_without_ticket_types_is_400(as_user):
    event = make_event(publish=False, tickets=[])
    before = snapshot(event)

    response = as_user(organiser_of(event)).post(f"{detail(event)}publish/")

    assert response.status_code == 400
    assert response.json()["error"]["non_field_errors"] == [
        "Add at least one ticket type before publishing."
    ]
    assert snapshot(event) == before


def test_event_publish_twice_is_409(as_user):
    event = make_event()
    before = snapshot(event)

    response = as_user(organiser_of(event)).post(f"{detail(event)}publish/")

    assert response.status_code == 409
    assert snapshot(event) == before


def test_event_publish_by_a_stranger_of_a_draft_is_404(as_user):
    event = make_event(publish=False)
    before = snapshot(event)

    response = as_user(UserFactory()).post(f"{detail(event)}publish/")

    assert response.status_code == 404
    assert snapshot(event) == before


# --- Cancel -----------------------------------------------------------------------------------


def test_event_cancel_cancels_bookings_and_records_the_reason(as_user):
    event = make_event()
    booking = book(ticket(event), quantity=2)

    response = as_user(organiser_of(event)).post(
        f"{detail(event)}cancel/", {"reason": "The venue flooded."}, format="json"
    )

    event.refresh_from_db()
    booking.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert (event.status, event.cancellation_reason) == ("cancelled", "The venue flooded.")
    assert booking.status == "cancelled"


def test_event_cancel_without_a_reason_is_400(as_user):
    event = make_event()
    before = snapshot(event)

    response = as_user(organiser_of(event)).post(f"{detail(event)}cancel/", {}, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["reason"]
    assert snapshot(event) == before


def test_event_cancel_by_a_booker_is_403_and_keeps_their_booking(as_user):
    event = make_event()
    booker = UserFactory()
    booking = book(ticket(event), user=booker)
    before = snapshot(event)

    response = as_user(booker).post(f"{detail(event)}cancel/", {"reason": "No"}, format="json")

    booking.refresh_from_db()
    assert response.status_code == 403
    assert snapshot(event) == before
    assert booking.status == "confirmed"


# --- Copy -------------------------------------------------------------------------------------


def test_event_copy_makes_a_draft_with_everything_moved(as_user):
    event = make_event(tickets=[{"name": "Early", "sales_end": in_days(13)}], tag_names=("care",))
    organiser = organiser_of(event)
    agenda_item_create(actor=organiser, event=event, starts_at=event.starts_at, title="Welcome")
    listing = make_listing(organisation=event.organiser)
    event_listing_link(actor=organiser, event=event, listing=listing)
    book(ticket(event))
    starts = event.starts_at + timedelta(days=28)

    response = as_user(organiser).post(
        f"{detail(event)}copy/", {"starts_at": starts.isoformat()}, format="json"
    )

    copy = Event.objects.exclude(pk=event.pk).get()
    data = response.json()
    assert response.status_code == 201
    assert response["Location"] == f"http://testserver{detail(copy)}"
    assert (data["id"], data["status"], data["tags"]) == (copy.pk, "draft", ["care"])
    assert copy.starts_at == starts
    assert copy.previous_in_series == event
    assert [(t.name, t.sales_end) for t in TicketType.objects.filter(event=copy)] == [
        ("Early", in_days(13) + timedelta(days=28))
    ]
    assert [(a.title, a.starts_at) for a in AgendaItem.objects.filter(event=copy)] == [
        ("Welcome", starts)
    ]
    assert list(EventListing.objects.filter(event=copy).values_list("listing", flat=True)) == [
        listing.pk
    ]
    assert Booking.objects.filter(event=copy).count() == 0


def test_event_copy_by_a_non_organiser_is_403(as_user):
    event = make_event()
    before = snapshot(event)

    response = as_user(UserFactory()).post(
        f"{detail(event)}copy/", {"starts_at": in_days(60).isoformat()}, format="json"
    )

    assert response.status_code == 403
    assert snapshot(event) == before


@pytest.mark.parametrize("starts_at", ["1999-12-31T09:00:00Z", "9999-12-31T23:00:00Z", "soon"])
def test_event_copy_to_an_impossible_start_is_400(as_user, starts_at):
    event = make_event()
    before = snapshot(event)

    response = as_user(organiser_of(event)).post(
        f"{detail(event)}copy/", {"starts_at": starts_at}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["starts_at"]
    assert snapshot(event) == before


def test_event_copy_replays_with_the_same_idempotency_key(as_user):
    event = make_event()
    client = as_user(organiser_of(event))
    body = {"starts_at": (timezone.now() + timedelta(days=60)).isoformat()}

    first = client.post(f"{detail(event)}copy/", body, format="json", HTTP_IDEMPOTENCY_KEY="c")
    again = client.post(f"{detail(event)}copy/", body, format="json", HTTP_IDEMPOTENCY_KEY="c")

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert Event.objects.count() == 2
