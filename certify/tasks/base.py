"""The task-type base class.

A task type is a class with documented class attributes (name, label, templates, record fields,
metrics) and hooks that take plain data (see :mod:`certify.tasks.data`) and return plain data or
dataclasses. The public methods validate whole tasks and responses and score many candidates at
once; subclasses only say what their config, records and answers look like and how to score them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable, Mapping, Sequence
from itertools import repeat
from types import MappingProxyType
from typing import Any, ClassVar

import numpy as np

from certify.scoring.gcpause import gc_paused
from certify.scoring.policy import Policy, PolicyError, parse_policy, quality
from certify.tasks.data import BatchScores, PreparedTask, RecordResult, TaskScore, TaskSpec
from certify.tasks.problems import Problems, ValidationProblem, describe
from certify.tasks.sampling import check_sample

__all__ = ["BatchScores", "PreparedTask", "RecordResult", "TaskScore", "TaskSpec", "TaskType"]


Responses = Mapping[str, Any]

#: config keys every type reads the same way (checked by :meth:`TaskType._check_common`)
COMMON_CONFIG = ("rule_case_weight", "chance_zero")

#: optional tags a gold line may carry for sampling and validity reports (never scored, never sent to a
#: candidate): ``rule_case`` names the guideline rule the record tests, ``difficulty`` is 1 (easy) to 5
GOLD_TAGS = ("rule_case", "difficulty")


class TaskType(ABC):
    """One kind of practical task: its data shapes, validation and scoring.

    Subclasses set the class attributes below and implement the ``_check_*`` hooks and
    :meth:`_score`; the public methods here do the rest and are the API for importers, the exam UI
    and grading. Instances are stateless; the registry holds one per type.
    """

    #: registry name, the ``task_type`` of task.yaml
    name: ClassVar[str]
    #: name shown to examiners and candidates (a lazy translation)
    label: ClassVar[Any]
    #: script (path under ``static/``) of the labeling widget that shows the records, takes the
    #: candidate's answers and shows them read-only to markers (default ``js/widgets/<name>.js``;
    #: a classic script loaded with defer after the ES module ``js/widgets/registry.js``, it
    #: registers through ``window.CertifyWidgets``, docs/contracts.md §4)
    candidate_script: ClassVar[str]
    #: fields a record may have besides ``id``; :meth:`candidate_record` sends only these
    record_fields: ClassVar[tuple[str, ...]]
    #: key of the gold value in a gold line; ``None`` for types without gold
    gold_field: ClassVar[str | None]
    #: metrics a task may choose for its policy, the default first (empty: examiner-marked)
    metrics: ClassVar[tuple[str, ...]]
    #: whether :meth:`score` computes points (False: examiners mark with the rubric)
    auto_scored: ClassVar[bool] = True
    #: metric → the per-record credit it averages (a ``detail`` name or ``"correct"``): the metrics
    #: that ``config.rule_case_weight`` can weight (records testing a rule case weigh more)
    record_credit: ClassVar[Mapping[str, str]] = MappingProxyType({})
    #: whether ``config.chance_zero`` is offered (the type has a chance baseline)
    chance_strategies_supported: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Name a new type's widget script after it, unless the class names it itself."""
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("name")
        if name is None:
            return
        defaults = {"candidate_script": f"js/widgets/{name}.js"}
        for attribute, value in defaults.items():
            if attribute not in cls.__dict__:
                setattr(cls, attribute, value)

    # -- hooks ------------------------------------------------------------------------------

    @abstractmethod
    def _check_config(self, config: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
        """Report config problems; return the config normalised, with defaults filled in."""

    @abstractmethod
    def _check_record(self, record: Mapping[str, Any], problems: Problems) -> None:
        """Report problems with a record's own fields (``id`` and unknown fields are done)."""

    @abstractmethod
    def _check_value(self, value: Any, record, config, problems: Problems, where: str) -> Any:
        """Check a gold value or a (non-null) response; return it normalised, or None if invalid.

        :param where: the field name to report, ``"label"``, ``"spans"``… or ``"response"``.
        """

    @abstractmethod
    def _score(self, task: PreparedTask, answers: list[list[Any]]) -> BatchScores:
        """Score every candidate's normalised answers (one row per candidate, None: unanswered)."""

    def _check_task(self, task: PreparedTask, problems: Problems) -> None:
        """Report problems that need config, gold and metric together (none by default)."""
        return None

    def default_metric(self, config: Mapping[str, Any]) -> str | None:
        """The metric used when task.yaml names none."""
        return self.metrics[0] if self.metrics else None

    # -- validation -------------------------------------------------------------------------

    def validate_config(self, config: Mapping[str, Any] | None) -> dict[str, Any]:
        """The config normalised with defaults filled in.

        :raise TaskValidationError: listing every config problem.
        """
        problems = Problems("config")
        checked = self._config(config, problems)
        problems.raise_if_any()
        return checked

    def validate_records(self, records: Sequence[Mapping[str, Any]]) -> list[dict]:
        """The records (the lines of records.jsonl), as plain dicts.

        :raise TaskValidationError: listing every problem of every record.
        """
        problems = Problems("records")
        checked, _ = self._records(records, problems)
        problems.raise_if_any()
        return checked

    def validate_gold(self, gold: Sequence[Mapping[str, Any]], records, config) -> dict[str, Any]:
        """The normalised gold value of each record, by record id.

        :raise TaskValidationError: listing every problem of the gold lines (and of the records and
            config they are checked against).
        """
        problems = Problems("config")
        config = self._config(config, problems)
        records, ids = self._records(records, problems.about(source="records"))
        checked = self._gold(gold, records, ids, config, problems.about(source="gold"))
        problems.raise_if_any()
        return checked

    def validate_response(self, record: Mapping[str, Any], value: Any, config) -> Any:
        """A candidate's answer to one record, normalised; ``None`` (unanswered) is accepted.

        :param record: the record answered (it is checked too, so a bad one cannot crash this).
        :raise TaskValidationError: naming the record and the field, e.g. ``response[2]``.
        """
        problems = Problems("config")
        config = self._config(config, problems)
        self._records([record], problems.about(source="records"))
        problems.raise_if_any()
        if value is None:
            return None
        problems = Problems("response", record_id=str(record.get("id")))
        checked = self._check_value(value, record, config, problems, "response")
        problems.raise_if_any()
        return checked

    def validate_task(self, spec: TaskSpec) -> list[ValidationProblem]:
        """Every problem of a whole task — config, records, gold, metric, policy, rubric — or []."""
        problems = Problems("task")
        self._prepare(spec, problems)
        return list(problems.found)

    def prepare(self, spec: TaskSpec) -> PreparedTask:
        """Validate and normalise a task once, for scoring many responses.

        :raise TaskValidationError: listing every problem of the task.
        """
        problems = Problems("task")
        task = self._prepare(spec, problems)
        problems.raise_if_any()
        return task

    def candidate_record(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """What may be sent to a candidate's browser about a record: its declared fields only."""
        return {key: record[key] for key in ("id", *self.record_fields) if key in record}

    # -- scoring ----------------------------------------------------------------------------

    def score(self, task: TaskSpec | PreparedTask, responses: Responses) -> TaskScore:
        """Score one candidate's responses (record id → answer; absent or None: unanswered).

        :raise TaskValidationError: if the task or any response is invalid (all problems listed).
        """
        return self.score_many(task, {None: responses})[None]

    def score_many(
        self, task: TaskSpec | PreparedTask, responses_by_candidate: Mapping[Hashable, Responses]
    ) -> dict[Hashable, TaskScore]:
        """Score many candidates at once (vectorised); the same numbers as :meth:`score` for each.

        :param responses_by_candidate: candidate key → that candidate's responses.
        :return: candidate key → :class:`TaskScore`, in the same order.
        :raise TaskValidationError: if the task or any response is invalid; problems name the
            candidate (``str`` of its key), the record and the field.
        :raise TypeError: if ``responses_by_candidate`` is not a mapping.
        """
        if not isinstance(responses_by_candidate, Mapping):
            raise TypeError("responses_by_candidate must map each candidate to their responses, not "
                            f"{type(responses_by_candidate).__name__}")
        task = task if isinstance(task, PreparedTask) else self.prepare(task)
        problems = Problems("response")
        with gc_paused():  # millions of small objects for a large exam; none in cycles
            answers = [
                self._answers(task, responses,
                              problems.about(candidate=None if key is None else str(key)))
                for key, responses in responses_by_candidate.items()
            ]
        problems.raise_if_any()
        if not answers:
            return {}
        if not self.auto_scored:
            return {key: self._unmarked(task, row) for key, row in zip(responses_by_candidate, answers,
                                                                     strict=True)}
        scores = self._score(task, answers)
        points = task.policy.points(self._quality(task, scores))
        with gc_paused():
            results = self._task_scores(task, scores, points)
        return dict(zip(responses_by_candidate, results, strict=True))

    def _quality(self, task: PreparedTask, scores: BatchScores) -> np.ndarray:
        """What the policy is applied to: the metric's quality, weighted and rescaled as the config
        says; the figures used are added to ``scores.metrics`` (``weighted_quality``, ``chance``)."""
        value = np.asarray(quality(task.metric, scores.metrics[task.metric]), dtype=float)
        weight = task.config.get("rule_case_weight", 1.0)
        credit_key = self.record_credit.get(task.metric)
        if weight != 1.0 and credit_key and any(task.rule_cases):
            weights = np.array([weight if tag else 1.0 for tag in task.rule_cases])
            credit = (scores.correct if credit_key == "correct" else scores.detail[credit_key])
            credit = np.asarray(credit, dtype=float)
            if "weight" in scores.detail:  # the type's own weights (e.g. critical ratings)
                weights = weights * np.asarray(scores.detail["weight"], dtype=float)
                value = (credit * weights).sum(axis=1) / weights.sum(axis=1)
            else:
                value = (credit * weights).sum(axis=1) / weights.sum()
            scores.metrics["weighted_quality"] = value
        if task.config.get("chance_zero"):
            chance = self._chance(task)
            value = np.clip((value - chance) / (1.0 - chance), 0.0, 1.0) if chance < 1 else value
            scores.metrics["chance"] = np.full(value.shape, chance)
        return value

    def _chance(self, task: PreparedTask) -> float:
        """The best quality a labeler who does not look at the records gets: every constant
        answer and seeded random answers (:meth:`_chance_rows`), scored like a candidate."""
        rows = self._chance_rows(task)
        if not rows:
            return 0.0
        scores = self._score(task, rows)
        config = dict(task.config)
        config["chance_zero"] = False
        plain = PreparedTask(task.task_type, MappingProxyType(config), task.records, task.gold,
                             task.metric, task.policy, task.index, task.rule_cases)
        return float(np.max(self._quality(plain, scores)))

    def _chance_rows(self, task: PreparedTask) -> list[list[Any]]:
        """Answer rows of labelers who ignore the records (none by default: no baseline)."""
        return []

    # -- internals --------------------------------------------------------------------------

    def _config(self, config, problems: Problems) -> dict[str, Any] | None:
        """The normalised config, or None if it has problems."""
        if config is None:
            config = {}
        if problems.mapping("config", config) is None:
            return None
        before = len(problems.found)
        own = {k: v for k, v in config.items() if k not in COMMON_CONFIG}
        checked = self._check_config(own, problems)
        if checked is not None:
            checked.update(self._check_common(config, problems))
        return checked if len(problems.found) == before else None

    def _check_common(self, config, problems: Problems) -> dict[str, Any]:
        """``rule_case_weight`` and ``chance_zero``, for the types that support them."""
        out: dict[str, Any] = {}
        if "rule_case_weight" in config:
            weight = config["rule_case_weight"]
            if not self.record_credit:
                problems.add("config.rule_case_weight", f"{self.name} tasks cannot weight records")
            elif problems.number("config.rule_case_weight", weight, minimum=1,
                                 maximum=10) is not None:
                out["rule_case_weight"] = float(weight)
        if "chance_zero" in config:
            if not self.chance_strategies_supported:
                problems.add("config.chance_zero", f"{self.name} tasks have no chance baseline")
            elif not isinstance(config["chance_zero"], bool):
                problems.add("config.chance_zero", f"must be true or false, not "
                                                   f"{describe(config['chance_zero'])}")
            else:
                out["chance_zero"] = config["chance_zero"]
        return out

    def _records(self, records, problems: Problems) -> tuple[list[dict], set[str]]:
        """The valid records, and the ids of all records (valid or not)."""
        if problems.sequence("records", records, min_length=1) is None:
            return [], set()
        checked, seen = [], set()
        for record, record_id, about in _identified(records, "record", problems):
            if record_id in seen:
                about.add("id", "is used by an earlier record")
                continue
            seen.add(record_id)
            before = len(problems.found)
            about.keys(record, ("id", *self.record_fields), kind=f"{self.name} records")
            self._check_record(record, about)
            if len(problems.found) == before:
                checked.append(dict(record))
        return checked, seen

    def _gold(self, gold, records: list[dict], ids: set[str], config,
              problems: Problems) -> dict[str, Any]:
        """The normalised gold values of valid records (checked only when the config is valid)."""
        if self.gold_field is None:
            if gold:
                problems.add("gold", f"{self.name} tasks have no gold: examiners mark them with the "
                                     "task's rubric")
            return {}
        if problems.sequence("gold", gold) is None:
            return {}
        by_id = {record["id"]: record for record in records}
        checked: dict[str, Any] = {}
        lines: set[str] = set()
        for line, record_id, about in _identified(gold, "gold line", problems):
            about.keys(line, ("id", self.gold_field, *GOLD_TAGS), ("id", self.gold_field),
                       kind=f"{self.name} gold lines")
            _check_gold_tags(line, about)
            if record_id in lines:
                about.add("id", "has a second gold line")
                continue
            lines.add(record_id)
            if record_id not in ids:
                about.add("id", "is not a record of this task")
            elif record_id in by_id and self.gold_field in line and config is not None:
                value = self._check_value(line[self.gold_field], by_id[record_id], config, about,
                                          self.gold_field)
                if value is not None:
                    checked[record_id] = value
        for record in records:
            if record["id"] not in lines:
                problems.about(record_id=record["id"]).add(self.gold_field, "has no gold line")
        return checked

    def _prepare(self, spec: TaskSpec, problems: Problems) -> PreparedTask | None:
        if spec.task_type != self.name:
            problems.add("task_type", f"is {spec.task_type!r}, but this is the {self.name!r} type")
        config = self._config(spec.config, problems.about(source="config"))
        records, ids = self._records(spec.records, problems.about(source="records"))
        gold = self._gold(spec.gold, records, ids, config, problems.about(source="gold"))
        metric = self._metric(spec.metric, config, problems)
        policy = self._policy(spec.policy, problems)
        self._check_rubric(spec.rubric, problems)
        check_sample(spec.sample, len(records), problems)
        if problems:
            return None
        task = PreparedTask(
            task_type=self,
            config=MappingProxyType(config),
            records=tuple(MappingProxyType(r) for r in records),
            gold=tuple(gold[r["id"]] for r in records) if self.gold_field else (),
            metric=metric,
            policy=policy,
            index=MappingProxyType({r["id"]: i for i, r in enumerate(records)}),
            rule_cases=_rule_cases(spec.gold, records),
        )
        self._check_task(task, problems)
        return task

    def _metric(self, metric, config, problems: Problems) -> str | None:
        if metric is None:
            return self.default_metric(config or {})
        if not self.metrics:
            problems.add("metric", f"{self.name} tasks are marked by examiners and have no metric")
        elif metric not in self.metrics:
            problems.add("metric", f"{metric!r} is not a metric of {self.name} tasks "
                                   f"(choose from {', '.join(self.metrics)})")
        return metric

    def _policy(self, policy, problems: Problems) -> Policy | None:
        if not self.auto_scored:
            if policy is not None:
                problems.add("policy", f"{self.name} tasks are marked by examiners and have no "
                                       "scoring policy")
            return None
        try:
            return parse_policy(policy)
        except PolicyError as error:
            for where, message in error.problems:
                problems.add(where, message)
            return None

    def _check_rubric(self, rubric, problems: Problems) -> None:
        if rubric is None:
            if not self.auto_scored:
                problems.add("rubric", f"is required: {self.name} tasks are marked with it")
            return
        if problems.sequence("rubric", rubric, min_length=1) is None:
            return
        for i, item in enumerate(rubric):
            where = f"rubric[{i}]"
            if problems.mapping(where, item) is None:
                continue
            problems.keys(item, ("points", "checkpoint", "standard"), ("points", "checkpoint"),
                          prefix=f"{where}.", kind="rubric checkpoints")
            if "points" in item:
                problems.number(f"{where}.points", item["points"], minimum=0)
            if "checkpoint" in item:
                problems.text(f"{where}.checkpoint", item["checkpoint"])
            if "standard" in item:
                problems.text(f"{where}.standard", item["standard"], empty=True)

    def _answers(self, task: PreparedTask, responses, problems: Problems) -> list[Any]:
        if not isinstance(responses, Mapping):
            problems.add("responses", f"must map record ids to answers, not {describe(responses)}")
            return []
        for record_id in responses:
            if record_id not in task.index:
                problems.about(record_id=str(record_id)).add("response", "is for a record that "
                                                                         "this task does not have")
        row = []
        about = problems.about()  # one collector, pointed at each record in turn
        for record in task.records:
            value = responses.get(record["id"])
            if value is not None:
                about.record_id = record["id"]
                value = self._check_value(value, record, task.config, about, "response")
            row.append(value)
        return row

    def _task_scores(self, task: PreparedTask, scores: BatchScores, points) -> list[TaskScore]:
        metrics = {name: values.tolist() for name, values in scores.metrics.items()}
        answered = scores.answered.tolist()
        correct = (scores.correct & scores.answered).tolist() if scores.correct is not None else None
        names = list(scores.detail)
        detail = [scores.detail[name].tolist() for name in names]
        ids, nothing = list(task.index), MappingProxyType({})
        results = []
        for c, candidate_points in enumerate(np.asarray(points).tolist()):
            details = (
                [dict(zip(names, values, strict=True))
                 for values in zip(*(d[c] for d in detail), strict=True)]
                if names else repeat(nothing)
            )
            per_record = tuple(map(RecordResult, ids, answered[c],
                                   repeat(None) if correct is None else correct[c], details))
            results.append(TaskScore(candidate_points, task.metric,
                                     {name: values[c] for name, values in metrics.items()}, per_record))
        return results

    def _unmarked(self, task: PreparedTask, row: list[Any]) -> TaskScore:
        per_record = tuple(RecordResult(record_id, value is not None, None, MappingProxyType({}))
                           for record_id, value in zip(task.index, row, strict=True))
        return TaskScore(None, None, {}, per_record, needs_marking=True)


def _rule_cases(gold, records) -> tuple[str | None, ...]:
    tags = {line.get("id"): line.get("rule_case") for line in gold or () if isinstance(line, Mapping)}
    return tuple(tags.get(record["id"]) or None for record in records)


def _check_gold_tags(line: Mapping, about: Problems) -> None:
    if "rule_case" in line:
        tag = line["rule_case"]
        if not isinstance(tag, str) or not tag.strip():
            about.add("rule_case", f"must be a non-empty text naming a rule case, not {describe(tag)}")
    if "difficulty" in line:
        level = line["difficulty"]
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
            about.add("difficulty", f"must be a whole number from 1 to 5, not {describe(level)}")


def _identified(items, what: str, problems: Problems):
    """``(item, id, problems about it)`` for each item that is a mapping with a string ``id``.

    An item without a usable id is reported under its position, e.g. record "#3".
    """
    for i, item in enumerate(items):
        about = problems.about(record_id=f"#{i + 1}")
        if about.mapping(what, item) is None:
            continue
        item_id = about.text("id", item.get("id"))
        if item_id is not None:
            yield item, item_id, problems.about(record_id=item_id)
