"""Classification: one label per record (a text or an image) from the task's label set."""

from __future__ import annotations

import random
from types import MappingProxyType

from flask_babel import lazy_gettext as _l

from certify.scoring.batch import LabelBatch
from certify.tasks.base import BatchScores, TaskType
from certify.tasks.fields import LabelsConfig, check_shown_fields, check_single_gold_value


class ClassificationTask(LabelsConfig, TaskType):
    """Records show ``text`` and/or ``image``; gold ``{"id", "label"}``; a response is a label.

    Metrics: ``macro_f1`` (default; averaged over the labels gold or the candidate uses),
    ``accuracy``, ``cohen_kappa`` (unweighted; an unanswered record is its own category).
    Config ``chance_zero: true`` rescales the quality so that the best chance labeler (always one
    label, or random labels) earns 0; ``rule_case_weight`` weights rule-case records (accuracy).
    """

    name = "classification"
    label = _l("Classification")
    record_fields = ("text", "image")
    gold_field = "label"
    metrics = ("macro_f1", "accuracy", "cohen_kappa")
    record_credit = MappingProxyType({"accuracy": "correct"})
    chance_strategies_supported = True

    def _check_record(self, record, problems):
        check_shown_fields(problems, record, ("text", "image"))

    def _check_value(self, value, record, config, problems, where):
        return problems.label(where, value, config["labels"])

    def _check_task(self, task, problems):
        check_single_gold_value(problems, task.metric, task.gold, {"cohen_kappa"})

    def _chance_rows(self, task):
        """One labeler per label who always gives it, and five who pick labels at random."""
        labels = list(task.config["labels"])
        n = len(task.records)
        rng = random.Random(0)
        return ([[label] * n for label in labels]
                + [[rng.choice(labels) for _ in range(n)] for _ in range(5)])

    def _score(self, task, answers):
        scores = LabelBatch(task.gold, answers)
        return BatchScores(
            metrics={
                "macro_f1": scores.macro_f1(),
                "accuracy": scores.accuracy(),
                "cohen_kappa": scores.cohen_kappa(),
            },
            answered=scores.answered,
            correct=scores.correct,
        )
