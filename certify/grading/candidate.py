"""What candidates see of their results, and only that.

Nothing of a result reaches a candidate before the sitting's results are published ("being
marked"). After publication the exam's review policy (:class:`certify.exams.models.ReviewPolicy`)
decides:

- ``scores``: the component score and pass/fail, the breakdown by syllabus unit and each practical
  task's metrics ("span F1 0.82") — no answers, keys or gold;
- ``responses``: also each item with their own answer and whether it was right (for tasks, per
  record) — still no keys or gold;
- ``full``: also the keys, explanations, model answers and gold labels.

Examiners' names and comments are never shown to candidates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from certify.auth.models import User
from certify.banks.markup import render_markdown
from certify.banks.render import candidate_item
from certify.db import db
from certify.exams.models import (
    Attempt,
    AttemptState,
    Enrolment,
    ExamDefinition,
    ReviewPolicy,
    Sitting,
)
from certify.grading import display
from certify.grading.models import ComponentPass, LevelPass, Result, ResultStatus
from certify.grading.results import GradingError, saved_answers, scored_version
from certify.syllabus.models import Unit
from certify.tasks import get_task_type


class ResultNotFound(GradingError):
    """Not the candidate's attempt (or no such attempt): the page answers 404."""


@dataclass
class AttemptLine:
    """One of a candidate's attempts on their results list."""

    attempt: Attempt
    sitting: Sitting
    exam: ExamDefinition
    #: ``voided``, ``in_progress``, ``being_marked`` (not yet published) or ``published``
    state: str
    result: Result | None = None


def my_attempts(candidate: User) -> list[AttemptLine]:
    """The candidate's attempts, newest first, with results only where they are published."""
    attempts = db.session.scalars(
        sa.select(Attempt).join(Enrolment, Attempt.enrolment_id == Enrolment.id)
        .where(Enrolment.candidate_id == candidate.id)
        .order_by(Attempt.started_dt.desc(), Attempt.id.desc()))
    lines = []
    for attempt in attempts:
        sitting = attempt.enrolment.sitting
        if attempt.state == AttemptState.VOIDED.value:
            state, result = "voided", None
        elif attempt.state == AttemptState.IN_PROGRESS.value:
            state, result = "in_progress", None
        elif not sitting.results_published:
            state, result = "being_marked", None
        else:
            result = db.session.scalar(sa.select(Result).where(Result.attempt_id == attempt.id))
            state = "published" if result is not None else "being_marked"
        lines.append(AttemptLine(attempt, sitting, sitting.exam, state, result))
    return lines


@dataclass
class UnitLine:
    ref: str
    unit: Unit | None
    points: float
    max: float

    @property
    def percent(self) -> float:
        return 100 * self.points / self.max if self.max else 0.0


@dataclass
class TaskLine:
    position: int
    title: str
    task_type: str
    metrics: list[tuple[str, str]]
    task_score: float | None
    points: Decimal | None
    max_points: Decimal
    overtime_minutes: int
    deduction: Decimal
    #: The overtime rule in task points (out of 100): charged, and the task score before it.
    task_deduction: float = 0.0
    score_before: float | None = None
    #: Records whose answers came after the task's stop and were not counted.
    ignored_records: int = 0


@dataclass
class RecordLine:
    record_id: str
    text: str
    answer: str
    answered: bool
    correct: bool | None
    gold: str | None = None


@dataclass
class ReviewLine:
    """One item as the candidate may review it (``responses`` and ``full`` policies)."""

    position: int
    item: dict[str, Any]
    points: Decimal | None
    max_points: Decimal
    answer: str
    verdict: str  # right, partly, wrong, unanswered, marked
    key: str | None = None
    explanation_html: str | None = None
    model_answer_html: str | None = None
    records: list[RecordLine] = field(default_factory=list)


@dataclass
class CandidateResult:
    attempt: Attempt
    sitting: Sitting
    exam: ExamDefinition
    published: bool
    policy: ReviewPolicy
    result: Result | None = None
    units: list[UnitLine] = field(default_factory=list)
    tasks: list[TaskLine] = field(default_factory=list)
    review: list[ReviewLine] = field(default_factory=list)
    level_passed: bool = False
    component_valid_until: Any = None


def _units(result: Result) -> list[UnitLine]:
    refs = [ref for ref in (result.by_unit or {}) if ref]
    units: dict[str, Unit] = {}
    level_id = result.attempt.enrolment.sitting.exam.level_id
    if refs:
        codes = [ref.partition(":")[2] for ref in refs]
        for unit in db.session.scalars(sa.select(Unit).where(Unit.level_id == level_id,
                                                             Unit.code.in_(codes))):
            units[unit.ref] = unit
    lines = [UnitLine(ref, units.get(ref), float(v["points"]), float(v["max"]))
             for ref, v in (result.by_unit or {}).items()]
    return sorted(lines, key=lambda u: (u.unit is None, u.unit.position if u.unit else 0, u.ref))


