"""Multi-label classification: any number of labels per record, possibly none."""

from __future__ import annotations

import random
from functools import cache
from types import MappingProxyType

from flask_babel import lazy_gettext as _l

from certify.scoring.batch import SetBatch
from certify.tasks.base import BatchScores, TaskType
from certify.tasks.fields import LabelsConfig, check_shown_fields
from certify.tasks.problems import PLAIN_SEQUENCES


@cache
def _label_set(labels: tuple[str, ...]) -> frozenset[str]:
    return frozenset(labels)


class MultilabelTask(LabelsConfig, TaskType):
    """Records show ``text`` and/or ``image``; gold ``{"id", "labels": [...]}``; a response is a
    list of distinct labels (may be empty: "none applies").

    Metric: ``jaccard_samples``, the mean per-record Jaccard similarity (1.0 for a record where gold
    and response are both empty). Per record: ``jaccard``, ``matched``, ``missed``, ``extra``.
    Config ``chance_zero`` and ``rule_case_weight`` as for classification.
    """

    name = "multilabel"
    label = _l("Multi-label classification")
    record_fields = ("text", "image")
    gold_field = "labels"
    metrics = ("jaccard_samples",)
    record_credit = MappingProxyType({"jaccard_samples": "jaccard"})
    chance_strategies_supported = True

    def _check_record(self, record, problems):
        check_shown_fields(problems, record, ("text", "image"))

    def _check_value(self, value, record, config, problems, where):
        labels = config["labels"]
        if type(value) in PLAIN_SEQUENCES:  # fast path for the usual valid answer
            try:
                chosen = frozenset(value)
            except TypeError:  # an unhashable item; explained below
                chosen = None
            if chosen is not None and len(chosen) == len(value) and chosen <= _label_set(labels):
                return [label for label in labels if label in chosen]
        if problems.sequence(where, value) is None:
            return None
        before, chosen = len(problems.found), set()
        for i, label in enumerate(value):
            if problems.label(f"{where}[{i}]", label, config["labels"]) is None:
                continue
            if label in chosen:
                problems.add(f"{where}[{i}]", f'label "{label}" is given twice')
            chosen.add(label)
        if len(problems.found) > before:
            return None
        return [label for label in config["labels"] if label in chosen]

    def _chance_rows(self, task):
        """Labelers who ignore the records: always nothing, always everything, always one label,
        and five who tick each label at random."""
        labels = list(task.config["labels"])
        n = len(task.records)
        rng = random.Random(0)
        constant = [[], labels] + [[label] for label in labels]
        rows = [[list(answer)] * n for answer in constant]
        rows += [[[label for label in labels if rng.random() < 0.5] for _ in range(n)]
                 for _ in range(5)]
        return rows

    def _score(self, task, answers):
        scores = SetBatch(task.gold, answers)
        missed = scores.n_gold - scores.hits
        extra = scores.n_pred - scores.hits
        return BatchScores(
            metrics={"jaccard_samples": scores.jaccard_samples()},
            answered=scores.answered,
            correct=(missed == 0) & (extra == 0),
            detail={"jaccard": scores.jaccard(), "matched": scores.hits, "missed": missed,
                    "extra": extra},
        )
