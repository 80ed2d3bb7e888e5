"""Ranking: ordering a record's candidate answers from best to worst."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from certify.scoring.batch import RankingBatch
from certify.tasks.base import BatchScores, TaskType
from certify.tasks.fields import check_shown_fields
from certify.tasks.problems import describe

#: most candidate answers one record may have
MAX_CANDIDATES = 20


class RankingTask(TaskType):
    """Records show a ``prompt`` and ``candidates: [{"id", "text"}, …]`` (2 or more); gold
    ``{"id", "order": ["c2", "c1", …]}`` (best first); a response is such an order of every
    candidate.

    Metrics, averaged over records: ``spearman`` (default) and ``kendall_tau``; rankings have no
    ties. An unanswered record counts as the reverse of the gold order (−1). Per record:
    ``spearman``, ``kendall_tau``.
    """

    name = "ranking"
    label = _l("Ranking")
    record_fields = ("prompt", "candidates")
    gold_field = "order"
    metrics = ("spearman", "kendall_tau")

    def _check_config(self, config, problems):
        problems.keys(config, (), prefix="config.", kind="the config: ranking tasks have no settings")
        return {}

    def _check_record(self, record, problems):
        check_shown_fields(problems, record, (), required=("prompt",))
        if "candidates" not in record:
            return problems.add("candidates", "is required but missing")
        candidates = problems.sequence("candidates", record["candidates"], min_length=2,
                                       max_length=MAX_CANDIDATES)
        seen = set()
        for i, candidate in enumerate(candidates or ()):
            where = f"candidates[{i}]"
            if problems.mapping(where, candidate) is None:
                continue
            problems.keys(candidate, ("id", "text"), ("id", "text"), prefix=f"{where}.",
                          kind="a candidate answer")
            candidate_id = problems.text(f"{where}.id", candidate["id"]) if "id" in candidate else None
            if "text" in candidate:
                problems.text(f"{where}.text", candidate["text"])
            if candidate_id is not None and candidate_id in seen:
                problems.add(f"{where}.id", f'candidate id "{candidate_id}" is used twice')
            seen.add(candidate_id)
        return None

    def _check_value(self, value, record, config, problems, where):
        if problems.sequence(where, value) is None:
            return None
        ids = [c["id"] for c in record["candidates"]]
        before, placed = len(problems.found), set()
        for i, item in enumerate(value):
            if not isinstance(item, str) or item not in ids:
                problems.add(f"{where}[{i}]", f"{describe(item)} is not a candidate of this record "
                                              f"({', '.join(ids)})")
            elif item in placed:
                problems.add(f"{where}[{i}]", f'candidate "{item}" is ranked twice')
            else:
                placed.add(item)
        missing = [c for c in ids if c not in placed]
        if missing and len(problems.found) == before:
            problems.add(where, f"leaves out {', '.join(missing)}: rank every candidate")
        return None if len(problems.found) > before else list(value)

    def candidate_record(self, record):
        shown = super().candidate_record(record)
        shown["candidates"] = [{"id": c["id"], "text": c["text"]} for c in record["candidates"]]
        return shown

    def _score(self, task, answers):
        scores = RankingBatch(task.gold, answers)
        return BatchScores(
            metrics={"spearman": scores.spearman.mean(axis=1),
                     "kendall_tau": scores.kendall.mean(axis=1)},
            answered=scores.answered,
            correct=scores.spearman == 1.0,
            detail={"spearman": scores.spearman, "kendall_tau": scores.kendall},
        )
