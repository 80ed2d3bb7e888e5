"""Building blocks of results: scoring an attempt item, totals, the unit breakdown, revisions.

Shared by grading (:mod:`certify.grading.on_submit`) and marking (:mod:`certify.grading.marking`),
which both change item scores and then call :func:`refresh` to bring the result's totals, status and
pass/fail up to date.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from certify.auth.models import User
from certify.banks.models import ItemVersion
from certify.clock import now_utc
from certify.db import db
from certify.exams.models import Attempt, AttemptItem, Response
from certify.grading import autoscore
from certify.grading.autoscore import ItemOutcome, SavedAnswer, q2, q3
from certify.grading.models import ItemScore, Result, ResultRevision, ResultStatus
from certify.grading.pass_rules import passes
from certify.syllabus.models import Unit


class GradingError(Exception):
    """A grading action cannot be done; ``message`` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def result_of(attempt: Attempt | int) -> Result | None:
    attempt_id = attempt if isinstance(attempt, int) else attempt.id
    return db.session.scalar(sa.select(Result).where(Result.attempt_id == attempt_id))


def _saved(response: Response) -> SavedAnswer:
    # A cleared answer (``answered`` false) is no answer.
    return SavedAnswer(response.record_key or "", response.value if response.answered else None,
                       response.saved_dt)


def saved_answers(attempt_item: AttemptItem) -> list[SavedAnswer]:
    """The answers saved for one attempt item."""
    rows = db.session.scalars(sa.select(Response).where(
        Response.attempt_item_id == attempt_item.id))
    return [_saved(r) for r in rows]


def answers_by_item(attempt_ids: list[int]) -> dict[int, list[SavedAnswer]]:
    """Every saved answer of some attempts, by attempt item id (one query, for grading many)."""
    out: dict[int, list[SavedAnswer]] = {}
    for chunk in range(0, len(attempt_ids), 500):
        rows = db.session.scalars(sa.select(Response).where(
            Response.attempt_id.in_(attempt_ids[chunk:chunk + 500])))
        for row in rows:
            out.setdefault(row.attempt_item_id, []).append(_saved(row))
    return out


def scored_version(item_score: ItemScore | None, attempt_item: AttemptItem) -> ItemVersion:
    """The version an item is scored against: a regrade's adopted correction, else the shown one."""
    if item_score is not None and item_score.scored_version is not None:
        return item_score.scored_version
    return attempt_item.version


def score_item(attempt_item: AttemptItem, version: ItemVersion,
               answers: list[SavedAnswer] | None = None) -> ItemOutcome:
    """Score one attempt item against ``version`` (raises :class:`ItemScoringError`).

    :param answers: its saved answers, when the caller loaded them already.
    """
    return autoscore.score_version(
        version.item.type, version.content or {}, version.key or {}, attempt_item.points,
        saved_answers(attempt_item) if answers is None else answers,
        # The task's clock starts at "Start this task" (issue 12 §1); attempts from before it
        # was recorded count from the first opening, as they were graded then.
        opened=attempt_item.started_dt or attempt_item.opened_dt,
        last_saved=attempt_item.last_saved_dt, label=version.item.ref, sample=attempt_item.sample)


def apply_outcome(item_score: ItemScore, outcome: ItemOutcome, version: ItemVersion) -> None:
    """Store an outcome on an item score (examiners' marks are applied afterwards by marking)."""
    item_score.points = outcome.points
    item_score.max_points = outcome.max_points
    item_score.needs_marking = outcome.needs_marking
    item_score.metrics = dict(outcome.metrics)
    item_score.per_record = list(outcome.per_record)
    item_score.detail = dict(outcome.detail)
    item_score.overtime_minutes = outcome.overtime_minutes
    item_score.deduction = outcome.deduction
    item_score.scored_version = version


def _work_content(unit: Unit) -> Unit:
    """Roll a skill or knowledge unit up to its work content (weights are set per work content)."""
    node = unit
    while node.parent is not None and node.depth > 1:
        node = node.parent
    return node


def by_unit(item_scores: list[ItemScore], level_id: int) -> dict[str, dict[str, float]]:
    """``{unit ref: {"points", "max"}}``; an item tagged to several units is split between them.

    Units of the exam's level are used (items may also be tagged to other levels' units); an item
    with none is counted under ``""``.
    """
    totals: dict[str, list[Decimal]] = {}
    for score in item_scores:
        version = scored_version(score, score.attempt_item)
        units = [u for u in version.units if u.level_id == level_id]
        refs = sorted({_work_content(u).ref for u in units}) or [""]
        share = Decimal(len(refs))
        for ref in refs:
            row = totals.setdefault(ref, [Decimal(0), Decimal(0)])
            row[0] += (score.points or Decimal(0)) / share
            row[1] += score.max_points / share
    return {ref: {"points": float(q3(p)), "max": float(q3(m))} for ref, (p, m) in totals.items()}


def refresh(result: Result) -> None:
    """Recompute a result's totals, unit breakdown, status and pass/fail from its item scores."""
    exam = result.attempt.sitting.exam
    scores = list(result.item_scores)
    points = sum((s.points or Decimal(0) for s in scores), Decimal(0))
    maximum = sum((s.max_points for s in scores), Decimal(0))
    result.points = q3(points)
    result.max_points = q3(maximum)
    result.score = q2(points / maximum * 100) if maximum else Decimal("0.00")
    pending = any(s.needs_marking for s in scores)
    result.status = (ResultStatus.AWAITING_MARKING if pending else ResultStatus.COMPLETE).value
    result.passed = None if pending else passes(result.score, exam.pass_mark)
    result.by_unit = by_unit(scores, exam.level_id)
    result.graded_dt = now_utc()


def snapshot(result: Result) -> dict[str, Any]:
    """The result and its item scores as plain JSON, for :class:`ResultRevision`."""
    return {
        "revision": result.revision,
        "status": result.status,
        "points": str(result.points),
        "max_points": str(result.max_points),
        "score": str(result.score),
        "passed": result.passed,
        "by_unit": dict(result.by_unit or {}),
        "graded_dt": result.graded_dt.isoformat() if result.graded_dt else None,
        "items": [
            {"attempt_item_id": s.attempt_item_id, "position": s.attempt_item.position,
             "ref": s.attempt_item.version.item.ref,
             "version_id": s.scored_version_id or s.attempt_item.item_version_id,
             "points": None if s.points is None else str(s.points),
             "max_points": str(s.max_points), "needs_marking": s.needs_marking,
             "metrics": dict(s.metrics or {}), "per_record": list(s.per_record or []),
             "detail": dict(s.detail or {}), "overtime_minutes": s.overtime_minutes,
             "deduction": str(s.deduction)}
            for s in sorted(result.item_scores, key=lambda s: s.attempt_item.position)
        ],
    }


def record_revision(result: Result, *, actor: User | None, reason: str,
                    regrade_id: int | None = None) -> ResultRevision:
    """Keep the result's current state as a revision and number the next one."""
    revision = ResultRevision(result=result, revision=result.revision, actor_id=getattr(
        actor, "id", None), reason=reason, snapshot=snapshot(result), regrade_id=regrade_id)
    db.session.add(revision)
    result.revision += 1
    return revision
