"""Precision, recall and F1 from arrays of match counts (the span and box batches), and the
disagreement weights of Cohen's kappa (the label batch)."""

from __future__ import annotations

import numpy as np

__all__ = ["KAPPA_WEIGHTS", "MatchCounts", "kappa_weight_matrix", "prf_arrays"]

KAPPA_WEIGHTS = (None, "linear", "quadratic")


def prf_arrays(hits, n_gold, n_pred) -> dict[str, np.ndarray]:
    """Element-wise :func:`~certify.scoring.metrics.prf`: all three 1.0 where both counts are 0."""
    hits, n_gold, n_pred = (np.asarray(a, dtype=float) for a in (hits, n_gold, n_pred))
    nothing = (n_gold == 0) & (n_pred == 0)
    precision = np.divide(hits, n_pred, out=np.zeros(hits.shape), where=n_pred > 0)
    recall = np.divide(hits, n_gold, out=np.zeros(hits.shape), where=n_gold > 0)
    return {
        "precision": np.where(nothing, 1.0, precision),
        "recall": np.where(nothing, 1.0, recall),
        "f1": np.divide(2 * hits, n_gold + n_pred, out=np.ones(hits.shape), where=~nothing),
    }


class MatchCounts:
    """Scores of things matched one to one (spans, boxes) from per-record counts.

    Subclasses set ``hits`` and ``n_pred`` (candidates × records) and ``n_gold`` (records).
    """

    hits: np.ndarray
    n_pred: np.ndarray
    n_gold: np.ndarray

    def record_prf(self) -> dict[str, np.ndarray]:
        """Precision, recall and F1 per candidate and record."""
        return prf_arrays(self.hits, np.broadcast_to(self.n_gold, self.hits.shape), self.n_pred)

    def prf(self) -> dict[str, np.ndarray]:
        """Micro precision, recall and F1 per candidate (counts summed over records)."""
        n_gold = np.full(self.hits.shape[0], self.n_gold.sum())
        return prf_arrays(self.hits.sum(axis=1), n_gold, self.n_pred.sum(axis=1))


def kappa_weight_matrix(n_labels: int, weights: str | None) -> np.ndarray:
    """Disagreement weights between label positions ``i`` and ``j`` for Cohen's kappa.

    ``None``: 0 on the diagonal, 1 elsewhere; ``"linear"``: ``|i - j|``; ``"quadratic"``:
    ``(i - j) ** 2`` — the same matrices as scikit-learn.

    :raise ValueError: for any other ``weights``.
    """
    if weights not in KAPPA_WEIGHTS:
        raise ValueError(f"kappa weights must be None, 'linear' or 'quadratic', not {weights!r}")
    positions = np.arange(n_labels, dtype=float)
    distance = np.abs(positions[:, None] - positions[None, :])
    if weights is None:
        return (distance > 0).astype(float)
    return distance if weights == "linear" else distance**2
