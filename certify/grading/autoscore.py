"""Scoring one attempt item from an item version: objective keys, task scorers, the overtime rule.

Pure: the functions take plain values (a version's type, ``content`` and ``key``, the candidate's
saved answers with their save times, a task's opened and last-saved times) and return an
:class:`ItemOutcome`; they import neither Flask's request nor the database, so grading and
regrading score the same way and the rules test without an app.

Points
    Every outcome is in the points the item is worth *on the attempt's form*
    (``AttemptItem.points``). Objective items are scored by
    :func:`certify.banks.scoring.score_objective`. A practical task's scorer gives a task score of
    0–100 (its policy applied to its metric), which maps to item points proportionally:
    ``item points × task score / 100``. Rubric totals map the same way:
    ``item points × rubric total / rubric points``.

Overtime (the standard's rule for skills tasks: "−1 point per minute over the limit, stop after 5
minutes"), applied only when the task says ``overtime: {allowed: true}``:
    time spent = ``last_saved_dt − started_dt`` of the attempt item (when the candidate pressed
    "Start this task"; ``opened_dt`` for attempts from before that was recorded); minutes over =
    ``ceil(time spent − time_limit_minutes)``; deduction = ``per_minute`` task points per minute over,
    charging at most ``stop_after_minutes`` minutes. "Stop" means the candidate must stop then:
    answers saved after ``opened + limit + stop`` are ignored for scoring (an answer re-saved after
    the stop counts as unanswered, because only its newest value is kept). The deduction is in task
    points (out of 100) and never takes a task below 0. A task without ``allowed: true`` has no
    per-task time rule (the exam's own deadline is the limit), and neither has a task whose opening
    time was not recorded.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from certify.banks.scoring import score_objective as by_key
from certify.tasks import TaskSpec, TaskValidationError, get_task_type
from certify.tasks.sampling import sampled_spec

#: Item points are kept to three decimals, component scores to two.
POINTS_PLACES = Decimal("0.001")
SCORE_PLACES = Decimal("0.01")

OBJECTIVE = frozenset({"single", "multiple", "true_false", "fill_in"})


def q3(value: Decimal | float | int) -> Decimal:
    """Round item points to three decimals (half up)."""
    return Decimal(str(value)).quantize(POINTS_PLACES, rounding=ROUND_HALF_UP)


def q2(value: Decimal | float | int) -> Decimal:
    """Round a score out of 100 to two decimals (half up)."""
    return Decimal(str(value)).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class SavedAnswer:
    """One saved answer: ``record`` is ``""`` for a whole item, else a practical record's id."""

    record: str
    value: Any
    saved_dt: datetime | None = None


@dataclass(frozen=True)
class Overtime:
    """What the overtime rule decided for one task.

    :param minutes_over: whole minutes (rounded up) past the task's limit at its last save.
    :param charged: minutes deducted (at most ``stop_after_minutes``).
    :param deduction: task points deducted (out of 100; the cap at 0 is applied later).
    :param cutoff: answers saved after this moment are ignored (``None``: no cut-off).
    """

    minutes_over: int = 0
    charged: int = 0
    deduction: float = 0.0
    cutoff: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"minutes_over": self.minutes_over, "charged": self.charged,
                "deduction": self.deduction,
                "cutoff": self.cutoff.isoformat() if self.cutoff else None}


NO_OVERTIME = Overtime()


@dataclass
class ItemOutcome:
    """How one attempt item scored.

    :param points: item points, or ``None`` while examiners still have to mark it.
    :param needs_marking: the item waits for rubric marking.
    :param metrics: a practical task's metrics and its task score (``task_score``, 0–100).
    :param per_record: a practical task's per-record results (never gold values).
    :param detail: how the item was marked (never the key); for rubric items ``rubric_max``; for
        tasks ``overtime`` and ``ignored_records`` / ``invalid_records`` when there were any.
    :param overtime_minutes: minutes of overtime charged.
    :param deduction: item points deducted for overtime.
    """

    points: Decimal | None
    max_points: Decimal
    needs_marking: bool = False
    metrics: dict[str, Any] = field(default_factory=dict)
    per_record: list[Any] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    overtime_minutes: int = 0
    deduction: Decimal = Decimal(0)


class ItemScoringError(ValueError):
    """An item version cannot be scored (e.g. its task is invalid); the message names the item."""


# Overtime -----------------------------------------------------------------------------------------

