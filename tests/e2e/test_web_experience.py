"""The web experience of issue 10 in a real browser: the trends heat map, an event agenda on
paper, key pages on a 360 px phone, where-you-are navigation, and axe-core on the new pages
(trends, a populated dashboard, the home page, the organiser console)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from events import services as event_services
from exchange.models import Need
from listings import services as listing_services
from listings.enums import ListingKind
from listings.queries import SearchParams
from tests.e2e.axe import assert_accessible
from tests.e2e.browser import PHONE, Pages
from tests.factories.events import book, make_event, ticket
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    """A council officer with a request, a supplier's offer, a breakfast with an agenda that the
    officer booked, an unconference the council runs, and a saved search."""
    fly, isolation = Need.objects.filter(
        slug__in=["fly-tipping-enforcement", "reducing-isolation"]
    ).order_by("slug")
    supplier = make_organisation(name="Brightbin Ltd", kind="supplier")
    council = make_organisation(name="Northshire County Council", kind="council")
    officer = add_member(council, UserFactory(full_name="Priya Shah"))
    offer = make_listing(
        organisation=supplier,
        title="Smart bins for town centres",
        summary="Sensors report how full the bins are.",
        needs=[fly],
    )
    make_listing(
        organisation=council,
        kind=ListingKind.REQUEST,
        title="Fewer lonely evenings",
        summary="Befriending for older residents.",
        needs=[isolation],
    )
    breakfast = make_event(
        organisation=supplier,
        title="Waste innovation breakfast",
        description="Read the [pilot report](https://example.org/report) before you come.",
        capacity=20,
    )
    organiser = breakfast.organiser.memberships.order_by("pk").first().user
    for minutes, title, speaker in [
        (0, "Coffee and introductions", ""),
        (30, "What the sensors told us", "Sam Okafor"),
        (60, "Your questions", ""),
    ]:
        event_services.agenda_item_create(
            actor=organiser,
            event=breakfast,
            starts_at=breakfast.starts_at + timedelta(minutes=minutes),
            title=title,
            speaker_name=speaker,
        )
    event_services.event_listing_link(actor=organiser, event=breakfast, listing=offer)
    book(ticket(breakfast), user=officer, quantity=1)
    council_admin = council.memberships.order_by("pk").first().user
    unconference = make_event(
        organisation=council,
        actor=council_admin,
        kind="unconference",
        title="Open space for waste",
        capacity=40,
    )
    book(ticket(unconference), quantity=2)
    listing_services.saved_search_create(
        actor=officer, name="Bins everywhere", params=SearchParams(q="bins")
    )
    return SimpleNamespace(
        officer=officer,
        council_admin=council_admin,
        breakfast=breakfast,
        unconference=unconference,
    )


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def scroll_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_trends_heat_map_measures_table_and_csv(page: Page, world, shot):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trends").click()

    expect(h1(page)).to_have_text("Trends")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Trends")
    ).to_have_attribute("aria-current", "page")
    heatmap = page.get_by_role("img", name=re.compile(r"^New listings by need area and month"))
    expect(heatmap).to_be_visible()
    expect(page.locator(".heatmap-cell")).to_have_count(16 * 12)
    shot(page, "trends")

    # The table alternative is behind "Show as table".
    table = page.get_by_role("table", name="New listings by need area (rows) and month (columns)")
    expect(table).to_be_hidden()
    page.get_by_text("Show as table").click()
    expect(table).to_be_visible()
    waste = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Waste and recycling")
    )
    expect(waste.get_by_role("cell")).to_have_text(["0"] * 11 + ["1", "1"])

    # Another measure keeps its own heading; the switch marks where you are.
    page.get_by_role("navigation", name="Measures").get_by_role(
        "link", name="Event bookings (seats)"
    ).click()
    expect(page.get_by_role("heading", level=2, name=re.compile("^Event bookings"))).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Measures").get_by_role(
            "link", name="Event bookings (seats)"
        )
    ).to_have_attribute("aria-current", "page")

    # A bad filter is a form error, not a crash.
    page.goto("/trends/?region=atlantis")
    expect(page.locator(".error-summary")).to_contain_text(
        "Region: Select a valid choice. atlantis is not one of the available choices."
    )

    # The CSV downloads with the same numbers.
    page.goto("/trends/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert re.fullmatch(r"trends-listings-\d{4}-\d{2}\.csv", download.suggested_filename)
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Need area,")
    assert lines[0].endswith(",Total")
    assert "Waste and recycling,0,0,0,0,0,0,0,0,0,0,0,1,1" in lines


def test_event_agenda_prints_as_a_clean_table(page: Page, world):
    page.goto(world.breakfast.get_absolute_url())
    expect(h1(page)).to_have_text("Waste innovation breakfast")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_visible()

    page.emulate_media(media="print")

    expect(nav).to_be_hidden()
    expect(page.locator(".tickets")).to_be_hidden()
    expect(page.locator(".calendar-links")).to_be_hidden()
    agenda = page.locator("ol.agenda")
    expect(agenda).to_be_visible()
    expect(agenda.locator("li h3")).to_have_text(
        ["Coffee and introductions", "What the sensors told us", "Your questions"]
    )
    assert agenda.evaluate("el => getComputedStyle(el).display") == "table"
    assert agenda.locator("li").first.evaluate("el => getComputedStyle(el).display") == "table-row"
    link_after = page.locator(".prose a[href='https://example.org/report']").evaluate(
        "el => getComputedStyle(el, '::after').content"
    )
    assert link_after == '" (https://example.org/report)"'

    page.emulate_media(media="screen")
    expect(nav).to_be_visible()


def test_key_pages_fit_a_360_px_phone(pages: Pages, world, shot):
    phone = pages.new_page(viewport=PHONE, user=world.council_admin)
    for path, heading in [
        ("/", "Open Innovation Exchange"),
        ("/trends/", "Trends"),
        ("/dashboard/", "Dashboard"),
        ("/events/organising/", "Events I organise"),
        (world.breakfast.get_absolute_url(), "Waste innovation breakfast"),
        ("/events/", None),
    ]:
        phone.goto(path)
        if heading:
            expect(h1(phone)).to_have_text(heading)
        assert scroll_width(phone) <= 360, path
        shot(phone, f"phone-{path.strip('/').replace('/', '-') or 'home'}")


def test_navigation_marks_where_you_are(pages: Pages, world):
    page = pages.new_page(user=world.officer)
    nav = page.get_by_role("navigation", name="Main")
    for path, current in [
        ("/dashboard/", "Dashboard"),
        ("/trends/", "Trends"),
        ("/events/", "Events"),
        ("/listings/", "Browse"),
    ]:
        page.goto(path)
        expect(nav.locator("[aria-current=page]")).to_have_text([current])


@pytest.mark.parametrize(
    ("name", "path", "as_user", "heading", "shows"),
    [
        ("trends", "/trends/", None, "Trends", "Show as table"),
        (
            "trends by bookings",
            "/trends/?measure=bookings",
            "officer",
            "Trends",
            "Seats in confirmed",
        ),
        ("home", "/", None, "Open Innovation Exchange", "Trending needs"),
        ("dashboard populated", "/dashboard/", "officer", "Dashboard", "Bins everywhere"),
        (
            "organiser console",
            "/events/organising/",
            "council_admin",
            "Events I organise",
            "Open space for waste",
        ),
    ],
)
def test_new_pages_have_no_serious_accessibility_violations(
    pages: Pages, world, name, path, as_user, heading, shows
):
    page = pages.new_page(**({"user": getattr(world, as_user)} if as_user else {}))
    page.goto(path)

    expect(h1(page)).to_have_text(heading)
    expect(page.locator("main").get_by_text(shows).first).to_be_visible()
    assert_accessible(page)
