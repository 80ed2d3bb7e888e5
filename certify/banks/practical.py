"""Practical tasks as bank items: building, validating and reading back their content and key.

A practical item keeps what a candidate may see in ``content["task"]`` (task type, title, instructions,
config, metric, policy, time limits, records) and the gold labels and rubric in ``key`` (contracts §1).
Validation is the task registry's (:mod:`certify.tasks`): the same checks whether a task comes from a
folder, Label Studio, COCO, CoNLL or the edit form, with problems naming the record and field.

Media in records are stored as ``asset:<sha256>`` references, which the task types accept in a media
field as well as a path inside a task folder. Grading builds its :class:`~certify.tasks.TaskSpec`
with :func:`task_spec` too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

import certify.tasks as tasks
from certify.banks.assets import ASSET_PREFIX, ref_sha
from certify.banks.spec import (
    MAX_POINTS,
    REF,
    STATUSES,
    ItemData,
    Problem,
    guess_language,
    normal_decimal,
    parse_units,
)

MEDIA_FIELDS = ("image", "audio", "attachment")
#: task.yaml keys (docs/formats.md §3).
TASK_KEYS = ("ref", "type", "task_type", "title", "units", "difficulty", "points",
             "time_limit_minutes", "overtime", "instructions", "config", "metric", "policy",
             "rubric", "status", "author", "language", "explanation", "change_note", "sample")
DEFAULT_OVERTIME = {"allowed": False, "per_minute": 1, "stop_after_minutes": 5}


def _tasks():

    return tasks


def build_item(*, ref: str, task_type: str, title: str, units: list[str], records: list[dict],
               gold: Mapping[str, Any] | list[dict] | None = None, config: Any = None,
               instructions: str = "", difficulty: int = 3, points: Any = 100,
               time_limit_minutes: int = 20, overtime: Mapping[str, Any] | None = None,
               metric: str | None = None, policy: Any = None, rubric: list | None = None,
               explanation: str = "", language: str = "", status: str | None = None,
               author: str | None = None, change_note: str = "", source: str | None = None,
               media: dict | None = None, sample: Any = None) -> ItemData:
    """Assemble a practical :class:`ItemData` (content and key in the contract's shapes); without a
    ``language`` it is guessed from the title and instructions."""
    if isinstance(gold, list):
        gold = {str(line.get("id")): line for line in gold if isinstance(line, Mapping)}
    task = {
        "task_type": task_type, "title": title, "instructions": instructions,
        "config": config if config is not None else {}, "metric": metric, "policy": policy,
        "time_limit_minutes": time_limit_minutes,
        # Anything but a mapping is kept as given, for validate_practical to report.
        "overtime": (dict(overtime) if isinstance(overtime, Mapping)
                     else dict(DEFAULT_OVERTIME) if overtime is None else overtime),
        "records": records,
    }
    if sample is not None:  # how many records each candidate draws from the pool
        task["sample"] = sample
    key: dict[str, Any] = {"gold": dict(gold or {})}
    if rubric is not None:
        key["rubric"] = rubric
    try:
        points = normal_decimal(points)
    except Exception:  # reported by validate_practical
        points = Decimal(-1)
    # Through JSON once, so the item holds exactly what a JSON column will give back.
    content = json.loads(json.dumps({"task": task}, default=str))
    key = json.loads(json.dumps(key, default=str))
    return ItemData(ref=ref, type="practical", units=units, difficulty=difficulty, points=points,
                    stem="", content=content, key=key, explanation=explanation,
                    language=language or guess_language(title, instructions), status=status,
                    author=author, change_note=change_note,
                    source=source, media=dict(media or {}))


def task_spec(content: Mapping[str, Any], key: Mapping[str, Any]):
    """The :class:`certify.tasks.TaskSpec` of a practical version's ``content`` and ``key``."""
    return _tasks().TaskSpec.from_item(content, key)


def _problem(p, source: str | None, ref: str | None) -> Problem:
    files = {"records": "records.jsonl", "gold": "gold.jsonl"}
    return Problem(p.message, column=files.get(p.source, "task.yaml" if p.source != "response"
                                                else None),
                   ref=ref, record=p.record_id, field=p.field, source=source)


def validate_practical(data: ItemData) -> list[Problem]:
    """Every problem of a practical item: its metadata, and the task registry's checks."""
    found: list[Problem] = []

    def add(column: str, message: str) -> None:
        found.append(Problem(message, column=column, ref=data.ref, source=data.source))

    if not REF.match(data.ref or ""):
        add("ref", _('"%(ref)s" must be 3–64 letters, digits, ".", "_" or "-"', ref=data.ref))
    if not data.units:
        add("units", _("are required: at least one unit such as L4:2.1"))
    else:
        bad = parse_units("; ".join(data.units))[1]
        for message in bad:
            add("units", message)
    if not isinstance(data.difficulty, int) or isinstance(data.difficulty, bool) \
            or not 1 <= data.difficulty <= 5:
        add("difficulty", _("must be a whole number from 1 to 5, not %(value)s",
                            value=repr(data.difficulty)))
    if not (Decimal(0) < data.points <= MAX_POINTS):
        add("points", _("must be a positive number up to %(max)s", max=MAX_POINTS))
    if data.status is not None and data.status not in STATUSES:
        add("status", _("must be one of %(values)s, not %(value)s", values=", ".join(STATUSES),
                        value=repr(data.status)))
    task = (data.content or {}).get("task")
    if not isinstance(task, Mapping):
        add("task", _("is missing"))
        return found
    if not isinstance(task.get("title"), str) or not task["title"].strip():
        add("title", _("is required"))
    elif len(task["title"]) > 200:
        add("title", _("may be at most 200 characters long"))
    if not isinstance(task.get("instructions"), str):
        add("instructions", _("must be text (Markdown)"))
    limit = task.get("time_limit_minutes")
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= 600:
        add("time_limit_minutes", _("must be a whole number of minutes from 1 to 600, not "
                                    "%(value)s", value=repr(limit)))
    _check_overtime(task.get("overtime"), add)
    tasks = _tasks()
    spec = task_spec(data.content, data.key)
    for problem in tasks.validate_task(spec):
        found.append(_problem(problem, data.source, data.ref))
    if task.get("task_type") in tasks.task_types():
        task_type = tasks.get_task_type(task["task_type"])
        if not task_type.auto_scored and data.key.get("gold"):
            add("gold.jsonl", _("%(type)s tasks have no gold labels", type=task["task_type"]))
    for record in task.get("records") or []:
        if not isinstance(record, Mapping):
            continue
        for name in MEDIA_FIELDS:
            value = record.get(name)
            if isinstance(value, str) and value.startswith(ASSET_PREFIX) and not ref_sha(value):
                found.append(Problem(_('"%(value)s" is not a valid asset reference', value=value),
                                     column="records.jsonl", ref=data.ref,
                                     record=str(record.get("id")), field=name, source=data.source))
    return found


def _check_overtime(overtime: Any, add) -> None:  # type: ignore[no-untyped-def]
    if overtime is None:
        return
    if not isinstance(overtime, Mapping):
        add("overtime", _("must be a mapping such as {allowed: true, per_minute: 1, "
                          "stop_after_minutes: 5}"))
        return
    unknown = set(overtime) - {"allowed", "per_minute", "stop_after_minutes"}
    if unknown:
        add("overtime", _("has unknown keys: %(keys)s", keys=", ".join(sorted(map(str, unknown)))))
    if not isinstance(overtime.get("allowed", False), bool):
        add("overtime", _("allowed must be true or false"))
    per_minute = overtime.get("per_minute", 1)
    if not isinstance(per_minute, int | float) or isinstance(per_minute, bool) or per_minute < 0:
        add("overtime", _("per_minute must be a number of points ≥ 0"))
    stop = overtime.get("stop_after_minutes", 5)
    if not isinstance(stop, int) or isinstance(stop, bool) or stop < 0:
        add("overtime", _("stop_after_minutes must be a whole number ≥ 0"))


def gold_lines(key: Mapping[str, Any]) -> list[dict]:
    """The gold of a practical key as gold.jsonl lines, in the stored order."""
    gold = key.get("gold") or {}
    return list(gold.values()) if isinstance(gold, Mapping) else list(gold)


def media_refs(content: Mapping[str, Any]) -> set[str]:
    """The SHA-256 of every asset a practical task's records use."""
    task = (content or {}).get("task") or {}
    out = set()
    for record in task.get("records") or []:
        if isinstance(record, Mapping):
            for name in MEDIA_FIELDS:
                sha = ref_sha(record.get(name))
                if sha:
                    out.add(sha)
    return out
