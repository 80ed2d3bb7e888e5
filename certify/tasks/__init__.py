"""Practical task types: what a task's records, gold and responses look like, and how it is scored.

The registry is explicit: the list below is every type there is (a duplicate name fails at import).
Each type is a :class:`~certify.tasks.base.TaskType`; the public API, for the banks importer, the
exam UI and grading::

    task_type = get_task_type("ner")            # UnknownTaskTypeError (a LookupError) if unknown
    task_types()                                # read-only {name: task type}, registration order
    task_type.validate_config(config)           # -> normalised config        } raise
    task_type.validate_records(records)         # -> records                  } TaskValidationError
    task_type.validate_gold(gold, records, config)  # -> {record id: gold}    } listing every
    task_type.validate_response(record, value, config)  # -> normalised value } problem found
    task_type.validate_task(spec)               # -> [ValidationProblem, …], [] when valid
    task_type.prepare(spec)                     # -> PreparedTask (validate once, score many)
    task_type.candidate_record(record)          # -> what may go to the browser (never gold)
    task_type.score(spec, {record_id: value})   # -> TaskScore(score, metric, metrics, per_record)
    task_type.score_many(spec, {candidate: {record_id: value}})  # vectorised, same numbers
    load_task_folder("question_banks/practical/L5-sentiment-reviews-zh")  # -> TaskSpec (whole pool)

Per-candidate samples of a pool: :mod:`certify.tasks.sampling`; simulated labelers and the
exam-ready verdict: :mod:`certify.tasks.validity`.

A type's labeling widget is named by its ``candidate_script`` (``js/widgets/ner.js``). Error
messages are English sentences naming the record and field; type labels are lazy translations
(flask_babel), the only Flask-related import here.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

from certify.tasks.base import (
    BatchScores,
    PreparedTask,
    RecordResult,
    TaskScore,
    TaskSpec,
    TaskType,
)
from certify.tasks.bbox import BboxTask
from certify.tasks.classification import ClassificationTask
from certify.tasks.folder import TaskFolderError, load_task_folder, read_task_folder
from certify.tasks.multilabel import MultilabelTask
from certify.tasks.ner import NerTask
from certify.tasks.problems import TaskValidationError, ValidationProblem
from certify.tasks.ranking import RankingTask
from certify.tasks.rating import RatingTask
from certify.tasks.registry import DuplicateTaskTypeError, TaskTypeRegistry, UnknownTaskTypeError
from certify.tasks.rubric import RubricTask
from certify.tasks.transcription import TranscriptionTask

__all__ = [
    "BatchScores",
    "DuplicateTaskTypeError",
    "PreparedTask",
    "RecordResult",
    "TaskFolderError",
    "TaskScore",
    "TaskSpec",
    "TaskType",
    "TaskTypeRegistry",
    "TaskValidationError",
    "UnknownTaskTypeError",
    "ValidationProblem",
    "get_task_type",
    "load_task_folder",
    "read_task_folder",
    "registry",
    "score",
    "score_many",
    "task_types",
    "validate_task",
]

registry = TaskTypeRegistry(
    [
        ClassificationTask,
        MultilabelTask,
        NerTask,
        BboxTask,
        TranscriptionTask,
        RatingTask,
        RankingTask,
        RubricTask,
    ]
)


def get_task_type(name: str) -> TaskType:
    """The task type registered as ``name``.

    :raise UnknownTaskTypeError: naming the known types, if there is none.
    """
    return registry.get(name)


def task_types() -> Mapping[str, TaskType]:
    """Every task type by name, in registration order (read-only)."""
    return registry.all()


def validate_task(spec: TaskSpec) -> list[ValidationProblem]:
    """Every problem of a task, [] when it is valid; an unknown type is one problem."""
    if spec.task_type not in registry:
        error = UnknownTaskTypeError(spec.task_type, registry.all())
        return [ValidationProblem("task", "task_type", str(error))]
    return get_task_type(spec.task_type).validate_task(spec)


def score(spec: TaskSpec | PreparedTask, responses: Mapping[str, Any]) -> TaskScore:
    """Score one candidate's responses to a task of any type (see :meth:`TaskType.score`)."""
    return _type_of(spec).score(spec, responses)


def score_many(
    spec: TaskSpec | PreparedTask, responses_by_candidate: Mapping[Hashable, Mapping[str, Any]]
) -> dict[Hashable, TaskScore]:
    """Score many candidates on a task of any type (see :meth:`TaskType.score_many`)."""
    return _type_of(spec).score_many(spec, responses_by_candidate)


def _type_of(spec: TaskSpec | PreparedTask) -> TaskType:
    return spec.task_type if isinstance(spec, PreparedTask) else get_task_type(spec.task_type)