def overtime(task: Mapping[str, Any], opened: datetime | None,
             last_saved: datetime | None) -> Overtime:
    """Apply the overtime rule of ``task`` (a practical item's ``content["task"]``)."""
    rule = task.get("overtime") or {}
    limit = task.get("time_limit_minutes")
    if not rule.get("allowed") or not limit or opened is None:
        return NO_OVERTIME
    per_minute = float(rule.get("per_minute", 1))
    stop = int(rule.get("stop_after_minutes", 5))
    cutoff = opened + timedelta(minutes=float(limit) + stop)
    if last_saved is None:
        return Overtime(cutoff=cutoff)
    over_seconds = (last_saved - opened).total_seconds() - float(limit) * 60
    minutes_over = math.ceil(over_seconds / 60 - 1e-9) if over_seconds > 0 else 0
    charged = min(minutes_over, stop)
    return Overtime(minutes_over, charged, per_minute * charged, cutoff)


# Converting task and rubric scores to item points -------------------------------------------------

def task_to_item(task_score: float, deduction: float, item_points: Decimal) -> tuple[Decimal,
                                                                                    Decimal]:
    """Return ``(item points, item points deducted)`` for a task score out of 100.

    The deduction never takes the task below 0, so what is deducted is at most the task score.
    """
    gross = q3(item_points * Decimal(str(task_score)) / 100)
    net_task = max(0.0, task_score - deduction)
    net = q3(item_points * Decimal(str(net_task)) / 100)
    return net, gross - net


def rubric_max(rubric: Sequence[Mapping[str, Any]] | None) -> Decimal:
    """The points a rubric's checkpoints add up to."""
    return sum((Decimal(str(cp.get("points", 0))) for cp in rubric or ()), Decimal(0))


def rubric_to_task_score(total: Decimal, maximum: Decimal) -> float:
    """A rubric total as a task score out of 100."""
    return float(total / maximum * 100) if maximum else 0.0


def rubric_to_item(total: Decimal, maximum: Decimal, item_points: Decimal) -> Decimal:
    """A rubric total as item points."""
    return q3(item_points * total / maximum) if maximum else Decimal(0)


# Objective and short-answer items -----------------------------------------------------------------

def _whole_answer(answers: Sequence[SavedAnswer]) -> Any:
    return next((a.value for a in answers if a.record == ""), None)


def score_objective(item_type: str, content: Mapping[str, Any], key: Mapping[str, Any],
                    points: Decimal, answers: Sequence[SavedAnswer]) -> ItemOutcome:
    """Score a single, multiple, true/false or fill-in item by its key and scoring policy
    (:func:`certify.banks.scoring.score_objective`; its ``detail`` never holds the key)."""
    scored = by_key(item_type, content, key, points, _whole_answer(answers))
    return ItemOutcome(points=min(q3(max(Decimal(str(scored.points)), Decimal(0))), points),
                       max_points=points, detail=dict(scored.detail))


def short_answer(key: Mapping[str, Any], points: Decimal,
                 answers: Sequence[SavedAnswer]) -> ItemOutcome:
    """A short answer waits for examiners (an empty answer included: the rubric decides)."""
    answer = _whole_answer(answers)
    return ItemOutcome(points=None, max_points=points, needs_marking=True,
                       detail={"rubric_max": str(rubric_max(key.get("rubric"))),
                               "answered": bool(answer and str(answer).strip())})


# Practical tasks ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class PracticalEntry:
    """One attempt's work on a practical task."""

    points: Decimal
    answers: Sequence[SavedAnswer]
    opened: datetime | None = None
    last_saved: datetime | None = None
    #: the records this attempt drew from the task's pool (``None``: every record)
    sample: tuple[str, ...] | None = None


def sample_key(sample: Sequence[str] | None) -> tuple[str, ...] | None:
    """An attempt item's stored sample as :attr:`PracticalEntry.sample`."""
    return None if sample is None else tuple(sample)


def score_practical(content: Mapping[str, Any], key: Mapping[str, Any],
                    entries: Mapping[Hashable, PracticalEntry], *,
                    label: str = "") -> dict[Hashable, ItemOutcome]:
    """Score many attempts' work on one practical item version at once (vectorised), each on the
    records it drew (attempts that drew the same sample are scored together)."""
    groups: dict[tuple[str, ...] | None, dict[Hashable, PracticalEntry]] = {}
    for entry_key, entry in entries.items():
        groups.setdefault(entry.sample, {})[entry_key] = entry
    outcomes: dict[Hashable, ItemOutcome] = {}
    for sample, group in groups.items():
        outcomes.update(_score_sample(content, key, sample, group, label=label))
    return {entry_key: outcomes[entry_key] for entry_key in entries}


