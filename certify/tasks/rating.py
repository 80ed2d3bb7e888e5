"""Rating: judging each record (e.g. a digital human's reply) on an ordinal scale."""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
from flask_babel import lazy_gettext as _l

from certify.parsing import whole_number
from certify.scoring.batch import LabelBatch
from certify.tasks.base import BatchScores, TaskType
from certify.tasks.fields import check_shown_fields, check_single_gold_value
from certify.tasks.problems import describe

#: widest scale accepted (points from min to max)
MAX_SCALE_POINTS = 101


class RatingTask(TaskType):
    """Records show ``reply`` or ``text`` (and optional ``prompt``); gold ``{"id", "rating": 4}``;
    a response is a whole number on the scale.

    Config ``scale: {min, max, labels: {value: description}}`` (labels optional). Metrics:
    ``quadratic_kappa`` (default), ``linear_kappa`` — weighted by real distances on the whole scale —
    ``accuracy``, and ``agreement``: the mean per-record credit, exact or linear (config
    ``agreement``, default linear) where a record whose gold is one of the config's ``critical``
    ratings earns nothing unless rated exactly and weighs ``critical_weight`` (default 3): missing a
    harmful reply costs more than an off-by-one. An unanswered record counts as the scale value
    farthest from the gold rating (the lower one on a tie), i.e. the worst answer.
    """

    name = "rating"
    label = _l("Rating")
    record_fields = ("prompt", "reply", "text")
    gold_field = "rating"
    metrics = ("quadratic_kappa", "linear_kappa", "accuracy", "agreement")
    record_credit = MappingProxyType({"agreement": "credit", "accuracy": "correct"})

    def _check_config(self, config, problems):
        problems.keys(config, ("scale", "agreement", "critical", "critical_weight"), ("scale",),
                      prefix="config.", kind="the config")
        scale = problems.mapping("config.scale", config.get("scale", {}))
        if scale is None:
            return {}
        agreement = config.get("agreement", "linear")
        if agreement not in ("exact", "linear"):
            problems.add("config.agreement", f"must be 'exact' or 'linear', not {agreement!r}")
        weight = problems.number("config.critical_weight", config.get("critical_weight", 3),
                                 minimum=1, maximum=10)
        critical = config.get("critical", [])
        problems.keys(scale, ("min", "max", "labels"), ("min", "max"), prefix="config.scale.",
                      kind="a scale")
        low = problems.integer("config.scale.min", scale.get("min", 1))
        high = problems.integer("config.scale.max", scale.get("max", 5))
        if low is None or high is None:
            return {}
        if high <= low:
            problems.add("config.scale.max", f"must be above min ({low}), not {high}")
        elif high - low + 1 > MAX_SCALE_POINTS:
            problems.add("config.scale.max", f"makes a scale of {high - low + 1} points; at most "
                                             f"{MAX_SCALE_POINTS} are accepted")
        labels = self._check_scale_labels(scale.get("labels", {}), low, high, problems)
        if problems.sequence("config.critical", critical) is not None:
            for i, value in enumerate(critical):
                problems.integer(f"config.critical[{i}]", value, minimum=low, maximum=high)
        else:
            critical = []
        return {"scale": {"min": low, "max": high, "labels": labels}, "agreement": agreement,
                "critical": sorted(set(critical)), "critical_weight": weight}

    def _check_scale_labels(self, labels, low, high, problems) -> dict[int, str]:
        if problems.mapping("config.scale.labels", labels) is None:
            return {}
        checked = {}
        for key, text in labels.items():
            where = f"config.scale.labels.{key}"
            number = whole_number(key, signed=True, maximum=10**6)
            value = key if number is None else number
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                problems.add(where, f"must name a point of the scale ({low}–{high}), not "
                                    f"{describe(key)}")
            elif problems.text(where, text) is not None:
                checked[value] = text
        return checked

    def _check_record(self, record, problems):
        check_shown_fields(problems, record, ("reply", "text"))
        if "prompt" in record:
            problems.text("prompt", record["prompt"])

    def _check_value(self, value, record, config, problems, where):
        scale = config["scale"]
        return problems.integer(where, value, minimum=scale["min"], maximum=scale["max"])

    def _check_task(self, task, problems):
        check_single_gold_value(problems, task.metric, task.gold, {"quadratic_kappa", "linear_kappa"})

    def _score(self, task, answers):
        low, high = task.config["scale"]["min"], task.config["scale"]["max"]
        worst = [low if gold - low >= high - gold else high for gold in task.gold]
        filled = [[w if a is None else a for a, w in zip(row, worst, strict=True)] for row in answers]
        scores = LabelBatch(task.gold, filled, labels=range(low, high + 1))
        answered = np.array([[a is not None for a in row] for row in answers], dtype=bool)
        answered = answered.reshape(scores.correct.shape)
        credit, weight = self._agreement(task, filled)
        return BatchScores(
            metrics={
                "quadratic_kappa": scores.cohen_kappa("quadratic"),
                "linear_kappa": scores.cohen_kappa("linear"),
                "accuracy": scores.accuracy(),
                "agreement": (credit * weight).sum(axis=1) / weight.sum(axis=1),
            },
            answered=answered,
            correct=scores.correct,
            detail={"credit": credit, "weight": weight},
        )

    def _agreement(self, task, filled) -> tuple[np.ndarray, np.ndarray]:
        """Per-record credit and weight of ``agreement``: exact (1 or 0) or linear (1 less the
        distance over the scale's width); a record whose gold rating is critical (e.g. "harmful")
        earns nothing unless it is rated exactly, and weighs ``critical_weight``."""
        low, high = task.config["scale"]["min"], task.config["scale"]["max"]
        gold = np.asarray(task.gold, dtype=float)
        given = np.asarray(filled, dtype=float).reshape(-1, len(task.gold))
        distance = np.abs(given - gold)
        if task.config.get("agreement", "linear") == "exact":
            credit = (distance == 0).astype(float)
        else:
            credit = 1.0 - distance / (high - low)
        critical = np.isin(gold, task.config.get("critical", []))
        credit = np.where(critical & (distance > 0), 0.0, credit)
        weight = np.where(critical, float(task.config.get("critical_weight", 3)), 1.0)
        return credit, np.broadcast_to(weight, credit.shape).copy()

