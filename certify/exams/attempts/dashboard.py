"""The candidate's dashboard: a card per sitting they are enrolled in."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from certify.auth.models import User
from certify.clock import now_utc
from certify.db import db
from certify.exams import timing
from certify.exams.attempts import IN_PROGRESS
from certify.exams.attempts.expiry import expire_overdue
from certify.exams.models import Attempt, AttemptState, Enrolment, Sitting


@dataclass
class SittingCard:
    """A sitting as its candidate sees it on the dashboard."""

    enrolment: Enrolment
    sitting: Sitting
    attempt: Attempt | None
    status: str  # upcoming | open | in_progress | submitted | voided | missed


def candidate_sittings(user: User) -> list[SittingCard]:
    """The candidate's sittings: in progress and open first, then upcoming, then finished."""
    expire_overdue(candidate_id=user.id)
    enrolments = db.session.scalars(
        sa.select(Enrolment).where(Enrolment.candidate_id == user.id)
        .options(selectinload(Enrolment.sitting).selectinload(Sitting.exam),
                 selectinload(Enrolment.attempt))).all()
    now = now_utc()
    cards = []
    for enrolment in enrolments:
        sitting, attempt = enrolment.sitting, enrolment.attempt
        if attempt is not None:
            status = {IN_PROGRESS: "in_progress", AttemptState.SUBMITTED.value: "submitted",
                      AttemptState.VOIDED.value: "voided"}[attempt.state]
        else:
            status = {"upcoming": "upcoming", "open": "open", "closed": "missed"}[
                timing.window_state(now, sitting.opens_dt, sitting.closes_dt).value]
        cards.append(SittingCard(enrolment, sitting, attempt, status))
    rank = {"in_progress": 0, "open": 1, "upcoming": 2, "submitted": 3, "voided": 3, "missed": 4}
    return sorted(cards, key=lambda c: (rank[c.status], c.sitting.opens_dt if rank[c.status] < 3
                                        else -c.sitting.opens_dt.timestamp()))
