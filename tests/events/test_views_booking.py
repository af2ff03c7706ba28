import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events import services
from events.models import Attendee, Booking, WaitlistEntry
from tests.factories.events import book, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory, add_member

pytestmark = pytest.mark.django_db


def book_url(event, tt=None, quantity=1):
    tt = tt or ticket(event)
    return f"{reverse('event-book', args=[event.slug])}?ticket={tt.pk}&quantity={quantity}"


def booking_post(tt, people, **extra):
    data = {
        "ticket": tt.pk,
        "quantity": len(people),
        "attendees-TOTAL_FORMS": len(people),
        "attendees-INITIAL_FORMS": 0,
        "attendees-MIN_NUM_FORMS": len(people),
        "attendees-MAX_NUM_FORMS": len(people),
    }
    for i, (name, email) in enumerate(people):
        data[f"attendees-{i}-name"] = name
        data[f"attendees-{i}-email"] = email
    data.update(extra)
    return data


def test_book_page_needs_login(client):
    event = make_event()

    response = client.get(book_url(event))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_book_page_has_one_attendee_form_per_seat_first_is_booker(client, booker):
    event = make_event()
    client.force_login(booker)

    response = client.get(book_url(event, quantity=3))

    formset = response.context["formset"]
    assert response.status_code == 200
    assert len(formset.forms) == 3
    assert formset.forms[0].initial == {"name": "Bea Booker", "email": "bea@example.org"}
    assert "Confirm booking" in response.content.decode()


def test_book_free_seats_confirms_and_redirects_to_booking(client, booker):
    event = make_event()
    tt = ticket(event)
    client.force_login(booker)

    response = client.post(
        book_url(event), booking_post(tt, [("Bea", "bea@example.org"), ("Cy", "cy@example.org")])
    )

    booking = Booking.objects.get()
    assert (response.status_code, response["Location"]) == (302, booking.get_absolute_url())
    assert (booking.status, booking.quantity, booking.booker) == ("confirmed", 2, booker)


def test_book_shows_field_errors_and_saves_nothing(client, booker):
    event = make_event()
    tt = ticket(event)
    client.force_login(booker)

    response = client.post(
        book_url(event), booking_post(tt, [("", "bea@example.org"), ("Cy", "not-an-email")])
    )

    assert response.status_code == 200
    assert [f.errors for f in response.context["formset"].forms] == [
        {"name": ["This field is required."]},
        {"email": ["Enter a valid email address."]},
    ]
    assert "This field is required." in response.content.decode()
    assert Booking.objects.count() == 0


@pytest.mark.parametrize(
    "query", ["?ticket=999999&quantity=1", "?ticket=abc&quantity=x", "?quantity=500", ""]
)
def test_book_page_bad_ticket_choice_shows_errors_not_500(client, booker, query):
    event = make_event(tickets=[{"name": "Standard", "max_per_booking": 4}])
    client.force_login(booker)

    response = client.get(reverse("event-book", args=[event.slug]) + query)

    assert response.status_code == 200
    assert response.context["choice_form"].errors
    assert "There " in response.content.decode()


def test_book_too_many_seats_for_ticket_shows_error(client, booker):
    event = make_event(tickets=[{"name": "Standard", "max_per_booking": 2}])
    client.force_login(booker)

    response = client.get(book_url(event, quantity=3))

    assert response.context["choice_form"].errors == {
        "quantity": ["Book at most 2 seats at a time."]
    }


def test_book_when_just_sold_out_offers_waitlist(client, booker):
    event = make_event(capacity=1)
    tt = ticket(event)
    client.force_login(booker)
    page = book_url(event)
    client.get(page)
    book(tt)  # someone else takes the last seat meanwhile

    response = client.post(page, booking_post(tt, [("Bea", "bea@example.org")]))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["sold_out"] is True
    assert "Those seats have just gone" in html
    assert Booking.objects.filter(booker=booker).count() == 0


