"""Score one task for many candidates at once.

Each class takes the gold answers of a task's records and every candidate's answers (one row per
candidate, one entry per record, ``None`` for an unanswered record) and computes the metrics of
:mod:`certify.scoring.metrics` for all candidates with array operations: a ``bincount``-built
confusion tensor for labels, one bit-parallel edit-distance pass for transcriptions, one IoU tensor
for boxes. Results are numpy arrays with one entry per candidate (or per candidate and record); they
equal what the single-candidate function gives for each row (the tests check this), including the
degenerate values documented there.

Inputs are expected to be valid (see :mod:`certify.tasks`, which validates before scoring); a value
these classes cannot use raises ``ValueError``.

An unanswered record counts as the worst answer: no label (never correct, and for unweighted kappa
an extra "no answer" category), no spans, no boxes, an empty transcription, the reverse of the gold
order; for multi-label records Jaccard 0.0 (see :class:`SetBatch`).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from itertools import chain, cycle, repeat

import numpy as np

from certify.scoring.boxes import BoxBatch
from certify.scoring.counts import MatchCounts, kappa_weight_matrix, prf_arrays
from certify.scoring.edit_distance import levenshtein_many
from certify.scoring.gcpause import gc_paused
from certify.scoring.units import characters, words

__all__ = [
    "BoxBatch",
    "LabelBatch",
    "RankingBatch",
    "SetBatch",
    "SpanBatch",
    "TextBatch",
    "prf_arrays",
]

_CHUNK = 4_000_000  # elements per temporary array in chunked computations


def _rows(answers: Sequence[Sequence], n_records: int, what: str) -> list:
    """Flatten candidates' answer rows, checking each has one entry per record."""
    for i, row in enumerate(answers):
        if len(row) != n_records:
            raise ValueError(
                f"{what}: candidate {i} has {len(row)} answers for {n_records} records"
            )
    return list(chain.from_iterable(answers))


