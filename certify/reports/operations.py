"""Reports of a sitting: gather its marked results as plain data, analyse them, lay out tables.

The analysis itself is :mod:`certify.reports.item_analysis` (pure); this module reads the database
and turns the analysis into :class:`~certify.tables.Table` s that the page shows and the
CSV/XLSX exports write, so both always agree. Candidates are keyed by attempt id: the item analysis
names nobody.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from certify.banks.models import ItemVersion
from certify.db import db
from certify.exams.models import Attempt, AttemptItem, AttemptState, Enrolment, Sitting
from certify.grading.display import record_text
from certify.grading.marking import item_title
from certify.grading.models import ItemScore, Result, ResultStatus
from certify.grading.results import answers_by_item, scored_version
from certify.reports import item_analysis
from certify.reports.item_analysis import Analysis, ItemInfo, RecordAnswer
from certify.tables import Column, Table
from certify.tasks import TaskValidationError, get_task_type


@dataclass(frozen=True)
class SittingAnalysis:
    """A sitting's item analysis as plain values (no database object: it is shared between
    requests and threads through the cache, and must never be changed once made)."""

    sitting_id: int
    pass_mark: float
    analysis: Analysis
    #: item key (ref) → short title
    titles: dict[str, str] = field(default_factory=dict)
    #: item key → {record id: record text}
    record_texts: dict[str, dict[str, str]] = field(default_factory=dict)
    #: marked results left out because marking is not complete
    awaiting: int = 0


def _canonical(task_type: Any, record: dict[str, Any], value: Any, config: Any) -> str:
    """Equal answers, equal texts: the task type's normalised value as sorted JSON."""
    with contextlib.suppress(TaskValidationError):  # keep an invalid answer as it is
        value = task_type.validate_response(record, value, config)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _choices(item_type: str, value: Any) -> tuple[str, ...]:
    if value is None or value == "" or value == []:
        return ()
    if item_type == "true_false":
        return ("true" if value in (True, "true") else "false",)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


#: Analyses kept per process (a thread-safe LRU), by sitting and the state of its results (see
#: :func:`fingerprint`): computing one takes seconds for a few hundred candidates (see
#: bench/bench_item_analysis.py), and each view of the page asks three times (page and two charts).
_CACHE: OrderedDict[tuple, SittingAnalysis] = OrderedDict()
_CACHE_LOCK = threading.Lock()
CACHE_SIZE = 8


def fingerprint(sitting: Sitting) -> tuple:
    """What an analysis depends on, summarised: every result of the sitting (status, score,
    revision) and every item score (points, maximum, the version it was scored against), and
    which attempts were voided. Any grading, marking, regrade or void changes it, whatever the
    clocks of the servers that made the change say."""
    in_sitting = (sa.select(Attempt.id).join(Enrolment, Attempt.enrolment_id == Enrolment.id)
                  .where(Enrolment.sitting_id == sitting.id))
    results = db.session.execute(
        sa.select(Result.id, Result.attempt_id, Result.status, Result.score, Result.revision)
        .where(Result.attempt_id.in_(in_sitting)).order_by(Result.id)).all()
    scores = db.session.execute(
        sa.select(ItemScore.id, ItemScore.points, ItemScore.max_points,
                  ItemScore.scored_version_id)
        .where(ItemScore.result_id.in_([r.id for r in results])).order_by(ItemScore.id)).all()
    states = db.session.execute(
        sa.select(Attempt.id, Attempt.state).where(Attempt.id.in_(in_sitting))
        .order_by(Attempt.id)).all()
    digest = hashlib.sha256(repr((results, scores, states)).encode()).hexdigest()
    return (str(db.engine.url), sitting.id, digest)


def analyse_sitting(sitting: Sitting) -> SittingAnalysis:
    """Analyse the complete results of a sitting's submitted attempts.

    The page and its two charts ask for the same analysis; it is computed once per state of the
    sitting's results and kept (a few per process). What is kept is immutable plain data, so
    requests in other threads can share it.
    """
    key = fingerprint(sitting)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return cached
    report = _analyse(sitting)
    with _CACHE_LOCK:
        _CACHE[key] = report
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return report