def _verdict(points: Decimal | None, maximum: Decimal, answered: bool) -> str:
    if points is None:
        return "marked"
    if not answered and points == 0:
        return "unanswered"
    if points >= maximum:
        return "right"
    return "partly" if points > 0 else "wrong"


def candidate_result(candidate: User, attempt_id: int) -> CandidateResult:
    """The candidate's view of one attempt's result.

    :raise ResultNotFound: the attempt is not theirs (or does not exist).
    """
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.enrolment.candidate_id != candidate.id:
        raise ResultNotFound("no such attempt")
    sitting = attempt.enrolment.sitting
    exam = sitting.exam
    policy = ReviewPolicy(exam.review_policy)
    view = CandidateResult(attempt, sitting, exam, sitting.results_published, policy)
    if not view.published or attempt.state != AttemptState.SUBMITTED.value:
        return view
    result = db.session.scalar(sa.select(Result).where(Result.attempt_id == attempt.id))
    if result is None or result.status != ResultStatus.COMPLETE.value:
        view.published = False
        return view
    view.result = result
    view.units = _units(result)
    cp = db.session.scalar(sa.select(ComponentPass).where(ComponentPass.result_id == result.id,
                                                          ComponentPass.withdrawn_dt.is_(None)))
    if cp is not None:
        view.component_valid_until = cp.valid_until
        view.level_passed = any(
            cp.id in {int(v) for v in lp.components.values()}
            for lp in db.session.scalars(sa.select(LevelPass).where(
                LevelPass.candidate_id == candidate.id, LevelPass.withdrawn_dt.is_(None))))
    for score in sorted(result.item_scores, key=lambda s: s.attempt_item.position):
        attempt_item = score.attempt_item
        shown = attempt_item.version
        if shown.item.type == "practical":
            task = (shown.content or {}).get("task") or {}
            view.tasks.append(TaskLine(
                attempt_item.position, task.get("title", shown.item.ref), task.get("task_type", ""),
                display.metric_lines(score.metrics or {}, (score.detail or {}).get("metric")),
                (score.metrics or {}).get("task_score"), score.points, score.max_points,
                score.overtime_minutes, score.deduction,
                float(((score.detail or {}).get("overtime") or {}).get("deduction") or 0),
                (score.detail or {}).get("task_score_before_deduction"),
                len((score.detail or {}).get("ignored_records") or [])))
        if policy != ReviewPolicy.SCORES:
            view.review.append(_review_line(score, policy == ReviewPolicy.FULL))
    return view


def _review_line(score, full: bool) -> ReviewLine:  # type: ignore[no-untyped-def]
    attempt_item = score.attempt_item
    shown = attempt_item.version
    keyed = scored_version(score, attempt_item)
    item_type = shown.item.type
    answers = saved_answers(attempt_item)
    whole = next((a.value for a in answers if a.record == ""), None)
    detail = score.detail or {}
    answered = bool(detail.get("answered", whole not in (None, "", [])))
    drawn_records = None
    if attempt_item.sample is not None:
        keep = set(attempt_item.sample)
        drawn_records = [r for r in ((shown.content or {}).get("task") or {}).get("records") or []
                         if r.get("id") in keep]
    line = ReviewLine(attempt_item.position,
                      candidate_item(shown, attempt_item.option_order, records=drawn_records),
                      score.points, score.max_points,
                      display.answer_text(item_type, whole, attempt_item.option_order),
                      _verdict(score.points, score.max_points, answered))
    key = keyed.key or {}
    if full:
        line.key = display.key_text(item_type, key, attempt_item.option_order) or None
        line.explanation_html = render_markdown(keyed.explanation) if keyed.explanation else None
        if key.get("model_answer"):
            line.model_answer_html = render_markdown(key["model_answer"])
    if item_type == "practical":
        task = (shown.content or {}).get("task") or {}
        task_type = task.get("task_type", "")
        by_record = {a.record: a.value for a in answers if a.record}
        outcome = {r.get("record_id"): r for r in score.per_record or []}
        gold = key.get("gold") or {}
        gold_field = _gold_field(task_type)
        drawn = None if attempt_item.sample is None else set(attempt_item.sample)
        for record in task.get("records") or []:
            rid = record.get("id")
            if drawn is not None and rid not in drawn:
                continue  # not in the sample this candidate drew from the pool
            got = outcome.get(rid, {})
            line.records.append(RecordLine(
                rid, display.record_text(record),
                display.record_value_text(task_type, record, by_record.get(rid)),
                bool(got.get("answered", rid in by_record)), got.get("correct"),
                display.record_value_text(task_type, record, (gold.get(rid) or {}).get(gold_field))
                if full and gold_field else None))
    return line


def _gold_field(task_type: str) -> str | None:
    try:
        return get_task_type(task_type).gold_field
    except LookupError:
        return None
