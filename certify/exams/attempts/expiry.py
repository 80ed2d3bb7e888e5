"""The server's clock: the grace period, overdue attempts, and what the page is told about time.

Overdue attempts (past deadline + grace) are submitted by the server whenever their attempt, their
sitting's invigilator view or their candidate's dashboard is opened, and by ``flask sweep-expired``;
one conditional update makes this idempotent and safe to run from cron while people use the site.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any

import sqlalchemy as sa
from blinker import Signal
from flask import current_app
from flask_babel import format_datetime
from flask_babel import gettext as _

from certify.audit import audit
from certify.clock import now_utc
from certify.db import after_commit, db, write_transaction
from certify.exams import timing
from certify.exams.attempts import IN_PROGRESS
from certify.exams.models import Attempt, AttemptState, Enrolment, SubmitReason
from certify.exams.signals import attempt_submitted


def grace_seconds() -> float:
    return float(current_app.config["EXAM_GRACE_SECONDS"])


def when_text(value: datetime) -> str:
    """A moment as the exam pages write it (``2026-11-23 09:30``, the site's time zone)."""
    return format_datetime(value, "yyyy-MM-dd HH:mm")


def announce(signal: Signal, attempt_ids: Iterable[int], **extra: Any) -> None:
    """Send ``signal`` for each attempt once the current transaction has committed.

    Each send runs in its own transaction (:func:`certify.db.after_commit`): a receiver that fails
    is logged and rolled back; the submission (or void) committed before it stays, and the other
    receivers and attempts still get their turn.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for attempt_id in attempt_ids:
        after_commit(partial(signal.send, app, attempt_id=attempt_id, **extra))


def expire_overdue(attempt_ids: Iterable[int] | None = None, *, candidate_id: int | None = None,
                   sitting_id: int | None = None) -> list[int]:
    """Submit every attempt still in progress past its deadline + grace (within the filters).

    A unit of work of its own (committed here, see the package notes), then announced. Safe to
    run concurrently: an attempt is submitted by exactly one caller.

    :return: the ids this call submitted.
    """
    now = now_utc()
    cutoff = timing.overdue_before(now, grace_seconds())
    conditions = [Attempt.state == IN_PROGRESS, Attempt.deadline_dt < cutoff]
    if attempt_ids is not None:
        conditions.append(Attempt.id.in_(list(attempt_ids)))
    if candidate_id is not None or sitting_id is not None:
        mine = sa.select(Enrolment.id)
        if candidate_id is not None:
            mine = mine.where(Enrolment.candidate_id == candidate_id)
        if sitting_id is not None:
            mine = mine.where(Enrolment.sitting_id == sitting_id)
        conditions.append(Attempt.enrolment_id.in_(mine))
    # A cheap read first: almost always nothing is overdue, and then nothing is written.
    if not db.session.scalars(sa.select(Attempt.id).where(*conditions).limit(1)).first():
        return []
    with write_transaction():
        won = list(db.session.scalars(
            sa.update(Attempt).where(*conditions)
            .values(state=AttemptState.SUBMITTED.value, submitted_dt=now,
                    submit_reason=SubmitReason.SERVER.value)
            .returning(Attempt.id)
            .execution_options(synchronize_session=False)))
        for attempt_id in won:
            audit("exam.attempt_submitted", db.session.get(Attempt, attempt_id),
                  reason=SubmitReason.SERVER.value)
        announce(attempt_submitted, won)
    return won


def ensure_current(attempt: Attempt) -> Attempt:
    """Touch an attempt: submit it first if it is overdue. Returns it, up to date."""
    if attempt.state == IN_PROGRESS and timing.is_overdue(now_utc(), attempt.deadline_dt,
                                                          grace_seconds()):
        expire_overdue([attempt.id])
        db.session.refresh(attempt)
    return attempt


def sweep() -> list[int]:
    """Submit every overdue attempt (``flask sweep-expired``)."""
    return expire_overdue()


def clock(attempt: Attempt) -> dict[str, Any]:
    """The clock fields every JSON answer carries (the page corrects its own clock by them)."""
    now = now_utc()
    return {
        "state": attempt.state,
        "deadline": attempt.deadline_dt.isoformat(),
        "server_time": now.isoformat(),
        "remaining_seconds": round(timing.remaining_seconds(now, attempt.deadline_dt), 3),
    }


def closed_message(attempt: Attempt) -> str:
    """Why answers to a closed attempt can no longer be saved."""
    if attempt.state == AttemptState.VOIDED.value:
        return _("This attempt was voided by the invigilator, so answers can no longer be saved.")
    if attempt.submit_reason == SubmitReason.CANDIDATE.value:
        return _("You have submitted this exam, so answers can no longer change.")
    return _("Time is up: the exam ended at %(when)s and answers can no longer be saved. "
             "Everything saved before then has been submitted.",
             when=when_text(attempt.deadline_dt))
