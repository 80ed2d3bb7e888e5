"""Rubric marking: the examiners' queue, blind marking, double marking and adjudication.

Short answers and rubric practical tasks wait for examiners (``ItemScore.needs_marking``). An
examiner marks each checkpoint of the item's rubric (points between 0 and the checkpoint's points,
with an optional comment) and may add an overall comment.

- **Blind:** markers see the attempt's script number, never the candidate's name or ID.
- **Never their own:** an examiner who is also a candidate never sees their own attempt in the
  queue, and cannot open it (404).
- **Single marking** (the default): the first mark is final.
- **Double marking** (per sitting, :class:`MarkingPlan`; defaults ``GRADING_DOUBLE_MARKING`` and
  ``GRADING_ADJUDICATION_THRESHOLD``): a second examiner marks independently (neither sees the
  other's mark). When the two totals differ by more than the threshold — a percentage of the
  item's rubric points — a third examiner adjudicates: they see both marks, and their total is
  final. Otherwise the final total is the mean of the two. One examiner gives at most one mark per
  script item, so nobody is both first and second marker, or adjudicates their own disagreement.
- The role of a mark (first, second, adjudicator) is decided when it is saved, so two examiners
  who open the same script at the same time both keep their work when a second mark is wanted.
- An examiner may revise their own mark until the sitting's results are published; a result that
  was complete keeps its earlier state as a revision.
- The plan of a sitting can change only until its first mark is given.

The final rubric total maps to item points proportionally (a rubric practical task's overtime
deduction is applied to its task score first; see :mod:`certify.grading.autoscore`).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from certify.audit import audit
from certify.auth.models import User
from certify.banks.markup import render_markdown
from certify.banks.models import Item, ItemVersion
from certify.clock import now_utc
from certify.db import db
from certify.exams.models import Attempt, AttemptItem, AttemptState, Enrolment, Sitting
from certify.grading import pass_rules
from certify.grading.autoscore import (
    q3,
    rubric_max,
    rubric_to_item,
    rubric_to_task_score,
    task_to_item,
)
from certify.grading.display import points_text
from certify.grading.models import ItemScore, Mark, MarkingPlan, MarkRole, Result, ResultStatus
from certify.grading.results import (
    GradingError,
    record_revision,
    refresh,
    saved_answers,
    scored_version,
)

#: Markdown emphasis, code and heading marks, dropped from titles.
MARKUP = re.compile(r"\*\*|__|`|^#+\s*|\[\[\d+\]\]", re.MULTILINE)


class MarkingNotFound(GradingError):
    """The script does not exist for this examiner (their own, or not one they may mark)."""


@dataclass(frozen=True)
class Plan:
    """A sitting's marking plan (stored, or the app defaults)."""

    double_marking: bool
    #: percent of the item's rubric points
    threshold: Decimal
    stored: bool = False


def default_plan() -> Plan:
    config = current_app.config
    return Plan(bool(config["GRADING_DOUBLE_MARKING"]),
                Decimal(str(config["GRADING_ADJUDICATION_THRESHOLD"])))


def plan_for(sitting_id: int) -> Plan:
    row = db.session.scalar(sa.select(MarkingPlan).where(MarkingPlan.sitting_id == sitting_id))
    if row is None:
        return default_plan()
    return Plan(row.double_marking, Decimal(row.adjudication_threshold), stored=True)


def _sitting_marks(sitting_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Mark.id)).join(AttemptItem, Mark.attempt_item_id == AttemptItem.id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(Enrolment, Attempt.enrolment_id == Enrolment.id)
        .where(Enrolment.sitting_id == sitting_id)) or 0


def set_plan(sitting: Sitting, *, double_marking: bool, threshold: Decimal,
             actor: User) -> MarkingPlan:
    """Choose single or double marking for a sitting (only before its first mark).

    :raise GradingError: results are published, marking has begun, or the threshold is not a
        percentage.
    """
    if sitting.results_published:
        raise GradingError(_("The results of this sitting are published; its marking plan can no "
                             "longer change."))
    if _sitting_marks(sitting.id):
        raise GradingError(_("Marking of this sitting has begun; its marking plan can no longer "
                             "change."))
    if not Decimal(0) <= threshold <= Decimal(100):
        raise GradingError(_("The adjudication threshold must be between 0 and 100 percent."))
    row = db.session.scalar(sa.select(MarkingPlan).where(MarkingPlan.sitting_id == sitting.id))
    if row is None:
        row = MarkingPlan(sitting_id=sitting.id)
        db.session.add(row)
    row.double_marking = double_marking
    row.adjudication_threshold = threshold
    row.updated_dt = now_utc()
    row.updated_by_id = actor.id
    audit("grading.marking_plan_set", sitting, actor=actor, double_marking=double_marking,
          threshold=str(threshold))
    return row


