"""Routes of the exams package: candidates' exam pages and API, administration, invigilation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from certify.clock import now_utc
from certify.db import db
from certify.exams.attempts import starting
from certify.syllabus.models import Level, Occupation, Unit, Weight
from tests.factories import enrol, make_exam, make_item, make_sitting
from tests.security.matrix import ADMINS, OWNER, STAFF, Route, World


def build(world: World) -> None:
    # An occupation of its own, so that no other routes module's syllabus collides with it.
    occupation = Occupation(code="9-99-99-99", name_en="Matrix exams", name_zh="矩阵")
    level = Level(number=5, name_en="Level 5", name_zh="五级", required_components=["theory"])
    occupation.levels.append(level)
    top = Unit(code="1", kind="function", title_en="Data", title_zh="数据", level=level)
    leaf = Unit(code="1.1", kind="work_content", title_en="Collect", title_zh="采集", level=level,
                parent=top, position=1)
    level.weights.append(Weight(component="theory", unit=leaf, percent=Decimal(100)))
    db.session.add_all([occupation, top, leaf])
    db.session.commit()
    for _ in range(2):
        make_item("true_false", units=[leaf])
    exam = make_exam(level, blueprint={"component": "theory", "total": 2, "item_types":
                                       ["true_false"], "rows": [{"unit": "L5:1.1", "count": 2}]})
    sitting = make_sitting(exam, opens=now_utc() - timedelta(hours=1),
                           closes=now_utc() + timedelta(hours=2))
    enrolment = enrol(sitting, world.users["candidate"])
    spare = enrol(make_sitting(exam, title="Spare"), world.users["candidate"])
    attempt = starting.start_attempt(enrolment, None)
    db.session.commit()
    world.exam_id = exam.id
    world.sitting_id = sitting.id
    world.spare_sitting_id = spare.sitting_id
    world.spare_enrolment_id = spare.id
    world.attempt_id = attempt.id


def _attempt(w: World) -> dict:
    return {"attempt_id": w.attempt_id}


def _sitting(w: World) -> dict:
    return {"sitting_id": w.sitting_id}


def _invigilated(w: World) -> dict:
    return {"sitting_id": w.sitting_id, "attempt_id": w.attempt_id}


ROUTES = [
    # Candidates (their own attempt; another candidate gets 404)
    Route("exams.start", OWNER, args=lambda w: {"sitting_id": w.spare_sitting_id}),
    Route("exams.start", OWNER, method="POST", args=lambda w: {"sitting_id": w.spare_sitting_id},
          data=lambda w: {}),
    Route("exams.resume", OWNER, args=_attempt),
    Route("exams.item", OWNER, args=lambda w: {"attempt_id": w.attempt_id, "position": 1}),
    Route("exams.start_task", OWNER, method="POST", json=True, data=lambda w: {},
          args=lambda w: {"attempt_id": w.attempt_id, "position": 1}),
    Route("exams.state", OWNER, args=_attempt),
    Route("exams.save", OWNER, method="POST", args=_attempt, json=True,
          data=lambda w: {"seq": 1, "answers": [{"position": 1, "record": None, "value": True}]}),
    Route("exams.submit", OWNER, args=_attempt),
    Route("exams.submit", OWNER, method="POST", args=_attempt, json=True,
          data=lambda w: {"reason": "candidate"}),
    Route("exams.done", OWNER, args=_attempt),
    Route("exams.offline_worker", OWNER, args=_attempt),
    Route("exams.deliver_late", OWNER, method="POST", args=_attempt, json=True,
          data=lambda w: {"answers": []}),
    # Administrators: definitions
    Route("exam_admin.definitions", ADMINS),
    Route("exam_admin.new_definition", ADMINS),
    Route("exam_admin.new_definition", ADMINS, method="POST", data=lambda w: {}),
    Route("exam_admin.definition", ADMINS, args=lambda w: {"exam_id": w.exam_id}),
    Route("exam_admin.edit_definition", ADMINS, args=lambda w: {"exam_id": w.exam_id}),
    Route("exam_admin.edit_definition", ADMINS, method="POST",
          args=lambda w: {"exam_id": w.exam_id}, data=lambda w: {}),
    Route("exam_admin.archive_definition", ADMINS, method="POST",
          args=lambda w: {"exam_id": w.exam_id}, data=lambda w: {"archived": "1"}),
    Route("exam_admin.delete_definition", ADMINS, method="POST",
          args=lambda w: {"exam_id": w.exam_id}),
    # Administrators: sittings and enrolments
    Route("exam_admin.sittings", ADMINS),
    Route("exam_admin.new_sitting", ADMINS),
    Route("exam_admin.new_sitting", ADMINS, method="POST", data=lambda w: {}),
    Route("exam_admin.sitting", ADMINS, args=_sitting),
    Route("exam_admin.edit_sitting", ADMINS, args=_sitting),
    Route("exam_admin.edit_sitting", ADMINS, method="POST", args=_sitting, data=lambda w: {}),
    Route("exam_admin.delete_sitting", ADMINS, method="POST", args=_sitting),
    Route("exam_admin.enrol", ADMINS, method="POST", args=_sitting,
          data=lambda w: {"identifier": "nobody@example.org"}),
    Route("exam_admin.enrol_csv", ADMINS, method="POST", args=_sitting, data=lambda w: {}),
    Route("exam_admin.enrolment_template", ADMINS),
    Route("exam_admin.close_sitting", ADMINS, args=_sitting),
    Route("exam_admin.close_sitting", ADMINS, method="POST",
          args=lambda w: {"sitting_id": w.spare_sitting_id}),
    Route("exam_admin.extra_time", ADMINS, method="POST",
          args=lambda w: {"sitting_id": w.spare_sitting_id, "enrolment_id": w.spare_enrolment_id},
          data=lambda w: {"extra_time_pct": "10"}),
    Route("exam_admin.withdraw", ADMINS, method="POST",
          args=lambda w: {"sitting_id": w.spare_sitting_id, "enrolment_id": w.spare_enrolment_id}),
    # Invigilation: administrators and examiners
    Route("exam_admin.invigilate_index", STAFF),
    Route("exam_admin.invigilate", STAFF, args=_sitting),
    Route("exam_admin.invigilate_rows", STAFF, args=_sitting),
    Route("exam_admin.invigilate_attempt", STAFF, args=_invigilated),
    Route("exam_admin.add_time", STAFF, method="POST", args=_invigilated,
          data=lambda w: {"minutes": "5", "reason": "matrix"}),
    Route("exam_admin.void", STAFF, method="POST", args=_invigilated,
          data=lambda w: {"reason": "matrix"}),
    Route("exam_admin.decide_late", STAFF, method="POST", args=_invigilated,
          data=lambda w: {"late_id": "0", "decision": "accept"}),
]
