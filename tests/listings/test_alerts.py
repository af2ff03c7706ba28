"""Saved searches and their alert digests."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from listings import services
from listings.enums import AlertFrequency, Visibility
from listings.models import SavedSearch
from listings.queries import SearchParams
from tests.factories.exchange import UserFactory, add_member
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


def _save(user, name="Befriending", frequency=AlertFrequency.DAILY, **params):
    saved = services.saved_search_create(
        actor=user, name=name, params=SearchParams(**params), frequency=frequency
    )
    SavedSearch.objects.filter(pk=saved.pk).update(last_sent_at=timezone.now() - timedelta(days=2))
    saved.refresh_from_db()
    return saved


def test_saved_search_create_stores_canonical_query(user):
    saved = services.saved_search_create(
        actor=user, name=" Falls ", params=SearchParams(q="falls sensors", kind="product")
    )

    assert (saved.name, saved.query, saved.frequency) == (
        "Falls",
        "q=falls+sensors&kind=product",
        "daily",
    )


def test_saved_search_duplicate_name_is_a_field_error(user):
    services.saved_search_create(actor=user, name="Falls", params=SearchParams())

    with pytest.raises(services.ValidationError) as excinfo:
        services.saved_search_create(actor=user, name="Falls", params=SearchParams(q="x"))

    assert excinfo.value.message_dict == {
        "name": ["You already have a saved search with this name."]
    }
    assert SavedSearch.objects.count() == 1


def test_saved_search_update_by_someone_else_is_refused(user):
    saved = services.saved_search_create(actor=user, name="Falls", params=SearchParams())

    with pytest.raises(services.PermissionDenied):
        services.saved_search_update(actor=UserFactory(), saved=saved, frequency="off")

    saved.refresh_from_db()
    assert saved.frequency == "daily"


def test_alerts_email_only_new_matches_once_per_person(supplier):
    officer = UserFactory(email="officer@council.example")
    make_listing(organisation=supplier, title="Old befriending scheme")
    first = _save(officer, name="Befriending", q="befriending")
    second = _save(officer, name="Telecare", q="telecare")
    SavedSearch.objects.filter(pk__in=[first.pk, second.pk]).update(last_sent_at=timezone.now())
    make_listing(organisation=supplier, title="New befriending line")
    make_listing(organisation=supplier, title="New telecare hub")
    make_listing(organisation=supplier, title="Unrelated gritting")
    later = timezone.now() + timedelta(days=1)

    sent = services.saved_search_alerts_send(now=later)

    assert sent == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["officer@council.example"]
    assert message.subject == "2 new listings match your saved searches"
    assert "New befriending line" in message.body
    assert "New telecare hub" in message.body
    assert "Old befriending scheme" not in message.body
    assert "Unrelated gritting" not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_alerts_send_nothing_when_nothing_new(supplier):
    officer = UserFactory()
    _save(officer, q="befriending")
    make_listing(organisation=supplier, title="Gritting")

    sent = services.saved_search_alerts_send()

    assert (sent, len(mail.outbox)) == (0, 0)
    assert SavedSearch.objects.get().last_sent_at > timezone.now() - timedelta(minutes=1)


def test_alerts_second_run_sends_nothing_again(supplier):
    officer = UserFactory()
    _save(officer, q="befriending")
    make_listing(organisation=supplier, title="Befriending line")
    services.saved_search_alerts_send()

    sent_again = services.saved_search_alerts_send(now=timezone.now() + timedelta(days=1))

    assert (sent_again, len(mail.outbox)) == (0, 1)


def test_alerts_respect_frequency(supplier):
    officer = UserFactory()
    weekly = _save(officer, name="Weekly", frequency=AlertFrequency.WEEKLY, q="befriending")
    make_listing(organisation=supplier, title="Befriending line")

    assert services.saved_search_alerts_send() == 0  # two days since the last: not due

    weekly.refresh_from_db()
    assert services.saved_search_alerts_send(now=weekly.last_sent_at + timedelta(days=7)) == 1


def test_alerts_off_sends_nothing(supplier):
    _save(UserFactory(), frequency=AlertFrequency.OFF, q="befriending")
    make_listing(organisation=supplier, title="Befriending line")

    assert services.saved_search_alerts_send() == 0
    assert mail.outbox == []


def test_alerts_never_include_listings_the_person_may_not_see(supplier, council):
    outsider = UserFactory()
    _save(outsider, q="befriending")
    make_listing(organisation=supplier, title="Members befriending", visibility=Visibility.MEMBERS)
    make_listing(
        organisation=supplier,
        title="Shared befriending",
        visibility=Visibility.SHARED,
        shared_with=[council],
    )

    assert services.saved_search_alerts_send() == 0

    partner = add_member(council)
    _save(partner, q="befriending")
    assert services.saved_search_alerts_send() == 1
    assert "Shared befriending" in mail.outbox[0].body


def test_unsubscribe_link_works_without_login(client, supplier):
    saved = _save(UserFactory(), q="befriending")
    make_listing(organisation=supplier, title="Befriending line")
    services.saved_search_alerts_send()
    url = reverse(
        "saved-search-unsubscribe", kwargs={"token": services.saved_search_unsubscribe_token(saved)}
    )
    assert url in mail.outbox[0].body

    response = client.get(url)

    saved.refresh_from_db()
    assert response.status_code == 200
    assert saved.frequency == AlertFrequency.OFF
    assert "You are unsubscribed" in response.content.decode()


def test_unsubscribe_one_click_post_without_csrf(supplier):
    from django.test import Client

    saved = _save(UserFactory(), q="befriending")
    url = reverse(
        "saved-search-unsubscribe", kwargs={"token": services.saved_search_unsubscribe_token(saved)}
    )

    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})

    saved.refresh_from_db()
    assert (response.status_code, saved.frequency) == (200, AlertFrequency.OFF)


def test_unsubscribe_tampered_token_changes_nothing(client):
    saved = _save(UserFactory(), q="befriending")
    token = services.saved_search_unsubscribe_token(saved)

    response = client.get(reverse("saved-search-unsubscribe", kwargs={"token": token + "x"}))

    saved.refresh_from_db()
    assert response.status_code == 400
    assert saved.frequency == AlertFrequency.DAILY


def test_saved_search_pages_create_list_update_delete(client, user):
    client.force_login(user)

    response = client.post(
        reverse("saved-search-create"),
        {"q": "falls", "kind": "product", "name": "Falls kit", "frequency": "weekly"},
    )
    saved = SavedSearch.objects.get()
    assert response.status_code == 302
    assert (saved.name, saved.query, saved.frequency) == (
        "Falls kit",
        "q=falls&kind=product",
        "weekly",
    )

    client.post(reverse("saved-search-list"), {"id": saved.pk, "frequency": "off"})
    saved.refresh_from_db()
    assert saved.frequency == "off"

    listing_page = client.get(reverse("saved-search-list")).content.decode()
    assert "Falls kit" in listing_page

    client.post(reverse("saved-search-list"), {"id": saved.pk, "action": "delete"})
    assert SavedSearch.objects.count() == 0


def test_saved_search_list_cannot_touch_someone_elses(client, user):
    other = services.saved_search_create(actor=UserFactory(), name="Theirs", params=SearchParams())
    client.force_login(user)

    response = client.post(reverse("saved-search-list"), {"id": other.pk, "action": "delete"})

    assert response.status_code == 404
    assert SavedSearch.objects.filter(pk=other.pk).count() == 1


def test_saved_search_empty_state(client, user):
    client.force_login(user)

    content = client.get(reverse("saved-search-list")).content.decode()

    assert "You have no saved searches yet." in content
