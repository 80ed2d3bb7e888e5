"""Skills tasks' own clocks (issue 12 §1): started explicitly, shown by the server's time, locked
at the stop with saves refused (``task_locked``), graded from the start, stated on the result."""

from __future__ import annotations

from datetime import timedelta

import pytest

from certify.db import db
from certify.exams.models import AttemptItem, Response
from certify.grading import publication
from certify.grading.on_submit import grade_attempt
from certify.grading.results import result_of
from tests.exams.exam_helpers import T0, save
from tests.factories import (
    enrol,
    make_attempt,
    make_exam,
    make_practical_item,
    make_sitting,
    make_syllabus,
    submit,
)

RULE = {"allowed": True, "per_minute": 1, "stop_after_minutes": 5}
RECORDS = [{"id": f"r{i:02d}", "text": f"record {i}"} for i in range(1, 31)]
GOLD = {r["id"]: {"id": r["id"], "label": "positive"} for r in RECORDS}


@pytest.fixture
def timed(app, candidate, frozen):
    """A skills attempt of three tasks; task 2 has 30 records and a 20-minute limit."""
    level = make_syllabus(4)
    exam = make_exam(level, component="skills", duration_minutes=120)
    sitting = make_sitting(exam)
    tasks = [make_practical_item(time_limit_minutes=20, overtime=RULE),
             make_practical_item(time_limit_minutes=20, overtime=RULE, records=RECORDS, gold=GOLD),
             make_practical_item(time_limit_minutes=20)]
    attempt = make_attempt(enrol(sitting, candidate), tasks, started=T0)
    return attempt


def _item(attempt, position) -> AttemptItem:
    return db.session.scalar(db.select(AttemptItem).filter_by(attempt_id=attempt.id,
                                                              position=position))


def test_looking_at_a_task_does_not_start_its_clock_the_button_does(timed, login_as, candidate,
                                                                     frozen):
    client = login_as(candidate)
    page = client.get(f"/attempts/{timed.id}/items/2").get_data(as_text=True)
    assert "Start this task" in page and 'id="task-start"' in page
    assert 'task-not_started' in page
    assert _item(timed, 2).started_dt is None
    frozen.move_to(T0 + timedelta(minutes=7))
    started = client.post(f"/attempts/{timed.id}/items/2/start", json={})
    assert started.status_code == 200
    clock = started.get_json()["task_clock"]
    assert clock["state"] == "running" and clock["remaining_seconds"] == 20 * 60
    assert clock["deadline"].startswith((T0 + timedelta(minutes=27)).isoformat()[:19])
    assert _item(timed, 2).started_dt == T0 + timedelta(minutes=7)
    # Pressing again does not restart it.
    frozen.move_to(T0 + timedelta(minutes=9))
    client.post(f"/attempts/{timed.id}/items/2/start", json={})
    assert _item(timed, 2).started_dt == T0 + timedelta(minutes=7)
    # A task without its own rule has no clock and no button.
    assert client.post(f"/attempts/{timed.id}/items/3/start", json={}).status_code == 422
    assert "task-start" not in client.get(f"/attempts/{timed.id}/items/3").get_data(as_text=True)


def test_the_overview_and_the_invigilator_show_the_task_clock(timed, login_as, candidate, frozen,
                                                               examiner):
    client = login_as(candidate)
    client.post(f"/attempts/{timed.id}/items/2/start", json={})
    frozen.move_to(T0 + timedelta(minutes=12))
    page = client.get(f"/attempts/{timed.id}/items/1").get_data(as_text=True)
    assert 'id="task-clocks"' in page
    assert "Task 1:" in page and "not started (20 min)" in page
    assert "Task 2:" in page and "08:00" in page
    frozen.move_to(T0 + timedelta(minutes=22, seconds=30))
    page = client.get(f"/attempts/{timed.id}/items/1").get_data(as_text=True)
    assert "overtime 3 min, −3.0 points" in page
    invigilator = login_as(examiner)
    rows = invigilator.get(f"/invigilate/sittings/{timed.enrolment.sitting_id}")
    assert rows.status_code == 200
    text = rows.get_data(as_text=True)
    assert "Task 2:" in text and "overtime 3 min" in text and "not started (20 min)" in text


