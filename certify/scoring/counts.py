"""Precision, recall and F1 from arrays of match counts, shared by the span and box batches."""

from __future__ import annotations

import numpy as np

__all__ = ["MatchCounts", "prf_arrays"]


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
