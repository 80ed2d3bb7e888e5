"""Plain data of practical tasks: a task spec, a prepared task, and scores with per-record results.

Scoring needs no ORM object: a :class:`TaskSpec` holds what a task's folder holds (docs/formats.md
§3), and scoring returns a :class:`TaskScore`, which never contains a gold value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from certify.scoring.policy import Policy

if TYPE_CHECKING:
    from certify.tasks.base import TaskType

__all__ = ["BatchScores", "PreparedTask", "RecordResult", "TaskScore", "TaskSpec"]


@dataclass(frozen=True)
class TaskSpec:
    """A practical task as plain data, as read from its folder (treated as read-only).

    :param task_type: the registry name, e.g. ``"ner"``.
    :param config: the ``config`` mapping of task.yaml (``None`` for types without one).
    :param records: the lines of records.jsonl.
    :param gold: the lines of gold.jsonl (empty for rubric tasks).
    :param metric: the ``metric`` of task.yaml; ``None`` for the type's default.
    :param policy: the ``policy`` of task.yaml; ``None`` for linear 0 → 1.
    :param rubric: the ``rubric`` of task.yaml (required for rubric tasks, a marking aid otherwise).
    :param sample: the ``sample`` of task.yaml (how many records each candidate draws from the pool,
        :mod:`certify.tasks.sampling`); ``None``: every candidate labels every record.
    """

    task_type: str
    config: Mapping[str, Any] | None
    records: Sequence[Mapping[str, Any]]
    gold: Sequence[Mapping[str, Any]] = ()
    metric: str | None = None
    policy: Mapping[str, Any] | None = None
    rubric: Sequence[Mapping[str, Any]] | None = None
    sample: Mapping[str, Any] | None = None

    @classmethod
    def from_item(cls, content: Mapping[str, Any], key: Mapping[str, Any]) -> TaskSpec:
        """The spec of a practical bank item version: what a candidate may see is in
        ``content["task"]``, the gold (a mapping record id → gold line) and rubric in ``key``
        (docs/contracts.md §1). Validation, exams and grading all build their spec here."""
        task = content.get("task") or {}
        gold = key.get("gold") or {}
        return cls(task_type=task.get("task_type"), config=task.get("config"),
                   records=list(task.get("records") or []),
                   gold=list(gold.values()) if isinstance(gold, Mapping) else list(gold),
                   metric=task.get("metric"), policy=task.get("policy"), rubric=key.get("rubric"),
                   sample=task.get("sample"))


@dataclass(frozen=True)
class PreparedTask:
    """A validated task, normalised for scoring; made by :meth:`TaskType.prepare`.

    ``gold`` holds the normalised gold value of each record, in record order.
    """

    task_type: TaskType
    config: Mapping[str, Any]
    records: tuple[Mapping[str, Any], ...]
    gold: tuple[Any, ...]
    metric: str | None
    policy: Policy | None
    index: Mapping[str, int] = field(repr=False)
    #: the ``rule_case`` tag of each record's gold line (``None`` where it has none), record order
    rule_cases: tuple[str | None, ...] = ()

    @property
    def record_ids(self) -> tuple[str, ...]:
        """The record ids, in record order."""
        return tuple(self.index)


class RecordResult(NamedTuple):
    """How one record of a response went; never contains a gold value.

    (A named tuple rather than a dataclass: grading builds one per candidate and record, and
    tuples are made several times faster.)

    :param record_id: the record.
    :param answered: whether the candidate answered it (an unanswered record counts as the worst
        answer).
    :param correct: whether the answer is exactly right (never for an unanswered record); ``None``
        for examiner-marked types.
    :param detail: per-record numbers of the type, e.g. ``{"f1": 0.5, "matched": 1, "missed": 1,
        "extra": 0}`` or ``{"cer": 0.1, "errors": 2}``.
    """

    record_id: str
    answered: bool
    correct: bool | None
    detail: Mapping[str, float | int]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"record_id": self.record_id, "answered": self.answered, "correct": self.correct,
                **self.detail}


@dataclass(frozen=True)
class TaskScore:
    """A candidate's result on one task.

    :param score: points 0–100 from the task's policy, or ``None`` when ``needs_marking``.
    :param metric: the metric the policy was applied to.
    :param metrics: every metric the type reports, e.g. ``{"macro_f1": …, "accuracy": …}``;
        error rates (``cer``, ``wer``) are rates, the policy uses ``1 - rate``.
    :param per_record: one :class:`RecordResult` per record, in record order.
    :param needs_marking: ``True`` for examiner-marked (rubric) tasks, which score ``None`` here.
    """

    score: float | None
    metric: str | None
    metrics: Mapping[str, float]
    per_record: tuple[RecordResult, ...]
    needs_marking: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, e.g. to store with a result."""
        return {
            "score": self.score,
            "metric": self.metric,
            "metrics": dict(self.metrics),
            "needs_marking": self.needs_marking,
            "per_record": [r.to_dict() for r in self.per_record],
        }


@dataclass
class BatchScores:
    """What a type's scorer computes for many candidates: arrays, candidates first."""

    #: metric name → one value per candidate
    metrics: dict[str, np.ndarray]
    #: candidates × records, True where the candidate answered
    answered: np.ndarray
    #: candidates × records, True where the answer is exactly right (None: not applicable)
    correct: np.ndarray | None
    #: per-record number name → candidates × records
    detail: dict[str, np.ndarray] = field(default_factory=dict)
