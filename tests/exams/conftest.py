"""Fixtures for the exams tests: a small level with a bank that can supply a small exam."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine

from certify.auth.models import User
from certify.clock import now_utc
from certify.db import db
from certify.exams import attempts, operations
from certify.exams.models import Attempt, Enrolment, ExamDefinition, Sitting
from certify.exams.operations import DefinitionData
from certify.syllabus.models import Level
from tests.factories import enrol, make_item, make_sitting, make_syllabus

#: A fixed moment for tests that freeze time.
T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    """Freeze the clock at T0; ``frozen.move_to(dt)`` moves it."""
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@dataclass
class Setup:
    level: Level
    exam: ExamDefinition
    sitting: Sitting
    enrolment: Enrolment
    candidate: User


def stock_bank(level: Level, per_unit: int = 2, types: tuple[str, ...] = ("single", "true_false",
                                                                          "multiple")) -> list:
    """``per_unit`` approved items per work content of ``level``, cycling through ``types`` and
    difficulties 2, 3, 4 over the whole bank (so a small bank holds every type)."""
    items = []
    units = [u for u in level.units if u.kind == "work_content"]
    for i in range(per_unit * len(units)):
        unit = units[i // per_unit]
        items.append(make_item(types[i % len(types)], units=[unit], difficulty=2 + i % 3))
    return items


def make_definition(level: Level, *, total: int = 8, component: str = "theory",
                    duration: int = 60, difficulty: dict[str, int] | None = None,
                    item_types: list[str] | None = None, **extra: Any) -> ExamDefinition:
    blueprint = operations.derive_blueprint(level, component, total, item_types=item_types,
                                            difficulty=difficulty)
    exam = operations.create_definition(DefinitionData(
        title=extra.pop("title", f"Level {level.number} {component}"), level=level,
        component=component, duration_minutes=duration, pass_mark=Decimal(60),
        blueprint=blueprint, **extra), actor=None)
    db.session.commit()
    return exam


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


def start(enrolment: Enrolment, code: str | None = None) -> Attempt:
    attempt = attempts.start_attempt(enrolment, code)
    db.session.commit()
    return attempt


def save(client, attempt_id: int, seq: int, answers=(), flags=(), opened=()):
    return client.post(f"/attempts/{attempt_id}/answers",
                       json={"seq": seq, "answers": list(answers), "flags": list(flags),
                             "opened": list(opened)})
