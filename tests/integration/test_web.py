"""The web process as deployed: gunicorn with gunicorn.conf.py and production settings, behind
a (simulated) TLS-terminating proxy that sets X-Forwarded-Proto.
"""

from __future__ import annotations

import json

import pytest

from exchange import services
from tests.factories.exchange import UserFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_gunicorn_serves_hardened_responses_behind_the_proxy(stack):
    web = stack.web()

    page = web.get("/accounts/login/")
    plain_page = web.get("/accounts/login/", headers={"X-Forwarded-Proto": "http"})
    plain_probe = web.get("/healthz", headers={"X-Forwarded-Proto": "http"})

    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'; ")
    assert "upgrade-insecure-requests" in page.headers["Content-Security-Policy"]
    assert (
        page.headers["Referrer-Policy"],
        page.headers["X-Content-Type-Options"],
        page.headers["X-Frame-Options"],
    ) == ("same-origin", "nosniff", "DENY")
    cookie = page.headers["Set-Cookie"]
    assert cookie.startswith("__Host-csrftoken=")
    assert ("Secure" in cookie, "Path=/" in cookie, "Domain=" in cookie) == (True, True, False)
    assert (plain_page.status_code, plain_page.headers["Location"]) == (
        301,
        f"https://{web.url.removeprefix('http://')}/accounts/login/",
    )
    assert plain_probe.status_code == 200  # load balancers probe over plain HTTP


def test_gunicorn_and_django_logs_never_carry_a_token_in_full(stack):
    person = UserFactory()
    _, api_token = services.api_token_create(actor=person, name="partner")
    feed_token = "FeEdToKeN9x8y7z6w5v4u3t2s1r0q"
    web = stack.web(LOG_FORMAT="json")

    web.get(f"/listings/feed/rss/?token={feed_token}&q=bins")
    web.get("/api/v1/listings/", headers={"Authorization": f"Token {api_token}"})
    web.get("/api/v1/listings/", headers={"Authorization": f"Token {api_token}x"})  # 401
    web.get(f"/api/v1/nothing-here/?token={feed_token}")  # a 404, logged by Django
    web.service.stop()  # flush and close the log

    log = web.service.log()
    records = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    messages = "\n".join(r["message"] for r in records)
    assert api_token not in log
    assert api_token[:8] not in log.replace(api_token[:8] + "…", "")
    assert feed_token not in log
    assert f"token={feed_token[:4]}…&q=bins" in messages
    assert {r["logger"] for r in records} >= {"gunicorn.error", "gunicorn.access", "django.request"}
    assert all(line.startswith("{") for line in log.splitlines() if line.strip()), log
