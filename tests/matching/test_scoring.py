"""The pure scoring functions: no database.

With ``flat_stats`` every need, area, tag and word is equally rare, so each feature takes a
simple exact value and the score is the weighted sum by hand.
"""

import math

import pytest

from matching.scoring import (
    WEIGHTS,
    CorpusStats,
    Features,
    Scorer,
    Weights,
    can_match,
    compatible,
    kind_factor,
    price_fit,
    score,
)
from matching.text import stem, terms
from tests.factories.matching import (
    BEFRIENDING,
    FALLS,
    ISOLATION,
    POTHOLES,
    RURAL,
    VOLUNTEERS,
    data,
    flat_stats,
)

STATS = flat_stats()


def _request(**extra):
    defaults = {"kind": "request", "needs": (ISOLATION,), "budget_pence": 2_500_000}
    return data(1, **{**defaults, **extra})


def _offer(**extra):
    defaults = {"kind": "service", "needs": (ISOLATION,)}
    return data(2, **{**defaults, **extra})


# --- Weights ---------------------------------------------------------------------------------


def test_weights_of_the_five_features_sum_to_1():
    total = WEIGHTS.needs + WEIGHTS.tags + WEIGHTS.text + WEIGHTS.region + WEIGHTS.price

    assert round(total, 10) == 1.0


def test_weights_are_the_documented_ones():
    assert (WEIGHTS.needs, WEIGHTS.tags, WEIGHTS.text, WEIGHTS.region, WEIGHTS.price) == (
        0.35,
        0.20,
        0.25,
        0.10,
        0.10,
    )


def test_combine_multiplies_weighted_sum_by_kind_factor():
    features = Features(needs=1.0, tags=0.5, text=0.2, region=1.0, price=0.5, kind=0.9)

    assert WEIGHTS.combine(features) == round((0.35 + 0.1 + 0.05 + 0.1 + 0.05) * 0.9, 4)


# --- Each feature and its weight -------------------------------------------------------------


def test_score_shared_need_only_is_need_weight_plus_context():
    # needs 1.0; same region 1.0; free offer 1.0 → 0.35 + 0.10 + 0.10
    assert score(_request(), _offer(), STATS).value == 0.55


def test_score_adding_a_shared_need_adds_the_needs_weight():
    without = score(_request(needs=(), tags=(RURAL,)), _offer(needs=(), tags=(RURAL,)), STATS)
    with_need = score(_request(tags=(RURAL,)), _offer(tags=(RURAL,)), STATS)

    assert round(with_need.value - without.value, 4) == WEIGHTS.needs


def test_score_adding_a_shared_tag_adds_the_tags_weight():
    without = score(_request(), _offer(), STATS)
    with_tag = score(_request(tags=(BEFRIENDING,)), _offer(tags=(BEFRIENDING,)), STATS)

    assert round(with_tag.value - without.value, 4) == WEIGHTS.tags


def test_score_identical_wording_adds_the_text_weight():
    without = score(_request(), _offer(), STATS)
    with_text = score(_request(title="Befriending"), _offer(title="Befriending"), STATS)

    assert round(with_text.value - without.value, 4) == WEIGHTS.text


def test_score_other_region_loses_the_region_weight():
    same = score(_request(), _offer(), STATS)
    other = score(_request(), _offer(region="london", region_name="London"), STATS)

    assert round(same.value - other.value, 4) == WEIGHTS.region


def test_score_national_offer_keeps_national_share_of_region_weight():
    national = score(_request(), _offer(region="national"), STATS)

    assert national.value == round(0.35 + 0.10 * WEIGHTS.national_region + 0.10, 4)


def test_score_over_budget_loses_the_price_weight():
    free = score(_request(), _offer(), STATS)
    over = score(_request(), _offer(price_model="fixed", price_pence=3_000_000), STATS)

    assert round(free.value - over.value, 4) == WEIGHTS.price


def test_score_idea_is_scaled_by_idea_factor():
    assert score(_request(), _offer(kind="idea"), STATS).value == round(0.55 * 0.9, 4)


def test_score_is_symmetric_in_value():
    request = _request(tags=(BEFRIENDING, RURAL), title="Lonely older people in villages")
    offer = _offer(tags=(BEFRIENDING,), title="Befriending older people", region="national")

    assert score(request, offer, STATS).value == score(offer, request, STATS).value


def test_score_without_shared_need_tag_or_word_is_zero_with_no_reasons():
    result = score(_request(needs=(ISOLATION,)), _offer(needs=(POTHOLES,)), STATS)

    assert (result.value, result.reasons) == (0.0, [])


# --- Needs -----------------------------------------------------------------------------------


def test_needs_exact_match_scores_1():
    assert Scorer(STATS).features(_request(), _offer()).needs == 1.0


