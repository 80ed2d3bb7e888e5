"""Rubric marking: blind scripts, rubric totals, double marking, adjudication, own attempts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from certify.auth.models import Role
from certify.db import db
from certify.grading import marking
from certify.grading.models import Mark, MarkingPlan, ResultRevision
from certify.grading.results import GradingError, result_of
from tests.factories import make_item
from tests.helpers import csrf_token_from

ESSAY = "Precision falls when recall rises, because the threshold moves."


@pytest.fixture
def examiners(make_user):
    return [make_user(Role.EXAMINER, name=f"Examiner {n}") for n in (1, 2, 3)]


@pytest.fixture
def scripts(theory, make_user, sit):
    """Two candidates' attempts with one single-choice item and one 5-point short answer."""
    items = [make_item("single"), make_item("short_answer", points=5)]
    people = [make_user(Role.CANDIDATE, name="王小明", candidate_id="110105199001011234"),
              make_user(Role.CANDIDATE, name="Maria Ivanova")]
    return [sit(theory, person, items, {1: "B", 2: ESSAY}) for person in people]


def _short(attempt):
    return attempt.items[1].id


def _plan(sitting, double=True, threshold=10):
    db.session.add(MarkingPlan(sitting_id=sitting.id, double_marking=double,
                               adjudication_threshold=Decimal(threshold)))
    db.session.commit()


def test_a_single_mark_is_final_and_the_rubric_total_maps_to_item_points(scripts, examiners):
    attempt = scripts[0]
    mark = marking.submit_mark(examiners[0], _short(attempt), ["1.5", "2"],
                               ["named it", "one of three points missing"], "clear")
    db.session.commit()
    assert mark.role == "first" and mark.total == Decimal("3.5")
    assert mark.checkpoints[1] == {"checkpoint": 1, "points": "2.000",
                                   "comment": "one of three points missing"}
    result = result_of(attempt)
    short = next(s for s in result.item_scores if s.attempt_item_id == _short(attempt))
    assert short.points == Decimal("3.500") and not short.needs_marking
    assert short.detail["marking"]["rule"] == "single"
    # 1 (single choice) + 3.5 of 6 points = 75 %
    assert result.status == "complete" and result.score == Decimal("75.00")
    assert result.passed is True


def test_points_outside_a_checkpoint_are_refused_and_nothing_is_saved(scripts, examiners):
    with pytest.raises(GradingError, match="Checkpoint 1: give between 0 and 2 points"):
        marking.submit_mark(examiners[0], _short(scripts[0]), ["2.5", "1"], ["", ""])
    with pytest.raises(GradingError, match="Checkpoint 2: enter a number"):
        marking.submit_mark(examiners[0], _short(scripts[0]), ["1", "lots"], ["", ""])
    db.session.rollback()
    assert db.session.query(Mark).count() == 0
    assert result_of(scripts[0]).status == "awaiting_marking"


