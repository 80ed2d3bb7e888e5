"""Grading a submitted attempt: score every item, queue rubric items for examiners, apply the pass
rules; and taking a voided attempt's passes back.

:func:`grade_attempt` is the receiver of ``certify.exams.signals.attempt_submitted`` (connected in
:mod:`certify.grading.wiring`, sent after the submission's commit). Calling it again for a graded
attempt returns the existing result, so a signal sent twice changes nothing.
"""

from __future__ import annotations

from flask_babel import gettext as _

from certify.audit import audit
from certify.auth.models import User
from certify.db import db
from certify.exams.models import Attempt, AttemptState
from certify.grading import pass_rules
from certify.grading.autoscore import ItemScoringError
from certify.grading.models import ItemScore, Result, ResultStatus
from certify.grading.results import (
    GradingError,
    answers_by_item,
    apply_outcome,
    refresh,
    result_of,
    score_item,
)


def grade_attempt(attempt_id: int, *, actor: User | None = None) -> Result:
    """Mark a submitted attempt: score every item, queue rubric items, apply the pass rules.

    :return: the attempt's result (the existing one when it was graded already).
    :raise GradingError: no such attempt, it is not submitted (in progress or voided), or an item
        cannot be scored (the message names it; nothing is stored).
    """
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        raise GradingError(_("Attempt %(id)s does not exist.", id=attempt_id))
    if attempt.state != AttemptState.SUBMITTED.value:
        raise GradingError(_("Attempt %(id)s is %(state)s, not submitted: it is not graded.",
                             id=attempt_id, state=attempt.state))
    existing = result_of(attempt)
    if existing is not None:
        return existing
    outcomes = []
    answers = answers_by_item([attempt.id])
    for attempt_item in attempt.items:
        try:
            outcomes.append((attempt_item, attempt_item.version,
                             score_item(attempt_item, attempt_item.version,
                                        answers.get(attempt_item.id, []))))
        except ItemScoringError as exc:
            raise GradingError(str(exc)) from exc
    result = Result(attempt=attempt, status=ResultStatus.AWAITING_MARKING.value)
    db.session.add(result)
    for attempt_item, version, outcome in outcomes:
        score = ItemScore(attempt_item=attempt_item)
        result.item_scores.append(score)
        apply_outcome(score, outcome, version)
    refresh(result)
    db.session.flush()
    changes = pass_rules.apply(result)
    audit("grading.attempt_graded", result, actor=actor, attempt_id=attempt.id,
          script=attempt.script_number, score=str(result.score), status=result.status,
          passed=result.passed)
    pass_rules.notify(changes)
    return result


def attempt_voided(attempt_id: int) -> None:
    """An attempt was voided after grading: its result no longer passes anything."""
    result = result_of(attempt_id)
    if result is None:
        return
    changes = pass_rules.apply(result)
    if changes.any:
        audit("grading.passes_withdrawn", result, attempt_id=attempt_id,
              component_withdrawn=changes.component_withdrawn,
              levels_withdrawn=changes.levels_withdrawn)
    pass_rules.notify(changes)
