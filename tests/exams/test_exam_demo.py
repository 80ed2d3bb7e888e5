"""The demo exams: defined from the bundled weight tables, supplied by the bundled bank."""

from __future__ import annotations

import sqlalchemy as sa

from certify import demo
from certify.auth.models import User
from certify.db import db
from certify.exams import supply
from certify.exams.attempts import reading, starting
from certify.exams.blueprint import FormBlueprint
from certify.exams.models import Enrolment, ExamDefinition


def test_every_bundled_exam_is_supplied_by_the_bundled_bank_and_open_to_the_demo_candidates(app):
    for loader in demo.loaders(app):
        if loader.order <= 40:
            loader.load(lambda line: None)
    db.session.commit()
    exams = db.session.scalars(sa.select(ExamDefinition).order_by(ExamDefinition.id)).all()
    assert [(e.level.number, e.component, e.item_count, e.duration_minutes) for e in exams] == [
        (5, "theory", 50, 90), (5, "skills", 3, 120), (4, "theory", 50, 90),
        (4, "skills", 3, 120), (3, "theory", 50, 90), (3, "skills", 3, 120)]
    candidate = db.session.scalar(sa.select(User).where(
        User.email == "candidate@demo.certify.example.org"))
    for exam in exams:
        blueprint = FormBlueprint.from_json(exam.blueprint)
        assert not blueprint.adjusted
        assert supply.report(exam.level, blueprint).ok, exam.title
        (sitting,) = exam.sittings
        assert sitting.window_state == "open" and len(sitting.enrolments) == 2
        enrolment = db.session.scalar(sa.select(Enrolment).where(
            Enrolment.sitting_id == sitting.id, Enrolment.candidate_id == candidate.id))
        attempt = starting.start_attempt(enrolment, None)
        assert len(reading.attempt_items(attempt)) == exam.item_count
    db.session.rollback()
