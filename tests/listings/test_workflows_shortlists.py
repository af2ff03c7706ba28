"""Shortlists: shared in the organisation, items with notes, order, outcome, audit, CSV."""

import csv
import io

import pytest

from exchange.exceptions import InvalidTransition, PermissionDenied, ValidationError
from listings import services as listing_services
from listings import workflows
from listings.exports import SHORTLIST_COLUMNS, shortlist_csv
from listings.models import Shortlist, ShortlistEvent, ShortlistItem
from listings.queries import shortlist_items, shortlists_visible_to
from tests.factories.exchange import add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    council = make_organisation(name="Northshire County Council", kind="council")
    person = council.memberships.get().user
    person.email = "officer@northshire.example"
    person.save()
    return council, person


@pytest.fixture
def shortlist(officer):
    council, person = officer
    return workflows.shortlist_create(actor=person, organisation=council, name="Bins 2026")


def _listing(title, **extra):
    return make_listing(
        organisation=make_organisation(name=f"{title} Ltd", kind="supplier"), title=title, **extra
    )


def _titles(user, shortlist):
    return [item.listing.title for item in shortlist_items(user, shortlist)]


def test_shortlist_is_shared_with_colleagues_only(officer, shortlist):
    council, _ = officer
    colleague = add_member(council)
    stranger = make_organisation(kind="council").memberships.get().user

    assert list(shortlists_visible_to(colleague)) == [shortlist]
    assert list(shortlists_visible_to(stranger)) == []


def test_shortlist_item_add_by_colleague_and_order(officer, shortlist):
    council, person = officer
    colleague = add_member(council)

    workflows.shortlist_item_add(actor=person, shortlist=shortlist, listing=_listing("Alpha"))
    workflows.shortlist_item_add(
        actor=colleague, shortlist=shortlist, listing=_listing("Beta"), note="Cheapest"
    )

    assert _titles(person, shortlist) == ["Alpha", "Beta"]
    assert ShortlistItem.objects.get(listing__title="Beta").note == "Cheapest"


def test_shortlist_item_add_by_other_organisation_is_refused(shortlist):
    outsider = make_organisation(kind="council").memberships.get().user

    with pytest.raises(PermissionDenied):
        workflows.shortlist_item_add(actor=outsider, shortlist=shortlist, listing=_listing("X"))

    assert ShortlistItem.objects.count() == 0


def test_shortlist_item_add_invisible_listing_is_refused(officer, shortlist):
    _, person = officer
    draft = _listing("Secret", publish=False)

    with pytest.raises(ValidationError):
        workflows.shortlist_item_add(actor=person, shortlist=shortlist, listing=draft)

    assert ShortlistItem.objects.count() == 0


def test_shortlist_item_add_twice_is_refused(officer, shortlist):
    _, person = officer
    listing = _listing("Alpha")
    workflows.shortlist_item_add(actor=person, shortlist=shortlist, listing=listing)

    with pytest.raises(ValidationError):
        workflows.shortlist_item_add(actor=person, shortlist=shortlist, listing=listing)

    assert ShortlistItem.objects.count() == 1


def test_shortlist_reorder_and_move(officer, shortlist):
    _, person = officer
    items = [
        workflows.shortlist_item_add(actor=person, shortlist=shortlist, listing=_listing(t))
        for t in ("Alpha", "Beta", "Gamma")
    ]

    workflows.shortlist_reorder(
        actor=person, shortlist=shortlist, item_ids=[items[2].pk, items[0].pk, items[1].pk]
    )
    assert _titles(person, shortlist) == ["Gamma", "Alpha", "Beta"]

    workflows.shortlist_item_move(actor=person, item=items[1], offset=-1)
    assert _titles(person, shortlist) == ["Gamma", "Beta", "Alpha"]


def test_shortlist_reorder_with_missing_item_is_refused(officer, shortlist):
    _, person = officer
    first = workflows.shortlist_item_add(actor=person, shortlist=shortlist, listing=_listing("A"))
    workflows.shortlist_item_add(actor=person, shortlist=shortlist, listing=_listing("B"))

    with pytest.raises(ValidationError):
        workflows.shortlist_reorder(actor=person, shortlist=shortlist, item_ids=[first.pk])

    assert _titles(person, shortlist) == ["A", "B"]


