import pytest

from listings.enums import Visibility
from listings.models import SavedSearch
from tests.factories.exchange import UserFactory, add_member
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db

URL = "/api/v1/listings/"


@pytest.fixture
def corpus(supplier, council):
    make_listing(organisation=supplier, title="Smart bin sensors", tag_names=["waste"])
    make_listing(
        organisation=supplier,
        title="Bin lorry routing",
        kind="service",
        price_model="fixed",
        price_pence=100_000,
    )
    make_listing(organisation=council, title="Bin collection request", kind="request")
    make_listing(organisation=supplier, title="Members bin trial", visibility=Visibility.MEMBERS)
    make_listing(organisation=supplier, title="Draft bin", publish=False)
    return supplier, council


def test_api_search_matches_page_semantics_with_facets(api_client, corpus):
    response = api_client.get(URL, {"q": "bin", "price": "free"})

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2
    assert {r["title"] for r in body["results"]} == {"Smart bin sensors", "Bin collection request"}
    assert body["facets"]["price"] == [
        {"value": "free", "label": "Free", "count": 2, "selected": True},
        {"value": "paid", "label": "Paid", "count": 1, "selected": False},
    ]
    assert body["facets"]["kind"] == [
        {"value": "product", "label": "Product", "count": 1, "selected": False},
        {"value": "request", "label": "Request", "count": 1, "selected": False},
    ]


def test_api_search_respects_visibility(api_client, corpus):
    supplier, _ = corpus
    api_client.force_authenticate(add_member(supplier))

    body = api_client.get(URL, {"q": "bin", "ordering": "-published_at"}).json()

    assert [r["title"] for r in body["results"]] == [
        "Members bin trial",
        "Bin collection request",
        "Bin lorry routing",
        "Smart bin sensors",
    ]


def test_api_search_paginates_with_links(api_client, corpus):
    body = api_client.get(URL, {"q": "bin", "page_size": 2, "ordering": "-published_at"}).json()
    second = api_client.get(body["next"]).json()

    assert body["count"] == 3
    assert body["previous"] is None
    assert (
        body["next"]
        == "http://testserver/api/v1/listings/?ordering=-published_at&page=2&page_size=2&q=bin"
    )
    assert [r["title"] for r in second["results"]] == ["Smart bin sensors"]
    assert second["next"] is None


def test_api_search_rejects_other_orderings(api_client, corpus):
    response = api_client.get(URL, {"q": "bin", "ordering": "title"})

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "ordering": ["With q, order by 'relevance' (default) or '-published_at'."]
    }


def test_api_search_rejects_unknown_filter_values(api_client, corpus):
    response = api_client.get(URL, {"q": "bin", "kind": "spaceship"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["kind"]


def test_api_plain_list_has_no_facets(api_client, corpus):
    assert "facets" not in api_client.get(URL).json()


# --- Saved searches -------------------------------------------------------------------------

SAVED = "/api/v1/saved-searches/"


def test_api_saved_search_crud(api_client, user):
    api_client.force_authenticate(user)

    created = api_client.post(
        SAVED,
        {"name": "Bins", "query": "q=bin&kind=product&bogus=1", "frequency": "weekly"},
        format="json",
    )
    pk = created.json()["id"]
    patched = api_client.patch(f"{SAVED}{pk}/", {"frequency": "off"}, format="json")
    listed = api_client.get(SAVED)
    deleted = api_client.delete(f"{SAVED}{pk}/")

    assert created.status_code == 201
    assert created.json()["query"] == "q=bin&kind=product"
    assert created.json()["search_url"] == "http://testserver/listings/?q=bin&kind=product"
    assert (patched.status_code, patched.json()["frequency"]) == (200, "off")
    assert [s["name"] for s in listed.json()["results"]] == ["Bins"]
    assert deleted.status_code == 204
    assert SavedSearch.objects.count() == 0


def test_api_saved_searches_are_private(api_client, user):
    other = UserFactory()
    api_client.force_authenticate(other)
    pk = api_client.post(SAVED, {"name": "Theirs"}, format="json").json()["id"]
    api_client.force_authenticate(user)

    assert api_client.get(SAVED).json()["count"] == 0
    assert api_client.get(f"{SAVED}{pk}/").status_code == 404
    assert api_client.delete(f"{SAVED}{pk}/").status_code == 404
    assert SavedSearch.objects.filter(pk=pk).count() == 1


def test_api_saved_searches_need_login(api_client):
    response = api_client.get(SAVED)

    assert response.status_code == 401


def test_api_saved_search_duplicate_name_is_400(api_client, user):
    api_client.force_authenticate(user)
    api_client.post(SAVED, {"name": "Bins"}, format="json")

    response = api_client.post(SAVED, {"name": "Bins"}, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "name": ["You already have a saved search with this name."]
    }


def test_api_schema_documents_q(api_client):
    schema = api_client.get("/api/schema/?format=json")

    params = {p["name"] for p in schema.json()["paths"]["/api/v1/listings/"]["get"]["parameters"]}
    assert "q" in params
