"""Every model the staff admin shows: its list (with a search and each filter) renders."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories.exchange import UserFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(("app_label", "model_name"), REGISTERED)
def test_admin_changelist_with_search_renders(staff_client, app_label, model_name):
    url = reverse(f"admin:{app_label}_{model_name}_changelist")

    response = staff_client.get(url, {"q": "council"})

    assert response.status_code == 200


def test_admin_covers_the_listing_workflow_models():
    listings_models = sorted(name for app, name in REGISTERED if app == "listings")

    assert listings_models == [
        "casestudy",
        "coowner",
        "follow",
        "interest",
        "listing",
        "pilotrequest",
        "question",
        "requestresponse",
        "savedsearch",
        "shortlist",
    ]
