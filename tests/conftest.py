import pytest

from tests.factories.exchange import UserFactory, make_organisation


@pytest.fixture(autouse=True)
def _media_and_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and cached pages must not leak from one test into another."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def council(db):
    return make_organisation(name="Northshire County Council", kind="council")


@pytest.fixture
def supplier(db):
    return make_organisation(name="Brightbin Ltd", kind="supplier")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()
