"""Largest-remainder apportionment: whole counts in proportion to weights.

One function for every place that turns a weight table into item counts (the bank's coverage, an
exam's blueprint and its type sections, the item-writing checks' drawn papers), so they agree.
Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction

Number = int | float | Decimal | Fraction


def apportion(weights: Mapping[str, Number], total: int) -> dict[str, int]:
    """Whole counts proportional to ``weights`` summing to ``total`` (largest remainder).

    Ties between equal remainders go to the key that comes first in ``weights``.
    """
    weights = {k: Decimal(str(w)) for k, w in weights.items()}
    weight_sum = sum(weights.values(), Decimal(0))
    if total <= 0 or not weights or weight_sum <= 0:
        return dict.fromkeys(weights, 0)
    quotas = {k: Decimal(total) * Decimal(w) / weight_sum for k, w in weights.items()}
    counts = {k: int(q.to_integral_value(rounding=ROUND_FLOOR)) for k, q in quotas.items()}
    order = list(weights)
    left = total - sum(counts.values())
    by_remainder = sorted(order, key=lambda k: (-(quotas[k] - counts[k]), order.index(k)))
    for key in by_remainder[:left]:
        counts[key] += 1
    return counts
