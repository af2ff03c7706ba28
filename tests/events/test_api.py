import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services
from events.models import Booking, WaitlistEntry
from tests.factories.events import INVOICE, book, in_days, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory, add_member

pytestmark = pytest.mark.django_db

EVENTS = reverse("api:event-list")
BOOKINGS = reverse("api:booking-list")
WAITLIST = reverse("api:waitlist-entry-list")


def test_event_list_and_detail_with_prices_and_seats(api_client):
    event = make_event(
        capacity=10,
        tickets=[
            {
                "name": "Delegate",
                "price_pence": 5000,
                "capacity": 6,
                "early_bird_price_pence": 4000,
                "early_bird_until": in_days(7),
            },
            {"name": "Free", "capacity": 4},
        ],
        online_url="https://meet.example.org/secret",
    )
    book(ticket(event, "Free"), quantity=3)
    make_event(title="Draft", publish=False)

    listing = api_client.get(EVENTS).json()
    detail = api_client.get(reverse("api:event-detail", args=[event.pk])).json()

    assert [e["title"] for e in listing["results"]] == ["Digital breakfast"]
    assert detail["seats_left"] == 7
    assert detail["online"] is True
    assert "secret" not in str(detail)
    assert [
        (t["name"], t["price_pence"], t["price_now_pence"], t["early_bird_now"], t["seats_left"])
        for t in detail["ticket_types"]
    ] == [("Delegate", 5000, 4000, True, 6), ("Free", 0, 0, False, 1)]
    assert detail["uid"] == str(event.uid)


def test_event_list_queries_do_not_grow_with_events(api_client):
    make_event(title="One")
    with CaptureQueriesContext(connection) as one:
        api_client.get(EVENTS)
    make_event(title="Two")
    make_event(title="Three", tickets=[{"name": "A"}, {"name": "B"}])
    with CaptureQueriesContext(connection) as three:
        response = api_client.get(EVENTS)

    assert len(response.json()["results"]) == 3
    assert len(three.captured_queries) == len(one.captured_queries)


def test_event_filters(api_client):
    make_event(title="Free breakfast", tag_names=("care",))
    make_event(
        title="Paid workshop", kind="workshop", tickets=[{"name": "Paid", "price_pence": 100}]
    )

    def titles(query):
        return [e["title"] for e in api_client.get(f"{EVENTS}?{query}").json()["results"]]

    assert titles("kind=workshop") == ["Paid workshop"]
    assert titles("price=free") == ["Free breakfast"]
    assert titles("price=paid") == ["Paid workshop"]
    assert titles("tag=care") == ["Free breakfast"]
    assert api_client.get(f"{EVENTS}?tag=unknown").status_code == 400


def test_book_free_seats_through_the_api(api_client, booker):
    event = make_event(capacity=5)
    api_client.force_authenticate(booker)

    response = api_client.post(
        BOOKINGS,
        {
            "ticket_type": ticket(event).pk,
            "attendees": [
                {"name": "Bea", "email": "bea@example.org"},
                {"name": "Cy", "email": "cy@example.org"},
            ],
        },
        format="json",
    )

    body = response.json()
    booking = Booking.objects.get()
    assert response.status_code == 201
    assert (body["reference"], body["status"], body["quantity"]) == (
        booking.reference,
        "confirmed",
        2,
    )
    assert body["attendees"][0]["ticket_url"] == (
        f"http://testserver/tickets/{booking.attendees.first().code}/"
    )
    assert api_client.get(BOOKINGS).json()["results"][0]["reference"] == booking.reference


def test_book_sold_out_is_409_and_nothing_changes(api_client, booker):
    event = make_event(capacity=1)
    book(ticket(event))
    api_client.force_authenticate(booker)

    response = api_client.post(
        BOOKINGS,
        {"ticket_type": ticket(event).pk, "attendees": [{"name": "B", "email": "b@example.org"}]},
        format="json",
    )

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_state"
    assert Booking.objects.count() == 1


