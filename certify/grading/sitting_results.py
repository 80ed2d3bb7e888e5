"""A sitting's results as administrators read them: a line per enrolled candidate, the results
table (page and CSV/XLSX exports from one definition), counts for panels, a result's items and
history.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from certify.banks.models import Item, ItemVersion
from certify.db import db
from certify.exams.models import Attempt, AttemptItem, AttemptState, Enrolment, Sitting
from certify.grading import marking
from certify.grading.display import metric_lines
from certify.grading.models import Result
from certify.grading.publication import sitting_attempts
from certify.grading.results import scored_version
from certify.tables import Column, Table


@dataclass
class SittingLine:
    """One enrolled candidate of a sitting, for the administrators."""

    enrolment: Enrolment
    attempt: Attempt | None
    result: Result | None

    @property
    def state(self) -> str:
        if self.attempt is None:
            return "absent"
        if self.attempt.state != AttemptState.SUBMITTED.value:
            return self.attempt.state
        if self.result is None:
            return "ungraded"
        return self.result.status


STATE_LABELS = {
    "absent": _l("Not started"),
    "in_progress": _l("In progress"),
    "voided": _l("Voided"),
    "ungraded": _l("Not graded"),
    "awaiting_marking": _l("Being marked"),
    "complete": _l("Marked"),
}


def sitting_lines(sitting: Sitting) -> list[SittingLine]:
    enrolments = sorted(db.session.scalars(
        sa.select(Enrolment).where(Enrolment.sitting_id == sitting.id)
        .options(selectinload(Enrolment.candidate))), key=lambda e: (e.candidate.name, e.id))
    attempts = {a.enrolment_id: a for a in sitting_attempts(sitting)}
    results = {r.attempt_id: r for r in db.session.scalars(
        sa.select(Result).where(Result.attempt_id.in_([a.id for a in attempts.values()])))}
    return [SittingLine(e, attempts.get(e.id),
                        results.get(attempts[e.id].id) if e.id in attempts else None)
            for e in enrolments]


def pass_text(passed: bool | None) -> str:
    if passed is None:
        return ""
    return str(_l("Pass")) if passed else str(_l("Fail"))


def sitting_results_table(sitting: Sitting) -> Table:
    """The results of a sitting as the administrators' page and its exports show them."""
    table = Table([
        Column("script", _("Script")),
        Column("candidate", _("Candidate")),
        Column("candidate_number", _("Candidate ID")),
        Column("state", _("State")),
        Column("points", _("Points"), "number", 2),
        Column("max_points", _("Of"), "number", 2),
        Column("score", _("Score"), "number", 2),
        Column("result", _("Result")),
        Column("revision", _("Revision"), "number", 0),
    ])
    for line in sitting_lines(sitting):
        result = line.result if line.state in ("awaiting_marking", "complete") else None
        table.rows.append({
            "attempt_id": line.attempt.id if line.attempt else None,
            "script": line.attempt.script_number if line.attempt else "",
            "candidate": line.enrolment.candidate.name,
            "candidate_number": line.enrolment.candidate.candidate_id or "",
            "state": str(STATE_LABELS[line.state]),
            "points": result.points if result else None,
            "max_points": result.max_points if result else None,
            "score": result.score if result else None,
            "result": pass_text(result.passed) if result else "",
            "revision": result.revision if result else None,
        })
    return table


def sitting_summary(sitting: Sitting) -> dict[str, Any]:
    """Counts for a sitting's page and panels: enrolled, submitted, marked, passed."""
    lines = sitting_lines(sitting)
    complete = [line.result for line in lines if line.state == "complete"]
    return {
        "enrolled": len(lines),
        "submitted": sum(line.state in ("ungraded", "awaiting_marking", "complete")
                         for line in lines),
        "awaiting": sum(line.state == "awaiting_marking" for line in lines),
        "ungraded": sum(line.state == "ungraded" for line in lines),
        "complete": len(complete),
        "passed": sum(bool(r.passed) for r in complete),
        "mean": (sum((r.score for r in complete), Decimal(0)) / len(complete)) if complete
        else None,
    }


def sittings_with_attempts() -> list[Sitting]:
    """Sittings that have at least one attempt, newest first."""
    ids = sa.select(Enrolment.sitting_id).join(Attempt, Attempt.enrolment_id == Enrolment.id)
    return list(db.session.scalars(sa.select(Sitting).where(Sitting.id.in_(ids))
                                   .order_by(Sitting.opens_dt.desc(), Sitting.id.desc())))


def result_history(result: Result) -> list[dict[str, Any]]:
    """The result's earlier states, newest first, with who changed them and why."""
    return [{"revision": r.revision, "created_dt": r.created_dt, "actor": r.actor,
             "reason": r.reason, "score": r.snapshot.get("score"),
             "passed": r.snapshot.get("passed"), "status": r.snapshot.get("status"),
             "regrade_id": r.regrade_id}
            for r in sorted(result.revisions, key=lambda r: r.revision, reverse=True)]


def sitting_items(sitting: Sitting) -> list[tuple[Item, str]]:
    """The items on the forms of a sitting's attempts, by reference, with a short title."""
    versions = db.session.scalars(
        sa.select(ItemVersion).where(ItemVersion.id.in_(
            sa.select(AttemptItem.item_version_id).join(Attempt).join(Enrolment)
            .where(Enrolment.sitting_id == sitting.id))))
    items: dict[int, tuple[Item, str]] = {}
    for version in versions:
        items.setdefault(version.item_id, (version.item, marking.item_title(version)))
    return sorted(items.values(), key=lambda pair: pair[0].ref)


@dataclass
class ItemLine:
    """One item of a result, for the administrators (with the markers' names)."""

    position: int
    ref: str
    item_type: str
    shown_version: int
    scored_version: int
    points: Decimal | None
    max_points: Decimal
    metrics: list[tuple[str, str]]
    overtime_minutes: int
    deduction: Decimal
    marks: list[Any]
    marking: dict[str, Any]


def result_items(result: Result) -> list[ItemLine]:
    lines = []
    for score in sorted(result.item_scores, key=lambda s: s.attempt_item.position):
        attempt_item = score.attempt_item
        version = scored_version(score, attempt_item)
        marks = sorted(marking.marks_of(attempt_item.id).values(),
                       key=lambda m: ["first", "second", "adjudicator"].index(m.role))
        lines.append(ItemLine(
            attempt_item.position, version.item.ref, version.item.type,
            attempt_item.version.number, version.number, score.points, score.max_points,
            metric_lines(score.metrics or {}, (score.detail or {}).get("metric")),
            score.overtime_minutes, score.deduction, marks,
            dict((score.detail or {}).get("marking") or {})))
    return lines
