"""Every metric of certify.scoring.metrics agrees with its reference library on random inputs.

Where the reference returns NaN, warns or raises, the test asserts certify's documented value instead
(see the table in certify.scoring); test_metrics_degenerate.py pins those cases one by one.
"""

from __future__ import annotations

import math
from itertools import permutations

import jiwer
import numpy as np
import pycocotools.mask
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.optimize import linear_sum_assignment
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.metrics.v1 import precision_recall_fscore_support
from seqeval.scheme import IOB2
from sklearn.metrics import accuracy_score, cohen_kappa_score, jaccard_score
from sklearn.metrics import f1_score as sk_f1
from sklearn.preprocessing import MultiLabelBinarizer

from certify.scoring import metrics
from tests.scoring.scoring_strategies import (
    assert_close,
    box,
    box_images,
    iob2_records,
    label_lists,
    reference,
    span_records,
    text_pairs,
)

SETTINGS = settings(max_examples=50, deadline=None)
ALPHABETS = [["a"], ["a", "b"], ["a", "b", "c", "d"], ["x", "y", "z", "a", "b"]]


@SETTINGS
@given(st.sampled_from(ALPHABETS).flatmap(label_lists))
def test_accuracy_equals_sklearn(pair):
    gold, pred = pair
    assert_close(metrics.accuracy(gold, pred), accuracy_score(gold, pred))


@SETTINGS
@given(st.sampled_from(ALPHABETS).flatmap(label_lists), st.booleans())
def test_macro_f1_equals_sklearn(pair, unseen_label):
    gold, pred = pair
    default = sorted(set(gold) | set(pred))
    expected, _ = reference(sk_f1, gold, pred, average="macro", labels=default, zero_division=0)
    assert_close(metrics.macro_f1(gold, pred), expected)
    # Explicit labels, one of which neither side uses, scores 0 for that label as sklearn does.
    labels = [*default, "never-used"] if unseen_label else default[:1]
    expected, _ = reference(sk_f1, gold, pred, average="macro", labels=labels, zero_division=0)
    assert_close(metrics.macro_f1(gold, pred, labels=labels), expected)


@SETTINGS
@given(
    st.sampled_from(ALPHABETS).flatmap(label_lists), st.sampled_from([None, "linear", "quadratic"])
)
def test_cohen_kappa_equals_sklearn(pair, weights):
    gold, pred = pair
    expected, warned = reference(cohen_kappa_score, gold, pred, weights=weights)
    actual = metrics.cohen_kappa(gold, pred, weights=weights)
    if math.isnan(expected):  # one identical label on both sides
        assert warned and len(set(gold) | set(pred)) == 1
        assert actual == 1.0
    else:
        assert_close(actual, expected)


@SETTINGS
@given(label_lists([1, 2, 3, 4, 5]), st.sampled_from([None, "linear", "quadratic"]))
def test_cohen_kappa_on_a_whole_scale_equals_sklearn(pair, weights):
    gold, pred = pair
    scale = [1, 2, 3, 4, 5]
    expected, _ = reference(cohen_kappa_score, gold, pred, weights=weights, labels=scale)
    actual = metrics.cohen_kappa(gold, pred, weights=weights, labels=scale)
    assert actual == 1.0 if math.isnan(expected) else math.isclose(actual, expected, abs_tol=1e-9)


label_sets = st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=4)


@SETTINGS
@given(st.integers(1, 12).flatmap(lambda n: st.tuples(*[st.tuples(label_sets, label_sets)] * n)))
def test_jaccard_samples_equals_sklearn(items):
    gold, pred = [g for g, _ in items], [p for _, p in items]
    # Two padding classes that no item uses keep sklearn in multilabel mode without changing Jaccard.
    binariser = MultiLabelBinarizer(classes=["a", "b", "c", "d", "pad1", "pad2"]).fit([])
    expected = jaccard_score(
        binariser.transform(gold), binariser.transform(pred), average="samples", zero_division=1.0
    )
    assert_close(metrics.jaccard_samples(gold, pred), expected)


@SETTINGS
@given(span_records())
def test_span_prf_equals_seqeval_strict_iob2(records):
    lengths, gold, pred = records
    gold_tags, pred_tags = iob2_records(lengths, gold, pred)
    actual = metrics.span_prf(gold, pred)
    if not any(gold) and not any(pred):
        assert actual == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
        return
    options = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
    assert_close(actual["precision"], precision_score(gold_tags, pred_tags, **options))
    assert_close(actual["recall"], recall_score(gold_tags, pred_tags, **options))
    assert_close(actual["f1"], f1_score(gold_tags, pred_tags, **options))


@SETTINGS
@given(span_records())
def test_span_prf_by_label_equals_seqeval(records):
    lengths, gold, pred = records
    gold_tags, pred_tags = iob2_records(lengths, gold, pred)
    actual = metrics.span_prf_by_label(gold, pred)
    labels = sorted({s[2] for spans in gold + pred for s in spans})
    assert list(actual) == labels
    if not labels:
        return
    p, r, f, support = precision_recall_fscore_support(
        gold_tags, pred_tags, average=None, scheme=IOB2, zero_division=0
    )
    for i, label in enumerate(labels):
        got = actual[label]
        assert_close([got["precision"], got["recall"], got["f1"], got["support"]],
                     [p[i], r[i], f[i], support[i]])


