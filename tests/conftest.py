import pytest

from tests.factories.exchange import UserFactory, make_organisation


@pytest.fixture(autouse=True)
def _media_and_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _needs_vocabulary(request):
    """Restore the needs vocabulary (loaded by a data migration) after a flush.

    Transactional tests end with a flush that empties every table; the next test on the same
    worker would otherwise run without the vocabulary real deployments always have.
    """
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if marker is None and "db" not in names and "transactional_db" not in names:
        return
    transactional = "transactional_db" in names or bool(
        marker and marker.kwargs.get("transaction", False)
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from exchange.models import Need, NeedArea
    from exchange.taxonomy import load_vocabulary

    if not NeedArea.objects.exists():
        load_vocabulary(NeedArea, Need)


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
