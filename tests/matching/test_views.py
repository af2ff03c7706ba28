"""Pages: the "Matches" section of a listing page, the dismiss action, the dashboard block."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import Client, RequestFactory

from listings import services as listing_services
from matching import services
from matching.models import Match, MatchDismissal
from tests.factories.exchange import UserFactory, add_member, make_organisation
from tests.factories.matching import make_match_listing

pytestmark = pytest.mark.django_db


def _author(listing):
    return listing.organisation.memberships.first().user


def _page(client, user, listing):
    """The "Matches" section of the listing page as ``user`` sees it ("" when absent)."""
    if user is not None:
        client.force_login(user)
    html = client.get(listing.get_absolute_url()).content.decode()
    start = html.find('<section id="matches"')
    return "" if start < 0 else html[start : html.index("</section>", start)]


def _dismiss_url(source, target):
    return f"/listings/{source.pk}/matches/{target.pk}/dismiss/"


@pytest.fixture
def matched(world):
    services.matches_refresh_listing(listing_id=world.request.pk)
    return world


def test_listing_page_shows_matches_to_owner_members(client, matched):
    html = _page(client, add_member(matched.council), matched.request)

    assert 'id="matches"' in html
    assert "Strong match" in html
    assert f'href="{matched.befriending.get_absolute_url()}"' in html
    assert "Both about Adult social care › Reducing isolation" in html
    assert f'action="{_dismiss_url(matched.request, matched.befriending)}"' in html


@pytest.mark.parametrize("who", ["anonymous", "other_member", "staff"])
def test_listing_page_hides_matches_from_everyone_else(client, matched, who):
    user = {
        "anonymous": None,
        "other_member": _author(matched.befriending),
        "staff": UserFactory(is_staff=True, is_superuser=True),
    }[who]

    html = _page(client, user, matched.request)

    assert html == ""


def test_listing_page_hides_a_match_its_viewers_may_no_longer_see(client, matched):
    # Shared away after the matches were computed (before any recompute has run).
    listing_services.listing_share(
        actor=_author(matched.befriending),
        listing=matched.befriending,
        organisations=[matched.other_council],
    )

    html = _page(client, _author(matched.request), matched.request)

    assert Match.objects.filter(source=matched.request).count() == 1
    assert "Telephone befriending for older people" not in html
    assert "No matches yet." in html


def test_listing_page_of_a_draft_tells_owners_to_publish(client, world):
    draft = make_match_listing(world.council, kind="request", title="Draft", publish=False)

    html = _page(client, _author(draft), draft)

    assert "Matches are found for published listings." in html


def _render_fragment(user, listing):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load matching_tags %}{% listing_matches listing %}").render(
        Context({"request": request, "listing": listing})
    )


@pytest.mark.parametrize("n", [1, 3])
def test_listing_matches_fragment_query_count_is_constant(world, django_assert_num_queries, n):
    for i in range(n - 1):
        make_match_listing(
            make_organisation(kind="supplier"),
            kind="service",
            title=f"Befriending service {i}",
            needs=[world.isolation],
            tags=["befriending"],
        )
    services.matches_refresh_listing(listing_id=world.request.pk)
    user = _author(world.request)

    # membership of the owning organisation, then the matches with their targets
    with django_assert_num_queries(2):
        html = _render_fragment(user, world.request)

    assert html.count('class="card"') == n


def test_listing_matches_fragment_is_empty_for_anonymous(matched):
    assert _render_fragment(AnonymousUser(), matched.request).strip() == ""


# --- Dismiss ---------------------------------------------------------------------------------


def test_dismiss_by_member_records_it_and_redirects_back(client, matched):
    officer = add_member(matched.council)
    client.force_login(officer)

    response = client.post(_dismiss_url(matched.request, matched.befriending))

    assert response.status_code == 302
    assert response["Location"] == f"{matched.request.get_absolute_url()}#matches"
    assert list(MatchDismissal.objects.values_list("source", "target", "dismissed_by")) == [
        (matched.request.pk, matched.befriending.pk, officer.pk)
    ]
    assert "Telephone befriending for older people" not in _page(client, None, matched.request)


def test_dismiss_by_non_member_is_forbidden_and_changes_nothing(client, matched):
    client.force_login(_author(matched.befriending))

    response = client.post(_dismiss_url(matched.request, matched.befriending))

    assert response.status_code == 403
    assert (MatchDismissal.objects.count(), Match.objects.count()) == (0, 2)


def test_dismiss_by_anonymous_redirects_to_login_and_changes_nothing(client, matched):
    response = client.post(_dismiss_url(matched.request, matched.befriending))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert (MatchDismissal.objects.count(), Match.objects.count()) == (0, 2)


def test_dismiss_by_get_is_not_allowed(client, matched):
    client.force_login(_author(matched.request))

    response = client.get(_dismiss_url(matched.request, matched.befriending))

    assert (response.status_code, MatchDismissal.objects.count()) == (405, 0)


def test_dismiss_on_a_listing_the_user_cannot_see_is_not_found(client, world):
    draft = make_match_listing(world.council, kind="request", title="Draft", publish=False)
    client.force_login(_author(world.befriending))

    response = client.post(_dismiss_url(draft, world.befriending))

    assert (response.status_code, MatchDismissal.objects.count()) == (404, 0)


def test_dismiss_without_csrf_token_is_refused(matched):
    client = Client(enforce_csrf_checks=True)
    client.force_login(_author(matched.request))

    response = client.post(_dismiss_url(matched.request, matched.befriending))

    assert (response.status_code, MatchDismissal.objects.count()) == (403, 0)


# --- Dashboard -------------------------------------------------------------------------------


def test_dashboard_recommends_what_answers_your_listings(client, matched):
    client.force_login(_author(matched.befriending))

    html = client.get("/dashboard/").content.decode()

    assert "Recommended for you" in html
    assert "Reducing isolation among older people in rural villages" in html
    assert "for your service" in html


def test_dashboard_without_organisation_has_nothing_to_recommend(client, matched):
    client.force_login(UserFactory())

    html = client.get("/dashboard/").content.decode()

    assert "Nothing to recommend yet." in html
