"""More journeys in a real browser (issue 10): a council officer acts on what they find and the
supplier answers; an organiser publishes a breakfast and an unconference; an attendee books,
waits and is promoted. Each step asserts what the person sees."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from events.enums import WaitlistStatus
from events.models import Booking, Event, WaitlistEntry
from listings.enums import ListingKind
from listings.models import Interest, PilotRequest, Question, ShortlistItem
from tests.e2e.browser import Pages
from tests.factories.events import book, make_event, ticket
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def notices(page: Page):
    return page.locator(".messages .notice")


def field(page: Page, label: str):
    """The form field labelled exactly ``label`` (a required field's label ends in "*")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


# --- (a) A council officer shortlists, needs a request too, asks, requests a pilot ------------


@pytest.fixture
def market(transactional_db):
    supplier = make_organisation(name="Brightbin Ltd", kind="supplier")
    council = make_organisation(name="Northshire County Council", kind="council")
    neighbour = make_organisation(name="Kingsmere District Council", kind="council")
    officer = add_member(council, UserFactory(full_name="Priya Shah"))
    offer = make_listing(
        organisation=supplier,
        title="Smart bins for town centres",
        summary="Sensors report how full the bins are.",
    )
    request = make_listing(
        organisation=neighbour,
        kind=ListingKind.REQUEST,
        title="Fewer overflowing bins in parks",
        summary="Our park bins overflow every summer weekend.",
    )
    return {
        "supplier": supplier,
        "supplier_admin": supplier.memberships.get().user,
        "council": council,
        "officer": officer,
        "offer": offer,
        "request": request,
    }


def test_officer_shortlists_needs_too_asks_and_requests_a_pilot_the_supplier_accepts(
    pages: Pages, market
):
    officer_page = pages.new_page(user=market["officer"])

    # Shortlist the offer into a new shortlist.
    officer_page.goto(market["offer"].get_absolute_url())
    expect(h1(officer_page)).to_have_text("Smart bins for town centres")
    officer_page.get_by_text("Add to a shortlist").click()
    shortlist_form = officer_page.locator(".shortlist-add")
    shortlist_form.get_by_label("New shortlist name").fill("Town centre bins")
    shortlist_form.get_by_label("Note", exact=True).fill("Ask about winter performance")
    officer_page.locator(".shortlist-add").get_by_role("button", name="Add").click()
    expect(notices(officer_page)).to_have_text(
        ["Shortlist created.", "Added to “Town centre bins”."]
    )
    item = ShortlistItem.objects.get()
    assert (item.shortlist.name, item.listing_id, item.note) == (
        "Town centre bins",
        market["offer"].pk,
        "Ask about winter performance",
    )

    # Ask a public question.
    officer_page.get_by_label("Your question").fill("Do the sensors work in frost?")
    officer_page.get_by_role("button", name="Ask publicly").click()
    expect(notices(officer_page)).to_have_text(
        ["Question asked. You will be told when it is answered."]
    )
    expect(officer_page.locator("#questions")).to_contain_text("Do the sensors work in frost?")
    assert Question.objects.get().text == "Do the sensors work in frost?"

    # Request a pilot.
    officer_page.get_by_role("link", name="Request a pilot").click()
    expect(h1(officer_page)).to_have_text("Ask Brightbin Ltd for a pilot")
    expect(field(officer_page, "Asking as").locator("option:checked")).to_have_text(
        "Northshire County Council"
    )
    field(officer_page, "Scope").fill("Twelve bins on the high street for three months.")
    field(officer_page, "Budget (£)").fill("4000")
    field(officer_page, "Success criteria").fill("Half as many overflowing bins.")
    officer_page.get_by_role("button", name="Send the pilot request").click()
    expect(notices(officer_page)).to_have_text(["Pilot requested. Brightbin Ltd has been told."])
    expect(officer_page.locator("main .pill").first).to_have_text("Requested")
    pilot = PilotRequest.objects.get()
    assert (pilot.status, pilot.budget_pence, pilot.requester_id) == (
        "requested",
        400_000,
        market["council"].pk,
    )

    # "We need this too" on a neighbour's request.
    officer_page.goto(market["request"].get_absolute_url())
    expect(h1(officer_page)).to_have_text("Fewer overflowing bins in parks")
    expect(officer_page.locator("#demand .empty")).to_have_text(
        "No other organisation has said it needs this yet."
    )
    officer_page.locator("#demand").get_by_role("button", name="We need this too").click()
    expect(notices(officer_page)).to_have_text(["Thank you: your interest is counted."])
    expect(officer_page.locator("#demand > p").first).to_have_text("1 organisation needs this too.")
    expect(officer_page.locator("#demand .tags")).to_have_text("Northshire County Council")
    assert Interest.objects.get().organisation_id == market["council"].pk

    # The supplier sees the pilot on the dashboard and accepts it.
    supplier_page = pages.new_page(user=market["supplier_admin"])
    supplier_page.goto("/dashboard/")
    asked_of = supplier_page.locator("section[aria-labelledby=pilots-of-title]")
    expect(asked_of).to_contain_text(pilot.title)
    asked_of.get_by_role("link", name=pilot.title).click()
    expect(h1(supplier_page)).to_have_text(pilot.title)
    expect(supplier_page.locator("main .pill").first).to_have_text("Requested")
    supplier_page.get_by_role("button", name="Accept").click()
    expect(notices(supplier_page)).to_have_text(["Pilot accepted."])
    expect(supplier_page.locator("main .pill").first).to_have_text("Accepted")
    pilot.refresh_from_db()
    assert pilot.status == "accepted"

    # The officer is told.
    officer_page.goto("/notifications/")
    expect(officer_page.locator(".notifications li").first).to_contain_text(
        f"Brightbin Ltd accepted the pilot “{pilot.title}”."
    )


# --- (b) An organiser publishes a breakfast with an early-bird ticket and an unconference ----


def test_organiser_publishes_a_breakfast_with_early_bird_and_an_unconference(pages: Pages):
    organisation = make_organisation(name="Northshire Digital", kind="council")
    organiser = organisation.memberships.get().user
    page = pages.new_page(user=organiser)
    day = timezone.localdate() + timedelta(days=30)
    early_until = timezone.localdate() + timedelta(days=10)

    page.goto("/events/organising/")
    expect(h1(page)).to_have_text("Events I organise")
    expect(page.locator("main .empty")).to_contain_text("Your organisations have no events yet.")

    for kind, title in [("Breakfast meeting", "Digital breakfast"), ("Unconference", "Open space")]:
        page.goto("/events/organising/")
        page.get_by_role("link", name="Create an event").first.click()
        expect(h1(page)).to_have_text("Create an event")
        field(page, "Kind of event").select_option(label=kind)
        field(page, "Title").fill(title)
        field(page, "Summary").fill(f"{title}: councils and suppliers, in person.")
        field(page, "Starts").fill(f"{day:%Y-%m-%d}T08:00")
        field(page, "Ends").fill(f"{day:%Y-%m-%d}T10:00")
        field(page, "Venue").fill("Town Hall")
        field(page, "Seats in all").fill("30")
        page.get_by_role("button", name="Save draft").click()
        expect(notices(page)).to_have_text(["Draft saved. Add ticket types, then publish it."])
        expect(h1(page)).to_have_text(title)
        expect(page.locator("#tickets-heading ~ .empty")).to_have_text(
            "No ticket types yet. Add at least one (a free one is fine) before publishing."
        )

        # The "Add a ticket type" panel starts open while there is none.
        field(page, "Name").fill("Standard")
        if kind == "Breakfast meeting":
            field(page, "Price (£)").fill("25")
            field(page, "Early-bird price (£)").fill("15")
            field(page, "Early-bird price until").fill(f"{early_until:%Y-%m-%d}T23:59")
        else:
            field(page, "Price (£)").fill("0")
        page.get_by_role("spinbutton", name="Seats", exact=True).fill("30")
        page.get_by_role("button", name="Add ticket type").click()
        expect(notices(page)).to_have_text(["Ticket type saved."])
        expect(page.locator("section[aria-labelledby=tickets-heading] tbody tr")).to_have_count(1)

        page.locator(".actions").get_by_role("button", name="Publish").click()
        expect(notices(page)).to_have_text(["Published: the event is open for booking."])
        expect(page.locator("main .pill").first).to_have_text("Published")

    # Both are on the public list; the breakfast shows its early-bird price.
    page.goto("/events/")
    expect(page.locator(".event-card h3")).to_have_text(["Digital breakfast", "Open space"])
    page.get_by_role("link", name="Digital breakfast").click()
    ticket_row = page.locator(".ticket-list li")
    expect(ticket_row).to_contain_text("£15")
    expect(ticket_row).to_contain_text("Early bird until")
    expect(ticket_row.locator("s")).to_have_text("£25")
    assert list(Event.objects.order_by("title").values_list("title", "kind", "status")) == [
        ("Digital breakfast", "breakfast", "published"),
        ("Open space", "unconference", "published"),
    ]

    # The organiser console lists both with their seats.
    page.goto("/events/organising/")
    expect(page.locator("table.organising tbody tr")).to_have_count(2)
    expect(page.locator("table.organising tbody tr td:nth-child(4)")).to_have_text(
        ["0 / 30", "0 / 30"]
    )


# --- (c) An attendee books, joins the waitlist when full, is promoted after a cancellation ----


def test_attendee_books_waits_when_full_and_is_promoted_after_a_cancellation(pages: Pages):
    event = make_event(title="Tiny breakfast", capacity=2)
    first = book(ticket(event), quantity=1)
    attendee = UserFactory(full_name="Ada Attendee", email="ada@example.org")
    page = pages.new_page(user=attendee)

    # One seat left: book it.
    page.goto(event.get_absolute_url())
    expect(h1(page)).to_have_text("Tiny breakfast")
    expect(page.locator(".event-facts")).to_contain_text("1 of 2 left")
    page.locator(".booking-start").get_by_role("button", name="Book").click()
    expect(h1(page)).to_have_text("Book Tiny breakfast")
    page.get_by_role("button", name="Confirm booking").click()
    mine = Booking.objects.get(booker=attendee)
    expect(notices(page)).to_have_text([f"Booked. Your reference is {mine.reference}."])
    assert (mine.status, mine.quantity) == ("confirmed", 1)

    # A colleague finds it full and joins the waitlist.
    colleague = UserFactory(full_name="Cole Colleague")
    colleague_page = pages.new_page(user=colleague)
    colleague_page.goto(event.get_absolute_url())
    expect(colleague_page.locator(".event-facts")).to_contain_text("0 of 2 left")
    expect(colleague_page.locator(".ticket-list")).to_contain_text("Sold out")
    colleague_page.get_by_role("button", name="Join the waitlist").click()
    expect(notices(colleague_page)).to_have_text(
        ["You are on the waitlist. We will email you as soon as seats come free."]
    )
    entry = WaitlistEntry.objects.get(user=colleague)
    assert (entry.status, entry.quantity) == (WaitlistStatus.WAITING, 1)

    # The first booker cancels from their booking page.
    canceller = pages.new_page(user=first.booker)
    canceller.goto(first.get_absolute_url())
    expect(h1(canceller)).to_have_text(f"Booking {first.reference}")
    canceller.get_by_role("button", name=f"Cancel booking {first.reference}").click()
    expect(notices(canceller)).to_have_text([f"Booking {first.reference} is cancelled."])

    # The colleague is offered the seat, with an expiry, and sees it on the dashboard.
    entry.refresh_from_db()
    assert entry.status == WaitlistStatus.OFFERED
    assert entry.offer_expires_at > timezone.now()
    colleague_page.goto("/dashboard/")
    expect(colleague_page.locator("section[aria-labelledby=bookings-title]")).to_contain_text(
        "Tiny breakfast · 1 × Standard · offered a place until"
    )

    # The email's link leads to the offer; accepting it books the seat.
    offer_mail = next(
        m for m in mail.outbox if colleague.email in m.to and "/waitlist/offers/" in m.body
    )
    link = re.search(r"https?://\S+(/waitlist/offers/\S+/)", offer_mail.body).group(1)
    colleague_page.goto(link)
    expect(h1(colleague_page)).to_have_text("Accept your place at Tiny breakfast")
    colleague_page.get_by_role("button", name="Confirm booking").click()
    promoted = Booking.objects.get(booker=colleague)
    expect(notices(colleague_page)).to_have_text(
        [f"Booked. Your reference is {promoted.reference}."]
    )
    entry.refresh_from_db()
    assert (entry.status, promoted.status, promoted.quantity) == ("accepted", "confirmed", 1)