@SETTINGS
@given(st.lists(box(), max_size=5), st.lists(box(), max_size=5))
def test_box_iou_matrix_equals_pycocotools(gold, pred):
    gold_xywh, pred_xywh = np.array([b[:4] for b in gold]), np.array([b[:4] for b in pred])
    actual = metrics.box_iou_matrix(gold_xywh, pred_xywh)
    assert actual.shape == (len(gold), len(pred))
    if len(gold) and len(pred):
        expected = pycocotools.mask.iou(pred_xywh, gold_xywh, [0] * len(gold)).T
        assert_close(actual, expected, tolerance=0)  # the same arithmetic, bit for bit


def test_boxes_touching_at_an_edge_or_corner_have_zero_iou():
    touching = [[2, 0, 2, 2], [0, 2, 2, 2], [2, 2, 1, 1]]
    actual = metrics.box_iou_matrix([[0, 0, 2, 2]], touching)
    assert actual.tolist() == [[0.0, 0.0, 0.0]]
    assert pycocotools.mask.iou(touching, [[0, 0, 2, 2]], [0]).T.tolist() == actual.tolist()


def _reference_matching(gold, pred, threshold):
    """pycocotools IoU + scipy assignment per image: the loop the benchmark times."""
    hits, iou_sum = 0, 0.0
    for g, p in zip(gold, pred, strict=True):
        if not g or not p:
            continue
        xywh_p, xywh_g = np.array([b[:4] for b in p]), np.array([b[:4] for b in g])
        iou = pycocotools.mask.iou(xywh_p, xywh_g, [0] * len(g)).T
        eligible = np.array([[a[4] == b[4] for b in p] for a in g]) & (iou >= threshold)
        rows, cols = linear_sum_assignment(np.where(eligible, len(g) + len(p) + iou, 0), maximize=True)
        keep = eligible[rows, cols]
        hits, iou_sum = hits + keep.sum(), iou_sum + iou[rows, cols][keep].sum()
    return hits, iou_sum


def _best_matching_by_enumeration(gold, pred, threshold):
    """(most pairs, then largest IoU sum) over every one-to-one matching of one image."""
    iou = metrics.box_iou_matrix([b[:4] for b in gold], [b[:4] for b in pred])
    best = (0, 0.0)
    slots = list(range(len(pred))) + [None] * len(gold)
    for choice in set(permutations(slots, len(gold))):
        pairs = [(i, j) for i, j in enumerate(choice) if j is not None]
        if all(gold[i][4] == pred[j][4] and iou[i, j] >= threshold for i, j in pairs):
            best = max(best, (len(pairs), sum(iou[i, j] for i, j in pairs)))
    return best


@SETTINGS
@given(box_images(), st.sampled_from([0.5, 0.3, 0.75, 1.0]))
def test_match_boxes_equals_pycocotools_and_scipy_loop(images, threshold):
    gold, pred = images
    result = metrics.match_boxes(gold, pred, iou_threshold=threshold)
    hits, iou_sum = _reference_matching(gold, pred, threshold)
    n_gold, n_pred = sum(map(len, gold)), sum(map(len, pred))
    assert sum(map(len, result["matches"])) == hits
    assert_close(result["f1"], 2 * hits / (n_gold + n_pred) if n_gold + n_pred else 1.0)
    boxes = n_gold + n_pred - hits
    assert_close(result["mean_iou"], iou_sum / boxes if boxes else 1.0)
    for g, p, matches in zip(gold, pred, result["matches"], strict=True):
        assert len({i for i, _, _ in matches}) == len({j for _, j, _ in matches}) == len(matches)
        if len(g) <= 4 and len(p) <= 5:
            best = _best_matching_by_enumeration(g, p, threshold)
            assert len(matches) == best[0]
            assert_close(sum(iou for _, _, iou in matches), best[1])


@SETTINGS
@given(text_pairs())
def test_wer_and_cer_equal_jiwer(pairs):
    refs, hyps = pairs
    assert_close(metrics.wer(refs, hyps), float(jiwer.wer(refs, hyps)))
    assert_close(metrics.cer(refs, hyps), float(jiwer.cer(refs, hyps)))


def test_cer_counts_chinese_characters():
    assert metrics.cer(["你好世界"], ["你好"]) == jiwer.cer(["你好世界"], ["你好"]) == 0.5
    assert metrics.wer("今天 天气 很好", "今天 天气 不好") == pytest.approx(1 / 3)


small_numbers = st.lists(st.integers(0, 4), min_size=1, max_size=12)


@SETTINGS
@given(small_numbers.flatmap(lambda g: st.tuples(st.just(g), st.lists(
    st.integers(0, 4), min_size=len(g), max_size=len(g)))))
def test_spearman_and_kendall_equal_scipy(pair):
    gold, pred = pair
    for ours, theirs in ((metrics.spearman, stats.spearmanr), (metrics.kendall_tau, stats.kendalltau)):
        expected, _ = reference(theirs, gold, pred)
        actual = ours(gold, pred)
        if math.isnan(expected.statistic):
            gold_constant, pred_constant = len(set(gold)) == 1, len(set(pred)) == 1
            assert gold_constant or pred_constant
            assert actual == (1.0 if gold_constant and pred_constant else 0.0)
        else:
            assert_close(actual, expected.statistic)
