"""A person with only a keyboard, and a person on a 360 px wide phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from exchange.enums import OrganisationKind, Region
from listings.enums import ListingKind
from tests.e2e.browser import PHONE, Pages
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LONG_ADDRESS = "https://www.northshire-county-council.gov.uk/environment-and-waste/litter-bins"
REFERENCE = "BRIGHTBIN2026NORTHSHIRELITTERBINPILOT000001"  # nowhere to break it


@pytest.fixture
def listings(transactional_db):
    """Four published listings about bins, two of them products; the first has the long words
    people really paste."""
    supplier = make_organisation(name="Brightbin Ltd", kind=OrganisationKind.SUPPLIER)
    council = make_organisation(name="Northshire County Council", kind=OrganisationKind.COUNCIL)
    first = make_listing(
        organisation=supplier,
        title="Smart bins for town centres",
        summary=f"Sensors report how full the bins are. See {LONG_ADDRESS}",
        body=f"Pilot results: {LONG_ADDRESS}\n\nOur reference: {REFERENCE}",
        tag_names=["street-cleansing-and-waste-collection-optimisation", "waste"],
        website_url=LONG_ADDRESS,
        region=Region.NORTH_WEST,
    )
    make_listing(
        organisation=supplier,
        kind=ListingKind.SERVICE,
        title="Bin route planning",
        summary="We plan collection rounds around full bins.",
        region=Region.LONDON,
    )
    make_listing(
        organisation=council,
        kind=ListingKind.REQUEST,
        title="Fewer overflowing bins in parks",
        summary="Our park bins overflow every summer weekend.",
        region=Region.NORTH_WEST,
    )
    make_listing(
        organisation=supplier,
        title="Compacting litter bins",
        summary="Solar bins that hold five times more.",
        region=Region.LONDON,
    )
    return first


def focused(page: Page):
    return page.locator(":focus")


def assert_focus_visible(page: Page) -> None:
    """The focused element shows the site's focus ring (a 3 px outline), not the default."""
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth]; }"
    )
    assert style == ["solid", "3px"]


def test_keyboard_only_skip_link_and_search(page: Page, listings):
    page.goto("/")

    # The first Tab lands on the skip link, which shows itself.
    page.keyboard.press("Tab")
    expect(focused(page)).to_have_text("Skip to main content")
    expect(focused(page)).to_be_in_viewport()
    assert_focus_visible(page)

    # Enter moves focus to the main content: the next Tab is the hero's first link.
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(focused(page)).to_have_text("Browse the exchange")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find ideas, requests and offers")

    # Skip the header again; the first stop in main is the search box.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(focused(page)).to_have_attribute("name", "q")
    assert_focus_visible(page)
    page.keyboard.type("bins")
    page.keyboard.press("Tab")
    expect(focused(page)).to_have_attribute("name", "sort")
    page.keyboard.press("ArrowDown")  # a closed select changes value with the arrow keys
    expect(focused(page)).to_have_value("newest")
    page.keyboard.press("Tab")
    expect(focused(page)).to_have_text("Search")
    assert_focus_visible(page)
    page.keyboard.press("Enter")

    expect(page.locator("#results-heading")).to_have_text("4 listings for “bins”")
    expect(page.locator(".results .card h3")).to_have_text(
        [
            "Compacting litter bins",
            "Fewer overflowing bins in parks",
            "Bin route planning",
            "Smart bins for town centres",
        ]
    )
    expect(page.get_by_label("Sort by")).to_have_value("newest")

    # A new page starts at the top again: skip the header, pass the search form, reach the facets.
    page.keyboard.press("Tab")
    expect(focused(page)).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    for name in ("q", "sort"):
        page.keyboard.press("Tab")
        expect(focused(page)).to_have_attribute("name", name)
    page.keyboard.press("Tab")
    expect(focused(page)).to_have_text("Search")
    page.keyboard.press("Tab")
    expect(focused(page)).to_have_text("Product (2)")
    assert_focus_visible(page)
    page.keyboard.press("Enter")
    expect(page.locator("#results-heading")).to_have_text("2 listings for “bins”")
    expect(page.locator(".results .card h3")).to_have_text(
        ["Compacting litter bins", "Smart bins for town centres"]
    )


def test_keyboard_only_form_errors_lead_to_the_field(page: Page, listings):
    page.goto("/accounts/signup/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip link
    page.keyboard.press("Tab")
    expect(focused(page)).to_have_attribute("name", "email")
    page.keyboard.type("not-an-address")
    page.keyboard.press("Enter")

    # The summary of problems takes the focus and links to each field.
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("There are problems")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Email address: Enter a valid email address.",
            "Full name: This field is required.",
            "Password: This field is required.",
            "Password again: This field is required.",
        ]
    )
    page.keyboard.press("Tab")
    expect(focused(page)).to_have_text("Email address: Enter a valid email address.")
    page.keyboard.press("Enter")
    expect(page.locator("#id_email")).to_be_focused()
    expect(page.locator("#id_email")).to_have_accessible_description(
        "You log in with this address. We send invitations and updates to it. "
        "Error: Enter a valid email address."
    )


def scroll_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_phone_pages_fit_the_screen(phone: Page, listings, shot):
    phone.goto("/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Open Innovation Exchange")
    expect(phone.get_by_role("navigation", name="Main").get_by_role("link")).to_have_text(
        ["Browse", "Organisations", "Case studies", "Events", "Trends", "Log in", "Sign up"]
    )
    assert scroll_width(phone) <= 360
    shot(phone, "home-phone")

    # Search: the filters fold away so the results come first; one tap opens them.
    phone.goto("/listings/?q=bins")
    expect(phone.locator("#results-heading")).to_have_text("4 listings for “bins”")
    filters = phone.locator("details.filters-panel")
    expect(filters.locator("summary")).to_have_text("Filters")
    expect(filters).not_to_have_attribute("open", "")
    expect(phone.get_by_role("link", name="Product (2)", exact=True)).to_be_hidden()
    assert scroll_width(phone) <= 360
    shot(phone, "search-phone")
    filters.locator("summary").tap()
    phone.get_by_role("link", name="Product (2)", exact=True).tap()
    expect(phone.locator("#results-heading")).to_have_text("2 listings for “bins”")
    expect(filters.locator("summary")).to_have_text("Filters (1 chosen)")
    assert scroll_width(phone) <= 360

    # The listing, long address and all.
    phone.get_by_role("link", name="Smart bins for town centres").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Smart bins for town centres")
    assert scroll_width(phone) <= 360
    shot(phone, "listing-phone")


def test_phone_wide_table_scrolls_by_itself(pages: Pages, listings):
    organisation = listings.organisation
    admin = organisation.memberships.get().user
    add_member(organisation, UserFactory(full_name="Alexandra Montgomery-Fitzwilliam"))
    phone = pages.new_page(viewport=PHONE, user=admin)

    phone.goto(f"/organisations/{organisation.slug}/members/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Members of Brightbin Ltd")
    table = phone.get_by_role("table", name="People in Brightbin Ltd and their roles")
    expect(table.get_by_role("row")).to_have_count(3)
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")  # wider than the phone ...
    assert scroll_width(phone) <= 360  # ... but only the table scrolls, not the page
