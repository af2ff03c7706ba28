"""An unconference in a real browser: an attendee proposes a session, another votes (without a
reload), the organiser runs the scheduler and publishes, and the grid shows the session —
on a desktop and stacked on a phone, with no serious accessibility violation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from events.models import SessionProposal
from tests.e2e.axe import assert_accessible
from tests.e2e.browser import PHONE, Pages
from tests.factories.events import organiser_of
from tests.factories.exchange import UserFactory
from tests.factories.unconference import add_rooms, add_slots, attendee, make_unconference

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def field(page: Page, label: str):
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def notices(page: Page):
    return page.locator(".messages .notice")


def test_propose_vote_schedule_publish_and_read_the_grid(pages: Pages):
    event = make_unconference(title="Open data unconference")
    add_rooms(event, ("Council Chamber", 40), ("Reading room", 8))
    add_slots(event, 2)
    proposer = attendee(event, full_name="Alice Proposer")
    voter = attendee(event, full_name="Bob Voter")
    organiser = organiser_of(event)

    # An attendee finds the board from the event page and proposes a session.
    alice = pages.new_page(user=proposer)
    alice.goto(event.get_absolute_url())
    alice.get_by_role("link", name="Session board").click()
    expect(h1(alice)).to_have_text("Sessions at Open data unconference")
    expect(alice.get_by_text("No sessions yet. Be the first to propose one.")).to_be_visible()
    field(alice, "Session title").fill("One schema for care home vacancies")
    field(alice, "Description").fill("Can we agree one shape for the data this morning?")
    field(alice, "Tags").fill("open data, care homes")
    alice.get_by_role("button", name="Propose").click()
    expect(notices(alice)).to_have_text(["“One schema for care home vacancies” is on the board."])
    expect(alice.locator(".session-card h3")).to_have_text(["One schema for care home vacancies"])

    # Another attendee votes; the count and the votes left change without a reload.
    bob = pages.new_page(user=voter)
    bob.goto(f"/events/{event.slug}/sessions/")
    expect(bob.locator("[data-votes-left]")).to_have_text("5")
    bob.get_by_role("button", name=re.compile(r"^Vote for")).click()
    expect(bob.locator(".session-card .vote-count")).to_have_text(["1"])
    expect(bob.locator("[data-votes-left]")).to_have_text("4")
    expect(bob.get_by_role("button", name=re.compile(r"^Take vote back"))).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(notices(bob)).to_have_count(0)  # no reload happened: no flash message
    bob.reload()
    expect(bob.locator(".session-card .vote-count")).to_have_text(["1"])
    assert SessionProposal.objects.get().vote_count == 1

    # The organiser runs the scheduler and publishes.
    org = pages.new_page(user=organiser)
    org.goto(f"/events/{event.slug}/unconference/")
    expect(h1(org)).to_have_text("Organiser's board")
    org.get_by_role("button", name="Run the scheduler").click()
    expect(org.locator("#run-heading + p")).to_have_text(
        "1 session placed. Every session found a place."
    )
    org.get_by_role("button", name="Publish the schedule").click()
    expect(h1(org)).to_have_text("Schedule of Open data unconference")
    expect(notices(org)).to_have_text(["Schedule published; 2 attendee(s) notified."])

    # The grid: a table with room and time headers, the session in the largest room first.
    table = org.get_by_role("table", name="Sessions by time slot and room")
    expect(table.get_by_role("columnheader")).to_have_text(
        ["Time", "Council Chamber (40 seats)", "Reading room (8 seats)"]
    )
    first_row = table.locator("tbody tr").first
    expect(first_row.get_by_role("rowheader")).to_have_text(re.compile(r"^\d\d:\d\d–\d\d:\d\d$"))
    expect(first_row.locator("td").first.get_by_role("link")).to_have_text(
        "One schema for care home vacancies"
    )
    assert_accessible(org)

    # On a phone the grid stacks per slot: no sideways scrolling, each cell names its room.
    phone = pages.new_page(viewport=PHONE, user=UserFactory())
    phone.goto(f"/events/{event.slug}/schedule/")
    cell = phone.locator(".session-grid tbody tr").first.locator("td").first
    expect(cell.locator(".cell-room")).to_have_text("Council Chamber")
    expect(cell.locator(".cell-room")).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert_accessible(phone)


def test_board_and_organiser_board_are_accessible(pages: Pages):
    event = make_unconference(title="Open data unconference")
    add_rooms(event, ("Council Chamber", 40))
    add_slots(event, 1)
    person = attendee(event, full_name="Alice Proposer")

    board = pages.new_page(user=person)
    board.goto(f"/events/{event.slug}/sessions/")
    expect(h1(board)).to_have_text("Sessions at Open data unconference")
    assert_accessible(board)

    manage = pages.new_page(user=organiser_of(event))
    manage.goto(f"/events/{event.slug}/unconference/")
    expect(h1(manage)).to_have_text("Organiser's board")
    assert_accessible(manage)
