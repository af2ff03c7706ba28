"""Home page and dashboard sections (issue 10): empty states that say what to do next,
populated states with exact values, and no N+1 on the dashboard."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services as event_services
from events.enums import WaitlistStatus
from events.models import WaitlistEntry
from exchange.models import User
from listings import services as listing_services
from listings.enums import ListingKind
from listings.queries import SearchParams
from matching.models import Match, MatchDismissal
from tests.factories.events import book, make_event, ticket
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing
from tests.factories.matching import needs

pytestmark = pytest.mark.django_db


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by ``heading_id``."""
    match = re.search(rf'<section aria-labelledby="{heading_id}">(.*?)</section>', html, flags=re.S)
    assert match, heading_id
    return match.group(1)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def match(source, target, score=0.8) -> Match:
    return Match.objects.create(
        source=source, target=target, score=score, reasons=["Same need"], computed_at=timezone.now()
    )


# --- Home -------------------------------------------------------------------------------------


def test_home_empty_exchange_says_what_to_do(client: Client):
    html = client.get("/").content.decode()

    assert text(section(html, "events-title")) == (
        "Upcoming events No events are coming up yet. "
        "Organisers: run a breakfast meeting or an unconference ."
    )
    assert text(section(html, "trending-title")) == (
        "Trending needs Nothing is trending yet. Trends appear as listings with needs are "
        "published. Open the trends heat map ."
    )
    assert 'href="/events/new/">Create an event</a>' in html


def test_home_shows_upcoming_events_and_trending_needs(client: Client):
    fly, isolation = needs("fly-tipping-enforcement", "reducing-isolation")
    make_listing(title="Bins", needs=[fly])
    make_listing(title="More bins", needs=[fly])
    make_listing(title="Befriending", needs=[isolation])
    make_listing(title="Hidden", needs=[isolation], publish=False)
    make_event(title="Digital breakfast")
    make_event(title="Draft breakfast", publish=False)

    html = client.get("/").content.decode()

    events = section(html, "events-title")
    assert re.findall(r'<h3><a href="/events/[^"]+/">([^<]+)</a></h3>', events) == [
        "Digital breakfast"
    ]
    trending = section(html, "trending-title")
    assert re.findall(r'need_area=([a-z-]+)">([^<]+)</a> <span class="count">(\d+)', trending) == [
        ("waste-and-recycling", "Waste and recycling", "2"),
        ("adult-social-care", "Adult social care", "1"),
    ]
    assert '<a href="/trends/">See all trends on the heat map</a>' in trending


# --- Dashboard --------------------------------------------------------------------------------


def test_dashboard_newcomer_sees_every_empty_state(client: Client):
    client.force_login(UserFactory())

    html = client.get("/dashboard/").content.decode()

    assert text(section(html, "my-listings-title")) == (
        "Your organisations’ listings Your organisations have no listings yet. "
        "Post a request, product, service or idea and we will find matches for it."
    )
    assert text(section(html, "bookings-title")) == (
        "Your bookings and upcoming events You have no upcoming bookings. "
        "Find a breakfast meeting or an unconference near you. All your bookings and tickets · "
        "Your personal calendar feed (every booking and starred session in your calendar app)"
    )
    assert text(section(html, "organising-title")) == (
        "Events you organise Your organisations have no upcoming events. "
        "Create an event : a breakfast meeting is a good start."
    )
    assert text(section(html, "saved-title")) == (
        "Saved searches No saved searches yet. Search the exchange and choose "
        "“Email me new matches” to hear about new listings."
    )
    assert "No open pilot requests." in html
    assert "You are all caught up." in html


@pytest.fixture
def officer_world():
    """A council officer with a request (two matches, one dismissed), a booking, a waitlist
    place, an event the council runs, and a saved search."""
    council = make_organisation(name="Northshire", kind="council")
    officer = council.memberships.get().user
    supplier = make_organisation(name="Brightbin", kind="supplier")
    request = make_listing(organisation=council, kind=ListingKind.REQUEST, title="Fewer bins")
    draft = make_listing(organisation=council, title="Our draft", publish=False)
    offer = make_listing(organisation=supplier, title="Smart bins")
    other = make_listing(organisation=supplier, title="Route planning")
    match(request, offer)
    match(request, other, 0.5)
    MatchDismissal.objects.create(source=request, target=other, dismissed_by=officer)
    breakfast = make_event(title="Digital breakfast", capacity=2)
    booking = book(ticket(breakfast), user=officer, quantity=2)
    full = make_event(title="Full breakfast", capacity=1)
    book(ticket(full))
    event_services.waitlist_join(actor=officer, ticket_type=ticket(full), quantity=1)
    ours = make_event(organisation=council, actor=officer, title="Our unconference", capacity=30)
    book(ticket(ours), quantity=3)
    listing_services.saved_search_create(
        actor=officer, name="Bins nearby", params=SearchParams(q="bins")
    )
    return {
        "officer": officer,
        "request": request,
        "draft": draft,
        "booking": booking,
        "breakfast": breakfast,
        "ours": ours,
    }