def test_the_marking_page_is_blind_and_saves_a_mark(scripts, examiners, login_as):
    client = login_as(examiners[0])
    page = client.get(f"/marking/script/{_short(scripts[0])}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert scripts[0].script_number in html and ESSAY in html
    assert "王小明" not in html and "110105199001011234" not in html
    assert "Names the metric" in html and "Precision and recall trade off" in html  # rubric, model
    response = client.post(f"/marking/script/{_short(scripts[0])}", data={
        "csrf_token": csrf_token_from(html), "cp0": "2", "cp1": "3", "cc0": "", "cc1": "good",
        "comment": ""})
    assert response.status_code == 302
    assert db.session.query(Mark).one().total == Decimal(5)


def test_the_page_shows_the_problem_when_points_are_out_of_range(scripts, examiners, login_as):
    client = login_as(examiners[0])
    response = client.post(f"/marking/script/{_short(scripts[0])}",
                           data={"cp0": "9", "cp1": "1", "cc0": "", "cc1": ""})
    assert response.status_code == 200
    assert "Between 0 and 2." in response.get_data(as_text=True)
    assert db.session.query(Mark).count() == 0


def test_an_examiner_never_sees_or_marks_their_own_attempt(theory, make_user, sit, examiners):
    both = make_user(Role.EXAMINER, Role.CANDIDATE, name="Examiner Candidate")
    own = sit(theory, both, [make_item("short_answer", points=5)], {1: ESSAY})
    assert marking.queue(both) == []
    assert [e.total for e in marking.queue(examiners[0])] == [1]
    with pytest.raises(marking.MarkingNotFound):
        marking.submit_mark(both, own.items[0].id, ["2", "3"], ["", ""])


def test_opening_ones_own_script_is_not_found(theory, make_user, sit, login_as):
    both = make_user(Role.EXAMINER, Role.CANDIDATE)
    own = sit(theory, both, [make_item("short_answer", points=5)], {1: ESSAY})
    assert login_as(both).get(f"/marking/script/{own.items[0].id}").status_code == 404


def test_double_marks_within_the_threshold_settle_on_their_mean(theory, scripts, examiners):
    _plan(theory, threshold=20)  # 20 % of the 5 rubric points: totals may differ by 1
    first = marking.submit_mark(examiners[0], _short(scripts[0]), ["2", "2"], ["", ""])
    assert result_of(scripts[0]).status == "awaiting_marking"
    second = marking.submit_mark(examiners[1], _short(scripts[0]), ["1", "2"], ["", ""])
    db.session.commit()
    assert (first.role, second.role) == ("first", "second")
    short = next(s for s in result_of(scripts[0]).item_scores if s.attempt_item_id == _short(
        scripts[0]))
    assert short.points == Decimal("3.500")
    assert short.detail["marking"]["rule"] == "mean"
    assert result_of(scripts[0]).status == "complete"


def test_double_marks_too_far_apart_go_to_an_adjudicator_whose_total_is_final(
        theory, scripts, examiners, login_as):
    _plan(theory, threshold=10)  # may differ by 0.5
    marking.submit_mark(examiners[0], _short(scripts[0]), ["2", "3"], ["", "all three"])
    marking.submit_mark(examiners[1], _short(scripts[0]), ["1", "1"], ["", "only one"])
    db.session.commit()
    assert result_of(scripts[0]).status == "awaiting_marking"
    # Neither earlier marker may adjudicate; the third examiner sees both marks.
    assert all(e.by_role.get("adjudicator", 0) == 0 for e in marking.queue(examiners[0]))
    assert marking.queue(examiners[2])[0].by_role["adjudicator"] == 1
    html = login_as(examiners[2]).get(f"/marking/script/{_short(scripts[0])}").get_data(
        as_text=True)
    assert "only one" in html and "all three" in html
    assert "Examiner 1" not in html and "Examiner 2" not in html
    mark = marking.submit_mark(examiners[2], _short(scripts[0]), ["2", "2"], ["", ""])
    db.session.commit()
    assert mark.role == "adjudicator"
    short = next(s for s in result_of(scripts[0]).item_scores if s.attempt_item_id == _short(
        scripts[0]))
    assert short.points == Decimal("4.000") and short.detail["marking"]["rule"] == "adjudicated"


def test_nobody_is_both_first_and_second_marker(theory, scripts, examiners):
    _plan(theory)
    marking.submit_mark(examiners[0], _short(scripts[0]), ["2", "3"], ["", ""])
    db.session.commit()
    # The first marker's queue no longer offers that script; marking it again revises the mark.
    assert all(e.total == 1 for e in marking.queue(examiners[0]))  # only the other script
    again = marking.submit_mark(examiners[0], _short(scripts[0]), ["1", "3"], ["", ""])
    db.session.commit()
    assert again.role == "first" and db.session.query(Mark).count() == 1


def test_the_plan_cannot_change_once_marking_has_begun(theory, scripts, examiners, admin):
    marking.set_plan(theory, double_marking=True, threshold=Decimal(15), actor=admin)
    marking.submit_mark(examiners[0], _short(scripts[0]), ["2", "3"], ["", ""])
    with pytest.raises(GradingError, match="Marking of this sitting has begun"):
        marking.set_plan(theory, double_marking=False, threshold=Decimal(15), actor=admin)


def test_revising_a_mark_of_a_complete_result_keeps_its_earlier_state(scripts, examiners):
    attempt = scripts[0]
    marking.submit_mark(examiners[0], _short(attempt), ["2", "3"], ["", ""])
    db.session.commit()
    assert result_of(attempt).score == Decimal("100.00")
    marking.submit_mark(examiners[0], _short(attempt), ["0", "1"], ["", "misread"])
    db.session.commit()
    result = result_of(attempt)
    assert result.score == Decimal("33.33") and result.passed is False and result.revision == 2
    revision = db.session.query(ResultRevision).one()
    assert revision.snapshot["score"] == "100.00" and revision.snapshot["passed"] is True


def test_marking_progress_counts_marks_given_and_wanted(theory, scripts, examiners):
    _plan(theory, threshold=10)
    marking.submit_mark(examiners[0], _short(scripts[0]), ["2", "3"], ["", ""])
    marking.submit_mark(examiners[1], _short(scripts[0]), ["0", "0"], ["", ""])
    marking.submit_mark(examiners[0], _short(scripts[1]), ["1", "1"], ["", ""])
    plan, rows = marking.progress(theory)
    assert plan.double_marking
    row = rows[0]
    assert (row.scripts, row.first_done, row.second_needed, row.second_done,
            row.adjudication_needed, row.adjudication_done, row.settled) == (2, 2, 2, 1, 1, 0, 0)
    assert row.to_mark == 2


def test_a_rubric_task_is_marked_then_loses_points_for_overtime(skills, candidate, examiners):
    from datetime import timedelta

    from certify.grading.on_submit import grade_attempt
    from tests.factories import answer, enrol, make_attempt, make_practical_item, submit

    rubric = [{"points": 60, "checkpoint": "Persona fits", "standard": ""},
              {"points": 40, "checkpoint": "Facts right", "standard": ""}]
    task = make_practical_item("rubric", records=[{"id": "p1", "prompt": "Write a persona"}],
                               config={"response": "text"}, rubric=rubric, gold={},
                               time_limit_minutes=30,
                               overtime={"allowed": True, "per_minute": 1,
                                         "stop_after_minutes": 5})
    attempt = make_attempt(enrol(skills, candidate), [task])
    answer(attempt, 1, "A friendly assistant called 小智 …", record="p1")
    item = attempt.items[0]
    item.opened_dt = attempt.started_dt
    item.last_saved_dt = attempt.started_dt + timedelta(minutes=32, seconds=10)
    db.session.commit()
    submit(attempt)
    grade_attempt(attempt.id)
    marking.submit_mark(examiners[0], item.id, ["50", "30"], ["", ""])
    db.session.commit()
    score = result_of(attempt).item_scores[0]
    assert score.overtime_minutes == 3
    assert score.points == Decimal("77.000") and score.deduction == Decimal("3.000")
    assert score.metrics["task_score"] == pytest.approx(77.0)
