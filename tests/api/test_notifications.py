"""The notification centre and email preferences through the API: one's own only."""

from datetime import UTC, datetime

import pytest

from exchange.models import Notification, NotificationPreference
from exchange.notifications import notify
from tests.factories.exchange import UserFactory

pytestmark = pytest.mark.django_db

# the page of notifications (cursor pagination: no count)
NOTIFICATION_LIST_QUERIES = 1


def _notify(user, text, kind="listing"):
    return notify(recipients=[user], kind=kind, text=text, link="/listings/1/")[0]


def test_list_shows_only_my_notifications_newest_first(client_as, user):
    first, second = _notify(user, "First"), _notify(user, "Second")
    _notify(UserFactory(), "Someone else's")

    body = client_as(user).get("/api/v1/notifications/").json()

    assert [row["id"] for row in body["results"]] == [second.pk, first.pk]
    assert body["results"][0] == {
        "id": second.pk,
        "url": f"http://testserver/api/v1/notifications/{second.pk}/",
        "kind": "listing",
        "text": "Second",
        "link": "http://testserver/listings/1/",
        "read": False,
        "read_at": None,
        "created_at": body["results"][0]["created_at"],
    }


def test_someone_elses_notification_is_404_and_anonymous_401(client_as, api_client, user):
    theirs = _notify(UserFactory(), "Private")

    assert client_as(user).get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    api_client.force_authenticate(None)
    assert api_client.get("/api/v1/notifications/").status_code == 401


def test_mark_read_listed_ids_only_mine(client_as, user):
    mine, other_mine = _notify(user, "A"), _notify(user, "B")
    theirs = _notify(UserFactory(), "C")

    response = client_as(user).post(
        "/api/v1/notifications/mark-read/", {"ids": [mine.pk, theirs.pk]}
    )

    assert response.json() == {"marked": 1}
    read = set(Notification.objects.filter(read_at__isnull=False).values_list("pk", flat=True))
    assert read == {mine.pk}
    unread = client_as(user).get("/api/v1/notifications/?unread=true").json()["results"]
    assert [row["id"] for row in unread] == [other_mine.pk]


def test_mark_read_all_and_modified_since_sees_the_change(client_as, user):
    note = _notify(user, "A")
    Notification.objects.filter(pk=note.pk).update(created_at=datetime(2026, 1, 1, tzinfo=UTC))
    client = client_as(user)

    before = client.get("/api/v1/notifications/?modified_since=2026-02-01T00:00:00Z").json()
    marked = client.post("/api/v1/notifications/mark-read/", {}).json()
    after = client.get("/api/v1/notifications/?modified_since=2026-02-01T00:00:00Z").json()

    assert (before["results"], marked) == ([], {"marked": 1})
    assert [row["id"] for row in after["results"]] == [note.pk]


def test_preferences_read_and_change(client_as, user):
    client = client_as(user)

    initial = client.get("/api/v1/notifications/preferences/").json()
    changed = client.patch("/api/v1/notifications/preferences/", {"match": "never"})

    assert initial["match"] == "digest"
    assert sorted(initial) == sorted(
        [
            "membership",
            "listing",
            "match",
            "interest",
            "question",
            "pilot",
            "event",
            "booking",
            "search",
            "system",
        ]
    )
    assert changed.status_code == 200
    assert changed.json()["match"] == "never"
    assert list(NotificationPreference.objects.values_list("user_id", "kind", "delivery")) == [
        (user.pk, "match", "never")
    ]


def test_preferences_refuse_unknown_delivery_and_change_nothing(client_as, user):
    response = client_as(user).patch("/api/v1/notifications/preferences/", {"match": "hourly"})

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["match"]
    assert NotificationPreference.objects.count() == 0


@pytest.mark.parametrize("n", [1, 3])
def test_notification_list_query_count_is_constant(client_as, django_assert_num_queries, user, n):
    for i in range(n):
        _notify(user, f"Note {i}")
    client = client_as(user)

    with django_assert_num_queries(NOTIFICATION_LIST_QUERIES):
        response = client.get("/api/v1/notifications/")

    assert len(response.json()["results"]) == n
