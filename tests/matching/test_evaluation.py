"""Quality: the labelled evaluation set in tests/data/matching_eval.json."""

from pathlib import Path

import pytest

from matching.evaluation import evaluate, load_set, ndcg_at, precision_at, read_set

EVAL_FILE = Path(__file__).resolve().parent.parent / "data" / "matching_eval.json"
PRECISION_AT_5_TARGET = 0.7


def test_evaluation_set_has_30_requests_each_with_5_relevant_offers():
    data = read_set(EVAL_FILE)
    offers = {offer["key"] for offer in data["offers"]}
    requests = {request["key"] for request in data["requests"]}

    assert len(data["requests"]) >= 30
    assert [r["key"] for r in data["requests"] if len(r["relevant"]) < 5] == []
    assert [k for r in data["requests"] for k in r["relevant"] if k not in offers] == []
    assert offers & requests == set()


def test_precision_at_5_counts_relevant_in_first_five():
    assert precision_at(["a", "x", "b", "y", "z", "c"], {"a", "b", "c"}, 5) == 0.4


def test_precision_at_5_counts_missing_results_as_misses():
    assert precision_at(["a"], {"a", "b"}, 5) == 0.2


def test_ndcg_at_10_is_1_for_ideal_order_and_less_when_late():
    assert ndcg_at(["a", "b", "x"], {"a", "b"}, 10) == 1.0
    assert round(ndcg_at(["x", "a", "b"], {"a", "b"}, 10), 4) == 0.6934


@pytest.mark.django_db
def test_matching_on_evaluation_set_reaches_precision_target_within_the_rules():
    data = read_set(EVAL_FILE)
    loaded = load_set(data)

    evaluation = evaluate(loaded)

    summary = f"precision@5={evaluation.precision_at_5:.3f} ndcg@10={evaluation.ndcg_at_10:.3f}"
    print(summary)  # noqa: T201  (the issue asks the test to report the figure; see -s)
    misses = {r.key: r.ranked[:5] for r in evaluation.results if r.precision_at_5 < 1}
    assert evaluation.precision_at_5 >= PRECISION_AT_5_TARGET, (summary, misses)
    # Never the requesting council's own offers, never a closed or draft offer.
    org_of = {spec["key"]: spec["org"] for spec in data["offers"] + data["requests"]}
    unmatchable = {o["key"] for o in data["offers"] if o["status"] != "published"}
    wrong = [
        (result.key, key)
        for result in evaluation.results
        for key in result.ranked
        if key in unmatchable or org_of[key] == org_of[result.key]
    ]
    assert wrong == []
    assert unmatchable == {"closed_road_survey", "draft_fall_mats"}