def test_a_save_after_the_stop_is_refused_with_task_locked_and_not_kept(timed, login_as, candidate,
                                                                          frozen):
    client = login_as(candidate)
    client.post(f"/attempts/{timed.id}/items/2/start", json={})
    frozen.move_to(T0 + timedelta(minutes=24, seconds=59))  # overtime: still accepted
    ok = save(client, timed.id, 1, [{"position": 2, "record": "r01", "value": "positive"}])
    assert ok.status_code == 200
    frozen.move_to(T0 + timedelta(minutes=25, seconds=1))  # past limit + 5 minutes
    refused = save(client, timed.id, 2, [{"position": 2, "record": "r02", "value": "positive"},
                                         {"position": 1, "record": "r1", "value": "positive"}])
    assert refused.status_code == 423
    body = refused.get_json()
    assert body["code"] == "task_locked" and body["position"] == 2
    assert "Task 2 is locked" in body["error"]
    # Nothing of the refused save was kept (not acknowledged and then thrown away).
    assert {r.record_key for r in db.session.scalars(db.select(Response))} == {"r01"}
    page = client.get(f"/attempts/{timed.id}/items/2").get_data(as_text=True)
    assert "This task is locked" in page and "task-locked" in page
    # Other tasks still take saves.
    assert save(client, timed.id, 3, [{"position": 1, "record": "r1",
                                       "value": "positive"}]).status_code == 200


def test_a_save_to_a_timed_task_never_started_starts_its_clock(timed, login_as, candidate, frozen):
    client = login_as(candidate)
    frozen.move_to(T0 + timedelta(minutes=3))
    assert save(client, timed.id, 1, [{"position": 1, "record": "r1",
                                       "value": "positive"}]).status_code == 200
    assert _item(timed, 1).started_dt == T0 + timedelta(minutes=3)


def test_glancing_at_a_task_early_does_not_cost_the_work_done_after_starting_it(
        timed, login_as, candidate, frozen):
    """The issue's case: all tasks looked at first, task 2 labelled 30/30 correctly 25 minutes
    after the glance but 12 minutes after pressing "Start this task": full marks, no deduction."""
    client = login_as(candidate)
    for position in (1, 2, 3):
        client.get(f"/attempts/{timed.id}/items/{position}")
    frozen.move_to(T0 + timedelta(minutes=13))
    client.post(f"/attempts/{timed.id}/items/2/start", json={})
    frozen.move_to(T0 + timedelta(minutes=25))
    answers = [{"position": 2, "record": r["id"], "value": "positive"} for r in RECORDS]
    assert save(client, timed.id, 1, answers).status_code == 200
    submit(timed)
    grade_attempt(timed.id)
    score = next(s for s in result_of(timed).item_scores if s.attempt_item.position == 2)
    assert score.overtime_minutes == 0 and score.points == score.max_points


def test_the_result_page_states_the_deduction_in_task_and_exam_points(timed, login_as, candidate,
                                                                       frozen, admin):
    client = login_as(candidate)
    client.post(f"/attempts/{timed.id}/items/2/start", json={})
    frozen.move_to(T0 + timedelta(minutes=22, seconds=10))  # 3 minutes started over the limit
    answers = [{"position": 2, "record": r["id"], "value": "positive"} for r in RECORDS]
    assert save(client, timed.id, 1, answers).status_code == 200
    submit(timed)
    grade_attempt(timed.id)
    score = next(s for s in result_of(timed).item_scores if s.attempt_item.position == 2)
    assert score.overtime_minutes == 3 and score.deduction == 3
    frozen.move_to(T0 + timedelta(hours=5))  # the sitting has closed
    publication.publish_results(timed.enrolment.sitting, actor=admin)
    db.session.commit()
    page = client.get(f"/results/{timed.id}").get_data(as_text=True)
    assert "3 min over the task’s time limit: −3.00 task points (task score 100.0 → 97.0)" in page