def test_book_bad_input_is_400(api_client, booker):
    event = make_event()
    api_client.force_authenticate(booker)

    response = api_client.post(
        BOOKINGS, {"ticket_type": ticket(event).pk, "attendees": []}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["attendees"]


def test_book_by_invoice_and_by_card(api_client, booker, council, stripe_stub):
    add_member(council, booker)
    event = make_event(tickets=[{"name": "Delegate", "price_pence": 2000}])
    api_client.force_authenticate(booker)
    base = {"ticket_type": ticket(event).pk, "attendees": [{"name": "B", "email": "b@x.org"}]}

    invoice = api_client.post(
        BOOKINGS,
        {
            **base,
            "payment_method": "invoice",
            "organisation": council.slug,
            "purchase_order": INVOICE.purchase_order,
            "billing_name": INVOICE.billing_name,
            "billing_email": INVOICE.billing_email,
        },
        format="json",
    ).json()
    card = api_client.post(BOOKINGS, {**base, "payment_method": "card"}, format="json").json()

    assert (invoice["status"], invoice["invoice_reference"]) == (
        "confirmed",
        f"OIX-{invoice['reference']}",
    )
    assert (card["status"], card["checkout_url"]) == (
        "pending",
        "https://checkout.stripe.test/c/pay/cs_test_1",
    )
    pay = api_client.post(reverse("api:booking-pay", args=[card["reference"]]))
    assert pay.json() == {"checkout_url": "https://checkout.stripe.test/c/pay/cs_test_1"}


def test_bookings_are_private_and_cancel_works(api_client, booker):
    booking = book(ticket(make_event()), user=booker)
    url = reverse("api:booking-detail", args=[booking.reference])

    anonymous = api_client.get(url).status_code
    api_client.force_authenticate(UserFactory())
    stranger = api_client.get(url).status_code
    stranger_cancel = api_client.post(reverse("api:booking-cancel", args=[booking.reference]))
    api_client.force_authenticate(booker)
    cancelled = api_client.post(
        reverse("api:booking-cancel", args=[booking.reference]), {"reason": "Ill"}, format="json"
    )
    again = api_client.post(reverse("api:booking-cancel", args=[booking.reference]))

    assert (anonymous, stranger, stranger_cancel.status_code) == (401, 404, 404)
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert again.status_code == 409


def test_waitlist_join_offer_accept_and_leave_through_the_api(api_client, booker):
    event = make_event(capacity=1)
    first = book(ticket(event))
    api_client.force_authenticate(booker)

    joined = api_client.post(
        WAITLIST, {"ticket_type": ticket(event).pk, "quantity": 1}, format="json"
    )
    entry = WaitlistEntry.objects.get()
    early = api_client.post(
        reverse("api:waitlist-entry-accept", args=[entry.pk]),
        {"attendees": [{"name": "Bea", "email": "bea@example.org"}]},
        format="json",
    )
    services.booking_cancel(actor=first.booker, booking=first)
    offered = api_client.get(reverse("api:waitlist-entry-detail", args=[entry.pk])).json()
    accepted = api_client.post(
        reverse("api:waitlist-entry-accept", args=[entry.pk]),
        {"attendees": [{"name": "Bea", "email": "bea@example.org"}]},
        format="json",
    )
    left = api_client.post(reverse("api:waitlist-entry-leave", args=[entry.pk]))

    assert (joined.status_code, joined.json()["status"]) == (201, "waiting")
    assert early.status_code == 409
    assert offered["status"] == "offered"
    assert (accepted.status_code, accepted.json()["status"]) == (201, "confirmed")
    assert left.status_code == 409


def test_organiser_attendees_and_check_in(api_client):
    event = make_event()
    booking = book(ticket(event), quantity=2)
    code = booking.attendees.first().code
    attendees_url = reverse("api:event-attendees", args=[event.pk])
    check_in_url = reverse("api:event-check-in", args=[event.pk])

    api_client.force_authenticate(booking.booker)
    forbidden = (
        api_client.get(attendees_url).status_code,
        api_client.post(check_in_url, {"code": code}, format="json").status_code,
    )
    api_client.force_authenticate(organiser_of(event))
    listed = api_client.get(attendees_url).json()
    checked = api_client.post(check_in_url, {"code": code}, format="json")
    repeat = api_client.post(check_in_url, {"code": code}, format="json")
    unknown = api_client.post(check_in_url, {"code": "nope"}, format="json")

    assert forbidden == (403, 403)
    assert [a["name"] for a in listed["results"]] == [a.name for a in booking.attendees.all()]
    assert "code" not in listed["results"][0]
    assert (checked.status_code, checked.json()["checked_in_at"] is not None) == (200, True)
    assert (repeat.status_code, unknown.status_code) == (409, 400)


def test_schema_documents_event_endpoints(api_client):
    schema = api_client.get(reverse("api-schema"), {"format": "json"}).json()

    assert {
        "/api/v1/events/",
        "/api/v1/events/{id}/",
        "/api/v1/events/{id}/attendees/",
        "/api/v1/events/{id}/check-in/",
        "/api/v1/bookings/",
        "/api/v1/bookings/{reference}/cancel/",
        "/api/v1/bookings/{reference}/pay/",
        "/api/v1/waitlist/",
        "/api/v1/waitlist/{id}/accept/",
        "/api/v1/waitlist/{id}/leave/",
    } <= set(schema["paths"])
