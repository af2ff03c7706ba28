import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from events import services
from events.models import AgendaItem, Attendee, Event, EventListing, TicketType
from events.services import AttendeeData
from tests.factories.events import INVOICE, book, in_days, make_event, organiser_of, ticket
from tests.factories.exchange import UserFactory, add_member
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


def event_form(org, **overrides):
    data = {
        "organisation": org.pk,
        "kind": "breakfast",
        "title": "Housing repairs breakfast",
        "summary": "What works in repairs.",
        "description": "**Coffee** at 8.",
        "starts_at": in_days(12).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (in_days(12) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "timezone": "Europe/London",
        "venue_name": "County Hall",
        "venue_address": "1 Main St",
        "venue_postcode": "NS1 1AA",
        "map_url": "",
        "online_url": "",
        "region": "north_west",
        "capacity": "40",
        "tags": "housing, repairs",
        "booking_opens_at": "",
        "booking_closes_at": "",
        "cancellation_cutoff_hours": "24",
    }
    data.update(overrides)
    return data


def test_event_create_without_organisation_redirects(client, booker):
    client.force_login(booker)

    response = client.get(reverse("event-create"))

    assert (response.status_code, response["Location"]) == (302, reverse("organisation-list"))


def test_event_create_saves_draft_in_local_time(client, council):
    client.force_login(council.memberships.get().user)

    response = client.post(reverse("event-create"), event_form(council))

    event = Event.objects.get()
    assert (response.status_code, response["Location"]) == (
        302,
        reverse("event-manage", args=[event.slug]),
    )
    assert (event.status, event.starts_at, event.capacity) == ("draft", in_days(12), 40)
    assert sorted(event.tags.values_list("slug", flat=True)) == ["housing", "repairs"]


def test_event_create_reads_times_in_chosen_time_zone(client, council):
    client.force_login(council.memberships.get().user)

    client.post(reverse("event-create"), event_form(council, timezone="UTC"))

    event = Event.objects.get()
    naive = in_days(12).replace(tzinfo=None)
    assert event.starts_at.replace(tzinfo=None) == naive - (in_days(12).utcoffset() or timedelta())


def test_event_create_shows_every_field_error(client, council):
    client.force_login(council.memberships.get().user)

    response = client.post(
        reverse("event-create"),
        event_form(
            council,
            title="",
            capacity="0",
            ends_at=in_days(11).strftime("%Y-%m-%dT%H:%M"),
            venue_name="",
            starts_at="not a date",
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "title": ["This field is required."],
        "starts_at": ["Enter a valid date/time."],
        "capacity": ["Ensure this value is greater than or equal to 1."],
        "venue_name": ["Give a venue, an online link, or both."],
    }
    assert Event.objects.count() == 0


def test_organiser_pages_forbidden_to_non_members_and_drafts_hidden(client):
    event = make_event()
    draft = make_event(publish=False, title="Draft")
    client.force_login(UserFactory())
    names = ["event-manage", "event-edit", "event-attendees", "event-attendees-csv"]

    codes = [client.get(reverse(name, args=[event.slug])).status_code for name in names]
    draft_codes = [client.get(reverse(name, args=[draft.slug])).status_code for name in names]

    assert codes == [403, 403, 403, 403]
    assert draft_codes == [404, 404, 404, 404]


def test_event_edit_page_prefills_local_times_and_saves(client):
    event = make_event()
    client.force_login(organiser_of(event))
    url = reverse("event-edit", args=[event.slug])

    page = client.get(url)
    data = event_form(event.organiser, title="New title", tags="care", capacity="50")
    data.pop("organisation")
    response = client.post(url, data)

    event.refresh_from_db()
    assert page.context["form"].initial["starts_at"] == in_days(14).replace(tzinfo=None)
    assert response.status_code == 302, response.context["form"].errors
    assert (event.title, event.sequence) == ("New title", 2)


def test_publish_and_cancel_pages(client):
    event = make_event(publish=False)
    client.force_login(organiser_of(event))

    client.post(reverse("event-publish", args=[event.slug]))
    event.refresh_from_db()
    published = event.status
    confirm = client.get(reverse("event-cancel", args=[event.slug]))
    missing = client.post(reverse("event-cancel", args=[event.slug]), {"reason": ""})
    client.post(reverse("event-cancel", args=[event.slug]), {"reason": "Snow"})

    event.refresh_from_db()
    assert published == "published"
    assert "Cancelling cannot be undone." in confirm.content.decode()
    assert missing.context["form"].errors == {"reason": ["This field is required."]}
    assert (event.status, event.cancellation_reason) == ("cancelled", "Snow")


def test_publish_without_tickets_shows_message(client):
    event = make_event(publish=False, tickets=[])
    client.force_login(organiser_of(event))

    response = client.post(reverse("event-publish", args=[event.slug]), follow=True)

    assert "Add at least one ticket type before publishing." in response.content.decode()
    event.refresh_from_db()
    assert event.status == "draft"


def test_copy_page_makes_draft(client):
    event = make_event()
    client.force_login(organiser_of(event))

    response = client.post(
        reverse("event-copy", args=[event.slug]),
        {"starts_at": in_days(42).strftime("%Y-%m-%dT%H:%M")},
    )

    copy = Event.objects.exclude(pk=event.pk).get()
    assert response["Location"] == reverse("event-manage", args=[copy.slug])
    assert (copy.status, copy.starts_at, copy.previous_in_series) == ("draft", in_days(42), event)


def test_manage_page_shows_live_counts(client, stripe_on):
    event = make_event(
        capacity=10, tickets=[{"name": "Free", "capacity": 5}, {"name": "Paid", "price_pence": 100}]
    )
    book(ticket(event, "Free"), quantity=2)
    book(ticket(event, "Paid"), payment_method="card")
    client.force_login(organiser_of(event))

    response = client.get(reverse("event-manage", args=[event.slug]))

    counts = response.context["counts"]
    assert (counts.confirmed, counts.held, counts.available, counts.capacity) == (2, 1, 7, 10)
    assert [(r.ticket_type.name, r.available) for r in counts.tickets] == [("Free", 3), ("Paid", 7)]


def test_ticket_type_form_create_edit_and_errors(client):
    event = make_event(capacity=20)
    client.force_login(organiser_of(event))
    url = reverse("ticket-type-create", args=[event.slug])
    base = {
        "name": "Delegate",
        "description": "",
        "price": "25.50",
        "capacity": "10",
        "max_per_booking": "5",
        "sales_start": "",
        "sales_end": "",
        "early_bird_price": "20",
        "early_bird_until": in_days(7).strftime("%Y-%m-%dT%H:%M"),
        "group_tiers": "5:10, 10:15%",
        "position": "1",
    }

    bad = client.post(url, {**base, "group_tiers": "five:ten", "capacity": "30"})
    client.post(url, base)
    tt = TicketType.objects.get(name="Delegate")
    edit = reverse("ticket-type-edit", args=[event.slug, tt.pk])
    page = client.get(edit)
    client.post(edit, {**base, "price": "30"})

    tt.refresh_from_db()
    assert bad.context["form"].errors == {
        "group_tiers": ["Write tiers as seats:percent, e.g. 5:10, 10:15."]
    }
    assert page.context["form"].initial["group_tiers"] == "5:10, 10:15"
    assert (tt.price_pence, tt.early_bird_price_pence, tt.early_bird_until, tt.group_tiers) == (
        3000,
        2000,
        in_days(7),
        [{"min_seats": 5, "percent_off": 10}, {"min_seats": 10, "percent_off": 15}],
    )


def test_ticket_type_capacity_over_event_shows_service_error(client):
    event = make_event(capacity=20)
    client.force_login(organiser_of(event))

    response = client.post(
        reverse("ticket-type-create", args=[event.slug]),
        {"name": "Big", "price": "0", "capacity": "30", "max_per_booking": "5", "position": "0"},
    )

    assert response.context["form"].errors == {"capacity": ["The event has 20 seats in all."]}


def test_agenda_item_form_and_delete(client):
    event = make_event()
    client.force_login(organiser_of(event))
    url = reverse("agenda-item-create", args=[event.slug])

    bad = client.post(url, {"starts_at": in_days(30).strftime("%Y-%m-%dT%H:%M"), "title": "X"})
    client.post(url, {"starts_at": in_days(14).strftime("%Y-%m-%dT%H:%M"), "title": "Welcome"})
    item = AgendaItem.objects.get()
    client.post(reverse("agenda-item-delete", args=[event.slug, item.pk]))

    assert bad.context["form"].errors == {"starts_at": ["The item must start during the event."]}
    assert AgendaItem.objects.count() == 0


def test_link_listing_by_address_and_unlink(client, supplier):
    event = make_event()
    listing = make_listing(organisation=supplier)
    client.force_login(organiser_of(event))
    url = reverse("event-listing-link", args=[event.slug])

    client.post(url, {"listing": listing.get_absolute_url(), "role": "showcased"})
    linked = list(EventListing.objects.values_list("listing", "role"))
    bad = client.post(url, {"listing": "not a listing", "role": "showcased"}, follow=True)
    client.post(url, {"listing": listing.pk, "role": "showcased", "action": "unlink"})

    assert linked == [(listing.pk, "showcased")]
    assert "No such listing" in bad.content.decode()
    assert EventListing.objects.count() == 0


def _attendee_event(council):
    event = make_event(
        capacity=10, tickets=[{"name": "Free"}, {"name": "Council", "price_pence": 1500}]
    )
    one = services.booking_create(
        actor=UserFactory(),
        ticket_type=ticket(event, "Free"),
        attendees=[
            AttendeeData("Ann Able", "ann@example.org"),
            AttendeeData("=cmd|' /C calc'!A0", "evil@example.org"),
        ],
    )
    officer = add_member(council)
    two = services.booking_create(
        actor=officer,
        ticket_type=ticket(event, "Council"),
        attendees=[AttendeeData("Ola Officer", "ola@council.example")],
        payment_method="invoice",
        organisation=council,
        invoice=INVOICE,
    )
    return event, one, two


def test_attendee_list_filters(client, council):
    event, one, two = _attendee_event(council)
    services.attendee_check_in(
        actor=organiser_of(event), event=event, code=one.attendees.first().code
    )
    client.force_login(organiser_of(event))
    url = reverse("event-attendees", args=[event.slug])

    def names(query=""):
        return [a.name for a in client.get(url + query).context["attendees"]]

    assert names() == ["Ann Able", "=cmd|' /C calc'!A0", "Ola Officer"]
    assert names(f"?ticket_type={ticket(event, 'Council').pk}") == ["Ola Officer"]
    assert names("?checked_in=yes") == ["Ann Able"]
    assert names("?checked_in=no&q=ola") == ["Ola Officer"]
    assert names(f"?q={two.reference}") == ["Ola Officer"]
    assert names("?status=cancelled") == []
    assert names("?status=bogus&ticket_type=x") == ["Ann Able", "=cmd|' /C calc'!A0", "Ola Officer"]


def test_attendee_list_empty_state(client):
    event = make_event()
    client.force_login(organiser_of(event))

    response = client.get(reverse("event-attendees", args=[event.slug]))

    assert "Nobody has booked yet." in response.content.decode()


def test_attendee_csv_export_content(client, council):
    event, one, two = _attendee_event(council)
    client.force_login(organiser_of(event))

    response = client.get(reverse("event-attendees-csv", args=[event.slug]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{event.slug}-attendees.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        [
            "Booking reference",
            "Name",
            "Email",
            "Ticket type",
            "Booking status",
            "Payment",
            "Price paid (£)",
            "Organisation",
            "Booked by",
            "Purchase order",
            "Invoice reference",
            "Invoice paid",
            "Checked in",
        ],
        [
            one.reference,
            "Ann Able",
            "ann@example.org",
            "Free",
            "Confirmed",
            "Free",
            "0.00",
            "",
            one.booker.email,
            "",
            "",
            "",
            "",
        ],
        [
            one.reference,
            "'=cmd|' /C calc'!A0",
            "evil@example.org",
            "Free",
            "Confirmed",
            "Free",
            "0.00",
            "",
            one.booker.email,
            "",
            "",
            "",
            "",
        ],
        [
            two.reference,
            "Ola Officer",
            "ola@council.example",
            "Council",
            "Confirmed",
            "Invoice (purchase order)",
            "15.00",
            council.name,
            two.booker.email,
            "PO-1234",
            f"OIX-{two.reference}",
            "",
            "",
        ],
    ]


def test_attendee_csv_follows_filters(client, council):
    event, _, _two = _attendee_event(council)
    client.force_login(organiser_of(event))

    response = client.get(
        reverse("event-attendees-csv", args=[event.slug])
        + f"?ticket_type={ticket(event, 'Council').pk}"
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [row[1] for row in rows[1:]] == ["Ola Officer"]


def test_mark_invoice_paid_from_attendee_list(client, council):
    event, _, two = _attendee_event(council)
    client.force_login(organiser_of(event))

    response = client.post(reverse("booking-invoice-paid", args=[two.reference]))

    two.refresh_from_db()
    assert response["Location"] == reverse("event-attendees", args=[event.slug])
    assert two.invoice_paid_at is not None


def test_mark_invoice_paid_by_booker_forbidden(client, council):
    _event, _, two = _attendee_event(council)
    client.force_login(two.booker)

    response = client.post(reverse("booking-invoice-paid", args=[two.reference]))

    two.refresh_from_db()
    assert (response.status_code, two.invoice_paid_at) == (403, None)


def test_waitlist_page_for_organiser(client):
    event = make_event(capacity=1)
    book(ticket(event))
    waiter = UserFactory(full_name="Wanda Waiter")
    services.waitlist_join(actor=waiter, ticket_type=ticket(event), quantity=1)
    client.force_login(organiser_of(event))

    response = client.get(reverse("event-waitlist", args=[event.slug]))

    assert [e.user for e in response.context["entries"]] == [waiter]
    assert "Wanda Waiter" in response.content.decode()


# --- Check-in ---------------------------------------------------------------------------------


def test_check_in_by_code_then_repeat_refused_then_undo(client):
    event = make_event()
    attendee = book(ticket(event)).attendees.get()
    client.force_login(organiser_of(event))
    url = reverse("event-check-in", args=[event.slug])

    prefilled = client.get(f"{url}?code={attendee.code}")
    first = client.post(url, {"code": attendee.code, "action": "check_in"}, follow=True)
    attendee.refresh_from_db()
    checked_at = attendee.checked_in_at
    again = client.post(url, {"code": attendee.code, "action": "check_in"})
    undo = client.post(url, {"code": attendee.code, "action": "undo"}, follow=True)
    attendee.refresh_from_db()

    assert prefilled.context["form"].initial == {"code": attendee.code}
    assert f"Checked in: {attendee.name} (Standard)." in first.content.decode()
    assert checked_at is not None
    assert (
        again.context["form"]
        .errors["__all__"][0]
        .startswith(f"{attendee.name} already checked in at ")
    )
    assert f"Check-in of {attendee.name} undone." in undo.content.decode()
    assert attendee.checked_in_at is None


def test_check_in_accepts_scanned_url(client):
    event = make_event()
    attendee = book(ticket(event)).attendees.get()
    client.force_login(organiser_of(event))
    url = reverse("event-check-in", args=[event.slug])

    client.post(url, {"code": f"http://testserver{url}?code={attendee.code}"})

    attendee.refresh_from_db()
    assert attendee.checked_in_at is not None


def test_check_in_unknown_or_other_events_code_refused(client):
    event = make_event(title="This one")
    other = book(ticket(make_event(title="Other"))).attendees.get()
    client.force_login(organiser_of(event))
    url = reverse("event-check-in", args=[event.slug])

    unknown = client.post(url, {"code": "nope"})
    foreign = client.post(url, {"code": other.code})

    other.refresh_from_db()
    assert unknown.context["form"].errors == {"code": ["No ticket for this event has that code."]}
    assert foreign.context["form"].errors == {"code": ["No ticket for this event has that code."]}
    assert other.checked_in_at is None


def test_check_in_cancelled_booking_refused(client):
    event = make_event()
    booking = book(ticket(event))
    services.booking_cancel(actor=booking.booker, booking=booking)
    client.force_login(organiser_of(event))

    response = client.post(
        reverse("event-check-in", args=[event.slug]), {"code": booking.attendees.get().code}
    )

    assert response.context["form"].errors == {
        "__all__": [f"{booking.attendees.get().name}'s booking is cancelled."]
    }
    assert Attendee.objects.filter(checked_in_at__isnull=False).count() == 0


def test_check_in_page_forbidden_to_attendees(client):
    event = make_event()
    booking = book(ticket(event))
    client.force_login(booking.booker)

    response = client.post(
        reverse("event-check-in", args=[event.slug]), {"code": booking.attendees.get().code}
    )

    assert response.status_code == 403
    assert Attendee.objects.filter(checked_in_at__isnull=False).count() == 0


def test_organising_page_empty_and_populated(client, council):
    member = council.memberships.get().user
    client.force_login(member)
    empty = client.get(reverse("event-organising"))
    event = make_event(organisation=council, publish=False)

    populated = client.get(reverse("event-organising"))

    assert "Your organisations have no events yet." in empty.content.decode()
    assert [row[0] for row in populated.context["rows"]] == [event]


def test_ticket_type_early_bird_not_cheaper_shown_on_its_field(client):
    event = make_event(capacity=20)
    client.force_login(organiser_of(event))

    response = client.post(
        reverse("ticket-type-create", args=[event.slug]),
        {
            "name": "Odd",
            "price": "10",
            "capacity": "5",
            "max_per_booking": "5",
            "position": "0",
            "early_bird_price": "12",
            "early_bird_until": in_days(3).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.context["form"].errors == {
        "early_bird_price": ["The early-bird price must be below the full price."]
    }
    assert TicketType.objects.filter(name="Odd").count() == 0
