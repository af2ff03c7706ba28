"""Journeys through the exchange in a real browser, asserting what the person sees at each step."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from exchange.enums import OrganisationKind, Region
from listings.enums import ListingKind
from listings.models import SavedSearch
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def field(page: Page, label: str):
    """The form field labelled exactly ``label`` (a required field's label ends in "*")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def notices(page: Page):
    return page.locator(".messages .notice")


def main_nav(page: Page):
    return page.get_by_role("navigation", name="Main")


def results_heading(page: Page):
    return page.locator("#results-heading")


def result_titles(page: Page):
    return page.locator(".results .card h3")


def test_supplier_signs_up_creates_organisation_and_publishes_product(page: Page):
    # Home: a visitor who has never been here.
    page.goto("/")
    expect(h1(page)).to_have_text("Open Innovation Exchange")
    main_nav(page).get_by_role("link", name="Sign up").click()

    # Sign up.
    expect(h1(page)).to_have_text("Create your account")
    field(page, "Email address").fill("sam@brightbin.example")
    field(page, "Full name").fill("Sam Okafor")
    field(page, "Job title").fill("Founder")
    field(page, "Password").fill("compost-lantern-42-orbit")
    field(page, "Password again").fill("compost-lantern-42-orbit")
    page.get_by_role("button", name="Create account").click()

    # The dashboard says what to do first: there is no organisation yet.
    expect(h1(page)).to_have_text("Dashboard")
    expect(notices(page)).to_have_text(["Welcome to the exchange, Sam Okafor."])
    expect(page.get_by_text("You do not belong to an organisation yet.")).to_be_visible()
    page.get_by_role("link", name="Create an organisation").click()

    # Create the organisation.
    expect(h1(page)).to_have_text("Add an organisation")
    field(page, "Name").fill("Brightbin Ltd")
    field(page, "Kind of organisation").select_option(label="Supplier")
    field(page, "Region").select_option(label="North West")
    field(page, "Description").fill("Smart street furniture for town centres.")
    field(page, "Small or medium enterprise").check()
    page.get_by_role("button", name="Add organisation").click()

    expect(h1(page)).to_have_text("Brightbin Ltd")
    expect(notices(page)).to_have_text(["Brightbin Ltd is on the exchange. You are its admin."])
    expect(page.locator("#listings-title + .empty")).to_have_text(
        "Brightbin Ltd has no listings yet. Create the first one."
    )
    page.get_by_role("link", name="Create the first one").click()

    # Post a product, saved as a draft first.
    expect(h1(page)).to_have_text("Post an idea, request or offer")
    expect(field(page, "Organisation").locator("option:checked")).to_have_text("Brightbin Ltd")
    field(page, "What are you posting?").select_option(label="Product")
    field(page, "Title").fill("Solar compacting litter bins")
    field(page, "Summary").fill(
        "Bins that squash their own litter with solar power, so crews empty them five times less."
    )
    field(page, "Tags").fill("waste, street cleansing")
    field(page, "Price model").select_option(label="From")
    field(page, "Price (£)").fill("1200")
    field(page, "Region").select_option(label="North West")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(h1(page)).to_have_text("Solar compacting litter bins")
    expect(notices(page)).to_have_text(["Draft saved."])
    expect(page.locator("main > p .pill")).to_have_text(["Product", "Draft"])

    # Publish it.
    page.get_by_role("button", name="Publish").click()
    expect(notices(page)).to_have_text(["Listing published."])
    expect(page.locator("main > p .pill")).to_have_text(["Product", "Published"])
    expect(page.get_by_role("button", name="Publish")).to_have_count(0)

    # It shows on the organisation's page ...
    page.get_by_role("link", name="Brightbin Ltd").click()
    expect(h1(page)).to_have_text("Brightbin Ltd")
    card = page.locator("#listings-title ~ .cards .card")
    expect(card.locator("h3")).to_have_text(["Solar compacting litter bins"])
    expect(card.locator(".meta")).to_have_text(["Brightbin Ltd · North West · From £1,200"])

    # ... and in search.
    main_nav(page).get_by_role("link", name="Browse").click()
    expect(h1(page)).to_have_text("Find ideas, requests and offers")
    field(page, "Search listings").fill("compacting")
    field(page, "Search listings").press("Enter")
    expect(results_heading(page)).to_have_text("1 listing for “compacting”")
    expect(result_titles(page)).to_have_text(["Solar compacting litter bins"])
    expect(page.locator(".results .card .meta")).to_have_text(
        ["Brightbin Ltd · North West · From £1,200"]
    )


@pytest.fixture
def bins_market(transactional_db):
    """Four listings about bins in two regions, and one about something else."""
    supplier = make_organisation(name="Brightbin Ltd", kind=OrganisationKind.SUPPLIER)
    londoner = make_organisation(name="Capital Kerbside", kind=OrganisationKind.SUPPLIER)
    council = make_organisation(name="Northshire County Council", kind=OrganisationKind.COUNCIL)
    make_listing(
        organisation=supplier,
        title="Smart bins for town centres",
        summary="Sensors report how full the bins are.",
        region=Region.NORTH_WEST,
    )
    make_listing(
        organisation=londoner,
        title="Compacting litter bins",
        summary="Solar bins that hold five times more.",
        region=Region.LONDON,
    )
    make_listing(
        organisation=londoner,
        kind=ListingKind.SERVICE,
        title="Route planning for bins",
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
        title="Befriending app",
        summary="Volunteers call older people.",
        region=Region.NORTH_WEST,
    )
    return council


def test_council_officer_searches_narrows_opens_and_saves_search(page: Page, bins_market):
    officer = UserFactory(email="priya@northshire.example", full_name="Priya Shah")
    add_member(bins_market, officer)

    # Log in.
    page.goto("/accounts/login/")
    expect(h1(page)).to_have_text("Log in")
    field(page, "Email address").fill("priya@northshire.example")
    field(page, "Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    expect(h1(page)).to_have_text("Dashboard")

    # Search with words.
    main_nav(page).get_by_role("link", name="Browse").click()
    expect(results_heading(page)).to_have_text("5 listings")
    field(page, "Search listings").fill("bins")
    page.get_by_role("button", name="Search").click()
    expect(results_heading(page)).to_have_text("4 listings for “bins”")
    expect(page.get_by_role("link", name="Befriending app")).to_have_count(0)

    # Narrow by kind, then by region: each choice shows as a chip.
    filters = page.get_by_role("navigation", name="Filter results")
    chips = page.get_by_role("list", name="Active filters")
    filters.get_by_role("link", name="Product (2)", exact=True).click()
    expect(results_heading(page)).to_have_text("2 listings for “bins”")
    expect(result_titles(page)).to_have_count(2)
    assert sorted(result_titles(page).all_inner_texts()) == [
        "Compacting litter bins",
        "Smart bins for town centres",
    ]
    expect(chips.get_by_role("listitem")).to_have_text(
        ["Words: bins ✕ (remove)", "Kind: Product ✕ (remove)", "Clear all"]
    )
    filters.get_by_role("link", name="North West (1)", exact=True).click()
    expect(results_heading(page)).to_have_text("1 listing for “bins”")
    expect(result_titles(page)).to_have_text(["Smart bins for town centres"])
    expect(chips.get_by_role("listitem")).to_have_text(
        [
            "Words: bins ✕ (remove)",
            "Kind: Product ✕ (remove)",
            "Region: North West ✕ (remove)",
            "Clear all",
        ]
    )

    # Remove the kind chip: the council's own request comes back.
    chips.get_by_role("link", name="Kind: Product (remove)").click()
    expect(results_heading(page)).to_have_text("2 listings for “bins”")
    expect(chips.get_by_role("listitem")).to_have_text(
        ["Words: bins ✕ (remove)", "Region: North West ✕ (remove)", "Clear all"]
    )
    expect(result_titles(page)).to_have_count(2)
    assert sorted(result_titles(page).all_inner_texts()) == [
        "Fewer overflowing bins in parks",
        "Smart bins for town centres",
    ]

    # Open a listing, then go back to the search.
    page.get_by_role("link", name="Smart bins for town centres").click()
    expect(h1(page)).to_have_text("Smart bins for town centres")
    expect(page.get_by_text("Sensors report how full the bins are.")).to_be_visible()
    page.go_back()
    expect(results_heading(page)).to_have_text("2 listings for “bins”")

    # Save the search with a weekly alert.
    page.get_by_role("link", name="Email me new matches").click()
    expect(h1(page)).to_have_text("Save this search")
    expect(field(page, "Name")).to_have_value("bins")
    field(page, "Name").fill("Bins in the North West")
    field(page, "Weekly").check()
    page.get_by_role("button", name="Save search").click()

    expect(h1(page)).to_have_text("Saved searches")
    expect(notices(page)).to_have_text(["Search saved. We will email you when new listings match."])
    row = page.get_by_role("row").filter(
        has=page.get_by_role("link", name="Bins in the North West")
    )
    expect(row).to_have_count(1)
    expect(row.get_by_label("Alerts for Bins in the North West")).to_have_value("weekly")
    saved = SavedSearch.objects.get()
    assert (saved.name, saved.frequency) == ("Bins in the North West", "weekly")
    checked = timezone.localtime(saved.last_sent_at)  # new matches count from the saving
    expect(row.get_by_role("cell").nth(2)).to_have_text(f"{checked.day} {checked:%b %Y, %H:%M}")

    # The saved search opens the same narrowed results.
    row.get_by_role("link", name="Bins in the North West").click()
    expect(results_heading(page)).to_have_text("2 listings for “bins”")
    expect(page).to_have_url(re.compile(r"/listings/\?q=bins&region=north_west$"))
