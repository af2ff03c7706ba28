import pytest

from exchange.enums import Role
from exchange.models import Organisation
from tests.factories.exchange import UserFactory, add_member, make_organisation

pytestmark = pytest.mark.django_db


def _snapshot(organisation):
    organisation.refresh_from_db()
    return (organisation.name, organisation.description, organisation.kind, organisation.updated_at)


def test_organisation_list_is_public_and_ordered_by_name(api_client, council, supplier):
    response = api_client.get("/api/v1/organisations/")

    assert response.status_code == 200
    assert [item["slug"] for item in response.json()["results"]] == [supplier.slug, council.slug]


def test_organisation_detail_shows_public_fields(api_client, council):
    response = api_client.get(f"/api/v1/organisations/{council.slug}/")

    assert response.status_code == 200
    assert response.json() == {
        "url": f"http://testserver/api/v1/organisations/{council.slug}/",
        "slug": "northshire-county-council",
        "name": "Northshire County Council",
        "kind": "council",
        "description": "",
        "website": "",
        "region": "north_west",
        "is_small": True,
        "verified": False,
        "created_at": response.json()["created_at"],
        "updated_at": response.json()["updated_at"],
    }


def test_organisation_list_filters_by_kind(api_client, council, supplier):
    response = api_client.get("/api/v1/organisations/?kind=supplier")

    assert [item["slug"] for item in response.json()["results"]] == [supplier.slug]


def test_organisation_patch_by_admin_changes_it(client_as, council):
    admin = council.memberships.get(role=Role.ADMIN).user

    response = client_as(admin).patch(
        f"/api/v1/organisations/{council.slug}/",
        {"name": "Northshire Council", "description": "Serving 400,000 residents."},
        format="json",
    )

    assert response.status_code == 200
    council.refresh_from_db()
    assert (council.name, council.description, council.slug) == (
        "Northshire Council",
        "Serving 400,000 residents.",
        "northshire-county-council",
    )
    assert response.json()["name"] == "Northshire Council"


def test_organisation_patch_by_plain_member_is_403_and_unchanged(client_as, council):
    member = add_member(council)
    before = _snapshot(council)

    response = client_as(member).patch(
        f"/api/v1/organisations/{council.slug}/", {"name": "Taken over"}, format="json"
    )

    assert response.status_code == 403
    assert response.json() == {
        "error": {
            "status": 403,
            "code": "permission_denied",
            "message": "You do not have permission to perform this action.",
        }
    }
    assert _snapshot(council) == before


def test_organisation_patch_by_admin_of_another_organisation_is_403(client_as, council, supplier):
    other_admin = supplier.memberships.get(role=Role.ADMIN).user
    before = _snapshot(council)

    response = client_as(other_admin).patch(
        f"/api/v1/organisations/{council.slug}/", {"name": "Taken over"}, format="json"
    )

    assert response.status_code == 403
    assert _snapshot(council) == before


def test_organisation_patch_by_anonymous_is_401(api_client, council):
    before = _snapshot(council)

    response = api_client.patch(
        f"/api/v1/organisations/{council.slug}/", {"name": "Taken over"}, format="json"
    )

    assert response.status_code == 401
    assert _snapshot(council) == before


def test_organisation_patch_kind_of_verified_body_is_400(client_as, council):
    Organisation.objects.filter(pk=council.pk).update(verified=True)
    admin = council.memberships.get(role=Role.ADMIN).user
    before = _snapshot(council)

    response = client_as(admin).patch(
        f"/api/v1/organisations/{council.slug}/", {"kind": "supplier"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "status": 400,
            "code": "invalid",
            "message": "kind: A verified public body cannot change its kind.",
            "fields": {"kind": ["A verified public body cannot change its kind."]},
        }
    }
    assert _snapshot(council) == before


def test_organisation_patch_with_bad_values_is_400(client_as, council):
    admin = council.memberships.get(role=Role.ADMIN).user

    response = client_as(admin).patch(
        f"/api/v1/organisations/{council.slug}/",
        {"region": "atlantis", "website": "not a url"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "region": ['"atlantis" is not a valid choice.'],
        "website": ["Enter a valid URL."],
    }


def test_organisation_put_is_405(client_as, council):
    admin = council.memberships.get(role=Role.ADMIN).user

    response = client_as(admin).put(
        f"/api/v1/organisations/{council.slug}/", {"name": "X"}, format="json"
    )

    assert response.status_code == 405
    assert response.json() == {
        "error": {
            "status": 405,
            "code": "method_not_allowed",
            "message": 'Method "PUT" not allowed.',
        }
    }


def test_organisation_patch_by_staff_is_allowed(client_as):
    organisation = make_organisation(name="Old Name")
    staff = UserFactory(is_staff=True, is_superuser=True)

    response = client_as(staff).patch(
        f"/api/v1/organisations/{organisation.slug}/", {"name": "New Name"}, format="json"
    )

    assert response.status_code == 200
    organisation.refresh_from_db()
    assert organisation.name == "New Name"
