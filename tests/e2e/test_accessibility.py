"""axe-core on every key page, in the states people meet: no serious or critical WCAG 2.2 A/AA
violation. Each case first checks that the page really is the one meant (its heading and a line
only that state shows), so a redirect to the login page cannot pass for the dashboard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from exchange.enums import NotificationKind, OrganisationKind, Region
from exchange.models import Need
from exchange.notifications import notify
from listings import services as listing_services
from listings.enums import ListingKind
from listings.queries import SearchParams
from tests.e2e.axe import assert_accessible
from tests.e2e.browser import PHONE, Pages
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def exchange(transactional_db):
    """A small living exchange: a supplier, a council, listings, a notification, a saved
    search, and a newcomer who belongs to no organisation yet."""
    need = Need.objects.get(slug="street-cleansing")  # from the shipped vocabulary
    supplier = make_organisation(
        name="Brightbin Ltd",
        kind=OrganisationKind.SUPPLIER,
        description="Smart street furniture for **town centres**.",
    )
    council = make_organisation(name="Northshire County Council", kind=OrganisationKind.COUNCIL)
    supplier_admin = supplier.memberships.get().user
    officer = add_member(council, UserFactory(full_name="Priya Shah"))
    product = make_listing(
        organisation=supplier,
        title="Smart bins for town centres",
        summary="Sensors report how full the bins are, so crews empty only full ones.",
        body="## Results\n\n- A third fewer trips\n- No overflowing bins\n\n[Pilot report](https://example.org/report)",
        tag_names=["waste", "iot-sensors"],
        needs=[need],
        region=Region.NORTH_WEST,
        website_url="https://brightbin.example",
    )
    make_listing(
        organisation=council,
        kind=ListingKind.REQUEST,
        title="Fewer overflowing bins in parks",
        summary="Our park bins overflow every summer weekend.",
        budget_pence=2_000_000,
        region=Region.NORTH_WEST,
    )
    make_listing(organisation=supplier, title="Bin sensor retrofit kit", publish=False)
    notify(
        recipients=[officer],
        kind=NotificationKind.MATCH,
        text="Smart bins for town centres matches your request.",
        link=product.get_absolute_url(),
    )
    listing_services.saved_search_create(
        actor=officer, name="Bins in the North West", params=SearchParams(q="bins")
    )
    return SimpleNamespace(
        supplier=supplier,
        supplier_admin=supplier_admin,
        council=council,
        officer=officer,
        product=product,
        newcomer=UserFactory(full_name="Nia Newcomer"),
    )


@dataclass(frozen=True)
class Case:
    open: Callable[[Pages, SimpleNamespace], Page]
    heading: str
    shows: str  # a text only this state of the page shows


def visit(path: str, as_user: str | None = None, viewport: dict[str, int] | None = None):
    def open_page(pages: Pages, x: SimpleNamespace) -> Page:
        kwargs = {"user": getattr(x, as_user)} if as_user else {}
        page = pages.new_page(**kwargs, **({"viewport": viewport} if viewport else {}))
        page.goto(path(x) if callable(path) else path)
        return page

    return open_page


def submitted_empty(path: str, button: str, as_user: str | None = None):
    """The page after sending its form with nothing filled in: errors shown."""

    def open_page(pages: Pages, x: SimpleNamespace) -> Page:
        page = visit(path, as_user)(pages, x)
        page.locator("main form").get_by_role("button", name=button).click()
        expect(page.locator(".error-summary")).to_be_visible()
        return page

    return open_page


CASES = {
    "home": Case(visit("/"), "Open Innovation Exchange", "Smart bins for town centres"),
    "home on a phone": Case(
        visit("/", viewport=PHONE), "Open Innovation Exchange", "Fewer overflowing bins in parks"
    ),
    "search with results": Case(
        visit("/listings/?q=bins&region=north_west"),
        "Find ideas, requests and offers",
        "2 listings for “bins”",
    ),
    "search with results on a phone": Case(
        visit("/listings/?q=bins", viewport=PHONE),
        "Find ideas, requests and offers",
        "2 listings for “bins”",
    ),
    "search with no results": Case(
        visit("/listings/?q=zeppelin&kind=idea"),
        "Find ideas, requests and offers",
        "No listings match “zeppelin” with these filters.",
    ),
    "listing": Case(
        visit(lambda x: x.product.get_absolute_url()),
        "Smart bins for town centres",
        "At a glance",
    ),
    "listing seen by its owner": Case(
        visit(lambda x: x.product.get_absolute_url(), as_user="supplier_admin"),
        "Smart bins for town centres",
        "Archive",
    ),
    "new listing with errors": Case(
        submitted_empty("/listings/new/", "Save", as_user="supplier_admin"),
        "Post an idea, request or offer",
        "There are problems",
    ),
    "organisations": Case(visit("/organisations/"), "Organisations", "2 organisations"),
    "organisation": Case(
        visit(lambda x: f"/organisations/{x.supplier.slug}/"),
        "Brightbin Ltd",
        "Smart street furniture",
    ),
    "organisation seen by someone who may ask to join": Case(
        visit(lambda x: f"/organisations/{x.supplier.slug}/", as_user="newcomer"),
        "Brightbin Ltd",
        "Ask to join",
    ),
    "dashboard": Case(visit("/dashboard/", as_user="officer"), "Dashboard", "Unread notifications"),
    "dashboard of a newcomer": Case(
        visit("/dashboard/", as_user="newcomer"),
        "Dashboard",
        "You do not belong to an organisation yet.",
    ),
    "notifications": Case(
        visit("/notifications/", as_user="officer"),
        "Notifications",
        "Smart bins for town centres matches your request.",
    ),
    "no notifications": Case(
        visit("/notifications/", as_user="newcomer"), "Notifications", "No notifications yet."
    ),
    "login": Case(visit("/accounts/login/"), "Log in", "Forgotten your password?"),
    "login with errors": Case(
        submitted_empty("/accounts/login/", "Log in"), "Log in", "There are problems"
    ),
    "signup": Case(visit("/accounts/signup/"), "Create your account", "Already have an account?"),
    "signup with errors": Case(
        submitted_empty("/accounts/signup/", "Create account"),
        "Create your account",
        "There are problems",
    ),
    "saved searches": Case(
        visit("/settings/saved-searches/", as_user="officer"),
        "Saved searches",
        "Bins in the North West",
    ),
    "no saved searches": Case(
        visit("/settings/saved-searches/", as_user="newcomer"),
        "Saved searches",
        "You have no saved searches yet.",
    ),
    "save a search": Case(
        visit("/saved-searches/new/?q=bins", as_user="officer"),
        "Save this search",
        "Email me new matches",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_page_has_no_serious_accessibility_violations(pages: Pages, exchange, name):
    case = CASES[name]
    page = case.open(pages, exchange)

    expect(page.get_by_role("heading", level=1)).to_have_text(case.heading)
    expect(page.locator("main").get_by_text(case.shows).first).to_be_visible()
    assert_accessible(page)
