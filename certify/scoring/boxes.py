"""Bounding boxes: COCO-style IoU, one-to-one matching, and matching for many candidates at once.

Boxes are ``(x, y, w, h)`` (plus a label where they are matched) in continuous pixel coordinates,
``x, y`` the top-left corner. :func:`iou_xywh` is the single IoU formula every other function
uses, so the batch and the single-candidate paths compute bit-identical IoUs.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from itertools import chain, repeat

import numpy as np
from scipy.optimize import linear_sum_assignment

from certify.scoring.counts import MatchCounts
from certify.scoring.gcpause import gc_paused

__all__ = ["BoxBatch", "assign", "iou_xywh"]

_CHUNK = 1 << 16  # IoU cells per temporary array (512 KiB of floats: small enough for the cache)
_XYWH = operator.itemgetter(0, 1, 2, 3)
_LABEL = operator.itemgetter(4)


def iou_xywh(gold: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """IoU of boxes broadcast against each other on the last axis (length 4: x, y, w, h).

    The same arithmetic, in the same order, as pycocotools' ``bbIou`` without the crowd rule: boxes
    that only touch at an edge or corner (zero-width overlap) have IoU 0.
    """
    width = np.minimum(pred[..., 2] + pred[..., 0], gold[..., 2] + gold[..., 0]) - np.maximum(
        pred[..., 0], gold[..., 0]
    )
    height = np.minimum(pred[..., 3] + pred[..., 1], gold[..., 3] + gold[..., 1]) - np.maximum(
        pred[..., 1], gold[..., 1]
    )
    overlap = (width > 0) & (height > 0)
    inter = np.where(overlap, width * height, 0.0)
    union = pred[..., 2] * pred[..., 3] + gold[..., 2] * gold[..., 3] - inter
    return np.divide(inter, union, out=np.zeros(inter.shape), where=overlap)


def assign(iou: np.ndarray, eligible: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of a matching with the most eligible pairs, then the largest total IoU.

    A linear assignment on weights ``n + IoU`` for eligible pairs (0 otherwise), where ``n`` is more
    than any possible total IoU, so one more pair always outweighs any gain in IoU.
    """
    weight = np.where(eligible, min(iou.shape) + 1.0 + iou, 0.0)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    keep = eligible[rows, cols]
    return rows[keep], cols[keep]


