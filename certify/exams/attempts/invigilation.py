"""Invigilation: the live list of a sitting's candidates, adding time, voiding an attempt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from certify.audit import audit
from certify.auth.models import User
from certify.banks.models import Item, ItemVersion
from certify.clock import now_utc
from certify.db import db
from certify.exams import timing
from certify.exams.attempts import IN_PROGRESS, AttemptError, task_clock
from certify.exams.attempts.expiry import announce, ensure_current, expire_overdue
from certify.exams.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Enrolment,
    LateAnswer,
    LateAnswerStatus,
    Response,
    Sitting,
)
from certify.exams.signals import attempt_voided

#: Minutes an invigilator may add at once.
MAX_ADDED_MINUTES = 240


@dataclass
class InvigilatorRow:
    """One enrolled candidate in the invigilator's live list."""

    enrolment: Enrolment
    attempt: Attempt | None
    status: str  # not_started | in_progress | submitted | voided
    answered: int = 0
    total: int = 0
    remaining_seconds: float | None = None
    last_saved: datetime | None = None
    #: Answers delivered after the submission, waiting for the invigilator's decision.
    late_pending: int = 0
    #: Skills tasks' own clocks: ``(position, task_clock.describe(…))`` in form order.
    task_clocks: list[tuple[int, dict]] = field(default_factory=list)


def sitting_rows(sitting: Sitting) -> list[InvigilatorRow]:
    """The live state of every enrolled candidate (overdue attempts are submitted first)."""
    expire_overdue(sitting_id=sitting.id)
    enrolments = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.sitting_id == sitting.id)
        .options(selectinload(Enrolment.candidate), selectinload(Enrolment.attempt))).all()
    ids = [e.attempt.id for e in enrolments if e.attempt is not None]
    answered: dict[int, int] = {}
    totals: dict[int, int] = {}
    last: dict[int, datetime] = {}
    late: dict[int, int] = {}
    if ids:
        late = dict(db.session.execute(
            sa.select(LateAnswer.attempt_id, sa.func.count())
            .where(LateAnswer.attempt_id.in_(ids),
                   LateAnswer.status == LateAnswerStatus.PENDING.value)
            .group_by(LateAnswer.attempt_id)).all())
        answered = dict(db.session.execute(
            sa.select(Response.attempt_id, sa.func.count(sa.distinct(Response.attempt_item_id)))
            .where(Response.attempt_id.in_(ids), Response.answered.is_(True))
            .group_by(Response.attempt_id)).all())
        totals = dict(db.session.execute(
            sa.select(AttemptItem.attempt_id, sa.func.count()).where(AttemptItem.attempt_id.in_(ids))
            .group_by(AttemptItem.attempt_id)).all())
        last = dict(db.session.execute(
            sa.select(Response.attempt_id, sa.func.max(Response.saved_dt))
            .where(Response.attempt_id.in_(ids)).group_by(Response.attempt_id)).all())
    now = now_utc()
    clocks = _task_clocks([e.attempt.id for e in enrolments
                           if e.attempt is not None and e.attempt.state == IN_PROGRESS], now)
    rows = []
    for enrolment in sorted(enrolments, key=lambda e: e.candidate.name):
        attempt = enrolment.attempt
        if attempt is None:
            rows.append(InvigilatorRow(enrolment, None, "not_started"))
            continue
        status = {IN_PROGRESS: "in_progress", AttemptState.SUBMITTED.value: "submitted",
                  AttemptState.VOIDED.value: "voided"}[attempt.state]
        saved = last.get(attempt.id)
        rows.append(InvigilatorRow(
            enrolment, attempt, status, answered.get(attempt.id, 0), totals.get(attempt.id, 0),
            timing.remaining_seconds(now, attempt.deadline_dt) if status == "in_progress" else None,
            saved, late.get(attempt.id, 0), clocks.get(attempt.id, [])))
    return rows


