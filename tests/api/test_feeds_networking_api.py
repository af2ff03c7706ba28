"""API: feed URLs, the personal feed token, pitch applications, meeting slots and requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from events.enums import PitchStatus
from events.models import AgendaItem, CalendarToken, MeetingRequest, MeetingSlot, PitchApplication
from events.services import networking as services
from tests.factories.events import book, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(api_client):
    def authenticate(user):
        api_client.force_authenticate(user)
        return api_client

    return authenticate


# --- Feed URLs --------------------------------------------------------------------------------


def test_event_detail_has_feed_urls(api_client):
    event = make_event()

    data = api_client.get(f"/api/v1/events/{event.pk}/").json()

    assert data["ics_url"] == f"http://testserver/events/{event.slug}/feed.ics"
    assert data["webcal_url"] == f"webcal://testserver/events/{event.slug}/feed.ics"


def test_calendar_feed_needs_login(api_client):
    assert api_client.get("/api/v1/calendar-feed/").status_code == 401
    assert api_client.post("/api/v1/calendar-feed/").status_code == 401
    assert CalendarToken.objects.count() == 0


def test_calendar_feed_create_rotate_revoke(as_user, client):
    me = UserFactory()
    book(ticket(make_event(title="Booked breakfast")), user=me)
    api = as_user(me)

    empty = api.get("/api/v1/calendar-feed/").json()
    created = api.post("/api/v1/calendar-feed/")
    again = api.post("/api/v1/calendar-feed/")
    status_after = api.get("/api/v1/calendar-feed/").json()
    rotated = api.post("/api/v1/calendar-feed/rotate/").json()
    revoked = api.post("/api/v1/calendar-feed/revoke/").json()

    assert empty == {
        "active": False,
        "created_at": None,
        "last_used_at": None,
        "url": None,
        "webcal_url": None,
    }
    first = created.json()
    assert created.status_code == 201
    assert created["Cache-Control"] == "no-store"
    assert first["active"] is True
    assert first["url"].startswith("http://testserver/calendar/")
    assert first["webcal_url"] == first["url"].replace("http://", "webcal://")
    assert again.status_code == 409
    assert (status_after["active"], status_after["url"]) == (True, None)
    path = first["url"].removeprefix("http://testserver")
    new_path = rotated["url"].removeprefix("http://testserver")
    assert rotated["url"] != first["url"]
    assert revoked["active"] is False
    assert client.get(path).status_code == 404
    assert client.get(new_path).status_code == 404


# --- Pitch applications -----------------------------------------------------------------------


@pytest.fixture
def pitching():
    breakfast = make_event(title="Digital breakfast", hours=3)
    person = UserFactory()
    organisation = make_organisation(admin=person, kind="supplier", name="Bins Ltd")
    listing = make_listing(organisation=organisation, author=person, title="Smart bins")
    return breakfast, person, listing


def test_pitch_application_flow(as_user, pitching):
    breakfast, person, listing = pitching
    organiser = organiser_of(breakfast)

    created = as_user(person).post(
        "/api/v1/pitch-applications/",
        {"event": breakfast.pk, "listing": listing.pk, "pitch": "Fewer lorries."},
        format="json",
    )
    pk = created.json()["id"]
    mine = as_user(person).get("/api/v1/pitch-applications/?side=mine").json()
    theirs = as_user(organiser).get("/api/v1/pitch-applications/?side=organiser").json()
    by_applicant = as_user(person).post(
        f"/api/v1/pitch-applications/{pk}/accept/",
        {"starts_at": breakfast.starts_at.isoformat()},
        format="json",
    )
    accepted = as_user(organiser).post(
        f"/api/v1/pitch-applications/{pk}/accept/",
        {"starts_at": (breakfast.starts_at + timedelta(minutes=20)).isoformat()},
        format="json",
    )

    assert created.status_code == 201
    assert created.json()["status"] == "pending"
    assert [row["id"] for row in mine["results"]] == [pk]
    assert [row["id"] for row in theirs["results"]] == [pk]
    assert by_applicant.status_code == 403
    assert accepted.status_code == 200
    item = AgendaItem.objects.get(event=breakfast)
    assert accepted.json()["status"] == "accepted"
    assert accepted.json()["agenda_item"] == str(item.uid)


def test_pitch_decline_needs_reason_and_withdraw(as_user, pitching):
    breakfast, person, listing = pitching
    application = services.pitch_application_create(
        actor=person, event=breakfast, listing=listing, pitch="P"
    )
    organiser = as_user(organiser_of(breakfast))

    no_reason = organiser.post(f"/api/v1/pitch-applications/{application.pk}/decline/", {})
    declined = organiser.post(
        f"/api/v1/pitch-applications/{application.pk}/decline/", {"reason": "Full."}
    )
    withdraw = as_user(person).post(f"/api/v1/pitch-applications/{application.pk}/withdraw/")

    assert no_reason.status_code == 400
    assert declined.json()["decline_reason"] == "Full."
    assert withdraw.status_code == 409
    application.refresh_from_db()
    assert application.status == PitchStatus.DECLINED


def test_pitch_applications_invisible_to_others(as_user, pitching):
    breakfast, person, listing = pitching
    application = services.pitch_application_create(
        actor=person, event=breakfast, listing=listing, pitch="P"
    )
    stranger = as_user(UserFactory())

    assert stranger.get("/api/v1/pitch-applications/").json()["results"] == []
    assert stranger.get(f"/api/v1/pitch-applications/{application.pk}/").status_code == 404
    assert stranger.get("/api/v1/pitch-applications/?side=nonsense").status_code == 400


def test_pitch_of_unknown_listing_is_400(as_user, pitching):
    breakfast, person, _ = pitching
    other_listing = make_listing(title="Not mine")

    response = as_user(person).post(
        "/api/v1/pitch-applications/",
        {"event": breakfast.pk, "listing": other_listing.pk, "pitch": "P"},
        format="json",
    )

    assert response.status_code == 400
    assert PitchApplication.objects.count() == 0


# --- Meeting slots and requests ---------------------------------------------------------------


@pytest.fixture
def meeting_world():
    event = make_event(title="Digital breakfast", hours=3)
    ana = UserFactory()
    make_organisation(admin=ana, name="Northshire Council")
    olu = UserFactory()
    olu_org = make_organisation(admin=olu, kind="supplier", name="Bins Ltd")
    book(ticket(event), user=ana)
    book(ticket(event), user=olu)
    return event, ana, olu, olu_org


def test_meeting_slot_create_is_for_organisers(as_user, meeting_world):
    event, ana, _, _ = meeting_world
    body = {
        "event": event.pk,
        "starts_at": (event.starts_at + timedelta(hours=1)).isoformat(),
        "ends_at": (event.starts_at + timedelta(hours=1, minutes=15)).isoformat(),
        "tables": 4,
    }

    refused = as_user(ana).post("/api/v1/meeting-slots/", body, format="json")
    created = as_user(organiser_of(event)).post("/api/v1/meeting-slots/", body, format="json")
    listed = as_user(ana).get(f"/api/v1/meeting-slots/?event={event.pk}").json()
    bad_filter = as_user(ana).get("/api/v1/meeting-slots/?event=abc")

    assert refused.status_code == 403
    assert created.status_code == 201
    assert created.json()["tables"] == 4
    assert [row["id"] for row in listed["results"]] == [created.json()["id"]]
    assert bad_filter.status_code == 400


def test_meeting_slot_delete(as_user, meeting_world):
    event, ana, _, _ = meeting_world
    slot = services.meeting_slot_create(
        actor=organiser_of(event),
        event=event,
        starts_at=event.starts_at,
        ends_at=event.starts_at + timedelta(minutes=15),
        tables=1,
    )

    refused = as_user(ana).delete(f"/api/v1/meeting-slots/{slot.pk}/")
    deleted = as_user(organiser_of(event)).delete(f"/api/v1/meeting-slots/{slot.pk}/")

    assert (refused.status_code, deleted.status_code) == (403, 204)
    assert MeetingSlot.objects.count() == 0


def test_meeting_request_flow(as_user, meeting_world):
    event, ana, olu, olu_org = meeting_world
    services.meeting_slot_create(
        actor=organiser_of(event),
        event=event,
        starts_at=event.starts_at + timedelta(hours=1),
        ends_at=event.starts_at + timedelta(hours=1, minutes=15),
        tables=2,
    )

    created = as_user(ana).post(
        "/api/v1/meeting-requests/",
        {"event": event.pk, "to_organisation": olu_org.slug, "message": "Coffee?"},
        format="json",
    )
    pk = created.json()["id"]
    self_accept = as_user(ana).post(f"/api/v1/meeting-requests/{pk}/accept/")
    accepted = as_user(olu).post(f"/api/v1/meeting-requests/{pk}/accept/")
    cancelled = as_user(ana).post(f"/api/v1/meeting-requests/{pk}/cancel/")

    assert created.status_code == 201
    assert created.json()["status"] == "requested"
    assert self_accept.status_code == 403
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["table"]) == ("accepted", 1)
    assert cancelled.json()["status"] == "cancelled"


def test_meeting_request_by_unbooked_person_is_403(as_user, meeting_world):
    event, _, _, olu_org = meeting_world
    outsider = UserFactory()
    make_organisation(admin=outsider)

    response = as_user(outsider).post(
        "/api/v1/meeting-requests/",
        {"event": event.pk, "to_organisation": olu_org.slug},
        format="json",
    )

    assert response.status_code == 403
    assert MeetingRequest.objects.count() == 0


def test_meeting_decline_and_visibility(as_user, meeting_world):
    event, ana, olu, olu_org = meeting_world
    meeting = services.meeting_request_create(actor=ana, event=event, to_organisation=olu_org)

    hidden = as_user(UserFactory()).get(f"/api/v1/meeting-requests/{meeting.pk}/")
    declined = as_user(olu).post(
        f"/api/v1/meeting-requests/{meeting.pk}/decline/", {"reason": "Busy"}
    )

    assert hidden.status_code == 404
    assert (declined.json()["status"], declined.json()["decline_reason"]) == ("declined", "Busy")


@pytest.mark.parametrize("n", [1, 3])
def test_meeting_request_list_queries_do_not_grow(as_user, django_assert_num_queries, n):
    event = make_event(hours=3)
    ana = UserFactory()
    make_organisation(admin=ana, name="Asker")
    book(ticket(event), user=ana)
    for i in range(n):
        person = UserFactory()
        org = make_organisation(admin=person, name=f"Guest {i}")
        book(ticket(event), user=person)
        services.meeting_request_create(actor=ana, event=event, to_organisation=org)
    api = as_user(ana)

    with django_assert_num_queries(3):
        response = api.get(reverse("api:meeting-request-list"))

    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [1, 3])
def test_pitch_list_queries_do_not_grow(as_user, django_assert_num_queries, n):
    person = UserFactory()
    organisation = make_organisation(admin=person, kind="supplier")
    for i in range(n):
        event = make_event(title=f"Breakfast {i}")
        listing = make_listing(organisation=organisation, author=person, title=f"Offer {i}")
        services.pitch_application_create(actor=person, event=event, listing=listing, pitch="P")
    api = as_user(person)

    with django_assert_num_queries(3):
        response = api.get(reverse("api:pitch-application-list"))

    assert response.json()["count"] == n
