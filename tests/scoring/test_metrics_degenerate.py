"""The values certify uses where a reference library returns NaN, warns or raises.

Each case of the table in certify.scoring's docstring, pinned explicitly, with what the reference does.
"""

from __future__ import annotations

import math

import jiwer
import pytest
from scipy import stats
from seqeval.metrics import f1_score
from seqeval.scheme import IOB2
from sklearn.metrics import cohen_kappa_score

from certify.scoring import metrics
from tests.scoring.scoring_strategies import reference


@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_kappa_is_one_when_both_sides_use_one_identical_label(weights):
    expected, warned = reference(cohen_kappa_score, ["a", "a", "a"], ["a", "a", "a"], weights=weights)
    assert math.isnan(expected) and warned
    assert metrics.cohen_kappa(["a", "a", "a"], ["a", "a", "a"], weights=weights) == 1.0
    # the same when a whole scale is given but both sides use one point of it
    assert metrics.cohen_kappa([3, 3], [3, 3], weights=weights, labels=[1, 2, 3, 4, 5]) == 1.0


def test_kappa_with_one_label_each_but_different_ones_is_zero_like_sklearn():
    assert metrics.cohen_kappa(["a", "a"], ["b", "b"]) == cohen_kappa_score(["a", "a"], ["b", "b"])
    assert metrics.cohen_kappa(["a", "a"], ["b", "b"]) == 0.0


def test_kappa_rejects_a_value_outside_the_labels_instead_of_dropping_it():
    with pytest.raises(ValueError, match="not in labels"):
        metrics.cohen_kappa([1, 2], [1, 7], labels=[1, 2, 3])
    with pytest.raises(ValueError, match="weights must be"):
        metrics.cohen_kappa([1, 2], [1, 2], weights="cubic")


def test_jaccard_item_with_both_sets_empty_scores_one():
    assert metrics.jaccard_samples([[], ["a"]], [[], ["a"]]) == 1.0
    assert metrics.jaccard_samples([[]], [["a"]]) == 0.0
    assert metrics.jaccard_samples([["a", "b"]], [["b", "b", "c"]]) == pytest.approx(1 / 3)


def test_no_gold_and_no_predicted_spans_is_perfect():
    gold_tags = [["O", "O"], ["O"]]
    expected, warned = reference(f1_score, gold_tags, gold_tags, mode="strict", scheme=IOB2)
    assert expected == 0.0 and warned
    assert metrics.span_prf([[], []], [[], []]) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert metrics.span_prf([], []) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}


def test_one_sided_spans_score_zero():
    only_gold = metrics.span_prf([[(0, 2, "PER")]], [[]])
    only_pred = metrics.span_prf([[]], [[(0, 2, "PER")]])
    assert only_gold == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert only_pred == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


def test_no_boxes_at_all_is_perfect_and_misses_cost():
    assert metrics.match_boxes([[], []], [[], []]) == {
        "precision": 1.0, "recall": 1.0, "f1": 1.0, "mean_iou": 1.0, "matches": [[], []]
    }
    missed = metrics.match_boxes([[(0, 0, 2, 2, "car")]], [[]])
    assert (missed["f1"], missed["mean_iou"]) == (0.0, 0.0)


def test_mean_iou_counts_extra_boxes_against_the_candidate():
    gold = [[(0, 0, 2, 2, "car")]]
    exact = metrics.match_boxes(gold, [[(0, 0, 2, 2, "car")]])
    with_extra = metrics.match_boxes(gold, [[(0, 0, 2, 2, "car"), (5, 5, 1, 1, "car")]])
    assert exact["mean_iou"] == 1.0
    assert with_extra["mean_iou"] == 0.5
    assert with_extra["precision"] == 0.5 and with_extra["recall"] == 1.0


def test_match_prefers_more_pairs_over_a_higher_iou():
    # pred 0 overlaps both gold boxes; the best single pair (g0, p0) would leave g1 unmatched.
    gold = [(0, 0, 4, 4, "car"), (1, 0, 4, 4, "car")]
    pred = [(0.5, 0, 4, 4, "car"), (0, 0, 4, 4, "car")]
    result = metrics.match_boxes([gold], [pred])
    assert len(result["matches"][0]) == 2


def test_box_iou_matrix_with_an_empty_side_has_the_right_shape():
    assert metrics.box_iou_matrix([], [[0, 0, 1, 1]]).shape == (0, 1)
    assert metrics.box_iou_matrix([[0, 0, 1, 1]], []).shape == (1, 0)


def test_match_boxes_rejects_a_threshold_outside_zero_to_one():
    with pytest.raises(ValueError, match="iou_threshold"):
        metrics.match_boxes([[]], [[]], iou_threshold=0)


@pytest.mark.parametrize("rate", [metrics.wer, metrics.cer])
def test_empty_references_follow_jiwer(rate):
    reference_rate = jiwer.wer if rate is metrics.wer else jiwer.cer
    assert rate([""], [""]) == reference_rate([""], [""]) == 0.0
    assert rate(["", " "], ["ab", ""]) == reference_rate(["", " "], ["ab", ""])  # inserted units
    assert rate([], []) == reference_rate([], []) == 0.0
    assert rate(["", "ab"], ["", "ab"]) == 0.0


def test_wer_splits_words_like_jiwer():
    for ref, hyp in [("a\tb c", "a b c"), ("  a  b ", "a b"), ("a\u3000b", "a b")]:
        assert metrics.wer([ref], [hyp]) == jiwer.wer([ref], [hyp])


@pytest.mark.parametrize("ours, theirs", [(metrics.spearman, stats.spearmanr),
                                          (metrics.kendall_tau, stats.kendalltau)])
def test_correlation_with_constant_input(ours, theirs):
    expected, _ = reference(theirs, [2, 2, 2], [1, 2, 3])
    assert math.isnan(expected.statistic)
    assert ours([2, 2, 2], [1, 2, 3]) == 0.0
    assert ours([1, 2, 3], [4, 4, 4]) == 0.0
    assert ours([2, 2, 2], [5, 5, 5]) == 1.0
    assert ours([7], [3]) == 1.0


@pytest.mark.parametrize("metric", [metrics.accuracy, metrics.macro_f1, metrics.cohen_kappa,
                                    metrics.jaccard_samples, metrics.spearman, metrics.kendall_tau])
def test_metrics_over_items_reject_no_items_and_unequal_lengths(metric):
    with pytest.raises(ValueError, match="at least one item"):
        metric([], [])
    with pytest.raises(ValueError, match="1 gold items but 2 predictions"):
        metric(["a"], ["a", "b"])


def test_macro_f1_rejects_an_empty_label_list():
    with pytest.raises(ValueError, match="at least one label"):
        metrics.macro_f1(["a"], ["a"], labels=[])