def test_needs_one_of_two_scores_like_a_cosine():
    features = Scorer(STATS).features(_request(needs=(ISOLATION, FALLS)), _offer())

    assert features.needs == pytest.approx(1 / math.sqrt(2))


def test_needs_same_area_scores_the_area_credit():
    features = Scorer(STATS).features(_request(needs=(FALLS,)), _offer(needs=(ISOLATION,)))

    assert features.needs == WEIGHTS.same_area_credit


def test_needs_exact_beats_same_area():
    scorer = Scorer(STATS)

    exact = scorer.score(_request(), _offer())
    area = scorer.score(_request(needs=(FALLS,)), _offer())

    assert (exact.value, area.value) == (0.55, round(0.35 * 0.5 + 0.2, 4))


def test_needs_rare_need_outweighs_common_one():
    # Isolation appears in 9 of 10 listings, falls in 1: sharing falls counts for more.
    stats = CorpusStats(documents=10, need_df={ISOLATION.id: 9, FALLS.id: 1})
    scorer = Scorer(stats)
    request = _request(needs=(ISOLATION, FALLS))

    common = scorer.features(request, _offer(needs=(ISOLATION,))).needs
    rare = scorer.features(request, data(3, kind="service", needs=(FALLS,))).needs

    idf_common, idf_rare = stats.need_idf(ISOLATION.id), stats.need_idf(FALLS.id)
    total = idf_common + idf_rare
    assert (common, rare) == (
        pytest.approx(idf_common / math.sqrt(total * idf_common)),
        pytest.approx(idf_rare / math.sqrt(total * idf_rare)),
    )
    assert rare > common


# --- Tags and text ---------------------------------------------------------------------------


def test_tags_cosine_of_equally_rare_tags():
    features = Scorer(STATS).features(
        _request(tags=(BEFRIENDING, VOLUNTEERS, RURAL)), _offer(tags=(BEFRIENDING,))
    )

    assert features.tags == pytest.approx(1 / math.sqrt(3))


def test_tags_rare_shared_tag_outweighs_common_shared_tag():
    stats = CorpusStats(documents=100, tag_df={BEFRIENDING.id: 90, RURAL.id: 2})
    scorer = Scorer(stats)
    request = _request(tags=(BEFRIENDING, RURAL))

    common = scorer.features(request, _offer(tags=(BEFRIENDING,))).tags
    rare = scorer.features(request, data(3, kind="service", tags=(RURAL,))).tags

    assert rare > common


def test_text_identical_titles_score_1_and_unrelated_0():
    scorer = Scorer(STATS)

    same = scorer.features(_request(title="Falls sensors"), _offer(title="Falls sensors"))
    other = scorer.features(
        _request(title="Falls sensors"), data(3, kind="service", title="Potholes")
    )

    assert (same.text, other.text) == (pytest.approx(1.0), 0.0)


def test_text_ignores_stopwords_and_meets_plurals():
    assert terms("Sensors for the befriending of older people") == [
        "sensor",
        "befriend",
        "older",
        "people",
    ]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("sensors", "sensor"),
        ("befriending", "befriend"),
        ("communities", "community"),
        ("addresses", "address"),
        ("bus", "bus"),
        ("analysis", "analysis"),
        ("homes", "home"),
        ("used", "used"),
        ("repaired", "repair"),
    ],
)
def test_stem_strips_common_suffixes_only(word, expected):
    assert stem(word) == expected


def test_idf_is_1_for_a_word_in_every_listing():
    stats = CorpusStats(documents=10, term_df={"council": 10})

    assert stats.term_idf("council") == 1.0


def test_rare_tag_limit_is_50_or_1_percent_of_corpus():
    assert (
        CorpusStats(documents=1000).rare_tag_limit(),
        CorpusStats(documents=100_000).rare_tag_limit(),
    ) == (50, 1000)


# --- Kind compatibility and organisations ----------------------------------------------------

KINDS = ["request", "product", "service", "idea"]
COMPATIBLE = {
    ("request", "product"),
    ("request", "service"),
    ("request", "idea"),
    ("product", "request"),
    ("service", "request"),
    ("idea", "request"),
}


@pytest.mark.parametrize("source_kind", KINDS)
@pytest.mark.parametrize("target_kind", KINDS)
def test_kind_compatibility_matrix(source_kind, target_kind):
    source = data(1, kind=source_kind, needs=(ISOLATION,))
    target = data(2, kind=target_kind, needs=(ISOLATION,))
    expected = (source_kind, target_kind) in COMPATIBLE

    assert (compatible(source, target), score(source, target, STATS).value > 0) == (
        expected,
        expected,
    )