def _score_sample(content: Mapping[str, Any], key: Mapping[str, Any],
                  sample: tuple[str, ...] | None, entries: Mapping[Hashable, PracticalEntry], *,
                  label: str = "") -> dict[Hashable, ItemOutcome]:
    """Score many attempts' work on one sample of a practical item version at once (vectorised).

    Answers saved after the overtime cut-off are ignored; an answer the task type rejects (which the
    autosave endpoint should have refused) counts as unanswered and is listed in
    ``detail["invalid_records"]``.

    :param label: names the item in error messages.
    :raise ItemScoringError: the task itself is invalid.
    """
    task = content.get("task") or {}
    spec = sampled_spec(TaskSpec.from_item(content, key), sample)
    try:
        task_type = get_task_type(spec.task_type)
        prepared = task_type.prepare(spec)
    except (LookupError, TaskValidationError) as exc:
        raise ItemScoringError(f"{label}: the practical task cannot be scored: {exc}") from exc
    records = {r["id"]: r for r in prepared.records}
    rules: dict[Hashable, Overtime] = {}
    responses: dict[Hashable, dict[str, Any]] = {}
    ignored: dict[Hashable, list[str]] = {}
    for entry_key, entry in entries.items():
        rule = overtime(task, entry.opened, entry.last_saved)
        rules[entry_key] = rule
        kept: dict[str, Any] = {}
        for answer in entry.answers:
            if answer.record not in records or answer.value is None:
                continue
            if rule.cutoff and answer.saved_dt and answer.saved_dt > rule.cutoff:
                ignored.setdefault(entry_key, []).append(answer.record)
                continue
            kept[answer.record] = answer.value
        responses[entry_key] = kept
    invalid: dict[Hashable, list[str]] = {}
    try:
        scores = task_type.score_many(prepared, responses)
    except TaskValidationError:
        # Only when something is wrong: find and drop the rejected answers, then score again.
        invalid = _drop_invalid(task_type, prepared, responses)
        scores = task_type.score_many(prepared, responses)
    maximum = rubric_max(spec.rubric)
    outcomes: dict[Hashable, ItemOutcome] = {}
    for entry_key, entry in entries.items():
        result, rule = scores[entry_key], rules[entry_key]
        detail: dict[str, Any] = {"task_type": spec.task_type, "overtime": rule.to_dict()}
        if ignored.get(entry_key):
            detail["ignored_records"] = sorted(ignored[entry_key])
        if invalid.get(entry_key):
            detail["invalid_records"] = sorted(invalid[entry_key])
        per_record = [r.to_dict() for r in result.per_record]
        if result.needs_marking:
            detail["rubric_max"] = str(maximum)
            outcomes[entry_key] = ItemOutcome(points=None, max_points=entry.points,
                                              needs_marking=True, per_record=per_record,
                                              detail=detail, overtime_minutes=rule.charged)
            continue
        points, deducted = task_to_item(float(result.score), rule.deduction, entry.points)
        metrics = {name: float(value) for name, value in result.metrics.items()}
        metrics["task_score"] = round(max(0.0, float(result.score) - rule.deduction), 3)
        detail["metric"] = result.metric
        detail["task_score_before_deduction"] = round(float(result.score), 3)
        outcomes[entry_key] = ItemOutcome(points=points, max_points=entry.points,
                                          metrics=metrics, per_record=per_record, detail=detail,
                                          overtime_minutes=rule.charged, deduction=deducted)
    return outcomes


def _drop_invalid(task_type, prepared, responses: dict[Hashable, dict[str, Any]]
                  ) -> dict[Hashable, list[str]]:
    """Remove answers the task type rejects; return the dropped record ids per attempt."""
    dropped: dict[Hashable, list[str]] = {}
    records = {r["id"]: r for r in prepared.records}
    for entry_key, answers in responses.items():
        for record_id in list(answers):
            try:
                task_type.validate_response(records[record_id], answers[record_id],
                                            dict(prepared.config))
            except TaskValidationError:
                dropped.setdefault(entry_key, []).append(record_id)
                del answers[record_id]
    return dropped


def score_version(item_type: str, content: Mapping[str, Any], key: Mapping[str, Any],
                  points: Decimal, answers: Sequence[SavedAnswer], *,
                  opened: datetime | None = None, last_saved: datetime | None = None,
                  label: str = "", sample: Sequence[str] | None = None) -> ItemOutcome:
    """Score one attempt item of any type against an item version's content and key."""
    if item_type in OBJECTIVE:
        return score_objective(item_type, content, key, points, answers)
    if item_type == "short_answer":
        return short_answer(key, points, answers)
    if item_type == "practical":
        entry = PracticalEntry(points, answers, opened, last_saved, sample_key(sample))
        return score_practical(content, key, {None: entry}, label=label)[None]
    raise ItemScoringError(f"{label}: unknown item type {item_type!r}")
