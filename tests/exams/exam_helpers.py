"""Helpers of the exams tests: a small bank, definitions, starting, saving (fixtures: conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from certify.auth.models import User
from certify.db import db
from certify.exams import operations
from certify.exams.attempts import starting
from certify.exams.models import Attempt, Enrolment, ExamDefinition, Sitting
from certify.exams.operations import DefinitionData
from certify.syllabus.models import Level
from tests.factories import make_item

#: A fixed moment for tests that freeze time.
T0 = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


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


def start(enrolment: Enrolment, code: str | None = None) -> Attempt:
    attempt = starting.start_attempt(enrolment, code)
    db.session.commit()
    return attempt


def save(client, attempt_id: int, seq: int, answers=(), flags=(), opened=()):
    return client.post(f"/attempts/{attempt_id}/answers",
                       json={"seq": seq, "answers": list(answers), "flags": list(flags),
                             "opened": list(opened)})