def test_kind_factor_is_1_for_products_and_services_and_idea_factor_for_ideas():
    request = _request()

    assert [kind_factor(request, _offer(kind=k)) for k in ("product", "service", "idea")] == [
        1.0,
        1.0,
        0.9,
    ]


def test_score_own_organisation_listing_is_zero():
    offer = _offer(organisation_id=7)

    assert score(_request(organisation_id=7), offer, STATS).value == 0.0


def test_score_listing_with_itself_is_zero():
    request = _request()

    assert score(request, request, STATS).value == 0.0


def test_can_match_needs_target_visible_to_source_organisation():
    request = _request(organisation_id=7)

    assert [
        can_match(request, _offer(visibility="public")),
        can_match(request, _offer(visibility="members")),
        can_match(request, _offer(visibility="shared", shared_with=frozenset({7}))),
        can_match(request, _offer(visibility="shared", shared_with=frozenset({8}))),
    ] == [True, True, True, False]


# --- Price -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "pence", "budget", "fit", "sentence"),
    [
        ("free", None, 2_500_000, 1.0, "Free, within your budget"),
        ("free", None, None, 1.0, "Free"),
        ("fixed", 400_000, 2_500_000, 1.0, "£4,000, within your budget of £25,000"),
        ("fixed", 2_500_000, 2_500_000, 1.0, "£25,000, within your budget of £25,000"),
        ("fixed", 3_000_000, 2_500_000, 0.0, "£30,000, over your budget of £25,000"),
        ("from", 50_000, 2_500_000, 0.75, "From £500, within your budget of £25,000"),
        ("from", 3_000_000, 2_500_000, 0.0, "From £30,000, over your budget of £25,000"),
        ("quote", None, 2_500_000, 0.5, "Price on quotation"),
        ("per_user_per_year", 1250, 2_500_000, 0.5, "£12.50 per user per year"),
        ("fixed", 400_000, None, 0.5, ""),
    ],
)
def test_price_fit_against_budget(model, pence, budget, fit, sentence):
    request = _request(budget_pence=budget)
    offer = _offer(price_model=model, price_pence=pence)

    assert price_fit(request, offer) == (fit, sentence)


def test_price_fit_free_or_in_budget_above_quote_above_over_budget():
    request = _request()
    fits = [
        price_fit(request, _offer(price_model=m, price_pence=p))[0]
        for m, p in [("free", None), ("fixed", 100), ("quote", None), ("fixed", 9_000_000)]
    ]

    assert fits == [1.0, 1.0, 0.5, 0.0]


def test_price_fit_for_the_offer_owner_speaks_of_their_budget():
    offer = _offer(price_model="fixed", price_pence=400_000)

    assert price_fit(_request(), offer, yours=False) == (
        1.0,
        "£4,000, within their budget of £25,000",
    )


# --- Reasons ---------------------------------------------------------------------------------


def test_reasons_explain_every_contributing_feature_for_the_request_owner():
    request = _request(
        title="Befriending older people in rural villages",
        tags=(BEFRIENDING, VOLUNTEERS, RURAL),
    )
    offer = _offer(
        title="Befriending calls for older people",
        tags=(VOLUNTEERS, BEFRIENDING),
        price_model="fixed",
        price_pence=400_000,
    )

    result = score(request, offer, STATS)

    assert result.reasons == [
        "Both about Adult social care › Reducing isolation",
        "Shared tags: befriending, volunteers",
        "Similar wording: befriending, older, people",
        "£4,000, within your budget of £25,000",
        "Both in North West",
    ]


def test_reasons_name_related_area_national_offer_and_idea():
    result = score(
        _request(needs=(FALLS,)), _offer(kind="idea", region="national", needs=(ISOLATION,)), STATS
    )

    assert result.reasons == [
        "Related needs in Adult social care",
        "Free, within your budget",
        "UK-wide, so it covers your region",
        "An idea, not yet a ready product or service",
    ]


def test_custom_weights_change_the_score():
    heavy_needs = Weights(needs=0.6, tags=0.1, text=0.1, region=0.1, price=0.1)

    assert score(_request(), _offer(), STATS, heavy_needs).value == 0.8


def test_fast_value_equals_weighted_features_and_score():
    scorer = Scorer(STATS)
    request = _request(title="Befriending in villages", tags=(BEFRIENDING, RURAL))
    offers = [
        _offer(title="Befriending calls", tags=(BEFRIENDING,), region="national"),
        data(3, kind="idea", needs=(FALLS,), price_model="quote"),
        data(4, kind="product", needs=(ISOLATION, FALLS), price_model="from", price_pence=10),
    ]

    values = scorer.values(request, offers)

    expected = [WEIGHTS.combine(scorer.features(request, offer)) for offer in offers]
    assert [value for value, _ in values] == expected
    assert [scorer.score(request, offer).value for offer in offers] == expected
