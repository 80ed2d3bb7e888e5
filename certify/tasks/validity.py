"""Does a task separate competent labelers from careless ones? Simulated labelers, scored by the
same code as grading (:func:`certify.tasks.score_many`).

:func:`validity_report` gives, for one task (its whole pool and its ``sample``):

- ``chance``: the best score of a labeler who ignores the records (always one label, random labels;
  types with a chance baseline only);
- ``wrong``: the mean score of labelers with 5 %, 10 % and 20 % of records wrong (each record they
  get wrong is wrong the way the type's :func:`wrong_answer` makes it);
- ``rule_cases``: the score of a labeler who gets every record of one documented rule case wrong
  (and everything else right), per rule case, and ``all_rule_cases`` for one who ignores them all;
- ``formatting``: for transcription, the worst score of exact text typed with only formatting
  differences (sentence case and a full stop, the other punctuation width, extra spaces);
- ``se_at_cut``: the standard error of the score of a labeler whose expected score is the pass mark,
  for the drawn sample size (records drawn with the task's sampler, each wrong independently);
- ``exam_ready``: a labeler with 20 % wrong fails, one with 5 % wrong passes, formatting costs
  nothing and the standard error at the cut is at most :data:`MAX_SE` points; ``problems`` says
  which of these fail (codes, see :data:`PROBLEMS`).

Everything is seeded: the same task always gives the same figures.
"""

from __future__ import annotations

import random
import statistics
import unicodedata
from collections.abc import Mapping
from typing import Any

from certify.tasks import get_task_type
from certify.tasks.data import PreparedTask, TaskSpec
from certify.tasks.problems import Problems, TaskValidationError
from certify.tasks.sampling import check_sample, draw_sample, sampled_spec

__all__ = ["MAX_SE", "PASS_MARK", "PROBLEMS", "WRONG_SHARES", "validity_report", "wrong_answer"]

#: the default pass mark of an exam (points of 100)
PASS_MARK = 60.0
#: the largest standard error at the pass mark an exam-ready task may have (points)
MAX_SE = 5.0
#: shares of records the simulated careless labelers get wrong
WRONG_SHARES = (0.05, 0.10, 0.20)
#: why a task is not exam-ready
PROBLEMS = {
    "invalid": "the task is not valid",
    "not_auto_scored": "examiners mark it (no simulated scores)",
    "careless_passes": "a labeler with 20 % of records wrong passes",
    "competent_fails": "a labeler with 5 % of records wrong fails",
    "formatting_costs": "formatting-only differences cost points",
    "se_too_large": f"the standard error at the pass mark is above {MAX_SE:g} points",
}
REPLICATIONS = 24
SE_DRAWS = 160


