from types import SimpleNamespace

import pytest

from matching import queries
from tests.factories.exchange import make_organisation
from tests.factories.matching import make_match_listing, needs


@pytest.fixture(autouse=True)
def _fresh_corpus_stats(settings):
    """Score against the database as it is now: no cached rarity from another test."""
    settings.MATCH_STATS_TTL = 0
    queries.forget_corpus_stats()
    yield
    queries.forget_corpus_stats()


@pytest.fixture
def world(db):
    """A council request about isolation and offers around it, none matched yet.

    - ``befriending``: a charity's service on the same need and tags, in the same region;
    - ``tablets``: a supplier's product on a need in the same area (falls), over budget;
    - ``own_offer``: the council's own service on the same need (never its match);
    - ``other_request``: another council's request on the same need (two requests never match).
    """
    council = make_organisation(name="Northshire County Council", kind="council")
    charity = make_organisation(name="Silver Threads", kind="third_sector")
    supplier = make_organisation(name="Kinlink", kind="supplier", region="national")
    other_council = make_organisation(name="Kingsmere District Council", kind="council")
    isolation, falls = needs("reducing-isolation", "falls-prevention")
    request = make_match_listing(
        council,
        kind="request",
        title="Reducing isolation among older people in rural villages",
        summary="Connect older people living alone with befriending and community groups.",
        needs=[isolation],
        tags=["befriending", "rural"],
        budget_pence=2_500_000,
        region="north_west",
    )
    befriending = make_match_listing(
        charity,
        kind="service",
        title="Telephone befriending for older people",
        summary="Volunteers call older people who live alone every week.",
        needs=[isolation],
        tags=["befriending", "volunteers"],
        region="north_west",
    )
    tablets = make_match_listing(
        supplier,
        kind="product",
        title="Falls sensors for extra care housing",
        summary="Radar sensors that detect falls without cameras.",
        needs=[falls],
        tags=["telecare"],
        price_model="fixed",
        price_pence=3_000_000,
        region="national",
    )
    own_offer = make_match_listing(
        council,
        kind="service",
        title="Befriending volunteers from Northshire",
        needs=[isolation],
        tags=["befriending"],
    )
    other_request = make_match_listing(
        other_council, kind="request", title="Isolation in Kingsmere", needs=[isolation]
    )
    return SimpleNamespace(
        council=council,
        charity=charity,
        supplier=supplier,
        other_council=other_council,
        request=request,
        befriending=befriending,
        tablets=tablets,
        own_offer=own_offer,
        other_request=other_request,
        isolation=isolation,
        falls=falls,
    )
