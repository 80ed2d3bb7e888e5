"""The standard's overtime rule for skills tasks: −1 point per minute over, stop after 5 minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from certify.db import db
from certify.grading.autoscore import overtime, task_to_item
from certify.grading.on_submit import grade_attempt
from certify.grading.results import result_of
from tests.factories import answer, enrol, make_attempt, make_practical_item, submit

OPENED = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)
TASK = {"time_limit_minutes": 30,
        "overtime": {"allowed": True, "per_minute": 1, "stop_after_minutes": 5}}


@pytest.mark.parametrize(("spent", "minutes_over", "charged"), [
    (timedelta(minutes=29, seconds=59), 0, 0),
    (timedelta(minutes=30), 0, 0),
    (timedelta(minutes=30, seconds=1), 1, 1),      # a started minute counts
    (timedelta(minutes=33), 3, 3),
    (timedelta(minutes=35), 5, 5),
    (timedelta(minutes=41), 11, 5),                 # never more than the stop
])
def test_deduction_is_per_started_minute_up_to_the_stop(spent, minutes_over, charged):
    rule = overtime(TASK, OPENED, OPENED + spent)
    assert (rule.minutes_over, rule.charged, rule.deduction) == (minutes_over, charged,
                                                                 float(charged))
    assert rule.cutoff == OPENED + timedelta(minutes=35)


def test_per_minute_and_stop_come_from_the_task():
    task = {"time_limit_minutes": 10,
            "overtime": {"allowed": True, "per_minute": 2.5, "stop_after_minutes": 3}}
    rule = overtime(task, OPENED, OPENED + timedelta(minutes=12))
    assert (rule.charged, rule.deduction) == (2, 5.0)


def test_no_rule_without_allowed_overtime_or_an_opening_time():
    not_allowed = {"time_limit_minutes": 30, "overtime": {"allowed": False}}
    assert overtime(not_allowed, OPENED, OPENED + timedelta(hours=2)).deduction == 0
    assert overtime(TASK, None, OPENED + timedelta(hours=2)).cutoff is None


def test_a_deduction_never_takes_a_task_below_zero():
    assert task_to_item(3.0, 5.0, Decimal(100)) == (Decimal("0.000"), Decimal("3.000"))
    assert task_to_item(80.0, 2.0, Decimal(50)) == (Decimal("39.000"), Decimal("1.000"))


def test_an_auto_scored_task_over_time_loses_points_and_ignores_work_after_the_stop(
        skills, candidate):
    task = make_practical_item(time_limit_minutes=30, metric="accuracy",
                               overtime={"allowed": True, "per_minute": 1,
                                         "stop_after_minutes": 5})
    attempt = make_attempt(enrol(skills, candidate), [task])
    item = attempt.items[0]
    item.opened_dt = OPENED
    db.session.commit()
    for record, label, minute in (("r1", "positive", 10), ("r2", "negative", 20),
                                  ("r3", "neutral", 34), ("r4", "positive", 37)):
        response = answer(attempt, 1, label, record=record)
        response.saved_dt = OPENED + timedelta(minutes=minute)
    item.last_saved_dt = OPENED + timedelta(minutes=37)
    db.session.commit()
    submit(attempt)
    grade_attempt(attempt.id)
    score = result_of(attempt).item_scores[0]
    # r4 was saved 37 minutes after opening: after the stop (30 + 5), so it does not count.
    assert score.detail["overtime"]["minutes_over"] == 7
    assert score.overtime_minutes == 5 and score.detail["ignored_records"] == ["r4"]
    assert score.detail["task_score_before_deduction"] == pytest.approx(75.0)
    assert score.points == Decimal("70.000") and score.deduction == Decimal("5.000")
    assert [r["answered"] for r in score.per_record] == [True, True, True, False]
