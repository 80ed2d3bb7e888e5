"""Factories for tests across packages: a small syllabus, items, exams, sittings, attempts, answers.

They write straight to the database (no views, no assembly), in the shapes of docs/contracts.md, so
that grading or certificate tests need not go through the exam pages. Each returns the saved object.
"""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from certify.auth.models import User
from certify.banks.models import Item, ItemStatus, ItemType, ItemVersion, VersionStatus
from certify.clock import now_utc
from certify.db import db
from certify.exams import timing
from certify.exams.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Enrolment,
    ExamDefinition,
    Response,
    Sitting,
)
from certify.syllabus.models import Level, Occupation, Unit, Weight

_seq = itertools.count(1)


def make_syllabus(level_number: int = 4, codes: tuple[str, ...] = ("1.1", "1.2", "2.1", "2.2"),
                  components: tuple[str, ...] = ("theory", "skills")) -> Level:
    """A level with functions ``1``, ``2`` … and the given work contents, equally weighted."""
    occupation = db.session.query(Occupation).filter_by(code="4-04-05-05").one_or_none()
    if occupation is None:
        occupation = Occupation(code="4-04-05-05", name_en="Artificial Intelligence Trainer",
                                name_zh="人工智能训练师")
        db.session.add(occupation)
    level = Level(number=level_number, name_en=f"Level {level_number}",
                  name_zh=f"{level_number}级", required_components=list(components),
                  certificate_validity_years=2)
    occupation.levels.append(level)
    position = 0
    functions: dict[str, Unit] = {}
    for code in codes:
        top = code.split(".")[0]
        if top not in functions:
            functions[top] = Unit(code=top, kind="function", title_en=f"Function {top}",
                                  title_zh=f"职能{top}", position=position)
            level.units.append(functions[top])
            position += 1
        level.units.append(Unit(parent=functions[top], code=code, kind="work_content",
                                title_en=f"Work content {code}", title_zh=f"工作内容{code}",
                                position=position))
        position += 1
    db.session.flush()
    share = Decimal(100) / len(codes)
    for component in components:
        if component == "review":
            continue
        rows = [Decimal(round(share, 3)) for _ in codes]
        rows[-1] = Decimal(100) - sum(rows[:-1])
        for code, percent in zip(codes, rows, strict=True):
            level.weights.append(Weight(component=component, unit=level.unit_by_code(code),
                                        percent=percent))
    db.session.commit()
    return level


DEFAULTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "single": ({"options": [{"id": k, "text": f"Option {k}"} for k in "ABCD"], "shuffle": True},
               {"correct": "B"}),
    "multiple": ({"options": [{"id": k, "text": f"Option {k}"} for k in "ABCDE"], "shuffle": True,
                  "scoring": {"mode": "all_or_nothing", "penalty": 1.0}},
                 {"correct": ["A", "C"]}),
    "true_false": ({}, {"correct": True}),
    "fill_in": ({"blanks": 2, "scoring": {"mode": "partial"}},
                {"blanks": [{"accepted": ["precision", "查准率"], "case_sensitive": False},
                            {"numeric": 0.8, "tolerance": 0.005}]}),
    "short_answer": ({}, {"rubric": [
        {"points": 2, "checkpoint": "Names the metric", "standard": "2 if named"},
        {"points": 3, "checkpoint": "Explains the trade-off", "standard": "1 per point, max 3"}],
        "model_answer": "Precision and recall trade off against each other."}),
}


def make_item(type: str = "single", *, units: list[Unit] | None = None, author: User | None = None,
              status: str = "approved", points: float = 1, difficulty: int = 3,
              stem: str | None = None, content: dict[str, Any] | None = None,
              key: dict[str, Any] | None = None, ref: str | None = None,
              explanation: str = "", language: str = "en") -> Item:
    """An item with one version; ``status="approved"`` makes that version live."""
    n = next(_seq)
    default_content, default_key = DEFAULTS.get(type, ({}, {}))
    item = Item(ref=ref or f"T-{type}-{n:05d}", type=ItemType(type).value, author=author,
                status=ItemStatus(status).value, language=language)
    version = ItemVersion(
        number=1, stem=stem if stem is not None else f"Test question {n} ({type})?",
        content=content if content is not None else default_content,
        key=key if key is not None else default_key, points=Decimal(str(points)),
        difficulty=difficulty, explanation=explanation, created_by=author,
        status=VersionStatus.APPROVED.value if status in ("approved", "retired")
        else VersionStatus(status).value,
    )
    version.units = list(units or [])
    item.versions.append(version)
    db.session.add(item)
    db.session.flush()
    if status in ("approved", "retired"):
        item.live_version = version
        version.approved_dt = now_utc()
    db.session.commit()
    return item