class BoxBatch(MatchCounts):
    """Labelled boxes per image: one-to-one matches, counts and IoU for many candidates.

    Each candidate's boxes are matched image by image exactly as
    :func:`certify.scoring.metrics.match_boxes` does. Most images need no assignment solver: when
    no predicted box is eligible for two gold boxes and no gold box for two predicted ones, the
    eligible pairs already are the unique largest matching; only the other images run
    ``linear_sum_assignment``.

    :param gold: one list of ``(x, y, w, h, label)`` per image.
    :param answers: one row per candidate with a list of boxes or ``None`` per image.
    :param iou_threshold: a pair may match when IoU ≥ this.
    """

    def __init__(self, gold: Sequence[Sequence], answers: Sequence[Sequence], iou_threshold=0.5):
        n_images, n_candidates = len(gold), len(answers)
        raw = list(chain.from_iterable(answers))
        if any(len(row) != n_images for row in answers):
            raise ValueError(f"BoxBatch: every candidate needs one answer per image ({n_images})")
        labels: dict = {}
        for box in chain.from_iterable(gold):
            labels.setdefault(box[4], len(labels))
        self.n_gold = np.array([len(boxes) for boxes in gold], dtype=np.int64)
        widest = int(self.n_gold.max(initial=0))
        self._gold_xywh = np.zeros((n_images, widest, 4))
        self._gold_label = np.full((n_images, widest), -2, dtype=np.int64)  # -2: padding
        for i, boxes in enumerate(gold):
            for j, box in enumerate(boxes):
                self._gold_xywh[i, j] = _XYWH(box)
                self._gold_label[i, j] = labels[box[4]]
        shape = (n_candidates, n_images)
        self.answered = np.fromiter((a is not None for a in raw), bool, len(raw)).reshape(shape)
        sizes = np.fromiter((len(a) if a else 0 for a in raw), np.int64, len(raw))
        with gc_paused():
            boxes = list(chain.from_iterable(a for a in raw if a))
            self._read_boxes(boxes, labels)
        self._threshold = iou_threshold
        self.n_pred = sizes.reshape(shape)
        hits, iou_sum = self._match(sizes, n_images, widest)
        self.hits, self.iou_sum = hits.reshape(shape), iou_sum.reshape(shape)

    def _read_boxes(self, boxes: list, labels: dict) -> None:
        """Coordinates and label codes of every predicted box (-1: a label gold does not use)."""
        self._xywh = np.fromiter(chain.from_iterable(map(_XYWH, boxes)), float, 4 * len(boxes))
        self._xywh = self._xywh.reshape(-1, 4)
        self._label = np.fromiter(
            map(labels.get, map(_LABEL, boxes), repeat(-1)), np.int64, len(boxes)
        )

    def _match(self, sizes: np.ndarray, n_images: int, widest: int):
        """Matched pairs and their IoU sum for every (candidate, image) group."""
        n_groups = sizes.size
        group = np.repeat(np.arange(n_groups), sizes)
        degree = np.zeros(group.size, dtype=np.int64)
        only_iou = np.zeros(group.size)
        gold_degree = np.zeros(n_groups * max(widest, 1), dtype=np.int64)
        step = max(1, _CHUNK // max(widest, 1))
        for start in range(0, group.size, step):
            part = slice(start, start + step)
            image = group[part] % n_images
            iou = iou_xywh(self._gold_xywh[image], self._xywh[part][:, None, :])
            eligible = (self._gold_label[image] == self._label[part][:, None]) & (
                iou >= self._threshold
            )
            degree[part] = eligible.sum(axis=1)
            only_iou[part] = np.where(eligible, iou, 0.0).sum(axis=1)
            first, last = group[part][0] * widest, (group[part][-1] + 1) * widest
            cells = group[part][:, None] * widest + np.arange(widest) - first
            gold_degree[first:last] += np.bincount(cells[eligible], minlength=last - first)
        simple = degree == 1
        hits = np.bincount(group[simple], minlength=n_groups)
        iou_sum = np.bincount(group[simple], weights=only_iou[simple], minlength=n_groups)
        tangled = np.zeros(n_groups, dtype=bool)
        tangled[group[degree > 1]] = True
        tangled |= (gold_degree.reshape(n_groups, max(widest, 1)) > 1).any(axis=1)
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        for q in np.flatnonzero(tangled):
            hits[q], iou_sum[q] = self._solve(q % n_images, slice(starts[q], starts[q] + sizes[q]))
        return hits, iou_sum

    def _solve(self, image: int, boxes: slice) -> tuple[int, float]:
        n_gold = int(self.n_gold[image])
        iou = iou_xywh(self._gold_xywh[image, :n_gold, None, :], self._xywh[boxes][None, :, :])
        eligible = (self._gold_label[image, :n_gold, None] == self._label[boxes][None, :]) & (
            iou >= self._threshold
        )
        rows, cols = assign(iou, eligible)
        return rows.size, float(iou[rows, cols].sum())

    def record_mean_iou(self) -> np.ndarray:
        """Matched IoU / distinct boxes per candidate and image (1.0 where there are no boxes)."""
        boxes = self.n_gold + self.n_pred - self.hits
        return np.divide(self.iou_sum, boxes, out=np.ones(boxes.shape), where=boxes > 0)

    def mean_iou(self) -> np.ndarray:
        """Mean IoU per candidate over all images, as :func:`~certify.scoring.metrics.match_boxes`."""
        boxes = self.n_gold.sum() + self.n_pred.sum(axis=1) - self.hits.sum(axis=1)
        iou_sum = self.iou_sum.sum(axis=1)
        return np.divide(iou_sum, boxes, out=np.ones(boxes.shape), where=boxes > 0)
