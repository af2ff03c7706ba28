"""A person subscribes to their own calendar: the settings page makes the feed, shows the
webcal link once, and the https address answers their booking as iCalendar."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.axe import assert_accessible
from tests.factories.events import book, make_event, ticket
from tests.factories.exchange import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_person_creates_personal_feed_and_fetches_their_booking(pages):
    me = UserFactory(full_name="Bea Booker")
    book(ticket(make_event(title="Digital breakfast in Northshire")), user=me)
    make_event(title="Someone else's workshop")
    page = pages.new_page(user=me)

    # From the profile to the settings page.
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Calendar subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Calendar subscription")
    expect(page.locator(".empty")).to_have_text("You have no calendar feed.")
    assert_accessible(page)

    # Create the feed: the address is shown this once, with a webcal:// subscribe link.
    page.get_by_role("button", name="Create my calendar feed").click()
    expect(page.get_by_role("heading", name="Your feed address")).to_be_visible()
    subscribe = page.get_by_role("link", name="Subscribe in your calendar app")
    webcal = subscribe.get_attribute("href")
    url = page.get_by_label("Or paste this address into your calendar app").input_value()
    assert webcal == "webcal://" + url.split("://", 1)[1]
    assert "/calendar/" in url
    assert url.endswith(".ics")
    assert_accessible(page)

    # A calendar app fetching the https (here http) address gets the booking, nobody else's.
    response = page.request.get(url)
    body = response.text()
    assert response.status == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["cache-control"] == "private, no-cache"
    assert "SUMMARY:Digital breakfast in Northshire" in body.replace("\r\n ", "")
    assert "Someone else" not in body

    # Back on the page, the address is not shown again.
    page.goto("/settings/calendar/")
    expect(page.get_by_role("heading", name="Your feed")).to_be_visible()
    expect(page.get_by_label("Or paste this address into your calendar app")).to_have_count(0)
