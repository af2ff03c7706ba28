"""Webhook endpoints through /api/v1/webhooks/ and the organisation admins' pages: only the
owning organisation's admins see or change anything; the secret is shown once."""

import pytest
from django.urls import reverse

from api.models import WebhookDelivery, WebhookEndpoint
from api.webhooks import services
from tests.factories.exchange import add_member, make_organisation
from tests.factories.listings import make_listing
from tests.webhook_receiver import receiving

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(settings):
    settings.WEBHOOK_ALLOW_HTTP_HOSTS = ["127.0.0.1"]
    organisation = make_organisation(name="Northshire County Council")
    organisation.admin = organisation.memberships.get().user
    organisation.member = add_member(organisation)
    return organisation


def _endpoint(org, url="https://partner.example/hook", types=("listing.published",)):
    endpoint, _ = services.webhook_endpoint_create(
        actor=org.admin, organisation=org, url=url, event_types=list(types)
    )
    return endpoint


def _state():
    return sorted(
        WebhookEndpoint.objects.values_list("url", "event_types", "is_active", "description")
    )


# --- API -----------------------------------------------------------------------------------------


def test_admin_creates_an_endpoint_and_sees_the_secret_once(client_as, org):
    client = client_as(org.admin)

    created = client.post(
        "/api/v1/webhooks/",
        {
            "organisation": org.slug,
            "url": "https://partner.example/hook",
            "event_types": ["listing.published", "booking.confirmed"],
            "description": "CRM",
        },
        format="json",
    )
    shown = client.get(f"/api/v1/webhooks/{created.json()['id']}/")

    endpoint = WebhookEndpoint.objects.get()
    assert created.status_code == 201
    assert created.json()["secret"] == endpoint.secret
    assert created.json()["event_types"] == ["booking.confirmed", "listing.published"]
    assert shown.status_code == 200
    assert "secret" not in shown.json()
    assert shown.json()["organisation"] == org.slug
    assert client.get("/api/v1/webhooks/").json()["results"] == [shown.json()]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://partner.example/hook"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"url": "https://user:pw@partner.example/hook"}, "url"),
        ({"url": "https://169.254.169.254/latest/meta-data"}, "url"),
        ({"url": "https://10.0.0.5/hook"}, "url"),
        ({"url": "https://localhost/hook"}, "url"),
        ({"event_types": ["listing.deleted"]}, "event_types"),
        ({"event_types": []}, "event_types"),
    ],
)
def test_create_refuses_bad_input_with_a_400(client_as, org, body, field):
    data = {"organisation": org.slug, "url": "https://partner.example/hook"}
    data["event_types"] = ["listing.published"]

    response = client_as(org.admin).post("/api/v1/webhooks/", {**data, **body}, format="json")

    assert response.status_code == 400
    assert field in str(response.json())
    assert WebhookEndpoint.objects.count() == 0


def test_plain_http_is_allowed_only_for_listed_hosts(client_as, org):
    response = client_as(org.admin).post(
        "/api/v1/webhooks/",
        {"organisation": org.slug, "url": "http://127.0.0.1:9/h", "event_types": ["event.updated"]},
        format="json",
    )

    assert response.status_code == 201


def test_member_who_is_not_admin_cannot_create_see_change_or_delete(client_as, org):
    endpoint = _endpoint(org)
    before = _state()
    client = client_as(org.member)

    created = client.post(
        "/api/v1/webhooks/",
        {"organisation": org.slug, "url": "https://x.example/h", "event_types": ["event.updated"]},
        format="json",
    )
    listed = client.get("/api/v1/webhooks/")
    shown = client.get(f"/api/v1/webhooks/{endpoint.pk}/")
    changed = client.patch(f"/api/v1/webhooks/{endpoint.pk}/", {"is_active": False}, format="json")
    deleted = client.delete(f"/api/v1/webhooks/{endpoint.pk}/")
    log = client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/")

    assert created.status_code == 403
    assert listed.json()["results"] == []
    assert [r.status_code for r in (shown, changed, deleted, log)] == [404, 404, 404, 404]
    assert _state() == before


def test_admin_of_another_organisation_sees_nothing(client_as, org):
    endpoint = _endpoint(org)
    other = make_organisation()
    client = client_as(other.memberships.get().user)

    assert client.get("/api/v1/webhooks/").json()["results"] == []
    assert client.get(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 404


def test_anonymous_is_refused(client_as, org):
    _endpoint(org)

    assert client_as(None).get("/api/v1/webhooks/").status_code == 401


def test_admin_changes_event_types_and_switches_off_then_deletes(client_as, org):
    endpoint = _endpoint(org)
    client = client_as(org.admin)

    changed = client.patch(
        f"/api/v1/webhooks/{endpoint.pk}/",
        {"event_types": ["event.published"], "is_active": False},
        format="json",
    )
    deleted = client.delete(f"/api/v1/webhooks/{endpoint.pk}/")

    assert changed.status_code == 200
    assert (changed.json()["event_types"], changed.json()["is_active"]) == (
        ["event.published"],
        False,
    )
    assert deleted.status_code == 204
    assert WebhookEndpoint.objects.count() == 0


def test_delivery_log_and_redeliver(client_as, org, django_capture_on_commit_callbacks):
    client = client_as(org.admin)
    with receiving(answers=[500]) as receiver:
        endpoint = _endpoint(org, url=receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            make_listing()
        delivery = WebhookDelivery.objects.get()
        log = client.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/")
        still_pending = client.post(
            f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver/"
        )
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status="given_up")
        with django_capture_on_commit_callbacks(execute=True):
            again = client.post(
                f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver/"
            )

    [row] = log.json()["results"]
    assert (row["delivery_id"], row["status"], row["response_code"], row["attempts"]) == (
        str(delivery.delivery_id),
        "pending",
        500,
        1,
    )
    assert still_pending.status_code == 409
    assert again.status_code == 202
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 2, 200)
    assert len(receiver.requests) == 2