def wrong_answer(task: PreparedTask, i: int, rng: random.Random) -> Any:
    """A wrong answer to record ``i`` of a prepared task, as a careless labeler gives it."""
    gold, name, config = task.gold[i], task.task_type.name, task.config
    if name == "classification":
        return rng.choice([label for label in config["labels"] if label != gold])
    if name == "multilabel":
        labels = list(config["labels"])
        flip = rng.choice(labels)
        chosen = set(gold) ^ {flip}
        return [label for label in labels if label in chosen]
    if name == "rating":
        low, high = config["scale"]["min"], config["scale"]["max"]
        return rng.choice([v for v in range(low, high + 1) if v != gold])
    if name == "bbox":
        record = task.records[i]
        if not gold:  # nothing to box: a careless labeler boxes something anyway
            w, h = record["width"] / 4, record["height"] / 4
            return [[w, h, w, h, config["labels"][0]]]
        moved = []
        for x, y, w, h, label in gold:  # half a box to the side: IoU 1/3
            nx = x + w / 2 if x + w * 1.5 <= record["width"] else max(0.0, x - w / 2)
            moved.append([nx, y, w, h, label])
        return moved
    if name == "transcription":
        text = list(gold)
        for j in rng.sample(range(len(text)), max(1, len(text) // 4)) if text else ():
            text[j] = "x" if not text[j].isspace() else text[j]
        return "".join(text) if text else "x"
    if name == "ranking":
        return list(reversed(gold))
    if name == "ner":
        return []
    raise ValueError(f"no wrong answers for {name} tasks")


def _formatting_variants(text: str) -> list[str]:
    """The same text with only formatting changed."""
    out = []
    if text:
        ends = "。" if any("\u4e00" <= c <= "\u9fff" for c in text) else "."
        first = text[0].upper() if text[0].islower() else text[0].lower() if text[0].isupper() \
            else text[0]
        out.append(first + text[1:] + ("" if unicodedata.category(text[-1]).startswith("P")
                                       else ends))
        swapped = "".join(_swap_width(c) for c in text)
        out.append(swapped)
        out.append(" " + " ".join(text.split(" ")).replace(" ", "  ") + " ")
    return out


def _swap_width(c: str) -> str:
    code = ord(c)
    if 0x21 <= code <= 0x7E and unicodedata.category(c).startswith("P"):
        return chr(code + 0xFEE0)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - 0xFEE0)
    return {"。": ".", "、": ","}.get(c, c)


def _score_rows(task: PreparedTask, rows: list[dict[str, Any]]) -> list[float]:
    scored = task.task_type.score_many(task, dict(enumerate(rows)))
    return [float(scored[k].score) for k in range(len(rows))]


def _careless(task: PreparedTask, share: float, rng: random.Random) -> dict[str, Any]:
    ids = task.record_ids
    wrong = set(rng.sample(range(len(ids)), round(share * len(ids))))
    return {ids[i]: wrong_answer(task, i, rng) if i in wrong else task.gold[i]
            for i in range(len(ids))}


def validity_report(spec: TaskSpec, *, pass_mark: float = PASS_MARK) -> dict[str, Any]:
    """The validity figures of a task (see the module docstring); JSON-ready."""
    report: dict[str, Any] = {"task_type": spec.task_type, "pass_mark": pass_mark,
                              "pool": len(spec.records), "exam_ready": False, "problems": []}
    try:
        task_type = get_task_type(spec.task_type)
        task = task_type.prepare(spec)
    except (LookupError, TaskValidationError) as exc:
        report["problems"] = ["invalid"]
        report["error"] = str(exc)
        return report
    sample = check_sample(spec.sample, len(task.records), Problems("task"))
    size = sample["size"] if sample else len(task.records)
    report.update(sample_size=size, pool_ratio=round(len(task.records) / size, 2),
                  auto_scored=task_type.auto_scored)
    if not task_type.auto_scored:
        report["problems"] = ["not_auto_scored"]
        return report
    report["chance"] = (round(100 * _chance_points(task), 1)
                        if task_type.chance_strategies_supported else None)
    rng = random.Random(f"validity:{spec.task_type}")
    wrong = {}
    for share in WRONG_SHARES:
        rows = [_careless(task, share, rng) for _ in range(REPLICATIONS)]
        wrong[f"{round(share * 100)}"] = round(statistics.fmean(_score_rows(task, rows)), 1)
    report["wrong"] = wrong
    cases = sorted({c for c in task.rule_cases if c})
    ids = task.record_ids
    rows = [{ids[i]: wrong_answer(task, i, rng) if task.rule_cases[i] == case else task.gold[i]
             for i in range(len(ids))} for case in cases]
    if cases:
        rows.append({ids[i]: wrong_answer(task, i, rng) if task.rule_cases[i] else task.gold[i]
                     for i in range(len(ids))})
        scores = _score_rows(task, rows)
        report["rule_cases"] = {case: round(s, 1) for case, s in zip(cases, scores, strict=False)}
        report["all_rule_cases"] = round(scores[-1], 1)
    else:
        report["rule_cases"], report["all_rule_cases"] = {}, None
    report["formatting"] = _formatting(task) if spec.task_type == "transcription" else None
    report["se_at_cut"] = _se_at_cut(spec, task, size, sample, pass_mark)
    problems = []
    if wrong["20"] >= pass_mark:
        problems.append("careless_passes")
    if wrong["5"] < pass_mark:
        problems.append("competent_fails")
    if report["formatting"] is not None and report["formatting"] < 100 - 1e-6:
        problems.append("formatting_costs")
    if report["se_at_cut"] is None or report["se_at_cut"] > MAX_SE:
        problems.append("se_too_large")
    report["problems"] = problems
    report["exam_ready"] = not problems
    return report


def _chance_points(task: PreparedTask) -> float:
    """The best points of a labeler who ignores the records, as a share of 100."""
    rows = task.task_type._chance_rows(task)
    if not rows:
        return 0.0
    responses = [dict(zip(task.record_ids, row, strict=True)) for row in rows]
    return max(_score_rows(task, responses)) / 100


def _formatting(task: PreparedTask) -> float:
    worst = 100.0
    for k in range(3):
        row = {}
        for record_id, text in zip(task.record_ids, task.gold, strict=True):
            variants = _formatting_variants(text)
            row[record_id] = variants[k] if variants else text
        worst = min(worst, _score_rows(task, [row])[0])
    return round(worst, 1)


def _expected(task: PreparedTask, share: float, seed: str) -> float:
    rng = random.Random(seed)
    rows = [_careless(task, share, rng) for _ in range(8)]
    return statistics.fmean(_score_rows(task, rows))


def _se_at_cut(spec: TaskSpec, task: PreparedTask, size: int, sample: Mapping | None,
               pass_mark: float) -> float | None:
    """SD of the scores of a labeler at the cut over drawn samples (each record wrong at random)."""
    low, high = 0.0, 1.0
    if _expected(task, 0.0, "cut") < pass_mark:
        return None  # even a perfect labeler fails
    for _ in range(12):  # bisection on the share wrong whose expected score is the pass mark
        middle = (low + high) / 2
        if _expected(task, middle, f"cut:{middle}") >= pass_mark:
            low = middle
        else:
            high = middle
    share = (low + high) / 2
    rng = random.Random("se")
    scores = []
    strata = sample["strata"] if sample else ()
    balance = sample["difficulty_balance"] if sample else False
    drawn_tasks: dict[tuple, PreparedTask] = {}
    for d in range(SE_DRAWS):
        ids = (draw_sample(spec, size, f"se:{d}", strata=strata, difficulty_balance=balance)
               if sample else task.record_ids)
        drawn = drawn_tasks.get(ids)
        if drawn is None:
            drawn = drawn_tasks[ids] = task.task_type.prepare(sampled_spec(spec, ids))
        row = {}
        for i, record_id in enumerate(drawn.record_ids):
            row[record_id] = (wrong_answer(drawn, i, rng) if rng.random() < share
                              else drawn.gold[i])
        scores.append(_score_rows(drawn, [row])[0])
    return round(statistics.pstdev(scores), 2)