def test_book_paid_without_stripe_or_council_cannot_pay(client, booker):
    event = make_event(tickets=[{"name": "Delegate", "price_pence": 2000}])
    client.force_login(booker)

    response = client.get(book_url(event))

    assert response.context["payment_form"].can_pay is False
    assert "Card payments are not available on this exchange" in response.content.decode()


def test_book_paid_by_invoice_for_council(client, booker, council):
    add_member(council, booker)
    event = make_event(tickets=[{"name": "Delegate", "price_pence": 2000}])
    tt = ticket(event)
    client.force_login(booker)

    response = client.post(
        book_url(event),
        booking_post(
            tt,
            [("Bea", "bea@example.org")],
            organisation=council.pk,
            payment_method="invoice",
            purchase_order="PO-77",
            billing_name="Accounts",
            billing_email="ap@council.example",
            billing_address="",
        ),
    )

    booking = Booking.objects.get()
    assert response.status_code == 302
    assert (booking.status, booking.invoice_reference) == ("confirmed", f"OIX-{booking.reference}")
    page = client.get(booking.get_absolute_url()).content.decode()
    assert f"OIX-{booking.reference}" in page


def test_book_invoice_without_purchase_order_shows_errors(client, booker, council):
    add_member(council, booker)
    event = make_event(tickets=[{"name": "Delegate", "price_pence": 2000}])
    client.force_login(booker)

    response = client.post(
        book_url(event),
        booking_post(ticket(event), [("Bea", "bea@example.org")], payment_method="invoice"),
    )

    assert response.context["payment_form"].errors == {
        "organisation": ["Invoices are for public bodies: choose your council."],
        "purchase_order": ["Needed for an invoice."],
        "billing_name": ["Needed for an invoice."],
        "billing_email": ["Needed for an invoice."],
    }
    assert Booking.objects.count() == 0


def test_book_by_card_redirects_to_stripe_checkout(client, booker, stripe_stub):
    event = make_event(tickets=[{"name": "Delegate", "price_pence": 2000}])
    client.force_login(booker)

    response = client.post(
        book_url(event),
        booking_post(ticket(event), [("Bea", "bea@example.org")], payment_method="card"),
    )

    assert (response.status_code, response["Location"]) == (
        302,
        "https://checkout.stripe.test/c/pay/cs_test_1",
    )
    assert Booking.objects.get().status == "pending"


def test_booking_list_empty_and_populated(client, booker):
    client.force_login(booker)
    empty = client.get(reverse("booking-list"))
    booking = book(ticket(make_event()), user=booker)

    populated = client.get(reverse("booking-list"))

    assert "You have no upcoming bookings." in empty.content.decode()
    assert populated.context["upcoming"] == [booking]
    assert booking.reference in populated.content.decode()


def test_booking_detail_for_booker_and_organiser_not_stranger(client, booker):
    booking = book(ticket(make_event()), user=booker)
    url = booking.get_absolute_url()

    client.force_login(UserFactory())
    stranger = client.get(url)
    client.force_login(organiser_of(booking.event))
    organiser = client.get(url)
    client.force_login(booker)
    own = client.get(url)

    assert (stranger.status_code, organiser.status_code, own.status_code) == (404, 200, 200)
    assert own.context["can_cancel"] is True
    assert "Ticket and QR code" in own.content.decode()


def test_booking_cancel_post(client, booker):
    booking = book(ticket(make_event()), user=booker)
    client.force_login(booker)

    response = client.post(reverse("booking-cancel", args=[booking.reference]), {"reason": "Ill"})

    booking.refresh_from_db()
    assert response.status_code == 302
    assert (booking.status, booking.cancellation_reason) == ("cancelled", "Ill")


def test_booking_cancel_by_stranger_is_404_and_changes_nothing(client, booker):
    booking = book(ticket(make_event()), user=booker)
    client.force_login(UserFactory())

    response = client.post(reverse("booking-cancel", args=[booking.reference]))

    booking.refresh_from_db()
    assert (response.status_code, booking.status) == (404, "confirmed")


