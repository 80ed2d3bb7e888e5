"""What a candidate who knows nothing earns on an item: the test-wise strategy and random guessing.

Both are expected values (a fraction of the item's points), computed with the marking rules the
exams use (:func:`certify.banks.scoring.score_objective`), so that a pool's or a form's score is the
points-weighted mean of its items.

- **Test-wise** ("longest option + always true"): on single choice, pick the longest option (a tie
  is broken at random among the longest); on true/false, answer *true*; on multiple choice, pick
  every option at least as long as the median option (long options are the test-wise bet there too).
- **Chance** (random guessing): single choice 1/n; true/false ½; multiple choice the mean over every
  non-empty set of options (what a candidate clicking at random earns with the item's scoring).

Fill-in, short-answer and practical items earn 0 under both: guessing a blank or an essay scores
nothing to speak of.
"""

from __future__ import annotations

from itertools import combinations
from statistics import median

from certify.banks.lint.items import ItemView
from certify.banks.scoring import score_objective


def testwise(item: ItemView) -> float:
    """Expected fraction of the points the test-wise strategy earns."""
    lengths = item.lengths
    if item.type == "single" and lengths:
        longest = max(lengths.values())
        tied = [oid for oid, n in lengths.items() if n == longest]
        return 1 / len(tied) if item.keys & set(tied) else 0.0
    if item.type == "true_false":
        return 1.0 if item.key.get("correct") is True else 0.0
    if item.type == "multiple" and lengths:
        middle = median(lengths.values())
        picked = sorted(oid for oid, n in lengths.items() if n >= middle)
        return score_objective("multiple", item.content, item.key, 1, picked).points
    return 0.0


def chance(item: ItemView) -> float:
    """Expected fraction of the points random guessing earns."""
    ids = [oid for oid, _text in item.options]
    if item.type == "single" and ids:
        return 1 / len(ids)
    if item.type == "true_false":
        return 0.5
    if item.type == "multiple" and ids:
        subsets = [list(c) for size in range(1, len(ids) + 1) for c in combinations(ids, size)]
        return sum(score_objective("multiple", item.content, item.key, 1, s).points
                   for s in subsets) / len(subsets)
    return 0.0


def scores(items: list[ItemView]) -> tuple[float, float]:
    """(test-wise, chance) in percent of the points of ``items`` (0, 0 when there are none)."""
    total = sum(i.points for i in items)
    if total <= 0:
        return 0.0, 0.0
    return (100 * sum(testwise(i) * i.points for i in items) / total,
            100 * sum(chance(i) * i.points for i in items) / total)