def make_practical_item(task_type: str = "classification", *, records: list[dict] | None = None,
                        gold: dict[str, Any] | None = None, config: dict | None = None,
                        units: list[Unit] | None = None, points: float = 100,
                        rubric: list[dict] | None = None, time_limit_minutes: int = 20,
                        overtime: dict | None = None, metric: str | None = None,
                        policy: dict | None = None, author: User | None = None,
                        sample: dict | None = None) -> Item:
    """A practical task item; defaults to a 4-record sentiment classification."""
    if records is None:
        records = [{"id": f"r{i}", "text": text} for i, text in enumerate(
            ["好评，物流很快", "质量太差了", "一般般吧", "非常满意"], start=1)]
    if gold is None and task_type == "classification":
        gold = {"r1": {"id": "r1", "label": "positive"}, "r2": {"id": "r2", "label": "negative"},
                "r3": {"id": "r3", "label": "neutral"}, "r4": {"id": "r4", "label": "positive"}}
    if config is None:
        config = {"labels": ["positive", "negative", "neutral"]}
    task = {"task_type": task_type, "title": f"{task_type} task", "instructions": "Label each record.",
            "config": config, "metric": metric, "policy": policy,
            "time_limit_minutes": time_limit_minutes,
            "overtime": overtime or {"allowed": False, "per_minute": 1, "stop_after_minutes": 5},
            "records": records}
    if sample is not None:
        task["sample"] = sample
    key: dict[str, Any] = {"gold": gold or {}}
    if rubric is not None:
        key["rubric"] = rubric
    return make_item("practical", units=units, points=points, content={"task": task}, key=key,
                     stem="", author=author)


def make_exam(level: Level, *, component: str = "theory", duration_minutes: int = 60,
              pass_mark: float = 60, blueprint: dict | None = None,
              review_policy: str = "scores", title: str | None = None) -> ExamDefinition:
    exam = ExamDefinition(title=title or f"Level {level.number} {component}", level=level,
                          component=component, duration_minutes=duration_minutes,
                          pass_mark=Decimal(str(pass_mark)), blueprint=blueprint or {"rows": []},
                          review_policy=review_policy)
    db.session.add(exam)
    db.session.commit()
    return exam


def make_sitting(exam: ExamDefinition, *, opens: datetime | None = None,
                 closes: datetime | None = None, access_code: str | None = None,
                 title: str | None = None) -> Sitting:
    now = now_utc()
    sitting = Sitting(exam_id=exam.id, title=title or f"{exam.title} sitting",
                      opens_dt=opens or now - timedelta(hours=1),
                      closes_dt=closes or now + timedelta(hours=4), access_code=access_code)
    db.session.add(sitting)
    db.session.commit()
    return sitting


def enrol(sitting: Sitting, candidate: User, *, extra_time_pct: int = 0) -> Enrolment:
    enrolment = Enrolment(sitting_id=sitting.id, candidate_id=candidate.id,
                          extra_time_pct=extra_time_pct)
    db.session.add(enrolment)
    db.session.commit()
    return enrolment


def make_attempt(enrolment: Enrolment, items: list[Item], *, started: datetime | None = None,
                 seed: int = 1234) -> Attempt:
    """An in-progress attempt whose form is exactly ``items`` (their live versions), in order."""
    started = started or now_utc()
    exam = enrolment.sitting.exam
    attempt = Attempt(enrolment=enrolment, seed=seed, started_dt=started,
                      deadline_dt=timing.deadline(started, exam.duration_minutes,
                                                  enrolment.extra_time_pct),
                      script_number=f"S{secrets.randbelow(10**8):08d}",
                      state=AttemptState.IN_PROGRESS.value)
    db.session.add(attempt)
    for position, item in enumerate(items, start=1):
        version = item.live_version or item.head
        order = [o["id"] for o in version.content.get("options", [])] or None
        attempt.items.append(AttemptItem(position=position, version=version, option_order=order,
                                         points=version.points))
    db.session.add(attempt)
    db.session.commit()
    return attempt


def answer(attempt: Attempt, position: int, value: Any, *, record: str = "",
           seq: int | None = None) -> Response:
    """Store an answer as the autosave endpoint would."""
    attempt_item = attempt.items[position - 1]
    seq = seq if seq is not None else attempt.last_seq + 1
    attempt.last_seq = max(attempt.last_seq, seq)
    response = Response(attempt_id=attempt.id, attempt_item=attempt_item, record_key=record,
                        value=value, seq=seq)
    db.session.add(response)
    attempt_item.last_saved_dt = now_utc()
    db.session.commit()
    return response


def submit(attempt: Attempt, *, when: datetime | None = None, reason: str = "candidate") -> Attempt:
    """Mark the attempt submitted (without the exams operation or its signal)."""
    attempt.state = AttemptState.SUBMITTED.value
    attempt.submitted_dt = when or now_utc()
    attempt.submit_reason = reason
    db.session.commit()
    return attempt
