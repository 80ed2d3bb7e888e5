"""Auto-marking on submit: every objective policy, practical tasks with metrics, component scores."""

from __future__ import annotations

from decimal import Decimal

import pytest

from certify.db import db
from certify.grading.models import ItemScore, Result
from certify.grading.on_submit import grade_attempt
from certify.grading.results import GradingError, result_of
from tests.factories import enrol, make_attempt, make_item, make_practical_item


def _points(attempt) -> list[Decimal | None]:
    result = result_of(attempt)
    return [s.points for s in sorted(result.item_scores, key=lambda s: s.attempt_item.position)]


def test_single_and_true_false_items_score_full_or_nothing(theory, candidate, sit):
    items = [make_item("single"), make_item("single"), make_item("true_false"),
             make_item("true_false"), make_item("single")]
    attempt = sit(theory, candidate, items, {1: "B", 2: "A", 3: True, 4: False})
    assert _points(attempt) == [Decimal(1), Decimal(0), Decimal(1), Decimal(0), Decimal(0)]
    result = result_of(attempt)
    assert (result.points, result.max_points, result.score) == (Decimal(2), Decimal(5),
                                                                Decimal("40.00"))
    assert result.status == "complete" and result.passed is False


def test_multiple_all_or_nothing_gives_nothing_for_a_partly_right_answer(theory, candidate, sit):
    items = [make_item("multiple", points=2) for _ in range(3)]
    attempt = sit(theory, candidate, items, {1: ["A", "C"], 2: ["A"], 3: ["A", "B", "C"]})
    assert _points(attempt) == [Decimal(2), Decimal(0), Decimal(0)]


@pytest.mark.parametrize(("picked", "expected"), [
    (["A", "C"], "2.000"),        # both right
    (["A"], "1.000"),             # one of two right picks: half
    (["A", "B"], "0.000"),        # one right, one wrong with penalty 1: 1 - 1 = 0
    (["A", "C", "D"], "1.000"),   # two right, one wrong
    (["A", "B", "C", "D", "E"], "0.000"),  # everything: never below 0
    ([], "0.000"),
])
def test_multiple_partial_credit_deducts_a_penalty_per_wrong_pick(theory, candidate, sit,
                                                                  picked, expected):
    content = {"options": [{"id": k, "text": k} for k in "ABCDE"], "shuffle": True,
               "scoring": {"mode": "partial", "penalty": 1.0}}
    item = make_item("multiple", points=2, content=content, key={"correct": ["A", "C"]})
    attempt = sit(theory, candidate, [item], {1: picked} if picked else {})
    assert _points(attempt) == [Decimal(expected)]


def test_a_half_penalty_deducts_half_a_pick(theory, candidate, sit):
    content = {"options": [{"id": k, "text": k} for k in "ABCDE"],
               "scoring": {"mode": "partial", "penalty": 0.5}}
    item = make_item("multiple", points=2, content=content, key={"correct": ["A", "C"]})
    attempt = sit(theory, candidate, [item], {1: ["A", "B"]})
    assert _points(attempt) == [Decimal("0.500")]


@pytest.mark.parametrize(("value", "expected"), [
    (["Precision", "0.8"], "2.000"),
    (["ＰＲＥＣＩＳＩＯＮ", "0.804"], "2.000"),    # full-width folded; within 0.005
    (["precision", "0.806"], "1.000"),          # outside the tolerance: that blank is wrong
    (["recall", "0.7951"], "1.000"),
    (["recall", "0.7"], "0.000"),
])
def test_fill_in_normalises_text_and_accepts_numbers_within_tolerance(theory, candidate, sit,
                                                                      value, expected):
    item = make_item("fill_in", points=2)
    attempt = sit(theory, candidate, [item], {1: value})
    assert _points(attempt) == [Decimal(expected)]


def test_fill_in_all_or_nothing_needs_every_blank(theory, candidate, sit):
    item = make_item("fill_in", points=2, content={"blanks": 2,
                                                   "scoring": {"mode": "all_or_nothing"}})
    attempt = sit(theory, candidate, [item], {1: ["precision", "0.9"]})
    assert _points(attempt) == [Decimal(0)]