# The rules ---------------------------------------------------------------------------------------

def disagree(first: Decimal, second: Decimal, maximum: Decimal, threshold: Decimal) -> bool:
    """Whether two totals differ by more than ``threshold`` percent of ``maximum``."""
    return abs(first - second) > maximum * threshold / 100


def needed_role(marks: dict[str, Mark], plan: Plan, maximum: Decimal) -> MarkRole | None:
    """The role the next mark of a script item takes, or ``None`` when it needs no more marks."""
    if MarkRole.ADJUDICATOR in marks:
        return None
    if MarkRole.FIRST not in marks:
        return MarkRole.FIRST
    if not plan.double_marking:
        return None
    if MarkRole.SECOND not in marks:
        return MarkRole.SECOND
    if disagree(marks[MarkRole.FIRST].total, marks[MarkRole.SECOND].total, maximum,
                plan.threshold):
        return MarkRole.ADJUDICATOR
    return None


def final_total(marks: dict[str, Mark], plan: Plan,
                maximum: Decimal) -> tuple[Decimal | None, str | None]:
    """The final rubric total and how it was reached (``single``, ``mean``, ``adjudicated``)."""
    if MarkRole.ADJUDICATOR in marks:
        return Decimal(marks[MarkRole.ADJUDICATOR].total), "adjudicated"
    if needed_role(marks, plan, maximum) is not None:
        return None, None
    first = Decimal(marks[MarkRole.FIRST].total)
    if MarkRole.SECOND not in marks:
        return first, "single"
    return q3((first + Decimal(marks[MarkRole.SECOND].total)) / 2), "mean"


def marks_of(attempt_item_id: int) -> dict[str, Mark]:
    rows = db.session.scalars(sa.select(Mark).where(Mark.attempt_item_id == attempt_item_id))
    return {MarkRole(m.role): m for m in rows}


def is_rubric_marked(item_score: ItemScore) -> bool:
    return "rubric_max" in (item_score.detail or {})


def settle(item_score: ItemScore, plan: Plan) -> None:
    """Apply the marks given so far to a rubric item's score (final, or still waiting)."""
    attempt_item = item_score.attempt_item
    version = scored_version(item_score, attempt_item)
    maximum = rubric_max((version.key or {}).get("rubric"))
    marks = marks_of(attempt_item.id)
    total, rule = final_total(marks, plan, maximum)
    waiting = needed_role(marks, plan, maximum)
    detail = dict(item_score.detail or {})
    detail["marking"] = {"marks": len(marks), "final": None if total is None else str(total),
                         "rule": rule, "awaiting": waiting.value if waiting else None}
    metrics: dict[str, Any] = {}
    deduction = Decimal(0)
    if total is None:
        points = None
    elif version.item.type == "practical":
        task_score = rubric_to_task_score(total, maximum)
        charged = float((detail.get("overtime") or {}).get("deduction") or 0)
        points, deduction = task_to_item(task_score, charged, attempt_item.points)
        metrics = {"rubric_total": float(total), "rubric_max": float(maximum),
                   "task_score": round(max(0.0, task_score - charged), 3)}
    else:
        points = rubric_to_item(total, maximum, attempt_item.points)
    item_score.detail = detail
    item_score.metrics = metrics
    item_score.points = points
    item_score.deduction = deduction
    item_score.needs_marking = total is None


# The queue ---------------------------------------------------------------------------------------

@dataclass
class QueueEntry:
    """Scripts of one item in one sitting that an examiner may mark now."""

    sitting: Sitting
    item: Item
    title: str
    by_role: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def total(self) -> int:
        return sum(self.by_role.values())


def item_title(version: ItemVersion) -> str:
    """A short title for an item: a task's title, else the start of the stem (as plain text)."""
    task = (version.content or {}).get("task") or {}
    text = task.get("title") or version.stem or version.item.ref
    text = " ".join(MARKUP.sub("", str(text)).split())
    return text if len(text) <= 80 else text[:79] + "…"


