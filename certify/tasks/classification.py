"""Classification: one label per record (a text or an image) from the task's label set."""

from __future__ import annotations

import random
from types import MappingProxyType

from flask_babel import lazy_gettext as _l

from certify.scoring.batch import LabelBatch
from certify.tasks.base import BatchScores, TaskType
from certify.tasks.fields import LabelsConfig, check_shown_fields, check_single_gold_value


def check_row(problems, row) -> None:
    """A tabular record's ``row``: ``[[column, value], …]`` in the table's column order (a list,
    because JSON objects lose their order on the way to the browser); values are text, ``""``
    when the cell is empty."""
    if not isinstance(row, list) or not row:
        problems.add("row", "must be a list of [column, value] pairs with at least one column")
        return
    seen = set()
    for n, pair in enumerate(row, start=1):
        if (not isinstance(pair, list) or len(pair) != 2
                or not all(isinstance(part, str) for part in pair) or not pair[0].strip()):
            problems.add("row", f"cell {n} must be a [column, value] pair of texts (\"\" when empty), "
                                f"not {pair!r}")
        elif pair[0] in seen:
            problems.add("row", f"column {pair[0]!r} appears twice")
        else:
            seen.add(pair[0])


class ClassificationTask(LabelsConfig, TaskType):
    """Records show ``text`` and/or ``image``; gold ``{"id", "label"}``; a response is a label.

    A record that is a row of a table may also carry ``row`` (``[[column, value], …]``, ``""`` for
    an empty cell): the widget then shows every record's row in a sortable table beside the record.

    Metrics: ``macro_f1`` (default; averaged over the labels gold or the candidate uses),
    ``accuracy``, ``cohen_kappa`` (unweighted; an unanswered record is its own category).
    Config ``chance_zero: true`` rescales the quality so that the best chance labeler (always one
    label, or random labels) earns 0; ``rule_case_weight`` weights rule-case records (accuracy).
    """

    name = "classification"
    label = _l("Classification")
    record_fields = ("text", "image", "row")
    gold_field = "label"
    metrics = ("macro_f1", "accuracy", "cohen_kappa")
    record_credit = MappingProxyType({"accuracy": "correct"})
    chance_strategies_supported = True

    def _check_record(self, record, problems):
        check_shown_fields(problems, record, ("text", "image"))
        if "row" in record:
            check_row(problems, record["row"])

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
