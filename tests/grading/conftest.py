"""Fixtures for grading tests: a level with units, exams with a closed sitting, and a helper that
enrols a candidate, answers and submits an attempt, and grades it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from certify.db import db
from certify.exams.models import Attempt, Sitting
from certify.grading.on_submit import grade_attempt
from certify.syllabus.models import Level
from tests.factories import answer, enrol, make_attempt, make_exam, make_syllabus, submit
from tests.grading.grading_helpers import closed_sitting


@pytest.fixture
def level(app) -> Level:
    return make_syllabus(4)


@pytest.fixture
def unit(level):
    return level.unit_by_code("2.1")


@pytest.fixture
def theory(level) -> Sitting:
    return closed_sitting(make_exam(level, component="theory"))


@pytest.fixture
def skills(level) -> Sitting:
    return closed_sitting(make_exam(level, component="skills"))


@pytest.fixture
def sit() -> Callable[..., Attempt]:
    """``sit(sitting, candidate, items, answers, graded=True)``: an answered, submitted attempt.

    ``answers`` maps a position (1-based) to a value, or to ``{record id: value}`` for a task.
    """

    def run(sitting: Sitting, candidate, items, answers: dict[int, Any] | None = None, *,
            graded: bool = True, submitted: bool = True) -> Attempt:
        attempt = make_attempt(enrol(sitting, candidate), items)
        for position, value in (answers or {}).items():
            if isinstance(value, dict):
                for record, record_value in value.items():
                    answer(attempt, position, record_value, record=record)
            else:
                answer(attempt, position, value)
        if submitted:
            submit(attempt)
        if graded:
            grade_attempt(attempt.id)
            db.session.commit()
        return attempt

    return run