def _analyse(sitting: Sitting) -> SittingAnalysis:
    results = list(db.session.scalars(
        sa.select(Result).join(Attempt, Result.attempt_id == Attempt.id)
        .join(Enrolment, Attempt.enrolment_id == Enrolment.id)
        .where(Enrolment.sitting_id == sitting.id,
               Attempt.state == AttemptState.SUBMITTED.value)
        .order_by(Attempt.script_number)
        .options(selectinload(Result.item_scores).options(
            selectinload(ItemScore.attempt_item).selectinload(AttemptItem.version)
            .selectinload(ItemVersion.item),
            selectinload(ItemScore.scored_version).selectinload(ItemVersion.item)))))
    complete = [r for r in results if r.status == ResultStatus.COMPLETE.value]
    scores: dict[int, dict[str, float]] = {}
    totals: dict[int, float] = {}
    infos: dict[str, dict[str, Any]] = {}
    titles: dict[str, str] = {}
    texts: dict[str, dict[str, str]] = {}
    choices: dict[str, dict[int, tuple[str, ...]]] = defaultdict(dict)
    records: dict[str, dict[str, dict[int, RecordAnswer]]] = defaultdict(lambda: defaultdict(dict))
    saved = answers_by_item([r.attempt_id for r in complete])
    for result in complete:
        candidate = result.attempt_id
        totals[candidate] = float(result.score)
        scores[candidate] = {}
        for score in result.item_scores:
            attempt_item = score.attempt_item
            version = scored_version(score, attempt_item)
            item = version.item
            key = item.ref
            scores[candidate][key] = float(score.points or 0)
            info = infos.setdefault(key, {"type": item.type, "max": 0.0, "options": (),
                                          "correct": (), "number": -1})
            info["max"] = max(info["max"], float(score.max_points))
            if version.number > info["number"]:
                info["number"] = version.number
                titles[key] = item_title(version)
                content, answer_key = version.content or {}, version.key or {}
                if item.type in ("single", "multiple"):
                    info["options"] = tuple(o["id"] for o in content.get("options") or [])
                    correct = answer_key.get("correct")
                    info["correct"] = tuple(correct if isinstance(correct, list) else [correct])
                elif item.type == "true_false":
                    info["options"] = ("true", "false")
                    info["correct"] = ("true" if answer_key.get("correct") else "false",)
            answers = saved.get(attempt_item.id, [])
            if item.type in item_analysis.CHOICE_TYPES:
                whole = next((a.value for a in answers if a.record == ""), None)
                choices[key][candidate] = _choices(item.type, whole)
            elif item.type == "practical" and score.per_record:
                _practical(key, version, score, answers, candidate, records, texts, record_text)
    items = [ItemInfo(key, key, info["type"], info["max"], info["options"], info["correct"])
             for key, info in sorted(infos.items())]
    analysis = item_analysis.analyse(scores, items, totals=totals, choices=choices,
                                     records={k: dict(v) for k, v in records.items()})
    return SittingAnalysis(sitting.id, float(sitting.exam.pass_mark), analysis, titles, texts,
                           len(results) - len(complete))


def _practical(key, version, score, answers, candidate, records, texts,  # type: ignore[no-untyped-def]
               record_text) -> None:
    task = (version.content or {}).get("task") or {}
    try:
        task_type = get_task_type(task.get("task_type"))
    except LookupError:
        return
    if not task_type.auto_scored:
        return
    by_id = {r.get("id"): r for r in task.get("records") or []}
    texts.setdefault(key, {rid: record_text(r) for rid, r in by_id.items()})
    given = {a.record: a.value for a in answers if a.record and a.value is not None}
    ignored = set((score.detail or {}).get("ignored_records") or [])
    for row in score.per_record:
        rid = row.get("record_id")
        if rid not in by_id:
            continue
        value = given.get(rid) if rid not in ignored else None
        answer = (None if value is None or not row.get("answered")
                  else _canonical(task_type, by_id[rid], value, task.get("config")))
        records[key][rid][candidate] = RecordAnswer(answer, row.get("correct"))


# Tables ------------------------------------------------------------------------------------------

def flag_text(flags: list[str]) -> str:
    labels = {"few": _("too few candidates to judge"), "easy": _("very easy"),
              "hard": _("very hard"),
              "negative": _("negative discrimination"), "low": _("low discrimination")}
    return "; ".join(labels.get(f, f) for f in flags)