class LabelBatch:
    """One label per record (classification, rating): accuracy, macro-F1 and Cohen's kappa.

    :param gold: the gold label of each record.
    :param answers: one row per candidate with a label or ``None`` per record.
    :param labels: the label set and order (for weighted kappa, the scale). Default: per candidate,
        the sorted labels that gold or that candidate uses, exactly as the single-candidate metrics.
    :raise ValueError: if a row has the wrong length or a label is outside ``labels``.
    """

    def __init__(
        self,
        gold: Sequence[Hashable],
        answers: Sequence[Sequence[Hashable | None]],
        labels: Sequence[Hashable] | None = None,
    ):
        flat = _rows(answers, len(gold), "LabelBatch")
        self.explicit_labels = labels is not None
        if labels is None:
            labels = sorted((set(gold) | set(flat)) - {None})
        self.labels = list(labels)
        index: dict = {label: i for i, label in enumerate(self.labels)}
        self.gold = np.fromiter(map(index.get, gold, repeat(-2)), np.int64, len(gold))
        index[None] = -1
        codes = np.fromiter(map(index.get, flat, repeat(-2)), np.int64, len(flat))
        if (self.gold < 0).any() or (codes == -2).any():
            raise ValueError("LabelBatch: an answer or gold label is not one of the labels")
        self.answers = codes.reshape(len(answers), len(gold))
        n_candidates, n_labels = len(answers), len(self.labels)
        self.correct = self.answers == self.gold
        self.answered = self.answers >= 0
        rows = np.arange(n_candidates)[:, None] * n_labels
        self.hits = np.bincount((rows + self.gold)[self.correct], minlength=n_candidates * n_labels)
        self.hits = self.hits.reshape(n_candidates, n_labels)
        self.n_pred = np.bincount((rows + self.answers)[self.answered], minlength=self.hits.size)
        self.n_pred = self.n_pred.reshape(n_candidates, n_labels)
        self.n_gold = np.bincount(self.gold, minlength=n_labels)
        self.present = (
            np.ones_like(self.n_pred, dtype=bool)
            if self.explicit_labels
            else (self.n_pred > 0) | (self.n_gold > 0)
        )

    def accuracy(self) -> np.ndarray:
        """Fraction of records answered with the gold label, per candidate."""
        return self.correct.mean(axis=1)

    def f1_per_label(self) -> np.ndarray:
        """F1 per candidate and label (0.0 for a label neither side uses)."""
        denominator = self.n_gold + self.n_pred
        return np.divide(
            2.0 * self.hits, denominator, out=np.zeros(self.hits.shape), where=denominator > 0
        )

    def macro_f1(self) -> np.ndarray:
        """Macro-averaged F1 per candidate, as :func:`certify.scoring.metrics.macro_f1`."""
        return (self.f1_per_label() * self.present).sum(axis=1) / self.present.sum(axis=1)

    def cohen_kappa(self, weights: str | None = None) -> np.ndarray:
        """Cohen's kappa per candidate, as :func:`certify.scoring.metrics.cohen_kappa`.

        Unweighted, an unanswered record is one more category that no gold record has. Weighted
        kappa needs a distance to every answer, so unanswered records must be replaced first.

        :raise ValueError: for weighted kappa with an unanswered record.
        """
        kappa_weight_matrix(0, weights)  # rejects unknown weights
        n = self.gold.size
        if weights is None:
            disagreement = n - self.correct.sum(axis=1)
            chance = n - (self.n_pred * self.n_gold).sum(axis=1) / n
            return (
                np.divide(-disagreement, chance, out=np.zeros(chance.shape), where=chance != 0)
                + 1.0
            )
        if not self.answered.all():
            raise ValueError("weighted kappa needs an answer to every record; fill unanswered ones")
        return np.concatenate([self._weighted_kappa(part, weights) for part in self._chunks()])

    def _chunks(self) -> list[slice]:
        size = max(1, _CHUNK // max(1, len(self.labels) ** 2))
        return [slice(i, i + size) for i in range(0, self.answers.shape[0], size)] or [slice(0, 0)]

    def _weighted_kappa(self, part: slice, weights: str) -> np.ndarray:
        answers, present = self.answers[part], self.present[part]
        n_candidates, n_labels, n = answers.shape[0], len(self.labels), self.gold.size
        cells = (np.arange(n_candidates)[:, None] * n_labels + self.gold) * n_labels + answers
        observed = np.bincount(cells.ravel(), minlength=n_candidates * n_labels**2)
        observed = observed.reshape(n_candidates, n_labels, n_labels).astype(float)
        expected = observed.sum(axis=2)[:, :, None] * observed.sum(axis=1)[:, None, :] / n
        # Weights count distances between positions among the labels in use (sklearn's default).
        position = np.cumsum(present, axis=1) - 1
        distance = np.abs(position[:, :, None] - position[:, None, :]).astype(float)
        weight = distance if weights == "linear" else distance**2
        chance = np.einsum("cij,cij->c", weight, expected)
        disagreement = np.einsum("cij,cij->c", weight, observed)
        return 1.0 - np.divide(disagreement, chance, out=np.zeros(chance.shape), where=chance != 0)


class _Overlap(MatchCounts):
    """Per candidate and record: sizes of the gold set, the answer set and their intersection."""

    @staticmethod
    def _as_set(value: Iterable) -> frozenset:
        return frozenset(value)

    def __init__(self, gold: Sequence[Iterable], answers: Sequence[Sequence[Iterable | None]]):
        flat = _rows(answers, len(gold), type(self).__name__)
        gold_sets = [self._as_set(g) for g in gold]
        with gc_paused():
            answer_sets = [self._as_set(a) if a else frozenset() for a in flat]
        shape = (len(answers), len(gold))
        self.answered = np.fromiter((a is not None for a in flat), bool, len(flat)).reshape(shape)
        self.hits = np.fromiter(
            map(len, map(frozenset.intersection, cycle(gold_sets), answer_sets)),
            np.int64,
            len(flat),
        ).reshape(shape)
        self.n_pred = np.fromiter(map(len, answer_sets), np.int64, len(flat)).reshape(shape)
        self.n_gold = np.array([len(g) for g in gold_sets], dtype=np.int64)


class SetBatch(_Overlap):
    """A set of labels per record (multilabel): Jaccard similarity per record and its mean.

    An empty answer says "no label applies" and scores 1.0 where the gold set is empty too; an
    unanswered record (``None``) scores 0.0 whatever the gold, so that not answering never earns
    credit.

    :param gold: the gold label set of each record.
    :param answers: one row per candidate with an iterable of labels or ``None`` per record.
    """

    def jaccard(self) -> np.ndarray:
        """Jaccard similarity per candidate and record (1.0 where both sets are empty)."""
        union = self.n_gold + self.n_pred - self.hits
        similarity = np.divide(self.hits, union, out=np.ones(union.shape), where=union > 0)
        return np.where(self.answered, similarity, 0.0)

    def jaccard_samples(self) -> np.ndarray:
        """Mean Jaccard similarity per candidate, as :func:`~certify.scoring.metrics.jaccard_samples`
        for answered records (unanswered ones count 0.0).
        """
        return self.jaccard().mean(axis=1)


class SpanBatch(_Overlap):
    """Labelled character spans per record (NER): exact-match counts, precision, recall, F1.

    ``prf()`` gives micro scores per candidate as :func:`certify.scoring.metrics.span_prf`;
    ``record_prf()`` the same per record.

    :param gold: one list of ``(start, end, label)`` per record.
    :param answers: one row per candidate with a list of spans or ``None`` per record.
    """

    @staticmethod
    def _as_set(value: Iterable[Sequence]) -> frozenset:
        return frozenset(map(tuple, value))


class TextBatch:
    """Transcriptions per record: edit distances and error rates (CER or WER).

    :param refs: the gold text of each record.
    :param answers: one row per candidate with a text or ``None`` (an empty text) per record.
    :param unit: ``"char"`` (as :func:`~certify.scoring.metrics.cer`) or ``"word"`` (as
        :func:`~certify.scoring.metrics.wer`).
    """

    def __init__(
        self, refs: Sequence[str], answers: Sequence[Sequence[str | None]], unit: str = "char"
    ):
        raw = _rows(answers, len(refs), "TextBatch")
        with gc_paused():
            ref_tokens, self.ref_lengths, hyp_tokens, hyp_lengths = _tokens(
                refs, [a or "" for a in raw], unit
            )
        pair_ref = np.tile(np.arange(len(refs)), len(answers))
        distances = levenshtein_many(ref_tokens, self.ref_lengths, hyp_tokens, hyp_lengths, pair_ref)
        shape = (len(answers), len(refs))
        self.distances = distances.reshape(shape)
        self.answered = np.fromiter((a is not None for a in raw), bool, len(raw)).reshape(shape)

    def record_rates(self) -> np.ndarray:
        """Error rate per candidate and record: edits / max(reference length, 1)."""
        return self.distances / np.maximum(self.ref_lengths, 1)

    def rates(self) -> np.ndarray:
        """Corpus error rate per candidate: all edits / max(all reference units, 1)."""
        return self.distances.sum(axis=1) / max(int(self.ref_lengths.sum()), 1)


def _tokens(refs: Sequence[str], hyps: list[str], unit: str) -> tuple[np.ndarray, ...]:
    """Token codes and lengths of the references and of the hypotheses, each one after another.

    Characters are their code points; words get ids from the references' vocabulary (0 for a word
    no reference has, which can never match).
    """
    if unit == "char":
        ref_units, hyp_units = list(map(characters, refs)), list(map(characters, hyps))
        ref_tokens, hyp_tokens = _code_points(ref_units), _code_points(hyp_units)
    elif unit == "word":
        ref_units, hyp_units = list(map(words, refs)), list(map(words, hyps))
        vocabulary: dict[str, int] = {}
        for word in chain.from_iterable(ref_units):
            vocabulary.setdefault(word, len(vocabulary) + 1)
        ref_tokens = np.array([vocabulary[w] for w in chain.from_iterable(ref_units)], np.int64)
        hyp_tokens = np.fromiter(map(vocabulary.get, chain.from_iterable(hyp_units), repeat(0)), np.int64)
    else:
        raise ValueError(f"TextBatch: unit must be 'char' or 'word', not {unit!r}")
    ref_lengths = np.fromiter(map(len, ref_units), np.int64, len(ref_units))
    hyp_lengths = np.fromiter(map(len, hyp_units), np.int64, len(hyp_units))
    return ref_tokens, ref_lengths, hyp_tokens, hyp_lengths


def _code_points(texts: list[str]) -> np.ndarray:
    """Every character of the texts, one after another, as Unicode code points."""
    return np.frombuffer("".join(texts).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class RankingBatch:
    """A strict order of items per record (ranking): Spearman's rho and Kendall's tau per record.

    Rankings are complete and without ties, so rho is ``1 - 6 Σ d² / (k (k² - 1))`` and tau is
    ``1 - 4 · inversions / (k (k - 1))``; both equal scipy's on the rank vectors. A record with one
    item scores 1.0 (both sides constant, as in :func:`certify.scoring.metrics.spearman`).

    :param gold: the gold order (item ids, best first) of each record.
    :param answers: one row per candidate with an order (a permutation of the record's items) or
        ``None`` (counted as the reverse of the gold order) per record.
    """

    def __init__(self, gold: Sequence[Sequence[Hashable]], answers: Sequence[Sequence]):
        flat = _rows(answers, len(gold), "RankingBatch")
        ranks = [{item: i for i, item in enumerate(order)} for order in gold]
        reverse = [list(range(len(order) - 1, -1, -1)) for order in gold]
        shape = (len(answers), len(gold))
        self.answered = np.fromiter((a is not None for a in flat), bool, len(flat)).reshape(shape)
        with gc_paused():
            permutations = [
                reverse[r] if order is None else list(map(ranks[r].__getitem__, order))
                for r, order in zip(cycle(range(len(gold))), flat)
            ]
        self.spearman = np.ones(shape)
        self.kendall = np.ones(shape)
        sizes = np.array([len(order) for order in gold])
        for k in np.unique(sizes[sizes > 1]):
            self._score_size(int(k), np.flatnonzero(sizes == k), permutations, shape)

    def _score_size(self, k: int, records: np.ndarray, permutations: list, shape) -> None:
        step = max(1, _CHUNK // (len(records) * k * k))
        upper = np.triu(np.ones((k, k), dtype=bool), 1)
        for start in range(0, shape[0], step):
            candidates = np.arange(start, min(start + step, shape[0]))
            cells = (candidates[:, None] * shape[1] + records).ravel()
            perm = np.array([permutations[i] for i in cells], dtype=np.int64)
            perm = perm.reshape(candidates.size, records.size, k)
            squares = ((perm - np.arange(k)) ** 2).sum(axis=2)
            inversions = ((perm[..., :, None] > perm[..., None, :]) & upper).sum(axis=(2, 3))
            rows = candidates[:, None], records[None, :]
            self.spearman[rows] = 1.0 - 6.0 * squares / (k * (k * k - 1))
            self.kendall[rows] = 1.0 - 4.0 * inversions / (k * (k - 1))
