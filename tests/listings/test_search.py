"""Full-text search: the query language, the index, ranking, facets and visibility.

The corpus tests run unchanged on SQLite (FTS5) and PostgreSQL (tsvector); CI runs both, so
the same expected results prove the two backends agree.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from exchange import services as core
from exchange.models import Need
from listings import search, services
from listings.enums import Visibility
from listings.queries import SearchParams, listing_search, similar_listings
from listings.search import Term, fair_hash, parse_query
from tests.factories.exchange import add_member, make_organisation
from tests.factories.listings import make_listing

pytestmark = pytest.mark.django_db


# --- Query language -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("", ()),
        ("   ", ()),
        ("befriending", (Term(("befriending",), prefix=True),)),
        ("befriending ", (Term(("befriending",)),)),
        (
            "Older People",
            (Term(("older",)), Term(("people",), prefix=True)),
        ),
        ('"older people" care', (Term(("older", "people")), Term(("care",), prefix=True))),
        ('care "older people"', (Term(("care",)), Term(("older", "people")))),
        ("telecare -sensors", (Term(("telecare",)), Term(("sensors",), negated=True))),
        ('-"smart bins" waste ', (Term(("smart", "bins"), negated=True), Term(("waste",)))),
        ("ev-charging", (Term(("ev", "charging"), prefix=True),)),
        ('"unterminated phrase', (Term(("unterminated", "phrase")),)),
        ("a", (Term(("a",)),)),
        ("!!! ???", ()),
    ],
)
def test_parse_query(text, terms):
    assert parse_query(text).terms == terms


def test_parse_query_negation_alone_is_empty():
    parsed = parse_query("-sensors -bins")

    assert (parsed.is_empty, len(parsed.negative)) == (True, 2)


def test_parse_query_caps_terms_at_twelve():
    assert len(parse_query(" ".join(f"w{n}" for n in range(20))).terms) == 12


def test_backend_expressions_for_both_dialects():
    parsed = parse_query('"older people" -care telec')

    assert search.SqliteBackend().expression(parsed) == (
        '("older people" AND "telec"*) NOT ("care")'
    )
    assert search.PostgresBackend().expression(parsed) == (
        "('older' <-> 'people') & 'telec':* & !'care'"
    )


def test_fair_hash_is_stable_and_not_id_order():
    hashes = [fair_hash(i) for i in range(1, 6)]

    assert hashes == [fair_hash(i) for i in range(1, 6)]
    assert sorted(range(1, 6), key=fair_hash) != [1, 2, 3, 4, 5]


# --- A fixed corpus, same answers on both backends --------------------------------------------


@pytest.fixture
def corpus():
    council = make_organisation(name="Northshire County Council", kind="council")
    supplier = make_organisation(name="Brightwater Digital", kind="supplier", region="london")
    charity = make_organisation(name="Good Neighbours Trust", kind="third_sector")
    rows = [
        (
            council,
            "request",
            "Befriending for isolated residents",
            "Volunteers phoning older residents who live alone.",
            "loneliness, volunteers",
            "",
        ),
        (
            charity,
            "service",
            "Telephone befriending service",
            "Weekly calls from trained volunteers.",
            "befriending",
            "Rural villages too.",
        ),
        (
            supplier,
            "product",
            "Falls sensors for sheltered housing",
            "Radar sensors raise an alert when someone falls.",
            "telecare, sensors",
            "",
        ),
        (
            supplier,
            "product",
            "Smart bin sensors",
            "Fill-level sensors so crews empty bins only when full.",
            "waste, sensors",
            "",
        ),
        (
            council,
            "request",
            "Pothole reporting app",
            "Residents photograph potholes; crews get a route.",
            "highways",
            "Older roads first.",
        ),
        (
            charity,
            "idea",
            "Community fridge network",
            "Surplus food shared through local fridges.",
            "food",
            "Volunteers run each fridge.",
        ),
    ]
    made = {}
    for org, kind, title, summary, tags, body in rows:
        made[title] = make_listing(
            organisation=org,
            kind=kind,
            title=title,
            summary=summary,
            tag_names=core.parse_tag_names(tags),
            body=body,
            region=org.region,
        )
    return made


def titles(user, **params):
    result = listing_search(user, SearchParams(**params), with_facets=False)
    return [listing.title for listing in result.listings]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("sensors ", {"Falls sensors for sheltered housing", "Smart bin sensors"}),
        ("sensor", {"Falls sensors for sheltered housing", "Smart bin sensors"}),
        ("befriending ", {"Befriending for isolated residents", "Telephone befriending service"}),
        (
            "volunteers ",
            {
                "Befriending for isolated residents",
                "Telephone befriending service",
                "Community fridge network",
            },
        ),
        ('"older residents"', {"Befriending for isolated residents"}),
        ("sensors -waste", {"Falls sensors for sheltered housing"}),
        ("volunteers fridge", {"Community fridge network"}),
        ("brightwater", {"Falls sensors for sheltered housing", "Smart bin sensors"}),
        ("pothol", {"Pothole reporting app"}),
        ("telecare", {"Falls sensors for sheltered housing"}),
        ("submarine", set()),
    ],
)
def test_search_corpus_results(corpus, q, expected):
    assert set(titles(AnonymousUser(), q=q)) == expected


def test_search_title_match_outranks_body_match(corpus):
    # "befriending" is in one title, and in the other's title *and* tags: both outrank
    # a listing that mentions volunteers only in the body.
    ranked = titles(AnonymousUser(), q="volunteers ")

    assert ranked[-1] == "Community fridge network"


def test_search_ties_are_broken_by_fair_hash_not_age(supplier):
    same = [
        make_listing(organisation=supplier, title="Identical gritting plan", summary="Gritting.")
        for _ in range(4)
    ]

    result = listing_search(AnonymousUser(), SearchParams(q="gritting "), with_facets=False)

    assert [listing.pk for listing in result.listings] == sorted(
        (listing.pk for listing in same), key=fair_hash
    )


def test_search_ranks_only_capped_candidates_and_counts_all(supplier, settings):
    settings.SEARCH_CANDIDATE_CAP = 2
    made = [make_listing(organisation=supplier, title=f"Gritting route {n}") for n in range(4)]

    result = listing_search(AnonymousUser(), SearchParams(q="gritting "), with_facets=False)

    newest_two = {made[3].pk, made[2].pk}
    ids = [listing.pk for listing in result.listings]
    assert (result.total, result.capped) == (4, True)
    assert set(ids[:2]) == newest_two
    assert ids[2:] == [made[1].pk, made[0].pk]


def test_search_newest_sort_orders_by_publication(corpus):
    ranked = titles(AnonymousUser(), q="sensors ", sort="newest")

    assert ranked == ["Smart bin sensors", "Falls sensors for sheltered housing"]


def test_search_combines_words_and_filters(corpus):
    assert titles(AnonymousUser(), q="sensors ", kind="product", tag="waste") == [
        "Smart bin sensors"
    ]


# --- Index kept in step -----------------------------------------------------------------------


def test_index_follows_create_update_publish_archive(supplier):
    author = supplier.memberships.get().user
    listing = make_listing(organisation=supplier, title="Gully cleansing robots", publish=False)
    assert titles(AnonymousUser(), q="gully ") == []  # a draft is indexed but not searchable

    services.listing_publish(actor=author, listing=listing)
    assert titles(AnonymousUser(), q="gully ") == ["Gully cleansing robots"]

    services.listing_update(actor=author, listing=listing, title="Drain cleansing robots")
    assert titles(AnonymousUser(), q="gully ") == []
    assert titles(AnonymousUser(), q="drain ") == ["Drain cleansing robots"]

    services.listing_archive(actor=author, listing=listing)
    assert titles(AnonymousUser(), q="drain ") == []


def test_index_follows_tags_and_needs(supplier):
    author = supplier.memberships.get().user
    listing = make_listing(organisation=supplier, title="Robots")
    need = Need.objects.get(slug="reducing-isolation")

    services.listing_update(actor=author, listing=listing, tag_names=["quokka"], needs=[need])

    assert titles(AnonymousUser(), q="quokka ") == ["Robots"]
    assert titles(AnonymousUser(), q='"reducing isolation"') == ["Robots"]


def test_index_follows_visibility_change(supplier, council):
    author = supplier.memberships.get().user
    outsider = add_member(make_organisation(kind="council"))
    partner = add_member(council)
    listing = make_listing(organisation=supplier, title="Quiet trial of wombat counters")

    services.listing_share(actor=author, listing=listing, organisations=[council])

    assert titles(AnonymousUser(), q="wombat ") == []
    assert titles(outsider, q="wombat ") == []
    assert titles(partner, q="wombat ") == ["Quiet trial of wombat counters"]


def test_index_follows_organisation_rename(supplier, django_capture_on_commit_callbacks):
    admin = supplier.memberships.get().user
    make_listing(organisation=supplier, title="Robots")

    with django_capture_on_commit_callbacks(execute=True):
        core.organisation_update(actor=admin, organisation=supplier, name="Zanzibar Robotics")

    assert titles(AnonymousUser(), q="zanzibar ") == ["Robots"]


def test_index_follows_tag_merge(supplier, django_capture_on_commit_callbacks, django_user_model):
    make_listing(organisation=supplier, title="Robots", tag_names=["elderly"])
    staff = django_user_model.objects.create_user(email="staff@x.example", is_staff=True)
    source, target = core.tags_from_names(["elderly", "older adults"])

    with django_capture_on_commit_callbacks(execute=True):
        core.tag_merge(actor=staff, source=source, target=target)

    assert titles(AnonymousUser(), q='"older adults"') == ["Robots"]
    assert titles(AnonymousUser(), q="elderly ") == []


def test_rebuild_index_restores_everything(corpus):
    search.uninstall()
    search.install()
    assert titles(AnonymousUser(), q="sensors ") == []

    count = search.rebuild_index()

    assert count == 6
    assert len(titles(AnonymousUser(), q="sensors ")) == 2


# --- Visibility of results and facet counts --------------------------------------------------


@pytest.fixture
def private_world(supplier, council):
    make_listing(organisation=supplier, title="Public hedgehog survey", kind="service")
    make_listing(
        organisation=supplier,
        title="Members hedgehog tracker",
        kind="product",
        visibility=Visibility.MEMBERS,
        tag_names=["secret-tag"],
    )
    make_listing(
        organisation=supplier,
        title="Shared hedgehog pilot",
        kind="idea",
        visibility=Visibility.SHARED,
        shared_with=[council],
        tag_names=["secret-tag"],
    )
    make_listing(organisation=supplier, title="Draft hedgehog plan", kind="request", publish=False)
    return supplier, council


def _facet_counts(result, name):
    return {v.value: v.count for v in result.facets[name]}


def test_search_results_and_facets_respect_visibility_anonymous(private_world):
    result = listing_search(AnonymousUser(), SearchParams(q="hedgehog "))

    assert [x.title for x in result.listings] == ["Public hedgehog survey"]
    assert result.total == 1
    assert _facet_counts(result, "kind") == {"service": 1}
    assert _facet_counts(result, "tag") == {}


def test_search_results_and_facets_respect_visibility_shared_member(private_world):
    _, council = private_world
    result = listing_search(add_member(council), SearchParams(q="hedgehog "))

    assert {x.title for x in result.listings} == {
        "Public hedgehog survey",
        "Members hedgehog tracker",
        "Shared hedgehog pilot",
    }
    assert _facet_counts(result, "kind") == {"service": 1, "product": 1, "idea": 1}
    assert _facet_counts(result, "tag") == {"secret-tag": 2}


def test_search_drafts_never_appear_even_for_owners(private_world):
    supplier, _ = private_world

    result = listing_search(add_member(supplier), SearchParams(q="hedgehog "))

    assert "Draft hedgehog plan" not in [x.title for x in result.listings]
    assert result.total == 3


def test_facet_counts_reflect_other_filters_but_not_their_own(corpus):
    result = listing_search(AnonymousUser(), SearchParams(kind="product", region="north_west"))

    # kind counts ignore the kind filter but honour the region filter
    assert _facet_counts(result, "kind") == {"request": 2, "service": 1, "idea": 1}
    # region counts ignore the region filter but honour the kind filter
    assert _facet_counts(result, "region") == {"london": 2}
    assert _facet_counts(result, "price") == {}
    assert result.total == 0


def test_facet_counts_without_filters(corpus):
    result = listing_search(AnonymousUser(), SearchParams())

    assert _facet_counts(result, "kind") == {"request": 2, "service": 1, "product": 2, "idea": 1}
    assert _facet_counts(result, "organisation_kind") == {
        "council": 2,
        "supplier": 2,
        "third_sector": 2,
    }
    assert _facet_counts(result, "price") == {"free": 6}
    assert _facet_counts(result, "tag")["sensors"] == 2
    assert [v.label for v in result.facets["kind"]] == ["Product", "Request", "Idea", "Service"]


def test_need_area_facet_counts_each_listing_once(supplier):
    area_needs = list(Need.objects.filter(area__slug="adult-social-care")[:2])
    make_listing(organisation=supplier, title="Two needs one area", needs=area_needs)

    result = listing_search(AnonymousUser(), SearchParams())

    assert _facet_counts(result, "need_area") == {"adult-social-care": 1}
    assert _facet_counts(result, "need") == {n.slug: 1 for n in area_needs}


# --- Snippets and similar listings ------------------------------------------------------------


def test_snippet_escapes_and_marks_matches():
    html = search.snippet("Safe <b>befriending</b> & support for carers", ["befriend", "carer"])

    assert str(html) == (
        "Safe <mark>&lt;b&gt;befriending&lt;/b&gt;</mark> &amp; support for <mark>carers</mark>"
    )


def test_snippet_windows_long_text_around_first_match():
    text = " ".join(f"w{n}" for n in range(100)) + " target " + " ".join(f"z{n}" for n in range(50))

    html = str(search.snippet(text, ["target"], length=8))

    assert html == "… w98 w99 <mark>target</mark> z0 z1 z2 z3 z4 …"


def test_similar_listings_finds_overlapping_words_within_visibility(corpus, supplier):
    make_listing(organisation=supplier, title="Private befriending", visibility=Visibility.MEMBERS)

    similar = similar_listings(AnonymousUser(), "Telephone befriending for lonely residents")

    found = [x.title for x in similar]
    assert set(found[:2]) == {
        "Telephone befriending service",
        "Befriending for isolated residents",
    }
    assert found[2:] == ["Pothole reporting app"]  # shares only "residents"


def test_similar_listings_excludes_itself_and_caps_at_five(supplier):
    made = [make_listing(organisation=supplier, title=f"Gritting depot {n}") for n in range(7)]

    similar = similar_listings(AnonymousUser(), "gritting depot", exclude_id=made[0].pk)

    assert len(similar) == 5
    assert made[0] not in similar


def test_backend_matches_database_vendor():
    expected = search.PostgresBackend if connection.vendor == "postgresql" else search.SqliteBackend

    assert isinstance(search.backend(), expected)


def test_search_pages_past_the_ranked_candidates(supplier, settings):
    settings.SEARCH_CANDIDATE_CAP = 2
    made = [make_listing(organisation=supplier, title=f"Gritting route {n}") for n in range(5)]
    params = SearchParams(q="gritting ")

    pages = [
        [x.pk for x in listing_search(AnonymousUser(), params, page_number=n, per_page=2).listings]
        for n in (1, 2, 3)
    ]

    assert set(pages[0]) == {made[4].pk, made[3].pk}
    assert pages[1:] == [[made[2].pk, made[1].pk], [made[0].pk]]


def test_need_facet_within_chosen_area_lists_only_that_areas_needs(supplier):
    care = list(Need.objects.filter(area__slug="adult-social-care").order_by("pk")[:2])
    other = Need.objects.exclude(area__slug="adult-social-care").first()
    make_listing(organisation=supplier, title="Mixed", needs=[care[0], other])
    make_listing(organisation=supplier, title="Care only", needs=[care[1]])

    result = listing_search(AnonymousUser(), SearchParams(need_area="adult-social-care"))

    assert _facet_counts(result, "need") == {care[0].slug: 1, care[1].slug: 1}
    assert _facet_counts(result, "need_area") == {"adult-social-care": 2, other.area.slug: 1}


def test_large_match_sets_are_counted_on_an_even_sample(supplier, settings):
    settings.SEARCH_EXACT_LIMIT = 4
    settings.SEARCH_CANDIDATE_CAP = 3
    made = [
        make_listing(
            organisation=supplier,
            title=f"Gritting route {n}",
            kind="request" if n % 2 == 0 else "product",
        )
        for n in range(12)
    ]
    requests = [x.pk for x in made if x.kind == "request"]
    step = 3  # 12 raw matches, exact limit 4
    sampled = sum(1 for pk in requests if pk % step == 0)

    estimate = listing_search(AnonymousUser(), SearchParams(q="gritting ", kind="request"))

    assert estimate.approximate is True
    assert estimate.total == max(sampled * step, 3)
    assert len(estimate.listings) == min(estimate.total, 6)  # the page itself is not sampled
    assert {x.pk for x in estimate.listings} <= set(requests)


def test_few_filtered_matches_are_counted_exactly_even_when_raw_matches_are_many(
    supplier, settings
):
    settings.SEARCH_EXACT_LIMIT = 4
    made = [
        make_listing(
            organisation=supplier, title=f"Gritting route {n}", kind="idea" if n == 0 else "product"
        )
        for n in range(12)
    ]
    step = 3  # 12 listings in the index, exact limit 4
    products_sampled = sum(1 for x in made if x.kind == "product" and x.pk % step == 0)

    result = listing_search(AnonymousUser(), SearchParams(q="gritting ", kind="idea"))

    assert (result.approximate, result.total, len(result.listings)) == (False, 1, 1)
    # The selected value is the exact total; the alternatives are estimated from the sample.
    assert result.facets_approximate is True
    assert {v.value: v.count for v in result.facets["kind"]} == {
        "idea": 1,
        "product": products_sampled * step,
    }