def _task_clocks(attempt_ids: list[int], now: datetime) -> dict[int, list[tuple[int, dict]]]:
    """The timed skills tasks of these attempts with their clocks (two queries in all)."""
    if not attempt_ids:
        return {}
    rows = db.session.execute(
        sa.select(AttemptItem.attempt_id, AttemptItem.position, AttemptItem.started_dt,
                  AttemptItem.item_version_id)
        .join(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(AttemptItem.attempt_id.in_(attempt_ids), Item.type == "practical")
        .order_by(AttemptItem.attempt_id, AttemptItem.position)).all()
    rules = {version_id: task_clock.rule_of(content) for version_id, content in db.session.execute(
        sa.select(ItemVersion.id, ItemVersion.content)
        .where(ItemVersion.id.in_({row.item_version_id for row in rows})))}
    out: dict[int, list[tuple[int, dict]]] = {}
    for row in rows:
        rule = rules.get(row.item_version_id)
        if rule is not None:
            out.setdefault(row.attempt_id, []).append(
                (row.position, task_clock.describe(rule, row.started_dt, now)))
    return out


def sitting_attempt(sitting: Sitting, attempt_id: int) -> Attempt | None:
    """An attempt of this sitting (``None`` if it belongs to another)."""
    return db.session.scalar(sa.select(Attempt).join(Enrolment).where(
        Attempt.id == attempt_id, Enrolment.sitting_id == sitting.id))


def add_time(attempt: Attempt, minutes: int, reason: str, *, actor: User) -> None:
    """Move an in-progress attempt's deadline later by ``minutes`` (audited).

    :raise AttemptError: the attempt is no longer in progress, or the minutes are out of range.
    """
    if not 1 <= minutes <= MAX_ADDED_MINUTES:
        raise AttemptError(_("Add between 1 and %(max)s minutes.", max=MAX_ADDED_MINUTES),
                           status=422)
    if not reason.strip():
        raise AttemptError(_("Give a reason: it goes into the audit log."), status=422)
    ensure_current(attempt)
    # Lock the row: a save, a submission or another invigilator may be at it right now.
    locked = db.session.scalar(sa.select(Attempt).where(Attempt.id == attempt.id)
                               .with_for_update().execution_options(populate_existing=True))
    if locked is None or locked.state != IN_PROGRESS:
        raise AttemptError(_("This attempt is no longer in progress, so no time can be added."))
    before = locked.deadline_dt
    enrolment = locked.enrolment
    locked.added_minutes = (locked.added_minutes or 0) + minutes
    locked.deadline_dt = timing.deadline(locked.started_dt, enrolment.sitting.exam.duration_minutes,
                                         enrolment.extra_time_pct, locked.added_minutes)
    audit("exam.time_added", locked, actor=actor, minutes=minutes, reason=reason.strip(),
          deadline_before=before.isoformat(), deadline_after=locked.deadline_dt.isoformat())


def void_attempt(attempt: Attempt, reason: str, *, actor: User) -> bool:
    """Void an attempt (in progress or submitted) with a reason, in the caller's transaction;
    :data:`attempt_voided` is sent after it commits.

    :return: whether this call voided it (``False``: it was voided already).
    :raise AttemptError: no reason given.
    """
    if not reason.strip():
        raise AttemptError(_("Give a reason: the candidate and the audit log will see it."),
                           status=422)
    now = now_utc()
    won = db.session.execute(
        sa.update(Attempt).where(Attempt.id == attempt.id,
                                 Attempt.state != AttemptState.VOIDED.value)
        .values(state=AttemptState.VOIDED.value, voided_dt=now, void_reason=reason.strip(),
                voided_by_id=actor.id)
        .returning(Attempt.id).execution_options(synchronize_session=False)).first() is not None
    if won:
        audit("exam.attempt_voided", attempt, actor=actor, reason=reason.strip())
        announce(attempt_voided, [attempt.id], reason=reason.strip())
    db.session.refresh(attempt)
    return won


def running_attempts(sitting: Sitting) -> list[Attempt]:
    """The sitting's attempts still in progress."""
    return list(db.session.scalars(
        sa.select(Attempt).join(Enrolment).where(Enrolment.sitting_id == sitting.id,
                                                 Attempt.state == IN_PROGRESS)))


def close_sitting_now(sitting: Sitting, *, actor: User) -> list[Attempt]:
    """Close a sitting's window now ("close sitting now"), in the caller's transaction.

    Nobody can start afterwards, and every attempt still in progress gets the closing moment as
    its deadline: the page's clock runs out, the page submits what it holds, and saves are accepted
    for the grace period (``EXAM_GRACE_SECONDS``) after it, exactly as at an ordinary deadline;
    after the grace period the server submits whatever is still in progress, as at the deadline
    (reason ``server``). Audited as ``exam.sitting_closed``.

    :return: the attempts whose deadline was brought forward.
    :raise AttemptError: the sitting has not opened yet or is closed already.
    """
    now = now_utc()
    state = timing.window_state(now, sitting.opens_dt, sitting.closes_dt)
    if state == timing.WindowState.UPCOMING:
        raise AttemptError(_("This sitting has not opened yet: edit its window or delete it "
                             "instead."))
    running = running_attempts(sitting)
    if state == timing.WindowState.CLOSED and not running:
        raise AttemptError(_("This sitting is closed already."))
    before = sitting.closes_dt
    if sitting.closes_dt > now:
        # The window must close after it opens (a database check), even at the opening second.
        sitting.closes_dt = max(now, sitting.opens_dt + timedelta(seconds=1))
    moved = []
    for attempt in db.session.scalars(
            sa.select(Attempt).where(Attempt.id.in_([a.id for a in running]))
            .with_for_update().execution_options(populate_existing=True)):
        if attempt.state == IN_PROGRESS and attempt.deadline_dt > now:
            attempt.deadline_dt = now
            moved.append(attempt)
    audit("exam.sitting_closed", sitting, actor=actor, closes_before=before.isoformat(),
          closed_at=now.isoformat(), attempts_cut_short=[a.id for a in moved])
    return moved
