import pytest

from tests.factories.exchange import UserFactory


@pytest.fixture
def stripe_on(settings):
    """Card payments switched on (keys set); nothing talks to Stripe unless a test asks."""
    settings.STRIPE_SECRET_KEY = "sk_test_oix"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_test_oix"
    return settings


@pytest.fixture
def booker(db):
    return UserFactory(full_name="Bea Booker", email="bea@example.org")


@pytest.fixture
def stripe_stub(stripe_on, monkeypatch):
    """The real stripe library pointed at a local stub server (see stripe_stub.py)."""
    import stripe

    from tests.events.stripe_stub import StubStripe, serve

    stub = StubStripe()
    server, thread = serve(stub)
    monkeypatch.setattr(stripe, "api_base", stub.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    yield stub
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