def item_table(report: SittingAnalysis) -> Table:
    """Item statistics, as the page shows them and the exports write them."""
    table = Table([
        Column("number", "#", "number", 0),
        Column("item", _("Item")),
        Column("title", _("Title")),
        Column("type", _("Type")),
        Column("n", _("Candidates"), "number", 0),
        Column("max_points", _("Points"), "number", 2),
        Column("mean", _("Mean"), "number", 3),
        Column("facility", _("Facility"), "number", 3),
        Column("discrimination", _("Discrimination"), "number", 3),
        Column("upper_lower", _("Upper–lower"), "number", 3),
        Column("flags", _("Look at")),
    ])
    for number, stats in enumerate(report.analysis.items, start=1):
        table.rows.append({"number": number, "item": stats.label, "title": report.titles.get(stats.key, ""),
                           "type": stats.type, "n": stats.n, "max_points": stats.max_points,
                           "mean": stats.mean, "facility": stats.facility,
                           "discrimination": stats.discrimination,
                           "upper_lower": stats.upper_lower, "flags": flag_text(stats.flags)})
    return table


def summary_table(report: SittingAnalysis) -> Table:
    """The test as a whole: candidates, mean and SD of the score, reliability and SEM."""
    rel = report.analysis.reliability
    totals = report.analysis.totals
    mean = sum(totals) / len(totals) if totals else None
    passed = sum(t >= report.pass_mark for t in totals)
    table = Table([Column("measure", _("Measure")), Column("value", _("Value"), "number", 3)])
    table.rows = [
        {"measure": _("Candidates with a complete result"), "value": len(totals)},
        {"measure": _("Mean score (of 100)"), "value": mean},
        {"measure": _("Passed"), "value": passed},
        {"measure": _("Items every candidate had"), "value": rel.items},
        {"measure": _("Cronbach's alpha"), "value": rel.alpha},
        {"measure": _("KR-20 (items scored 0 or full)"), "value": rel.kr20},
        {"measure": _("SD of the common-item total (points)"), "value": rel.sd},
        {"measure": _("Standard error of measurement (points)"), "value": rel.sem},
        {"measure": _("SEM as a percentage of the common-item maximum"), "value": rel.sem_percent},
    ]
    return table


def distractor_table(report: SittingAnalysis) -> Table:
    table = Table([Column("item", _("Item")), Column("option", _("Option")),
                   Column("key", _("Key")), Column("all", _("All"), "number", 3),
                   Column("top", _("Top 27 %"), "number", 3),
                   Column("bottom", _("Bottom 27 %"), "number", 3)])
    for block in report.analysis.distractors:
        for option in block.options:
            table.rows.append({"item": block.label, "option": option.option or _("(no answer)"),
                               "key": "✓" if option.is_key else "", "all": option.all,
                               "top": option.top, "bottom": option.bottom})
    return table


def _record_columns() -> list[Column]:
    return [Column("item", _("Item")), Column("record", _("Record")), Column("text", _("Text")),
            Column("n", _("Candidates"), "number", 0),
            Column("agreement", _("Agree with gold"), "number", 3),
            Column("modal", _("Most common answer"), "number", 3),
            Column("suspect", _("Suspect gold"))]


def record_tables(report: SittingAnalysis) -> list[tuple[str, Table, int]]:
    """Per practical task: its per-record agreement with gold, and how many records are suspect."""
    out = []
    for key, rows in sorted(report.analysis.agreement.items()):
        table = Table(_record_columns())
        for row in rows:
            table.rows.append({"item": key, "record": row.record_id,
                               "text": report.record_texts.get(key, {}).get(row.record_id, ""),
                               "n": row.n, "agreement": row.agreement, "modal": row.modal_share,
                               "suspect": _("yes") if row.suspect else ""})
        out.append((key, table, sum(row.suspect for row in rows)))
    return out


def record_table(report: SittingAnalysis) -> Table:
    """Every practical task's records in one table (the export's sheet)."""
    table = Table(_record_columns())
    for _key, part, _suspects in record_tables(report):
        table.rows += part.rows
    return table


def sittings_for_reports() -> list[Sitting]:
    """Sittings with at least one complete result, newest first."""
    ids = (sa.select(Enrolment.sitting_id).join(Attempt, Attempt.enrolment_id == Enrolment.id)
           .join(Result, Result.attempt_id == Attempt.id)
           .where(Result.status == ResultStatus.COMPLETE.value))
    return list(db.session.scalars(sa.select(Sitting).where(Sitting.id.in_(ids))
                                   .order_by(Sitting.opens_dt.desc(), Sitting.id.desc())))