def test_shortlist_outcome_chosen_closes_and_logs(officer, shortlist):
    _, person = officer
    alpha = _listing("Alpha")
    workflows.shortlist_item_add(actor=person, shortlist=shortlist, listing=alpha)

    workflows.shortlist_outcome_record(
        actor=person,
        shortlist=shortlist,
        outcome="chosen",
        chosen_listing=alpha,
        reason="Best value over five years.",
    )

    shortlist.refresh_from_db()
    assert (shortlist.status, shortlist.chosen_listing, shortlist.outcome_reason) == (
        "chosen",
        alpha,
        "Best value over five years.",
    )
    assert list(ShortlistEvent.objects.order_by("id").values_list("action", "detail")) == [
        ("created", "Bins 2026"),
        ("item_added", "Alpha"),
        ("outcome", "Listing chosen: Best value over five years."),
    ]
    with pytest.raises(InvalidTransition):
        workflows.shortlist_item_add(actor=person, shortlist=shortlist, listing=_listing("Late"))
    assert ShortlistItem.objects.count() == 1


def test_shortlist_outcome_chosen_listing_not_on_shortlist_is_refused(officer, shortlist):
    _, person = officer

    with pytest.raises(ValidationError):
        workflows.shortlist_outcome_record(
            actor=person,
            shortlist=shortlist,
            outcome="chosen",
            chosen_listing=_listing("Elsewhere"),
            reason="Because.",
        )

    assert Shortlist.objects.get().status == "open"


def test_shortlist_outcome_without_reason_is_refused(officer, shortlist):
    _, person = officer

    with pytest.raises(ValidationError):
        workflows.shortlist_outcome_record(
            actor=person, shortlist=shortlist, outcome="none_suitable", reason=" "
        )

    assert Shortlist.objects.get().status == "open"


def test_shortlist_outcome_by_outsider_is_refused(shortlist):
    outsider = make_organisation(kind="council").memberships.get().user

    with pytest.raises(PermissionDenied):
        workflows.shortlist_outcome_record(
            actor=outsider, shortlist=shortlist, outcome="cancelled", reason="Mine now."
        )

    assert Shortlist.objects.get().status == "open"


def test_shortlist_create_duplicate_name_is_refused(officer, shortlist):
    council, person = officer

    with pytest.raises(ValidationError) as excinfo:
        workflows.shortlist_create(actor=person, organisation=council, name="Bins 2026")

    assert excinfo.value.message_dict == {
        "name": ["Your organisation already has a shortlist with this name."]
    }
    assert Shortlist.objects.count() == 1


def test_shortlist_csv_content(officer, shortlist):
    _, person = officer
    alpha = _listing("Alpha", price_model="fixed", price_pence=120_000)
    beta = _listing("=Beta", kind="service")
    workflows.shortlist_item_add(actor=person, shortlist=shortlist, listing=alpha, note="Fast")
    workflows.shortlist_item_add(
        actor=person, shortlist=shortlist, listing=beta, note='Says "maybe", call back'
    )
    items = shortlist_items(person, shortlist)

    rows = list(csv.reader(io.StringIO(shortlist_csv(shortlist, items))))

    stamp = [item.added_at.isoformat(timespec="seconds") for item in items]
    assert rows == [
        SHORTLIST_COLUMNS,
        [
            "1",
            "Alpha",
            "product",
            "Alpha Ltd",
            "published",
            "fixed",
            "120000",
            f"http://testserver/listings/{alpha.pk}/alpha/",
            "Fast",
            "officer@northshire.example",
            stamp[0],
        ],
        [
            "2",
            "'=Beta",
            "service",
            "'=Beta Ltd",
            "published",
            "free",
            "",
            f"http://testserver/listings/{beta.pk}/beta/",
            'Says "maybe", call back',
            "officer@northshire.example",
            stamp[1],
        ],
    ]


def test_shortlist_csv_leaves_out_listings_no_longer_visible(officer, shortlist):
    _, person = officer
    alpha = _listing("Alpha")
    workflows.shortlist_item_add(actor=person, shortlist=shortlist, listing=alpha)
    workflows.shortlist_item_add(actor=person, shortlist=shortlist, listing=_listing("Beta"))
    listing_services.listing_archive(actor=alpha.organisation.memberships.get().user, listing=alpha)

    rows = list(
        csv.reader(io.StringIO(shortlist_csv(shortlist, shortlist_items(person, shortlist))))
    )

    assert [row[1] for row in rows] == ["title", "Beta"]