def _open_scripts(examiner: User, sitting_id: int | None = None,
                  item_id: int | None = None) -> list[tuple[ItemScore, MarkRole, Plan]]:
    """Script items waiting for a mark this examiner may give, with the role it would take."""
    query = (
        sa.select(ItemScore)
        .join(AttemptItem, ItemScore.attempt_item_id == AttemptItem.id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(Enrolment, Attempt.enrolment_id == Enrolment.id)
        .where(ItemScore.needs_marking.is_(True),
               Attempt.state == AttemptState.SUBMITTED.value,
               Enrolment.candidate_id != examiner.id,
               ~sa.exists().where(Mark.attempt_item_id == AttemptItem.id,
                                  Mark.examiner_id == examiner.id))
    )
    if sitting_id is not None:
        query = query.where(Enrolment.sitting_id == sitting_id)
    plans: dict[int, Plan] = {}
    out = []
    for score in db.session.scalars(query):
        version = scored_version(score, score.attempt_item)
        if item_id is not None and version.item_id != item_id:
            continue
        sid = score.attempt_item.attempt.enrolment.sitting_id
        plan = plans.setdefault(sid, plan_for(sid))
        maximum = rubric_max((version.key or {}).get("rubric"))
        role = needed_role(marks_of(score.attempt_item_id), plan, maximum)
        if role is not None:
            out.append((score, role, plan))
    return out


def queue(examiner: User) -> list[QueueEntry]:
    """What ``examiner`` may mark now, grouped by sitting and item."""
    groups: dict[tuple[int, int], QueueEntry] = {}
    for score, role, _plan in _open_scripts(examiner):
        version = scored_version(score, score.attempt_item)
        sitting = score.attempt_item.attempt.enrolment.sitting
        entry = groups.get((sitting.id, version.item_id))
        if entry is None:
            entry = groups[(sitting.id, version.item_id)] = QueueEntry(
                sitting, version.item, item_title(version))
        entry.by_role[role.value] += 1
    return sorted(groups.values(), key=lambda e: (e.sitting.opens_dt, e.sitting.id, e.item.ref))


def next_script(examiner: User, sitting_id: int, item_id: int) -> int | None:
    """The attempt item ``examiner`` should mark next for an item of a sitting, or ``None``.

    Adjudications come first, then second marks, then first marks; within those an order of the
    examiner's own (a hash), so examiners marking the same item side by side rarely collide.
    """
    rank = {MarkRole.ADJUDICATOR: 0, MarkRole.SECOND: 1, MarkRole.FIRST: 2}
    scripts = _open_scripts(examiner, sitting_id, item_id)
    if not scripts:
        return None

    def order(entry: tuple[ItemScore, MarkRole, Plan]) -> tuple[int, str]:
        digest = hashlib.sha256(f"{examiner.id}:{entry[0].attempt_item_id}".encode()).hexdigest()
        return rank[entry[1]], digest

    return min(scripts, key=order)[0].attempt_item_id


def own_recent_marks(examiner: User, limit: int = 20) -> list[Mark]:
    """The examiner's latest marks in sittings not yet published (they may still revise them)."""
    return list(db.session.scalars(
        sa.select(Mark).join(AttemptItem, Mark.attempt_item_id == AttemptItem.id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(Enrolment, Attempt.enrolment_id == Enrolment.id)
        .join(Sitting, Enrolment.sitting_id == Sitting.id)
        .where(Mark.examiner_id == examiner.id, Sitting.results_published_dt.is_(None))
        .order_by(sa.func.coalesce(Mark.updated_dt, Mark.created_dt).desc(), Mark.id.desc())
        .limit(limit)))


# Marking one script item ---------------------------------------------------------------------------

@dataclass
class MarkingTask:
    """Everything a marker sees for one script item (and nothing about the candidate)."""

    attempt_item: AttemptItem
    item_score: ItemScore
    version: ItemVersion
    script_number: str
    sitting: Sitting
    plan: Plan
    rubric: list[dict[str, Any]]
    rubric_max: Decimal
    #: the role a new mark takes; ``None`` when the examiner revises their own mark
    role: MarkRole | None
    own: Mark | None
    #: the other marks, shown to an adjudicator only (without the markers' names)
    earlier: list[Mark]
    #: a short answer's text, or a task's records with the candidate's answer to each
    answer: Any
    records: list[dict[str, Any]]

    @property
    def no_answer(self) -> bool:
        """Nothing was answered: no text, no table cell, in any record (issue 12 §10)."""
        values = [r["value"] for r in self.records if not r["ignored"]] if self.records else [self.answer]
        return not any(_answered(v) for v in values)


def _answered(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(_answered(v) for v in value)
    return value is not None


def marking_task(examiner: User, attempt_item_id: int) -> MarkingTask:
    """What ``examiner`` needs to mark a script item.

    :raise MarkingNotFound: no such rubric item, or the examiner's own attempt.
    :raise GradingError: it needs no further mark from this examiner (someone finished it), or
        the results are published.
    """
    attempt_item = db.session.get(AttemptItem, attempt_item_id)
    if attempt_item is None:
        raise MarkingNotFound(_("There is no such script."))
    attempt = attempt_item.attempt
    item_score = db.session.scalar(sa.select(ItemScore).where(
        ItemScore.attempt_item_id == attempt_item.id))
    if (attempt.state != AttemptState.SUBMITTED.value or item_score is None
            or not is_rubric_marked(item_score)
            or attempt.enrolment.candidate_id == examiner.id):
        raise MarkingNotFound(_("There is no such script."))
    sitting = attempt.enrolment.sitting
    plan = plan_for(sitting.id)
    version = scored_version(item_score, attempt_item)
    rubric = list((version.key or {}).get("rubric") or [])
    maximum = rubric_max(rubric)
    marks = marks_of(attempt_item.id)
    own = next((m for m in marks.values() if m.examiner_id == examiner.id), None)
    role = None
    if own is None:
        role = needed_role(marks, plan, maximum)
        if role is None:
            raise GradingError(_("Script %(script)s needs no further mark.",
                                 script=attempt.script_number))
    if sitting.results_published:
        raise GradingError(_("The results of this sitting are published; marks can no longer "
                             "change."))
    earlier = ([marks[r] for r in (MarkRole.FIRST, MarkRole.SECOND) if r in marks]
               if (role == MarkRole.ADJUDICATOR or (own and own.role == MarkRole.ADJUDICATOR))
               else [])
    answers = saved_answers(attempt_item)
    ignored = set((item_score.detail or {}).get("ignored_records") or [])
    answer = next((a.value for a in answers if a.record == ""), None)
    by_record = {a.record: a.value for a in answers if a.record}
    task = (version.content or {}).get("task") or {}
    # The task material (the scenario) is bank Markdown: rendered and sanitised, apart from the
    # candidate's answer (issue 12 §10).
    records = [{"record": record, "value": by_record.get(record.get("id")),
                "ignored": record.get("id") in ignored,
                "scenario_html": {name: render_markdown(record[name]) for name in ("prompt", "text")
                                  if isinstance(record.get(name), str) and record[name].strip()}}
               for record in task.get("records") or []
               if attempt_item.sample is None or record.get("id") in attempt_item.sample]
    return MarkingTask(attempt_item, item_score, version, attempt.script_number, sitting, plan,
                       rubric, maximum, role, own, earlier, answer, records)


def _checked_checkpoints(task: MarkingTask, points: list[Any], comments: list[str]
                         ) -> list[dict[str, Any]]:
    problems = []
    rows = []
    if len(points) != len(task.rubric):
        raise GradingError(_("Give points for each of the %(n)s checkpoints.",
                             n=len(task.rubric)))
    for index, (checkpoint, value, note) in enumerate(zip(task.rubric, points, comments,
                                                          strict=True), start=1):
        maximum = Decimal(str(checkpoint.get("points", 0)))
        try:
            given = Decimal(str(value))
        except (InvalidOperation, ValueError):
            given = None
        if given is None or not given.is_finite():
            problems.append(_("Checkpoint %(n)s: enter a number of points.", n=index))
        elif given < 0 or given > maximum:
            problems.append(_("Checkpoint %(n)s: give between 0 and %(max)s points.", n=index,
                              max=points_text(maximum)))
        else:
            rows.append({"checkpoint": index - 1, "points": str(q3(given)),
                         "comment": (note or "").strip()})
    if problems:
        raise GradingError(" ".join(problems))
    return rows


def submit_mark(examiner: User, attempt_item_id: int, points: list[Any], comments: list[str],
                comment: str = "") -> Mark:
    """Save ``examiner``'s mark of a script item (or revise their earlier one).

    :param points: points per rubric checkpoint, in rubric order.
    :param comments: a comment per checkpoint (may be empty), in rubric order.
    :raise MarkingNotFound: see :func:`marking_task`.
    :raise GradingError: a checkpoint's points are out of range (nothing is saved), or the script
        needs no further mark.
    """
    for attempt in range(2):
        task = marking_task(examiner, attempt_item_id)
        rows = _checked_checkpoints(task, points, comments)
        total = q3(sum((Decimal(r["points"]) for r in rows), Decimal(0)))
        result: Result = task.item_score.result
        if task.own is not None:
            if result.status == ResultStatus.COMPLETE.value:
                # A complete result is about to change: keep its present state.
                record_revision(result, actor=examiner, reason=_("Mark revised by an examiner."))
            mark = task.own
            before = str(mark.total)
            mark.checkpoints, mark.total, mark.comment = rows, total, comment.strip()
            mark.updated_dt = now_utc()
            db.session.flush()
            audit("grading.mark_revised", mark, actor=examiner, role=mark.role,
                  script=task.script_number, attempt_item_id=attempt_item_id, before=before,
                  after=str(total))
            break
        mark = Mark(attempt_item_id=attempt_item_id, examiner_id=examiner.id,
                    role=task.role.value, checkpoints=rows, total=total, comment=comment.strip())
        savepoint = db.session.begin_nested()
        try:
            db.session.add(mark)
            db.session.flush()
        except IntegrityError:
            # Another examiner took this role a moment ago: look again (a second mark may be
            # wanted now, which this one can be).
            savepoint.rollback()
            if attempt:
                raise GradingError(_("Another examiner marked script %(script)s at the same "
                                     "time; your mark was not saved.",
                                     script=task.script_number)) from None
            continue
        savepoint.commit()
        audit("grading.marked", mark, actor=examiner, role=mark.role, script=task.script_number,
              attempt_item_id=attempt_item_id, total=str(total))
        break
    settle(task.item_score, task.plan)
    refresh(result)
    pass_rules.notify(pass_rules.apply(result))
    return mark


def mark_no_answer(examiner: User, attempt_item_id: int) -> Mark:
    """Mark a script that has no answer at all 0 on every checkpoint, in one action (issue 12
    §10), as the mark the script needs from ``examiner`` (first, second or adjudicator: blind and
    double marking work as for any mark), audited as such.

    :raise GradingError: the script has an answer (it must be marked checkpoint by checkpoint).
    :raise MarkingNotFound: see :func:`marking_task`.
    """
    task = marking_task(examiner, attempt_item_id)
    if not task.no_answer:
        raise GradingError(_("Script %(script)s has an answer: mark it checkpoint by checkpoint.",
                             script=task.script_number))
    zeros = ["0"] * len(task.rubric)
    mark = submit_mark(examiner, attempt_item_id, zeros, [""] * len(task.rubric),
                       _("No answer: marked 0."))
    audit("grading.marked_no_answer", mark, actor=examiner, role=mark.role,
          script=task.script_number, attempt_item_id=attempt_item_id)
    return mark


# Progress ----------------------------------------------------------------------------------------

@dataclass
class ProgressRow:
    """Marking progress of one rubric item in a sitting."""

    item: Item
    title: str
    scripts: int = 0
    first_done: int = 0
    second_needed: int = 0
    second_done: int = 0
    adjudication_needed: int = 0
    adjudication_done: int = 0
    settled: int = 0

    @property
    def to_mark(self) -> int:
        return ((self.scripts - self.first_done) + (self.second_needed - self.second_done)
                + (self.adjudication_needed - self.adjudication_done))


def progress(sitting: Sitting) -> tuple[Plan, list[ProgressRow]]:
    """Per rubric item of a sitting: scripts, marks given, marks still wanted, scripts settled."""
    plan = plan_for(sitting.id)
    scores = db.session.scalars(
        sa.select(ItemScore).join(AttemptItem, ItemScore.attempt_item_id == AttemptItem.id)
        .join(Attempt, AttemptItem.attempt_id == Attempt.id)
        .join(Enrolment, Attempt.enrolment_id == Enrolment.id)
        .where(Enrolment.sitting_id == sitting.id,
               Attempt.state == AttemptState.SUBMITTED.value))
    rows: dict[int, ProgressRow] = {}
    for score in scores:
        if not is_rubric_marked(score):
            continue
        version = scored_version(score, score.attempt_item)
        row = rows.get(version.item_id)
        if row is None:
            row = rows[version.item_id] = ProgressRow(version.item, item_title(version))
        marks = marks_of(score.attempt_item_id)
        maximum = rubric_max((version.key or {}).get("rubric"))
        row.scripts += 1
        row.first_done += MarkRole.FIRST in marks
        if plan.double_marking or MarkRole.SECOND in marks:
            row.second_needed += 1
            row.second_done += MarkRole.SECOND in marks
        adjudicate = (MarkRole.ADJUDICATOR in marks or (
            MarkRole.FIRST in marks and MarkRole.SECOND in marks
            and disagree(marks[MarkRole.FIRST].total, marks[MarkRole.SECOND].total, maximum,
                         plan.threshold)))
        row.adjudication_needed += adjudicate
        row.adjudication_done += MarkRole.ADJUDICATOR in marks
        row.settled += not score.needs_marking
    return plan, sorted(rows.values(), key=lambda r: r.item.ref)