def test_practical_task_scores_through_its_task_type_with_metrics_and_no_gold(skills, candidate,
                                                                             sit):
    task = make_practical_item()  # 4 records, gold: positive, negative, neutral, positive
    attempt = sit(skills, candidate, [task], {1: {"r1": "positive", "r2": "negative",
                                                  "r3": "positive", "r4": "positive"}})
    score = result_of(attempt).item_scores[0]
    assert score.metrics["accuracy"] == pytest.approx(0.75)
    # macro F1 over labels: positive 0.8, negative 1.0, neutral 0.0 → 0.6; linear policy 0→1
    assert score.metrics["macro_f1"] == pytest.approx(0.6)
    assert score.metrics["task_score"] == pytest.approx(60.0)
    assert score.points == Decimal("60.000")
    assert [r["correct"] for r in score.per_record] == [True, True, False, True]
    stored = repr((score.metrics, score.per_record, score.detail))
    assert "neutral" not in stored and "label" not in stored  # nothing of the gold is stored


def test_a_task_worth_fewer_points_maps_its_score_proportionally(skills, candidate, sit):
    task = make_practical_item(points=20, metric="accuracy")
    attempt = sit(skills, candidate, [task], {1: {"r1": "positive", "r2": "negative"}})
    assert result_of(attempt).item_scores[0].points == Decimal("10.000")  # accuracy 0.5 → 50 % of 20


def test_short_answers_wait_for_examiners_and_the_result_is_not_final(theory, candidate, sit):
    attempt = sit(theory, candidate, [make_item("single"), make_item("short_answer", points=5)],
                  {1: "B", 2: "Precision and recall trade off."})
    result = result_of(attempt)
    assert result.status == "awaiting_marking" and result.passed is None
    waiting = [s for s in result.item_scores if s.needs_marking]
    assert len(waiting) == 1 and waiting[0].points is None
    assert waiting[0].detail["rubric_max"] == "5"


def test_breakdown_by_unit_uses_the_work_content_of_the_exam_level(level, theory, candidate, sit):
    u21, u22 = level.unit_by_code("2.1"), level.unit_by_code("2.2")
    items = [make_item("single", units=[u21]), make_item("single", units=[u21]),
             make_item("single", units=[u22], points=2)]
    attempt = sit(theory, candidate, items, {1: "B", 2: "C", 3: "B"})
    assert result_of(attempt).by_unit == {"L4:2.1": {"points": 1.0, "max": 2.0},
                                          "L4:2.2": {"points": 2.0, "max": 2.0}}


def test_grading_twice_returns_the_same_result(theory, candidate, sit):
    attempt = sit(theory, candidate, [make_item("single")], {1: "B"})
    first = result_of(attempt)
    assert grade_attempt(attempt.id).id == first.id
    from certify.db import db
    assert db.session.query(Result).count() == 1 and db.session.query(ItemScore).count() == 1


def test_an_attempt_in_progress_is_not_graded(theory, candidate):
    attempt = make_attempt(enrol(theory, candidate), [make_item("single")])
    with pytest.raises(GradingError, match="not submitted"):
        grade_attempt(attempt.id)
    assert result_of(attempt) is None


def test_submitting_through_the_exams_package_grades_the_attempt(theory, candidate):
    from certify.exams.attempts.submitting import submit_attempt
    from tests.factories import answer

    attempt = make_attempt(enrol(theory, candidate), [make_item("single"), make_item("single")])
    answer(attempt, 1, "B")
    assert submit_attempt(attempt) is True
    db.session.commit()  # grading receives the signal once the submission is committed
    result = result_of(attempt)
    assert result is not None and result.score == Decimal("50.00")


def test_a_failing_grader_never_loses_the_submission(theory, candidate, monkeypatch):
    from certify.exams.attempts.submitting import submit_attempt
    from certify.grading import on_submit

    def broken(attempt_id, **kwargs):
        raise RuntimeError("scorer down")

    monkeypatch.setattr(on_submit, "grade_attempt", broken)
    attempt = make_attempt(enrol(theory, candidate), [make_item("single")])
    assert submit_attempt(attempt) is True
    db.session.commit()
    assert attempt.state == "submitted" and result_of(attempt) is None
    # The administrators' regrade grades what the signal could not.
    monkeypatch.undo()
    from certify.grading.regrading import regrade

    report = regrade(sitting=theory, reason="grade the missed attempt")
    assert report.changed[0].before_score is None and result_of(attempt) is not None
