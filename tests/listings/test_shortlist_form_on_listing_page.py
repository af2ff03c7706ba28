"""The listing page's "Add to a shortlist" form names the organisation a new shortlist is for
(found by the officer journey in tests/e2e: without it a first shortlist could not be made)."""

from __future__ import annotations

import re

import pytest

from listings.models import ShortlistItem
from tests.factories.exchange import add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


def shortlist_form(html: str) -> str:
    match = re.search(r'<details class="shortlist-add">(.*?)</details>', html, re.S)
    assert match
    return match.group(1)


def test_one_organisation_goes_as_a_hidden_field_and_the_form_works(client):
    council = make_organisation(name="Northshire", kind="council")
    officer = council.memberships.get().user
    listing = make_listing(title="Smart bins")
    client.force_login(officer)

    form = shortlist_form(client.get(listing.get_absolute_url()).content.decode())
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
    response = client.post(
        "/shortlists/add/",
        {**fields, "name": "Bins", "note": "Frost?", "next": listing.get_absolute_url()},
    )

    assert fields["organisation"] == str(council.pk)
    assert 'action="/shortlists/add/"' in form
    assert response.status_code == 302
    saved = ShortlistItem.objects.values_list("shortlist__name", "shortlist__organisation", "note")
    assert list(saved) == [("Bins", council.pk, "Frost?")]


def test_several_organisations_are_a_choice_by_name(client):
    first = make_organisation(name="Northshire", kind="council")
    second = make_organisation(name="Kingsmere", kind="council")
    officer = add_member(second, first.memberships.get().user)
    client.force_login(officer)
    listing = make_listing(title="Smart bins")

    form = shortlist_form(client.get(listing.get_absolute_url()).content.decode())
    select = form.split('<select name="organisation"', 1)[1].split("</select>", 1)[0]

    assert re.findall(r'<option value="(\d+)">([^<]+)</option>', select) == [
        (str(second.pk), "Kingsmere"),
        (str(first.pk), "Northshire"),
    ]
