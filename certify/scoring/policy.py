"""Scoring policies: how a task's metric becomes 0–100 points.

A policy is written in ``task.yaml`` (see docs/formats.md §3) as ``{kind: linear, zero_at, full_at}``
or ``{kind: thresholds, steps: [[threshold, points], …]}``. It is applied to the metric's *quality*:
the metric itself, or for error rates (WER, CER) ``1 - rate`` clipped at 0, so that higher is always
better and every quality is at most 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import numpy as np

from certify.errors import ProblemsError

__all__ = [
    "ERROR_RATES",
    "TOLERANCE",
    "LinearPolicy",
    "Policy",
    "PolicyError",
    "ThresholdPolicy",
    "parse_policy",
    "quality",
]

#: metrics where lower is better; the policy sees ``max(0, 1 - rate)``
ERROR_RATES = frozenset({"wer", "cer"})

#: metrics are ratios of counts; a quality within this of a threshold counts as reaching it, so
#: floating-point rounding never costs a candidate a step (e.g. an F1 of 0.7 computed as 0.69999…)
TOLERANCE = 1e-9


def quality(metric: str, value):
    """The value a policy is applied to: ``max(0, 1 - value)`` for error rates, else ``value``.

    Works on floats and numpy arrays alike.
    """
    return np.maximum(0.0, 1.0 - value) if metric in ERROR_RATES else value


@dataclass(frozen=True)
class LinearPolicy:
    """Quality ≤ ``zero_at`` → 0 points, ≥ ``full_at`` → 100, linear in between."""

    zero_at: float = 0.0
    full_at: float = 1.0
    kind: str = field(default="linear", init=False)

    def points(self, value):
        """Points (0–100) for a quality; a float for a float, an array for an array."""
        value = np.asarray(value, dtype=float)
        scaled = np.clip((value - self.zero_at) / (self.full_at - self.zero_at), 0.0, 1.0)
        result = np.where(value >= self.full_at - TOLERANCE, 100.0, scaled * 100)
        return float(result) if result.ndim == 0 else result

    def to_dict(self) -> dict[str, Any]:
        """The policy as written in task.yaml."""
        return {"kind": self.kind, "zero_at": self.zero_at, "full_at": self.full_at}


@dataclass(frozen=True)
class ThresholdPolicy:
    """The points of the highest threshold the quality reaches, else 0.

    :param steps: ``(threshold, points)`` pairs, highest threshold first.
    """

    steps: tuple[tuple[float, float], ...]
    kind: str = field(default="thresholds", init=False)

    def points(self, value):
        """Points (0–100) for a quality; a float for a float, an array for an array."""
        value = np.asarray(value, dtype=float)
        result = np.zeros(value.shape)
        for threshold, points in reversed(self.steps):  # lowest first; higher ones overwrite
            result = np.where(value >= threshold - TOLERANCE, points, result)
        return float(result) if result.ndim == 0 else result

    def to_dict(self) -> dict[str, Any]:
        """The policy as written in task.yaml."""
        return {"kind": self.kind, "steps": [list(step) for step in self.steps]}


Policy = LinearPolicy | ThresholdPolicy


class PolicyError(ProblemsError):
    """A policy that cannot be used; ``problems`` lists ``(field, message)`` pairs, every one found."""

    def describe(self, problem: tuple[str, str]) -> str:
        field, message = problem
        return f'field "{field}": {message}'


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def parse_policy(data: Mapping[str, Any] | None) -> Policy:
    """Read a policy from its task.yaml form; ``None`` gives the default ``linear`` 0 → 1.

    :raise PolicyError: listing every problem, with fields such as ``policy.steps[1]``.
    """
    if data is None:
        return LinearPolicy()
    if not isinstance(data, Mapping):
        raise PolicyError([("policy", "must be a mapping such as {kind: linear}")])
    kind = data.get("kind")
    if kind == "linear":
        return _parse_linear(data)
    if kind == "thresholds":
        return _parse_thresholds(data)
    raise PolicyError([("policy.kind", f"must be 'linear' or 'thresholds', not {kind!r}")])


def _unknown_keys(data: Mapping, allowed: set[str]) -> list[tuple[str, str]]:
    return [(f"policy.{key}", "is not a policy setting") for key in data if key not in allowed]


def _parse_linear(data: Mapping) -> LinearPolicy:
    problems = _unknown_keys(data, {"kind", "zero_at", "full_at"})
    ends = {"zero_at": data.get("zero_at", 0.0), "full_at": data.get("full_at", 1.0)}
    for name, value in ends.items():
        if not _number(value):
            problems.append((f"policy.{name}", f"must be a number, not {value!r}"))
    if not problems:
        if ends["zero_at"] >= ends["full_at"]:
            problems.append(("policy.full_at", f"must be above zero_at ({ends['zero_at']})"))
        elif ends["full_at"] > 1:
            problems.append(("policy.full_at", "can never be reached: a quality is at most 1"))
    if problems:
        raise PolicyError(problems)
    return LinearPolicy(float(ends["zero_at"]), float(ends["full_at"]))


def _parse_thresholds(data: Mapping) -> ThresholdPolicy:
    problems = _unknown_keys(data, {"kind", "steps"})
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise PolicyError([*problems, ("policy.steps", "must be a list of [threshold, points]")])
    pairs = []
    for i, step in enumerate(steps):
        where = f"policy.steps[{i}]"
        if not (isinstance(step, list | tuple) and len(step) == 2 and all(map(_number, step))):
            problems.append((where, f"must be [threshold, points] with two numbers, not {step!r}"))
        elif not 0 <= step[1] <= 100:
            problems.append((where, f"points must be between 0 and 100, not {step[1]}"))
        elif step[0] > 1:
            problems.append((where, f"threshold {step[0]} can never be reached: at most 1"))
        else:
            pairs.append((float(step[0]), float(step[1])))
    pairs.sort(reverse=True)
    for (high, high_points), (low, low_points) in pairwise(pairs):
        if high == low:
            problems.append(("policy.steps", f"threshold {high} appears twice"))
        elif high_points < low_points:
            problems.append(
                ("policy.steps", f"threshold {high} gives fewer points than the lower {low}")
            )
    if problems:
        raise PolicyError(problems)
    return ThresholdPolicy(tuple(pairs))
