"""Routes of grading: candidates' results, the marking queue, results administration."""

from __future__ import annotations

from datetime import timedelta

from certify.clock import now_utc
from certify.db import db
from certify.grading.models import Regrade
from certify.grading.on_submit import grade_attempt
from certify.syllabus.models import Level
from tests.factories import (
    answer,
    enrol,
    make_attempt,
    make_exam,
    make_item,
    make_sitting,
    make_syllabus,
    submit,
)
from tests.security.matrix import ADMINS, CANDIDATES, EXAMINERS, OWNER, Route, World


def build(world: World) -> None:
    level = db.session.query(Level).filter_by(number=3).one_or_none() or make_syllabus(3)
    now = now_utc()
    exam = make_exam(level, component="theory", title="Matrix grading exam")
    sitting = make_sitting(exam, opens=now - timedelta(hours=3), closes=now - timedelta(hours=1))
    short = make_item("short_answer", points=5, ref="MATRIX-SHORT-1")
    attempt = make_attempt(enrol(sitting, world.users["candidate"]), [make_item("single"), short])
    answer(attempt, 1, "B")
    answer(attempt, 2, "An answer to mark.")
    submit(attempt)
    grade_attempt(attempt.id)
    run = Regrade(sitting_id=sitting.id, reason="matrix", report={"attempts": 1, "changed": []})
    db.session.add(run)
    db.session.commit()
    world.grading_sitting_id = sitting.id
    world.grading_attempt_id = attempt.id
    world.grading_script_id = attempt.items[1].id
    world.grading_item_id = short.id
    world.regrade_id = run.id


ROUTES = [
    Route("grading.my_results", CANDIDATES),
    Route("grading.my_result", OWNER, args=lambda w: {"attempt_id": w.grading_attempt_id}),
    Route("grading.queue", EXAMINERS),
    Route("grading.next_script", EXAMINERS,
          args=lambda w: {"sitting": w.grading_sitting_id, "item": w.grading_item_id}),
    Route("grading.mark", EXAMINERS, args=lambda w: {"attempt_item_id": w.grading_script_id}),
    Route("grading.mark", EXAMINERS, method="POST",
          args=lambda w: {"attempt_item_id": w.grading_script_id}, data=lambda w: {}),
    Route("grading.mark_no_answer", EXAMINERS, method="POST",
          args=lambda w: {"attempt_item_id": w.grading_script_id}, data=lambda w: {}),
    Route("grading.admin_sittings", ADMINS),
    Route("grading.admin_sitting", ADMINS, args=lambda w: {"sitting_id": w.grading_sitting_id}),
    Route("grading.publish", ADMINS, method="POST",
          args=lambda w: {"sitting_id": w.grading_sitting_id}, data=lambda w: {}),
    Route("grading.progress", ADMINS, args=lambda w: {"sitting_id": w.grading_sitting_id}),
    Route("grading.set_plan", ADMINS, method="POST",
          args=lambda w: {"sitting_id": w.grading_sitting_id}, data=lambda w: {}),
    Route("grading.regrade", ADMINS, args=lambda w: {"sitting_id": w.grading_sitting_id}),
    Route("grading.regrade", ADMINS, method="POST",
          args=lambda w: {"sitting_id": w.grading_sitting_id}, data=lambda w: {}),
    Route("grading.regrade_report", ADMINS, args=lambda w: {"regrade_id": w.regrade_id}),
    Route("grading.admin_attempt", ADMINS, args=lambda w: {"attempt_id": w.grading_attempt_id}),
]
