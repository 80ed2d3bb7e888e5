"""Pass rules: a component passes at its pass mark; a level passes when every required component has.

- A COMPLETE result whose score reaches the exam definition's ``pass_mark`` (default 60 of 100)
  creates a :class:`ComponentPass`, dated when the attempt was submitted and valid for
  ``GRADING_COMPONENT_PASS_YEARS`` years (default 2): a candidate who fails the other component
  retakes only that one within the period.
- A :class:`LevelPass` is created when every component of ``Level.required_components`` has a
  non-withdrawn ComponentPass that was still valid when the last of them was passed (the newest
  pass of each component is used). It is dated by that last pass, points at its sitting, and
  ``certify.grading.signals.level_passed`` is sent. A set of component passes makes at most one
  LevelPass.
- A regrade that turns a pass into a fail (or a voided attempt) withdraws the
  ComponentPass and every LevelPass made with it (``withdrawn_dt``;
  ``certify.grading.signals.level_pass_withdrawn`` is sent), then looks again for another valid
  set of passes. Turning a fail into a pass restores a withdrawn ComponentPass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app

from certify.clock import now_utc
from certify.db import db
from certify.exams.models import AttemptState, ExamDefinition
from certify.grading import signals
from certify.grading.models import ComponentPass, LevelPass, Result, ResultStatus
from certify.syllabus.models import Level


@dataclass
class PassChanges:
    """What applying the pass rules to one result changed (for regrade reports and the audit)."""

    component_created: bool = False
    component_restored: bool = False
    component_withdrawn: bool = False
    levels_created: list[int] = field(default_factory=list)
    levels_withdrawn: list[int] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.component_created or self.component_restored or self.component_withdrawn
                    or self.levels_created or self.levels_withdrawn)


def passes(score: Decimal, pass_mark: Decimal) -> bool:
    """Whether a component score (out of 100) reaches the pass mark."""
    return Decimal(score) >= Decimal(pass_mark)


def add_years(moment: datetime, years: int) -> datetime:
    """``moment`` plus whole calendar years (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def retention_years() -> int:
    return int(current_app.config["GRADING_COMPONENT_PASS_YEARS"])


def component_pass_of(result: Result) -> ComponentPass | None:
    return db.session.scalar(sa.select(ComponentPass).where(ComponentPass.result_id == result.id))


def apply(result: Result) -> PassChanges:
    """Bring the component and level passes in line with ``result`` (after grading or regrading).

    Signals are not sent here: call :func:`notify` with the changes once they are to be kept.
    """
    changes = PassChanges()
    attempt = result.attempt
    exam: ExamDefinition = attempt.sitting.exam
    candidate_id = attempt.enrolment.candidate_id
    existing = component_pass_of(result)
    passed = (result.status == ResultStatus.COMPLETE.value and bool(result.passed)
              and attempt.state != AttemptState.VOIDED.value)
    if passed:
        if existing is None:
            passed_dt = attempt.submitted_dt or now_utc()
            existing = ComponentPass(candidate_id=candidate_id, level_id=exam.level_id,
                                     component=exam.component, result_id=result.id,
                                     score=result.score, passed_dt=passed_dt,
                                     valid_until=add_years(passed_dt, retention_years()))
            db.session.add(existing)
            db.session.flush()
            changes.component_created = True
        else:
            existing.score = result.score
            if existing.withdrawn_dt is not None:
                existing.withdrawn_dt = None
                changes.component_restored = True
        if changes.component_created or changes.component_restored:
            changes.levels_created += evaluate_level(candidate_id, exam.level)
    elif existing is not None and existing.withdrawn_dt is None:
        existing.withdrawn_dt = now_utc()
        changes.component_withdrawn = True
        changes.levels_withdrawn += _withdraw_levels_using(existing)
        db.session.flush()
        changes.levels_created += evaluate_level(candidate_id, exam.level)
    return changes


def _withdraw_levels_using(component_pass: ComponentPass) -> list[int]:
    withdrawn = []
    rows = db.session.scalars(sa.select(LevelPass).where(
        LevelPass.candidate_id == component_pass.candidate_id,
        LevelPass.level_id == component_pass.level_id, LevelPass.withdrawn_dt.is_(None)))
    for level_pass in rows:
        if component_pass.id in {int(v) for v in level_pass.components.values()}:
            level_pass.withdrawn_dt = now_utc()
            withdrawn.append(level_pass.id)
    db.session.flush()
    return withdrawn


def evaluate_level(candidate_id: int, level: Level) -> list[int]:
    """Create a LevelPass when the candidate's newest component passes cover the level.

    :return: the ids of LevelPasses created (none or one).
    """
    required = list(level.required_components or [])
    if not required:
        return []
    rows = db.session.scalars(
        sa.select(ComponentPass).where(ComponentPass.candidate_id == candidate_id,
                                       ComponentPass.level_id == level.id,
                                       ComponentPass.withdrawn_dt.is_(None))
        .order_by(ComponentPass.passed_dt.desc(), ComponentPass.id.desc()))
    newest: dict[str, ComponentPass] = {}
    for row in rows:
        newest.setdefault(row.component, row)
    if any(component not in newest for component in required):
        return []
    chosen = [newest[c] for c in required]
    last = max(chosen, key=lambda cp: (cp.passed_dt, cp.id))
    if any(cp.valid_until < last.passed_dt for cp in chosen):
        return []
    components = {c: newest[c].id for c in required}
    existing = db.session.scalars(sa.select(LevelPass).where(
        LevelPass.candidate_id == candidate_id, LevelPass.level_id == level.id,
        LevelPass.withdrawn_dt.is_(None)))
    if any({k: int(v) for k, v in lp.components.items()} == components for lp in existing):
        return []
    level_pass = LevelPass(candidate_id=candidate_id, level_id=level.id, passed_dt=last.passed_dt,
                           components=components, sitting_id=last.result.attempt.sitting.id)
    db.session.add(level_pass)
    db.session.flush()
    return [level_pass.id]


def notify(changes: PassChanges) -> None:
    """Send the signals for what :func:`apply` changed (not during a regrade's dry run)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for level_pass_id in changes.levels_withdrawn:
        signals.level_pass_withdrawn.send(app, level_pass_id=level_pass_id)
    for level_pass_id in changes.levels_created:
        signals.level_passed.send(app, level_pass_id=level_pass_id)
