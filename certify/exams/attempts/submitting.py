"""Submitting an attempt, once: by the candidate, or by the page when time is up.

The server's own submission of overdue attempts is :func:`.expiry.expire_overdue`.
"""

from __future__ import annotations

import sqlalchemy as sa

from certify.audit import audit
from certify.clock import now_utc
from certify.db import db
from certify.exams import timing
from certify.exams.attempts import IN_PROGRESS
from certify.exams.attempts.expiry import announce, ensure_current
from certify.exams.models import Attempt, AttemptState, SubmitReason
from certify.exams.signals import attempt_submitted


def submit_attempt(attempt: Attempt, reason: str = SubmitReason.CANDIDATE.value) -> bool:
    """Submit the attempt once; returns whether this call submitted it.

    Inside the caller's transaction: the caller commits, and :data:`attempt_submitted` is sent
    after that commit. ``reason`` ``deadline`` (the page at the end of time) is believed only at
    the deadline; earlier it counts as the candidate's own submission.
    """
    ensure_current(attempt)
    now = now_utc()
    if reason == SubmitReason.DEADLINE.value and not timing.is_deadline_submit(
            now, attempt.deadline_dt):
        reason = SubmitReason.CANDIDATE.value
    if reason not in (SubmitReason.CANDIDATE.value, SubmitReason.DEADLINE.value):
        reason = SubmitReason.CANDIDATE.value
    won = db.session.execute(
        sa.update(Attempt).where(Attempt.id == attempt.id, Attempt.state == IN_PROGRESS)
        .values(state=AttemptState.SUBMITTED.value, submitted_dt=now, submit_reason=reason)
        .returning(Attempt.id)
        .execution_options(synchronize_session=False)).first() is not None
    if won:
        audit("exam.attempt_submitted", attempt, reason=reason)
        announce(attempt_submitted, [attempt.id])
    db.session.refresh(attempt)
    return won