def test_member_cannot_redeliver(client_as, org):
    with receiving(answers=[400]) as receiver:
        endpoint = _endpoint(org, url=receiver.url)
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event_type="listing.published", payload={}, status="failed"
        )
        response = client_as(org.member).post(
            f"/api/v1/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/redeliver/"
        )

    delivery.refresh_from_db()
    assert response.status_code == 404
    assert (delivery.status, delivery.attempts, receiver.requests) == ("failed", 0, [])


# --- Pages ---------------------------------------------------------------------------------------


def test_admin_page_creates_an_endpoint_and_shows_the_secret_once(client, org):
    client.force_login(org.admin)
    page = reverse("webhook-list", args=[org.slug])

    created = client.post(
        page, {"url": "https://partner.example/hook", "event_types": ["listing.published"]}
    )
    later = client.get(page)

    endpoint = WebhookEndpoint.objects.get()
    assert created.status_code == 200
    assert endpoint.secret in created.content.decode()
    assert later.status_code == 200
    assert endpoint.secret not in later.content.decode()
    assert "https://partner.example/hook" in later.content.decode()


def test_admin_page_shows_form_errors_for_bad_input(client, org):
    client.force_login(org.admin)

    response = client.post(
        reverse("webhook-list", args=[org.slug]),
        {"url": "http://partner.example/hook", "event_types": ["listing.published"]},
    )

    assert response.status_code == 200
    assert "Webhook URLs must use https://." in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_admin_page_edits_switches_off_and_deletes(client, org):
    endpoint = _endpoint(org)
    client.force_login(org.admin)
    page = reverse("webhook-detail", args=[endpoint.pk])

    client.post(
        page,
        {
            "action": "update",
            "url": "https://partner.example/v2",
            "event_types": ["event.published", "event.updated"],
        },
    )
    client.post(page, {"action": "disable"})
    endpoint.refresh_from_db()
    edited = (endpoint.url, endpoint.event_types, endpoint.is_active)
    gone = client.post(page, {"action": "delete"})

    assert edited == ("https://partner.example/v2", ["event.published", "event.updated"], False)
    assert gone.status_code == 302
    assert WebhookEndpoint.objects.count() == 0


def test_member_who_is_not_admin_is_refused_every_page_and_nothing_changes(client, org):
    endpoint = _endpoint(org)
    delivery = WebhookDelivery.objects.create(
        endpoint=endpoint, event_type="listing.published", payload={}, status="failed"
    )
    before = _state()
    client.force_login(org.member)

    answers = [
        client.get(reverse("webhook-list", args=[org.slug])).status_code,
        client.post(
            reverse("webhook-list", args=[org.slug]),
            {"url": "https://x.example/h", "event_types": ["listing.published"]},
        ).status_code,
        client.get(reverse("webhook-detail", args=[endpoint.pk])).status_code,
        client.post(
            reverse("webhook-detail", args=[endpoint.pk]), {"action": "delete"}
        ).status_code,
        client.post(reverse("webhook-redeliver", args=[endpoint.pk, delivery.pk])).status_code,
    ]

    delivery.refresh_from_db()
    assert answers == [403, 403, 403, 403, 403]
    assert _state() == before
    assert (delivery.status, delivery.attempts) == ("failed", 0)


def test_organisation_page_links_webhooks_for_admins_only(client, org):
    link = reverse("webhook-list", args=[org.slug])
    page = reverse("organisation-detail", args=[org.slug])

    client.force_login(org.admin)
    as_admin = client.get(page).content.decode()
    client.force_login(org.member)
    as_member = client.get(page).content.decode()

    assert (link in as_admin, link in as_member) == (True, False)


def test_staff_admin_lists_endpoints_deliveries_and_outbox_without_the_secret(client, org):
    endpoint = _endpoint(org)
    staff = org.admin.__class__.objects.create_superuser("staff@example.org", "pw")
    client.force_login(staff)

    pages = [
        client.get(reverse("admin:api_webhookendpoint_changelist")),
        client.get(reverse("admin:api_webhookendpoint_change", args=[endpoint.pk])),
        client.get(reverse("admin:api_webhookdelivery_changelist")),
        client.get(reverse("admin:exchange_outboxmessage_changelist")),
    ]

    assert [p.status_code for p in pages] == [200, 200, 200, 200]
    assert all(endpoint.secret not in p.content.decode() for p in pages)
