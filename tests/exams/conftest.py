"""Fixtures for the exams tests: frozen time, and a small level with a bank that can supply a small
exam (helpers in exam_helpers.py; test files import them as ``tests.exams.exam_helpers``)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from certify.clock import now_utc
from tests.exams.exam_helpers import T0, Setup, make_definition, stock_bank
from tests.factories import enrol, make_sitting, make_syllabus


@pytest.fixture
def frozen():
    """Freeze the clock at T0; ``frozen.move_to(dt)`` moves it."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def setup(app, candidate) -> Setup:
    """Level 4 with work contents 1.1–2.2 (25 % each), 2 items per unit (single, true/false and
    multiple among them: every form has all 8), an 8-item 60-minute exam, a sitting open now, and
    ``candidate`` enrolled."""
    level = make_syllabus(4)
    stock_bank(level)
    exam = make_definition(level)
    sitting = make_sitting(exam, opens=now_utc() - timedelta(minutes=30),
                           closes=now_utc() + timedelta(hours=3))
    enrolment = enrol(sitting, candidate)
    return Setup(level, exam, sitting, enrolment, candidate)