def test_ticket_page_shows_qr_code_and_code(client, booker):
    booking = book(ticket(make_event()), user=booker)
    attendee = booking.attendees.first()

    response = client.get(attendee.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "<svg" in html
    assert "<path" in html
    assert f"<code>{attendee.code}</code>" in html


def test_ticket_page_of_cancelled_booking_is_not_valid(client, booker):
    booking = book(ticket(make_event()), user=booker)
    services.booking_cancel(actor=booker, booking=booking)

    html = client.get(booking.attendees.first().get_absolute_url()).content.decode()

    assert "This ticket is not valid: the booking is cancelled." in html
    assert "<svg" not in html


def test_ticket_page_unknown_code_404(client):
    assert client.get(reverse("ticket-detail", args=["nope"])).status_code == 404


def test_waitlist_join_leave_and_accept_offer_through_pages(client, booker):
    event = make_event(capacity=1)
    tt = ticket(event)
    first = book(tt)
    client.force_login(booker)

    client.post(reverse("event-waitlist-join", args=[event.slug]), {"ticket": tt.pk, "quantity": 1})
    entry = WaitlistEntry.objects.get()
    services.booking_cancel(actor=first.booker, booking=first)
    entry.refresh_from_db()
    listing = client.get(reverse("booking-list"))
    offer_url = reverse("waitlist-offer", args=[services.offer_token(entry)])
    page = client.get(offer_url)
    accepted = client.post(offer_url, booking_post(tt, [("Bea", "bea@example.org")]))

    entry.refresh_from_db()
    booking = Booking.objects.get(booker=booker)
    assert offer_url in listing.content.decode()
    assert "Accept your place" in page.content.decode()
    assert accepted["Location"] == booking.get_absolute_url()
    assert (entry.status, booking.status) == ("accepted", "confirmed")


def test_waitlist_offer_of_someone_else_is_403_and_bad_token_explained(client, booker):
    event = make_event(capacity=1)
    first = book(ticket(event))
    waiter = UserFactory()
    entry = services.waitlist_join(actor=waiter, ticket_type=ticket(event), quantity=1)
    services.booking_cancel(actor=first.booker, booking=first)
    entry.refresh_from_db()
    client.force_login(booker)

    other = client.get(reverse("waitlist-offer", args=[services.offer_token(entry)]))
    forged = client.get(reverse("waitlist-offer", args=["forged-token"]))

    assert other.status_code == 403
    assert (forged.status_code, forged.context["reason"]) == (
        200,
        "This offer link is not valid.",
    )


def test_waitlist_leave_page_action(client, booker):
    event = make_event(capacity=1)
    book(ticket(event))
    entry = services.waitlist_join(actor=booker, ticket_type=ticket(event), quantity=1)
    client.force_login(booker)

    client.post(reverse("waitlist-leave", args=[entry.pk]))

    entry.refresh_from_db()
    assert entry.status == "left"


def test_waitlist_join_with_seats_free_shows_message(client, booker):
    event = make_event(capacity=2)
    client.force_login(booker)

    response = client.post(
        reverse("event-waitlist-join", args=[event.slug]),
        {"ticket": ticket(event).pk, "quantity": 1},
        follow=True,
    )

    assert "Seats are still available: book them now instead." in response.content.decode()
    assert WaitlistEntry.objects.count() == 0


def test_booking_list_queries_do_not_grow_with_bookings(client, booker):
    client.force_login(booker)
    book(ticket(make_event(title="One")), user=booker)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("booking-list"))
    for title in ("Two", "Three"):
        book(ticket(make_event(title=title)), user=booker)
    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("booking-list"))

    assert len(response.context["upcoming"]) == 3
    assert len(three.captured_queries) == len(one.captured_queries)
    assert Attendee.objects.count() == 3
