"""Metrics for one candidate's answers against the gold labels of a practical task.

Every function takes plain Python values (lists of labels, spans, boxes or strings) and returns
plain floats or dicts of floats. Each one agrees with a reference library within 1e-9 (named in its
docstring) except where the reference returns NaN, warns or raises; the value certify uses there is
documented in the function and summarised in :mod:`certify.scoring`. No function here returns NaN.

The functions compute through the vectorised classes of :mod:`certify.scoring.batch` (one
candidate is a batch of one), so the public API and production scoring share one code path; only
Spearman and Kendall for arbitrary scores (ties included) use scipy, as the batch scores strict
rankings. ``words``, ``characters`` (:mod:`certify.scoring.units`) and ``kappa_weight_matrix``
(:mod:`certify.scoring.counts`) stay importable from here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
from scipy import stats

from certify.scoring.batch import LabelBatch, SetBatch, SpanBatch, TextBatch
from certify.scoring.boxes import BoxBatch, assign, iou_xywh
from certify.scoring.counts import KAPPA_WEIGHTS, kappa_weight_matrix, prf_arrays
from certify.scoring.units import characters, words

__all__ = [
    "KAPPA_WEIGHTS",
    "accuracy",
    "box_iou_matrix",
    "cer",
    "characters",
    "cohen_kappa",
    "jaccard_samples",
    "kappa_weight_matrix",
    "kendall_tau",
    "macro_f1",
    "match_boxes",
    "prf",
    "span_prf",
    "span_prf_by_label",
    "spearman",
    "wer",
    "words",
]

def _paired(gold: Sequence, pred: Sequence, what: str) -> None:
    """Check that gold and predictions pair up one to one and are not empty.

    :raise ValueError: on different lengths or no items (no metric here has a value for zero items,
        and a task always has at least one record).
    """
    if len(gold) != len(pred):
        raise ValueError(f"{what}: {len(gold)} gold items but {len(pred)} predictions")
    if len(gold) == 0:
        raise ValueError(f"{what} needs at least one item")


def accuracy(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> float:
    """Fraction of items whose predicted label equals the gold label.

    Equal to ``sklearn.metrics.accuracy_score(gold, pred)`` (a ``None`` prediction is no answer).

    :raise ValueError: if the lengths differ or there are no items.
    """
    _paired(gold, pred, "accuracy")
    labels = [label for label in dict.fromkeys([*gold, *pred]) if label is not None]
    return float(LabelBatch(gold, [list(pred)], labels).accuracy()[0])


def macro_f1(
    gold: Sequence[Hashable], pred: Sequence[Hashable], labels: Sequence[Hashable] | None = None
) -> float:
    """Unweighted mean over labels of the per-label F1 score.

    Equal to ``sklearn.metrics.f1_score(gold, pred, average="macro", labels=labels or
    sorted(set(gold) | set(pred)), zero_division=0)``: a label of ``labels`` that neither side uses
    scores 0, and a predicted label outside ``labels`` only costs its item's gold label.

    :param labels: the labels to average over; default: every label that gold or pred uses.
    :raise ValueError: if the lengths differ, there are no items, or ``labels`` is empty.
    """
    _paired(gold, pred, "macro_f1")
    labels = sorted(set(gold) | set(pred)) if labels is None else list(labels)
    if not labels:
        raise ValueError("macro_f1 needs at least one label")
    # Labels used outside ``labels`` are counted (so they cost what they cost) but not averaged.
    listed = set(labels)
    extra = [label for label in dict.fromkeys([*gold, *pred]) if label not in listed]
    f1 = LabelBatch(gold, [list(pred)], labels + extra).f1_per_label()[0, :len(labels)]
    return float(f1.mean())


def cohen_kappa(
    gold: Sequence[Hashable],
    pred: Sequence[Hashable],
    weights: str | None = None,
    labels: Sequence[Hashable] | None = None,
) -> float:
    """Cohen's kappa: agreement between gold and predictions corrected for chance.

    Equal to ``sklearn.metrics.cohen_kappa_score(gold, pred, weights=weights, labels=labels)``.
    Weights count distances between *positions* in ``labels`` (default: the sorted labels either
    side uses), so for an ordinal scale pass the whole scale as ``labels`` to weigh real distances.

    Degenerate case: when chance agreement is certain (both sides use one and the same label for
    every item) scikit-learn returns NaN with a warning; certify returns 1.0, because the two sides
    then agree on every item. (Each side using one label, but different ones, is not degenerate.)

    :param weights: ``None``, ``"linear"`` or ``"quadratic"``.
    :param labels: the label order; every item must use one of them.
    :raise ValueError: if the lengths differ, there are no items, ``weights`` is unknown or an item
        uses a label outside ``labels`` (scikit-learn silently drops such items).
    """
    _paired(gold, pred, "cohen_kappa")
    kappa_weight_matrix(0, weights)  # rejects unknown weights
    labels = sorted(set(gold) | set(pred)) if labels is None else list(labels)
    outside = (set(gold) | set(pred)) - set(labels)
    if outside:
        raise ValueError(f"cohen_kappa: {sorted(map(repr, outside))} not in labels")
    return float(LabelBatch(gold, [list(pred)], labels).cohen_kappa(weights)[0])


def jaccard_samples(gold_sets: Sequence[Iterable], pred_sets: Sequence[Iterable]) -> float:
    """Mean over items of ``|gold ∩ pred| / |gold ∪ pred|`` for multi-label answers.

    Equal to ``sklearn.metrics.jaccard_score(binarised gold, binarised pred, average="samples",
    zero_division=1.0)``. An item where both sets are empty scores 1.0 (saying correctly that no
    label applies is right); scikit-learn's default scores it 0.0 with a warning. Duplicates are
    ignored.

    :raise ValueError: if the lengths differ or there are no items.
    """
    _paired(gold_sets, pred_sets, "jaccard_samples")
    return float(SetBatch([frozenset(g) for g in gold_sets],
                          [[frozenset(p) for p in pred_sets]]).jaccard_samples()[0])


def prf(hits: int, n_gold: int, n_pred: int) -> dict[str, float]:
    """Precision, recall and F1 from counts of matched, gold and predicted things.

    When there is nothing to find and nothing was predicted, all three are 1.0 (seqeval and
    scikit-learn give 0.0 with a warning). Otherwise a zero denominator gives 0.0, as with their
    ``zero_division=0``: no predictions → precision 0.0, no gold → recall 0.0.
    """
    return {name: float(value) for name, value in prf_arrays(hits, n_gold, n_pred).items()}


def _span_sets(spans_per_record: Sequence[Iterable[Sequence]]) -> list[set[tuple]]:
    return [{(int(s), int(e), str(label)) for s, e, label in spans} for spans in spans_per_record]


def span_prf(
    gold_spans: Sequence[Iterable[Sequence]], pred_spans: Sequence[Iterable[Sequence]]
) -> dict[str, float]:
    """Exact-match micro precision, recall and F1 of labelled character spans.

    Each argument has one list per record of ``(start, end, label)`` spans (end exclusive). A
    predicted span counts only if start, end and label all equal a gold span of the same record.
    Equal to seqeval's ``precision_score`` / ``recall_score`` / ``f1_score`` with ``mode="strict",
    scheme=IOB2`` on the same spans written as one IOB2 tag per character (which needs the spans of
    each side of a record not to overlap; repeated spans count once, as in seqeval). Degenerate
    counts follow :func:`prf`: no gold and no predicted spans at all → 1.0 for all three.

    :raise ValueError: if the number of records differs.
    """
    if len(gold_spans) != len(pred_spans):
        raise ValueError(
            f"span_prf: {len(gold_spans)} gold records but {len(pred_spans)} predicted"
        )
    scores = SpanBatch(_span_sets(gold_spans), [_span_sets(pred_spans)]).prf()
    return {name: float(values[0]) for name, values in scores.items()}


def span_prf_by_label(
    gold_spans: Sequence[Iterable[Sequence]], pred_spans: Sequence[Iterable[Sequence]]
) -> dict[str, dict[str, float]]:
    """Exact-match precision, recall, F1 and gold support for each label either side uses.

    Equal to seqeval's ``precision_recall_fscore_support(average=None, mode="strict", scheme=IOB2,
    zero_division=0)``; labels are the keys, sorted.

    :raise ValueError: if the number of records differs.
    """
    if len(gold_spans) != len(pred_spans):
        raise ValueError(f"span_prf_by_label: {len(gold_spans)} gold records but {len(pred_spans)}")
    counts: dict[str, list[int]] = {}
    for g, p in zip(_span_sets(gold_spans), _span_sets(pred_spans), strict=True):
        for span in g | p:
            hits_gold_pred = counts.setdefault(span[2], [0, 0, 0])
            hits_gold_pred[0] += span in g and span in p
            hits_gold_pred[1] += span in g
            hits_gold_pred[2] += span in p
    return {
        label: {**prf(*counts[label]), "support": float(counts[label][1])}
        for label in sorted(counts)
    }


def box_iou_matrix(gold_xywh: Any, pred_xywh: Any) -> np.ndarray:
    """Intersection over union of every gold box with every predicted box.

    Boxes are ``(x, y, width, height)`` in continuous coordinates (no +1 pixel convention). Returns
    an array of shape ``(len(gold), len(pred))``, equal to
    ``pycocotools.mask.iou(pred, gold, [0] * len(gold)).T``; boxes that only touch at an edge or a
    corner have IoU 0. pycocotools returns ``[]`` when either side is empty; this returns a
    zero-size array of the right shape.
    """
    gold = np.asarray(gold_xywh, dtype=float).reshape(-1, 4)
    pred = np.asarray(pred_xywh, dtype=float).reshape(-1, 4)
    return iou_xywh(gold[:, None, :], pred[None, :, :])


def match_boxes_in_image(
    gold: Sequence[Sequence], pred: Sequence[Sequence], iou_threshold: float = 0.5
) -> list[tuple[int, int, float]]:
    """One-to-one matching of one image's boxes: ``(gold index, pred index, IoU)`` triples.

    A pair may match when the labels are equal and IoU ≥ ``iou_threshold``. Among such matchings the
    one with the most pairs is chosen, and among those the one with the largest total IoU (see
    :func:`certify.scoring.boxes.assign`).
    """
    if not gold or not pred:
        return []
    iou = box_iou_matrix([b[:4] for b in gold], [b[:4] for b in pred])
    same_label = np.array([[g[4] == p[4] for p in pred] for g in gold])
    rows, cols = assign(iou, same_label & (iou >= iou_threshold))
    return [(int(r), int(c), float(iou[r, c])) for r, c in zip(rows, cols, strict=True)]


def match_boxes(
    gold: Sequence[Sequence[Sequence]],
    pred: Sequence[Sequence[Sequence]],
    iou_threshold: float = 0.5,
) -> dict[str, Any]:
    """Match predicted boxes to gold boxes image by image and score the matching.

    Each argument has one list per image of ``(x, y, w, h, label)`` boxes. Boxes are matched one to
    one within an image as in :func:`match_boxes_in_image` (the same result as a loop of
    ``pycocotools.mask.iou`` + ``scipy.optimize.linear_sum_assignment``); counts are then summed
    over images (micro average).

    :return: ``precision``, ``recall`` and ``f1`` from the counts (see :func:`prf`: no boxes on
        either side at all → 1.0); ``mean_iou``, the IoU summed over matched pairs divided by the
        number of distinct boxes (a matched pair counts once, an unmatched gold or predicted box
        counts 0, so both misses and extra boxes cost; 1.0 when there are no boxes at all);
        ``matches``, one list per image of ``(gold index, pred index, IoU)``.
    :raise ValueError: if the number of images differs or the threshold is not in (0, 1].
    """
    if len(gold) != len(pred):
        raise ValueError(f"match_boxes: {len(gold)} gold images but {len(pred)} predicted")
    if not 0 < iou_threshold <= 1:
        raise ValueError(f"match_boxes: iou_threshold must be in (0, 1], not {iou_threshold}")
    batch = BoxBatch(gold, [list(pred)], iou_threshold)
    return {
        **{name: float(values[0]) for name, values in batch.prf().items()},
        "mean_iou": float(batch.mean_iou()[0]),
        "matches": [match_boxes_in_image(g, p, iou_threshold)
                    for g, p in zip(gold, pred, strict=True)],
    }


def _error_rate(refs: Sequence[str] | str, hyps: Sequence[str] | str, unit: str,
                what: str) -> float:
    refs = [refs] if isinstance(refs, str) else list(refs)
    hyps = [hyps] if isinstance(hyps, str) else list(hyps)
    if len(refs) != len(hyps):
        raise ValueError(f"{what}: {len(refs)} references but {len(hyps)} hypotheses")
    if not refs:
        return 0.0
    return float(TextBatch(refs, [hyps], unit).rates()[0])


def wer(refs: Sequence[str] | str, hyps: Sequence[str] | str) -> float:
    """Corpus word error rate: word edits (S + D + I) summed over pairs / reference words.

    Equal to ``jiwer.wer(refs, hyps)`` with its default transform (see :func:`words`), including its
    empty-reference rule: when the references have no words at all the rate is the number of
    inserted words (edits / max(reference words, 1)); empty lists give 0.0. A rate can exceed 1.

    :raise ValueError: if the numbers of references and hypotheses differ.
    """
    return _error_rate(refs, hyps, "word", "wer")


def cer(refs: Sequence[str] | str, hyps: Sequence[str] | str) -> float:
    """Corpus character error rate: character edits summed over pairs / reference characters.

    Equal to ``jiwer.cer(refs, hyps)``: texts are stripped at both ends, inner spaces count as
    characters, and each Unicode code point is one character (so Chinese is scored per 字). Empty
    references follow the same rule as :func:`wer`.

    :raise ValueError: if the numbers of references and hypotheses differ.
    """
    return _error_rate(refs, hyps, "char", "cer")


def _correlation(gold: Sequence[float], pred: Sequence[float], statistic, what: str) -> float:
    _paired(gold, pred, what)
    gold_arr, pred_arr = np.asarray(gold, dtype=float), np.asarray(pred, dtype=float)
    gold_constant = bool(np.all(gold_arr == gold_arr[0]))
    pred_constant = bool(np.all(pred_arr == pred_arr[0]))
    if gold_constant or pred_constant:
        return 1.0 if gold_constant and pred_constant else 0.0
    return float(statistic(gold_arr, pred_arr).statistic)


def spearman(gold: Sequence[float], pred: Sequence[float]) -> float:
    """Spearman's rank correlation (ties get average ranks).

    Equal to ``scipy.stats.spearmanr(gold, pred).statistic``. Where scipy returns NaN because a side
    is constant (which includes a single item): both sides constant → 1.0 (they order the items the
    same way: not at all), only one side constant → 0.0 (no association).

    :raise ValueError: if the lengths differ or there are no items.
    """
    return _correlation(gold, pred, stats.spearmanr, "spearman")


def kendall_tau(gold: Sequence[float], pred: Sequence[float]) -> float:
    """Kendall's tau-b rank correlation.

    Equal to ``scipy.stats.kendalltau(gold, pred).statistic``, with the same constant-input rule as
    :func:`spearman`.

    :raise ValueError: if the lengths differ or there are no items.
    """
    return _correlation(gold, pred, stats.kendalltau, "kendall_tau")
