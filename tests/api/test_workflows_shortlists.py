"""API: shortlists with items, order and outcome; CSV export; case studies and nominations."""

import csv
import io

import pytest

from listings import workflows
from listings.models import CaseStudy, Listing, Shortlist, ShortlistItem
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.listings import make_listing, make_nomination

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    council = make_organisation(name="Northshire County Council", kind="council")
    return council, council.memberships.get().user, add_member(council)


def test_shortlist_api_shared_with_colleagues(client_as, team):
    council, officer, colleague = team
    alpha = make_listing(title="Alpha")
    beta = make_listing(title="Beta")

    created = client_as(officer).post(
        "/api/v1/shortlists/", {"organisation": council.slug, "name": "Bins"}, format="json"
    )
    pk = created.json()["id"]
    client_as(officer).post(f"/api/v1/shortlists/{pk}/items/", {"listing": alpha.pk, "note": "A"})
    added = client_as(colleague).post(
        f"/api/v1/shortlists/{pk}/items/", {"listing": beta.pk, "note": "B"}, format="json"
    )
    items = added.json()["items"]
    reordered = client_as(colleague).post(
        f"/api/v1/shortlists/{pk}/reorder/",
        {"items": [items[1]["id"], items[0]["id"]]},
        format="json",
    )
    noted = client_as(officer).patch(
        f"/api/v1/shortlists/{pk}/items/{items[0]['id']}/", {"note": "A, revised"}, format="json"
    )

    assert created.status_code == 201
    assert added.status_code == 201
    assert [i["listing"]["title"] for i in reordered.json()["items"]] == ["Beta", "Alpha"]
    assert [i["note"] for i in noted.json()["items"]] == ["B", "A, revised"]


def test_shortlist_api_other_organisation_gets_404_and_changes_nothing(client_as, team):
    council, officer, _ = team
    shortlist = workflows.shortlist_create(actor=officer, organisation=council, name="Bins")
    outsider = client_as(make_organisation(kind="council").memberships.get().user)

    assert outsider.get(f"/api/v1/shortlists/{shortlist.pk}/").status_code == 404
    response = outsider.post(
        f"/api/v1/shortlists/{shortlist.pk}/items/", {"listing": make_listing().pk}
    )
    assert response.status_code == 404
    assert ShortlistItem.objects.count() == 0
    assert outsider.get("/api/v1/shortlists/").json()["count"] == 0


def test_shortlist_outcome_api(client_as, team):
    council, officer, _ = team
    alpha = make_listing(title="Alpha")
    shortlist = workflows.shortlist_create(actor=officer, organisation=council, name="Bins")
    workflows.shortlist_item_add(actor=officer, shortlist=shortlist, listing=alpha)

    missing = client_as(officer).post(
        f"/api/v1/shortlists/{shortlist.pk}/outcome/", {"outcome": "chosen", "reason": "Best"}
    )
    chosen = client_as(officer).post(
        f"/api/v1/shortlists/{shortlist.pk}/outcome/",
        {"outcome": "chosen", "reason": "Best", "chosen_listing": alpha.pk},
        format="json",
    )
    late = client_as(officer).post(
        f"/api/v1/shortlists/{shortlist.pk}/items/", {"listing": make_listing().pk}
    )
    events = client_as(officer).get(f"/api/v1/shortlists/{shortlist.pk}/events/").json()

    assert missing.status_code == 400
    body = chosen.json()
    assert (body["status"], body["chosen_listing"], body["outcome_reason"]) == (
        "chosen",
        alpha.pk,
        "Best",
    )
    assert late.status_code == 409
    assert [e["action"] for e in events] == ["created", "item_added", "outcome"]
    assert Shortlist.objects.get().items.count() == 1


def test_shortlist_export_api_csv(client_as, team):
    council, officer, _ = team
    alpha = make_listing(title="Alpha")
    shortlist = workflows.shortlist_create(actor=officer, organisation=council, name="Bins 2026")
    workflows.shortlist_item_add(actor=officer, shortlist=shortlist, listing=alpha, note="Fast")

    response = client_as(officer).get(f"/api/v1/shortlists/{shortlist.pk}/export/")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="bins-2026.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert [[*row[:4], row[8]] for row in rows] == [
        ["position", "title", "kind", "organisation", "note"],
        ["1", "Alpha", "product", alpha.organisation.name, "Fast"],
    ]


