"""An event's ticket types, agenda and linked listings through the API: everyone who sees the
event reads them, its organisers write them through the programme services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.fields import DateTimeField

from events.models import AgendaItem, EventListing, TicketType
from events.services import agenda_item_create, event_cancel, event_listing_link
from tests.factories.events import book, in_days, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db

as_json_time = DateTimeField().to_representation


@pytest.fixture
def as_user(api_client):
    def authenticate(user):
        api_client.force_authenticate(user)
        return api_client

    return authenticate


@pytest.fixture
def event():
    return make_event(capacity=50, starts_at=in_days(30), hours=3)


def ticket_types(event) -> str:
    return f"/api/v1/events/{event.pk}/ticket-types/"


def agenda(event) -> str:
    return f"/api/v1/events/{event.pk}/agenda/"


def links(event) -> str:
    return f"/api/v1/events/{event.pk}/listings/"


def ticket_rows(event) -> list[tuple]:
    return list(
        TicketType.objects.filter(event=event)
        .order_by("pk")
        .values_list("name", "price_pence", "capacity", "early_bird_price_pence", "sales_end")
    )


def agenda_rows(event) -> list[tuple]:
    return list(
        AgendaItem.objects.filter(event=event)
        .order_by("pk")
        .values_list("title", "starts_at", "speaker_name", "sequence")
    )


def link_rows(event) -> list[tuple]:
    return list(
        EventListing.objects.filter(event=event).order_by("pk").values_list("listing", "role")
    )


# --- Ticket types -----------------------------------------------------------------------------


def test_ticket_type_create_with_every_price_rule(as_user, event):
    body = {
        "name": "Delegate",
        "description": "Coffee and pastries included.",
        "price_pence": 4500,
        "capacity": 30,
        "max_per_booking": 6,
        "sales_start": in_days(1).isoformat(),
        "sales_end": in_days(29).isoformat(),
        "early_bird_price_pence": 3000,
        "early_bird_until": in_days(10).isoformat(),
        "group_tiers": [{"min_seats": 5, "percent_off": 10}, {"min_seats": 10, "percent_off": 20}],
        "position": 1,
    }

    response = as_user(organiser_of(event)).post(ticket_types(event), body, format="json")

    created = TicketType.objects.get(event=event, name="Delegate")
    assert response.status_code == 201
    assert response.json() == {
        "id": created.pk,
        "name": "Delegate",
        "description": "Coffee and pastries included.",
        "price_pence": 4500,
        "price_now_pence": 3000,
        "early_bird_now": True,
        "early_bird_price_pence": 3000,
        "early_bird_until": as_json_time(in_days(10)),
        "group_tiers": [
            {"min_seats": 5, "percent_off": 10},
            {"min_seats": 10, "percent_off": 20},
        ],
        "capacity": 30,
        "seats_left": 30,
        "max_per_booking": 6,
        "sales_start": as_json_time(in_days(1)),
        "sales_end": as_json_time(in_days(29)),
        "on_sale": False,
    }


def test_ticket_type_list_and_detail_for_everyone_who_sees_the_event(api_client, event):
    standard = ticket(event)
    book(standard, quantity=2)

    listed = api_client.get(ticket_types(event))
    one = api_client.get(f"{ticket_types(event)}{standard.pk}/")

    assert listed.status_code == 200
    assert [(t["id"], t["name"], t["seats_left"]) for t in listed.json()["results"]] == [
        (standard.pk, "Standard", 48)
    ]
    assert one.json() == listed.json()["results"][0]
    assert one["ETag"].startswith('W/"')
    assert api_client.get(one.request["PATH_INFO"], HTTP_IF_NONE_MATCH=one["ETag"]).status_code == (
        304
    )


@pytest.mark.parametrize("n", [1, 3])
def test_ticket_type_list_query_count_is_constant(api_client, django_assert_num_queries, n):
    event = make_event(tickets=[{"name": f"Type {i}", "capacity": 10} for i in range(n)])
    book(ticket(event, "Type 0"))

    with django_assert_num_queries(5):
        response = api_client.get(ticket_types(event))

    assert len(response.json()["results"]) == n


def test_ticket_type_edit_changes_the_price_not_existing_bookings(as_user, event):
    standard = ticket(event)
    booking = book(standard)

    response = as_user(organiser_of(event)).patch(
        f"{ticket_types(event)}{standard.pk}/", {"price_pence": 1200}, format="json"
    )

    booking.refresh_from_db()
    assert response.status_code == 200
    assert (response.json()["price_pence"], response.json()["price_now_pence"]) == (1200, 1200)
    assert ticket_rows(event) == [("Standard", 1200, 50, None, None)]
    assert booking.unit_price_pence == 0


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        (
            {"early_bird_price_pence": 500},
            {"early_bird_price_pence": ["Give both an early-bird price and its deadline."]},
        ),
        (
            {"price_pence": 1000, "early_bird_price_pence": 1000, "early_bird_until": "EB"},
            {"early_bird_price_pence": ["The early-bird price must be below the full price."]},
        ),
        (
            {"sales_start": "START", "sales_end": "START"},
            {"sales_end": ["Sales must end after they start."]},
        ),
        ({"sales_end": "AFTER"}, {"sales_end": ["Sales must end by the end of the event."]}),
        ({"capacity": 51}, {"capacity": ["The event has 50 seats in all."]}),
        (
            {
                "group_tiers": [
                    {"min_seats": 5, "percent_off": 10},
                    {"min_seats": 5, "percent_off": 5},
                ]
            },
            {"group_tiers": ["Two group tiers start at the same number of seats."]},
        ),
        (
            {"group_tiers": [{"min_seats": 1, "percent_off": 10}]},
            {"group_tiers": ["Each group tier needs at least 2 seats and 1–100 percent off."]},
        ),
    ],
)
def test_ticket_type_create_breaking_a_price_rule_is_400_naming_the_field(
    as_user, event, body, fields
):
    moments = {
        "EB": in_days(5).isoformat(),
        "START": in_days(5).isoformat(),
        "AFTER": (event.ends_at + timedelta(hours=1)).isoformat(),
    }
    body = {k: moments.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = ticket_rows(event)

    response = as_user(organiser_of(event)).post(
        ticket_types(event), {"name": "New", "price_pence": 1000, "capacity": 5, **body}
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == fields
    assert ticket_rows(event) == before


def test_ticket_type_create_with_a_taken_name_is_400(as_user, event):
    before = ticket_rows(event)

    response = as_user(organiser_of(event)).post(
        ticket_types(event), {"name": "Standard", "price_pence": 0, "capacity": 5}
    )

    assert response.status_code == 400
    assert ticket_rows(event) == before


def test_ticket_type_capacity_below_seats_booked_is_400(as_user, event):
    standard = ticket(event)
    book(standard, quantity=3)
    before = ticket_rows(event)

    response = as_user(organiser_of(event)).patch(
        f"{ticket_types(event)}{standard.pk}/", {"capacity": 2}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "capacity": ["3 seats are already booked, held or offered."]
    }
    assert ticket_rows(event) == before


def test_ticket_type_writes_by_a_non_organiser_are_403_and_change_nothing(as_user, event):
    standard = ticket(event)
    client = as_user(add_member(make_organisation(name="Brightbin Ltd", kind="supplier")))
    before = ticket_rows(event)

    created = client.post(ticket_types(event), {"name": "Mine", "price_pence": 0, "capacity": 1})
    changed = client.patch(f"{ticket_types(event)}{standard.pk}/", {"price_pence": 1})
    removed = client.delete(f"{ticket_types(event)}{standard.pk}/")

    assert (created.status_code, changed.status_code, removed.status_code) == (403, 403, 403)
    assert ticket_rows(event) == before


def test_ticket_types_of_another_organisations_draft_are_404(as_user):
    draft = make_event(publish=False)
    client = as_user(UserFactory())
    before = ticket_rows(draft)

    listed = client.get(ticket_types(draft))
    created = client.post(ticket_types(draft), {"name": "Mine", "price_pence": 0, "capacity": 1})

    assert (listed.status_code, created.status_code) == (404, 404)
    assert ticket_rows(draft) == before


def test_ticket_type_of_another_event_is_404(as_user, event):
    other = make_event(organisation=event.organiser, title="Other")
    before = ticket_rows(other)

    response = as_user(organiser_of(event)).patch(
        f"{ticket_types(event)}{ticket(other).pk}/", {"price_pence": 1}, format="json"
    )

    assert response.status_code == 404
    assert ticket_rows(other) == before


def test_ticket_type_delete(as_user, event):
    spare = TicketType.objects.create(event=event, name="Spare", capacity=5)

    response = as_user(organiser_of(event)).delete(f"{ticket_types(event)}{spare.pk}/")

    assert response.status_code == 204
    assert ticket_rows(event) == [("Standard", 0, 50, None, None)]


def test_ticket_type_delete_once_booked_is_409(as_user, event):
    standard = ticket(event)
    book(standard)
    before = ticket_rows(event)

    response = as_user(organiser_of(event)).delete(f"{ticket_types(event)}{standard.pk}/")

    assert response.status_code == 409
    assert response.json()["error"]["message"] == (
        "People have booked these tickets; they cannot be removed."
    )
    assert ticket_rows(event) == before


# --- Agenda -----------------------------------------------------------------------------------


def test_agenda_item_create_with_a_speaker(as_user, event):
    body = {
        "starts_at": (event.starts_at + timedelta(minutes=30)).isoformat(),
        "ends_at": (event.starts_at + timedelta(minutes=50)).isoformat(),
        "title": "Smart bins in practice",
        "description": "What a year of sensors taught us.",
        "speaker_name": "Asha Patel",
        "speaker_organisation": "Brightbin Ltd",
        "speaker_bio": "Runs operations at Brightbin.",
    }

    response = as_user(organiser_of(event)).post(agenda(event), body, format="json")

    item = AgendaItem.objects.get(event=event)
    assert response.status_code == 201
    assert response.json() == {
        "id": item.pk,
        "uid": str(item.uid),
        "starts_at": as_json_time(event.starts_at + timedelta(minutes=30)),
        "ends_at": as_json_time(event.starts_at + timedelta(minutes=50)),
        "title": "Smart bins in practice",
        "description": "What a year of sensors taught us.",
        "speaker_name": "Asha Patel",
        "speaker_organisation": "Brightbin Ltd",
        "speaker_bio": "Runs operations at Brightbin.",
        "sequence": 0,
        "last_modified": as_json_time(item.last_modified),
    }


@pytest.mark.parametrize(
    ("offsets", "field", "message"),
    [
        ((-1, None), "starts_at", "The item must start during the event."),
        ((1, 4), "ends_at", "The item must end after it starts, by the event's end."),
    ],
)
def test_agenda_item_outside_the_event_is_400_naming_the_field(
    as_user, event, offsets, field, message
):
    starts, ends = offsets
    body = {"title": "Late", "starts_at": (event.starts_at + timedelta(hours=starts)).isoformat()}
    if ends is not None:
        body["ends_at"] = (event.starts_at + timedelta(hours=ends)).isoformat()

    response = as_user(organiser_of(event)).post(agenda(event), body, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {field: [message]}
    assert agenda_rows(event) == []


def test_agenda_item_edit_bumps_its_sequence(as_user, event):
    organiser = organiser_of(event)
    item = agenda_item_create(actor=organiser, event=event, starts_at=event.starts_at, title="Hi")

    response = as_user(organiser).patch(
        f"{agenda(event)}{item.pk}/", {"speaker_name": "Sam Jones"}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["speaker_name"], response.json()["sequence"]) == ("Sam Jones", 1)
    assert agenda_rows(event) == [("Hi", event.starts_at, "Sam Jones", 1)]


def test_agenda_item_delete(as_user, event):
    organiser = organiser_of(event)
    item = agenda_item_create(actor=organiser, event=event, starts_at=event.starts_at, title="Hi")

    response = as_user(organiser).delete(f"{agenda(event)}{item.pk}/")

    assert response.status_code == 204
    assert agenda_rows(event) == []


def test_agenda_writes_by_a_non_organiser_are_403_and_change_nothing(as_user, event):
    item = agenda_item_create(
        actor=organiser_of(event), event=event, starts_at=event.starts_at, title="Hi"
    )
    client = as_user(UserFactory())
    before = agenda_rows(event)

    created = client.post(agenda(event), {"title": "Mine", "starts_at": event.starts_at})
    changed = client.patch(f"{agenda(event)}{item.pk}/", {"title": "Mine"})
    removed = client.delete(f"{agenda(event)}{item.pk}/")

    assert (created.status_code, changed.status_code, removed.status_code) == (403, 403, 403)
    assert agenda_rows(event) == before


def test_agenda_of_a_cancelled_event_is_frozen(as_user, event):
    organiser = organiser_of(event)
    event_cancel(actor=organiser, event=event, reason="Snow")

    response = as_user(organiser).post(
        agenda(event), {"title": "Late", "starts_at": event.starts_at.isoformat()}, format="json"
    )

    assert response.status_code == 409
    assert agenda_rows(event) == []


@pytest.mark.parametrize("n", [1, 3])
def test_agenda_list_query_count_is_constant(api_client, django_assert_num_queries, event, n):
    organiser = organiser_of(event)
    for i in range(n):
        start = event.starts_at + timedelta(minutes=10 * i)
        agenda_item_create(actor=organiser, event=event, starts_at=start, title=f"Item {i}")

    with django_assert_num_queries(3):
        response = api_client.get(agenda(event))

    assert [item["title"] for item in response.json()["results"]] == [f"Item {i}" for i in range(n)]


def test_event_detail_agenda_items_carry_their_ids(api_client, event):
    item = agenda_item_create(
        actor=organiser_of(event), event=event, starts_at=event.starts_at, title="Hi"
    )

    response = api_client.get(f"/api/v1/events/{event.pk}/")

    assert [(a["id"], a["title"]) for a in response.json()["agenda"]] == [(item.pk, "Hi")]


# --- Linked listings --------------------------------------------------------------------------


def test_listing_link_and_change_its_role(as_user, event):
    listing = make_listing(title="Smart bins")
    client = as_user(organiser_of(event))

    linked = client.post(links(event), {"listing": listing.pk}, format="json")
    moved = client.post(links(event), {"listing": listing.pk, "role": "on_agenda"}, format="json")

    link = EventListing.objects.get(event=event)
    assert (linked.status_code, moved.status_code) == (201, 200)
    assert linked.json() == {
        "listing": listing.pk,
        "listing_url": f"http://testserver/api/v1/listings/{listing.pk}/",
        "title": "Smart bins",
        "organisation": listing.organisation.slug,
        "role": "showcased",
        "created_at": as_json_time(link.created_at),
    }
    assert moved.json()["role"] == "on_agenda"
    assert link_rows(event) == [(listing.pk, "on_agenda")]


def test_listing_link_of_a_listing_the_organiser_cannot_see_is_400(as_user, event):
    hidden = make_listing(visibility="shared", shared_with=[make_organisation()])

    response = as_user(organiser_of(event)).post(links(event), {"listing": hidden.pk})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["listing"]
    assert link_rows(event) == []


def test_listing_link_of_a_draft_is_400_naming_listing(as_user, event):
    draft = make_listing(organisation=event.organiser, publish=False)

    response = as_user(organiser_of(event)).post(links(event), {"listing": draft.pk})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "listing": ["Only published listings you can see can be linked."]
    }
    assert link_rows(event) == []


def test_listing_unlink(as_user, event):
    organiser = organiser_of(event)
    listing = make_listing()
    event_listing_link(actor=organiser, event=event, listing=listing)

    response = as_user(organiser).delete(f"{links(event)}{listing.pk}/")
    again = as_user(organiser).delete(f"{links(event)}{listing.pk}/")

    assert (response.status_code, again.status_code) == (204, 404)
    assert link_rows(event) == []


def test_listing_link_writes_by_a_non_organiser_are_403_and_change_nothing(as_user, event):
    listing = make_listing()
    event_listing_link(actor=organiser_of(event), event=event, listing=listing)
    other = make_listing(title="Other")
    client = as_user(UserFactory())
    before = link_rows(event)

    linked = client.post(links(event), {"listing": other.pk})
    unlinked = client.delete(f"{links(event)}{listing.pk}/")

    assert (linked.status_code, unlinked.status_code) == (403, 403)
    assert link_rows(event) == before


def test_linked_listings_show_only_what_the_caller_may_see(as_user, event):
    organiser = organiser_of(event)
    public = make_listing(title="Public", organisation=event.organiser)
    private = make_listing(title="Members", organisation=event.organiser, visibility="members")
    for listing in (public, private):
        event_listing_link(actor=organiser, event=event, listing=listing)

    outsider = as_user(UserFactory()).get(links(event))
    member = as_user(organiser).get(links(event))

    assert [link["title"] for link in outsider.json()["results"]] == ["Public"]
    assert [link["title"] for link in member.json()["results"]] == ["Public", "Members"]


@pytest.mark.parametrize("n", [1, 3])
def test_linked_listing_list_query_count_is_constant(
    api_client, django_assert_num_queries, event, n
):
    organiser = organiser_of(event)
    for i in range(n):
        listing = make_listing(title=f"Listing {i}", organisation=make_organisation())
        event_listing_link(actor=organiser, event=event, listing=listing)

    with django_assert_num_queries(3):
        response = api_client.get(links(event))

    assert len(response.json()["results"]) == n
