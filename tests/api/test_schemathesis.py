"""Fuzz the whole API from its live OpenAPI schema (schemathesis), as a normal member.

Every operation of ``/api/schema/`` gets generated requests (valid and invalid inputs) sent
to the WSGI application with a member's API token; no response may be a server error or
violate the schema the response claims. Bounded: ``OIX_FUZZ_EXAMPLES`` examples per
operation (default 12) and ``OIX_FUZZ_SECONDS`` in all (default 300).

Not part of ``make test``: marked ``fuzz`` and skipped unless ``OIX_FUZZ=1``
(``.ci/run`` has a stage for it: ``OIX_FUZZ=1 pytest -m fuzz tests/api/test_schemathesis.py``).
"""

from __future__ import annotations

import os
import sys
import time

import pytest

pytestmark = [
    pytest.mark.fuzz,
    pytest.mark.skipif(not os.environ.get("OIX_FUZZ"), reason="set OIX_FUZZ=1 to fuzz the API"),
]

EXAMPLES = int(os.environ.get("OIX_FUZZ_EXAMPLES", "12"))
BUDGET_SECONDS = float(os.environ.get("OIX_FUZZ_SECONDS", "300"))


@pytest.fixture
def fuzz_world(transactional_db, settings):
    # Real commits: on PostgreSQL one failed statement would otherwise abort the test's
    # transaction and fail every later request too.
    """A member of a supplier with a token, and things to find: listings, an event, a pilot."""
    from exchange.services import api_token_create
    from listings import workflows
    from tests.factories.events import make_event
    from tests.factories.exchange import add_member, make_organisation
    from tests.factories.listings import make_listing, make_request

    settings.ALLOWED_HOSTS = ["*"]
    council = make_organisation(name="Northshire County Council", kind="council")
    supplier = make_organisation(name="Brightbin Ltd", kind="supplier")
    member = add_member(supplier)
    offer = make_listing(organisation=supplier, title="Smart bins", tag_names=["waste"])
    make_listing(organisation=supplier, title="Draft idea", publish=False)
    request = make_request(organisation=council, title="Fewer overflowing bins")
    make_event(organisation=council, title="Waste breakfast")
    workflows.question_ask(actor=member, listing=request, text="What volume per week?")
    del offer
    _, raw = api_token_create(actor=member, name="fuzz")
    return raw


@pytest.fixture
def _keep_test_connection():
    """The WSGI handler closes "old" connections after each request, which would close the
    test's transaction; Django's test client disconnects the same receiver."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("_keep_test_connection")
def test_api_survives_schemathesis(fuzz_world, capsys):
    import schemathesis
    from hypothesis import HealthCheck, Phase, given
    from hypothesis import settings as hypothesis_settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    from exchange.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    headers = {"Authorization": f"Token {fuzz_world}"}
    checks = [not_a_server_error, response_schema_conformance]
    failures: dict[str, str] = {}
    tested: list[str] = []
    started = time.monotonic()

    for result in schema.get_all_operations():
        operation = result.ok()
        if time.monotonic() - started > BUDGET_SECONDS:
            break
        label = operation.label
        tested.append(label)

        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            case.call_and_validate(headers=headers, checks=checks)

        try:
            run()
        except (Exception, BaseExceptionGroup) as exc:  # every operation's failure is collected
            failures[label] = f"{type(exc).__name__}: {str(exc)[:2000]}"

    with capsys.disabled():
        report = [
            f"\nschemathesis: {len(tested)} operations, {EXAMPLES} examples each, "
            f"{time.monotonic() - started:.0f}s, {len(failures)} failing",
            *(f"--- {label}\n{message}\n" for label, message in failures.items()),
        ]
        sys.stdout.write("\n".join(report) + "\n")
    assert tested
    assert failures == {}
