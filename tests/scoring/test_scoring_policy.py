"""Scoring policies turn a metric into 0–100 points, and reject policies that cannot work."""

from __future__ import annotations

import numpy as np
import pytest

from certify.scoring.policy import (
    LinearPolicy,
    PolicyError,
    ThresholdPolicy,
    parse_policy,
    quality,
)


def test_default_policy_is_linear_from_zero_to_one():
    policy = parse_policy(None)
    assert policy == LinearPolicy(0.0, 1.0)
    assert [policy.points(v) for v in (-0.5, 0.0, 0.25, 1.0)] == [0.0, 0.0, 25.0, 100.0]


def test_linear_policy_clips_and_interpolates():
    policy = parse_policy({"kind": "linear", "zero_at": 0.4, "full_at": 0.9})
    assert policy.points(0.3) == 0.0
    assert policy.points(0.65) == pytest.approx(50.0)
    assert policy.points(0.95) == 100.0
    assert policy.points(np.array([0.4, 0.9])).tolist() == [0.0, 100.0]


def test_thresholds_give_the_points_of_the_highest_step_reached():
    policy = parse_policy({"kind": "thresholds", "steps": [[0.7, 60], [0.9, 100], [0.5, 30]]})
    assert policy == ThresholdPolicy(((0.9, 100.0), (0.7, 60.0), (0.5, 30.0)))
    assert [policy.points(v) for v in (0.95, 0.9, 0.89, 0.5, 0.49)] == [100, 100, 60, 30, 0]


def test_a_rounding_error_never_costs_a_step():
    accuracy = quality("cer", 11 / 20)  # 1 - 0.55 is 0.44999999999999996 in floating point
    assert accuracy < 0.45
    assert parse_policy({"kind": "thresholds", "steps": [[0.45, 60]]}).points(accuracy) == 60.0
    assert parse_policy({"kind": "linear", "full_at": 0.45}).points(accuracy) == 100.0


def test_error_rates_are_turned_into_a_quality():
    assert quality("cer", 0.25) == 0.75
    assert quality("wer", 1.5) == 0.0
    assert quality("macro_f1", 0.25) == 0.25
    assert quality("cer", np.array([0.0, 2.0])).tolist() == [1.0, 0.0]


@pytest.mark.parametrize(
    "data, problems",
    [
        ("linear", [("policy", "must be a mapping such as {kind: linear}")]),
        ({"kind": "curve"}, [("policy.kind", "must be 'linear' or 'thresholds', not 'curve'")]),
        (
            {"kind": "linear", "zero_at": "0.4", "full_at": True, "slope": 2},
            [
                ("policy.slope", "is not a policy setting"),
                ("policy.zero_at", "must be a number, not '0.4'"),
                ("policy.full_at", "must be a number, not True"),
            ],
        ),
        ({"kind": "linear", "zero_at": 0.9, "full_at": 0.5},
         [("policy.full_at", "must be above zero_at (0.9)")]),
        ({"kind": "linear", "full_at": 1.2},
         [("policy.full_at", "can never be reached: a quality is at most 1")]),
        ({"kind": "thresholds"}, [("policy.steps", "must be a list of [threshold, points]")]),
        (
            {"kind": "thresholds", "steps": [[0.9, 100], [0.8], [0.7, 120], [1.5, 100]]},
            [
                ("policy.steps[1]", "must be [threshold, points] with two numbers, not [0.8]"),
                ("policy.steps[2]", "points must be between 0 and 100, not 120"),
                ("policy.steps[3]", "threshold 1.5 can never be reached: at most 1"),
            ],
        ),
        (
            {"kind": "thresholds", "steps": [[0.9, 50], [0.8, 80], [0.8, 70]]},
            [
                ("policy.steps", "threshold 0.9 gives fewer points than the lower 0.8"),
                ("policy.steps", "threshold 0.8 appears twice"),
            ],
        ),
    ],
)
def test_bad_policies_report_every_problem(data, problems):
    with pytest.raises(PolicyError) as raised:
        parse_policy(data)
    assert raised.value.problems == problems
