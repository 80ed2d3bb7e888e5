"""Publishing a sitting's results: candidates see their scores from then on."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from certify.audit import audit
from certify.auth.models import User
from certify.clock import now_utc
from certify.db import db
from certify.exams.models import Attempt, AttemptState, Enrolment, Sitting
from certify.grading.models import Result, ResultStatus
from certify.grading.results import GradingError


def sitting_attempts(sitting: Sitting) -> list[Attempt]:
    return list(db.session.scalars(
        sa.select(Attempt).join(Enrolment, Attempt.enrolment_id == Enrolment.id)
        .where(Enrolment.sitting_id == sitting.id)))


def publication_problems(sitting: Sitting) -> list[str]:
    """Why the results of a sitting cannot be published yet ([] when they can)."""
    if sitting.results_published:
        return [_("The results of this sitting are published already.")]
    problems = []
    if sitting.closes_dt > now_utc():
        problems.append(_("The sitting is still open: candidates may still start."))
    attempts = sitting_attempts(sitting)
    running = sum(a.state == AttemptState.IN_PROGRESS.value for a in attempts)
    if running:
        problems.append(_("%(n)s attempt(s) are still in progress.", n=running))
    submitted = [a for a in attempts if a.state == AttemptState.SUBMITTED.value]
    results = {r.attempt_id: r for r in db.session.scalars(
        sa.select(Result).where(Result.attempt_id.in_([a.id for a in submitted])))}
    ungraded = sum(a.id not in results for a in submitted)
    if ungraded:
        problems.append(_("%(n)s submitted attempt(s) are not graded yet; regrade the sitting to "
                          "grade them.", n=ungraded))
    awaiting = sum(r.status == ResultStatus.AWAITING_MARKING.value for r in results.values())
    if awaiting:
        problems.append(_("Marking is not complete: %(n)s script(s) still wait for examiners.",
                          n=awaiting))
    return problems


def publish_results(sitting: Sitting, *, actor: User) -> None:
    """Publish a sitting's results: candidates see their scores from now on.

    :raise GradingError: listing every reason it cannot be done yet.
    """
    problems = publication_problems(sitting)
    if problems:
        raise GradingError(" ".join(problems))
    sitting.results_published_dt = now_utc()
    sitting.results_published_by_id = actor.id
    results = db.session.scalars(sa.select(Result).join(Attempt).join(Enrolment).where(
        Enrolment.sitting_id == sitting.id))
    passed = sum(bool(r.passed) for r in results)
    audit("grading.results_published", sitting, actor=actor, passed=passed)