def test_dashboard_populated_sections_show_exact_values(client: Client, officer_world):
    client.force_login(officer_world["officer"])

    html = client.get("/dashboard/").content.decode()

    listings = section(html, "my-listings-title")
    rows = re.findall(
        r"<tr>\s*<td><a href=\"[^\"]+\">([^<]+)</a>.*?<td>(\w+)</td>\s*<td>(.*?)</td>",
        listings,
        re.S,
    )
    assert [(title, status, text(count)) for title, status, count in rows] == [
        ("Our draft", "Draft", "0"),
        ("Fewer bins", "Published", "1 match for Fewer bins"),
    ]
    bookings = text(section(html, "bookings-title"))
    booking = officer_world["booking"]
    assert f"Booking {booking.reference} · Add to calendar (.ics) : Digital breakfast" in bookings
    assert "2 seats, confirmed" in bookings
    assert "On the waitlist Full breakfast · 1 × Standard · waiting" in bookings
    assert f'href="/events/{officer_world["breakfast"].slug}/calendar.ics" download' in html
    organising = text(section(html, "organising-title"))
    assert "Our unconference" in organising
    assert "3 of 30 booked" in organising
    assert text(section(html, "saved-title")).startswith(
        "Saved searches Bins nearby · alerts daily"
    )


def _add_items(user: User, organisation, n: int) -> None:
    """n more of everything on the dashboard for ``user``."""
    supplier = make_organisation(kind="supplier")
    for i in range(n):
        request = make_listing(organisation=organisation, kind="request", title=f"Need {i}")
        match(request, make_listing(organisation=supplier, title=f"Offer {i}"))
        event = make_event(title=f"Breakfast {i}")
        book(ticket(event), user=user)
        make_event(organisation=organisation, actor=user, title=f"Ours {i}")
        listing_services.saved_search_create(
            actor=user, name=f"Search {i}", params=SearchParams(q=f"bins{i}")
        )


def test_dashboard_query_count_does_not_grow_with_items(client: Client, django_assert_num_queries):
    one = make_organisation(kind="council")
    three = make_organisation(kind="council")
    first, second = one.memberships.get().user, three.memberships.get().user
    _add_items(first, one, 1)
    _add_items(second, three, 3)
    client.force_login(first)
    client.get("/dashboard/")  # warm caches (content types, corpus statistics)
    with CaptureQueriesContext(connection) as with_one:
        client.get("/dashboard/")
    queries_with_one = len(with_one)  # now: the next request clears the query log
    client.force_login(second)
    client.get("/dashboard/")

    with django_assert_num_queries(queries_with_one):
        response = client.get("/dashboard/")

    assert text(section(response.content.decode(), "saved-title")).startswith(
        "Saved searches Search 0 · alerts daily Search 1 · alerts daily Search 2"
    )


def test_dashboard_waitlist_offer_shows_its_deadline(client: Client):
    event = make_event(title="Tiny breakfast", capacity=1)
    first = book(ticket(event))
    waiter = UserFactory()
    entry = event_services.waitlist_join(actor=waiter, ticket_type=ticket(event), quantity=1)
    event_services.booking_cancel(actor=first.booker, booking=first)
    entry = WaitlistEntry.objects.get(pk=entry.pk)
    assert entry.status == WaitlistStatus.OFFERED
    client.force_login(waiter)

    bookings = text(section(client.get("/dashboard/").content.decode(), "bookings-title"))

    assert "Tiny breakfast · 1 × Standard · offered a place until" in bookings


def test_dashboard_other_peoples_things_stay_out(client: Client, officer_world):
    stranger = UserFactory()
    add_member(make_organisation(kind="supplier"), stranger)
    client.force_login(stranger)

    html = client.get("/dashboard/").content.decode()

    assert "Fewer bins" not in html
    assert "Digital breakfast" not in html
    assert "Bins nearby" not in html
    assert "Our unconference" not in html
