"""Level passes ready for a certificate, made as grading would (for tests that need the app)."""

from __future__ import annotations

from datetime import timedelta

from certify.auth.models import User
from certify.clock import now_utc
from certify.db import db
from certify.exams.models import Sitting
from certify.grading.models import LevelPass
from certify.syllabus.models import Level
from tests.factories import make_exam, make_sitting, make_syllabus


def build_sitting(level_number: int = 4, *, published: bool = True) -> Sitting:
    """A level (created when missing) with a theory exam and a sitting, results published."""
    level = db.session.query(Level).filter_by(number=level_number).one_or_none() \
        or make_syllabus(level_number=level_number)
    sitting = make_sitting(make_exam(level))
    if published:
        sitting.results_published_dt = now_utc()
        db.session.commit()
    return sitting


def build_pass(candidate: User, sitting: Sitting) -> LevelPass:
    """A LevelPass of *candidate* at the sitting's level, made as grading would."""
    level_pass = LevelPass(candidate_id=candidate.id, level_id=sitting.exam.level_id,
                           passed_dt=now_utc() - timedelta(days=1), components={},
                           sitting_id=sitting.id)
    db.session.add(level_pass)
    db.session.commit()
    return level_pass