# --- Case studies and nominations ---------------------------------------------------------------


def _nomination_payload(organisation):
    return {
        "organisation": organisation.slug,
        "title": "Library of things",
        "summary": "Lending tools.",
        "what_tried": "A lending library.",
        "recipe": ["Find a space", "Collect donations"],
        "tags": ["Sharing"],
    }


def test_nomination_api_consent_gate(client_as):
    named = make_organisation(name="Library Town Council", kind="council")
    nominator = UserFactory()

    created = client_as(nominator).post(
        "/api/v1/case-studies/", _nomination_payload(named), format="json"
    )
    pk = created.json()["id"]
    public_before = client_as(None).get(f"/api/v1/case-studies/{pk}/")
    self_publish = client_as(nominator).post(f"/api/v1/case-studies/{pk}/publish/")
    consent = client_as(named.memberships.get().user).post(f"/api/v1/case-studies/{pk}/publish/")
    public_after = client_as(None).get(f"/api/v1/case-studies/{pk}/")

    assert (created.status_code, created.json()["status"], created.json()["tags"]) == (
        201,
        "awaiting_consent",
        ["sharing"],
    )
    assert public_before.status_code == 404
    assert self_publish.status_code == 403
    assert consent.json()["status"] == "published"
    assert (public_after.status_code, public_after.json()["recipe"]) == (
        200,
        ["Find a space", "Collect donations"],
    )


def test_nomination_api_decline_keeps_it_unpublished(client_as):
    named = make_organisation(kind="council")
    nomination = make_nomination(organisation=named)

    response = client_as(named.memberships.get().user).post(
        f"/api/v1/case-studies/{nomination.pk}/decline/", {"note": "No thanks"}, format="json"
    )

    assert (response.status_code, response.json()["status"]) == (200, "declined")
    assert client_as(None).get("/api/v1/case-studies/").json()["count"] == 0
    assert CaseStudy.objects.get().published_at is None


def test_case_study_api_list_filters(client_as):
    named = make_organisation(kind="council")
    nomination = make_nomination(organisation=named, tag_names=["sharing"])
    workflows.case_study_publish(actor=named.memberships.get().user, case_study=nomination)
    client = client_as(None)

    assert client.get("/api/v1/case-studies/?q=lending").json()["count"] == 1
    assert client.get("/api/v1/case-studies/?q=bicycles").json()["count"] == 0
    assert client.get("/api/v1/case-studies/?tag=sharing").json()["count"] == 1
    assert client.get("/api/v1/case-studies/?origin=pilot").json()["count"] == 0
    assert client.get("/api/v1/case-studies/?origin=bogus").status_code == 400


def test_case_study_replicate_api(client_as):
    named = make_organisation(kind="council")
    nomination = make_nomination(organisation=named)
    workflows.case_study_publish(actor=named.memberships.get().user, case_study=nomination)
    visitor = make_organisation(kind="council")

    response = client_as(visitor.memberships.get().user).post(
        f"/api/v1/case-studies/{nomination.pk}/replicate/",
        {"organisation": visitor.slug},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["status"], body["title"], body["organisation"]["slug"]) == (
        "request",
        "draft",
        "Replicate: Library of things",
        visitor.slug,
    )


def test_case_study_replicate_api_for_organisation_not_mine_is_403(client_as):
    named = make_organisation(kind="council")
    nomination = make_nomination(organisation=named)
    workflows.case_study_publish(actor=named.memberships.get().user, case_study=nomination)

    response = client_as(UserFactory()).post(
        f"/api/v1/case-studies/{nomination.pk}/replicate/",
        {"organisation": make_organisation(kind="council").slug},
        format="json",
    )

    assert response.status_code == 403
    assert Listing.objects.count() == 0
