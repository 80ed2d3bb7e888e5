"""Late deliveries: answers entered before the deadline that reach the server only after the
attempt was submitted (docs/contracts.md §3, "Late deliveries").

When the network or the server is down across the deadline for longer than the grace period, the
server submits the attempt with what it holds, and the page still has answers the candidate entered
in time. The page then sends them here, each with the moment it was entered (the server's time as
the page knew it). The rule:

- only for an attempt submitted at or after the deadline (by the page or by the server), never for
  one the candidate submitted or an invigilator voided;
- an answer entered after the deadline, or before the attempt started, is refused (and says so);
- an answer equal to what the server holds is acknowledged as ``unchanged`` and not kept;
- any other is kept as a pending :class:`~certify.exams.models.LateAnswer`. It never changes the
  score by itself: an invigilator accepts it (it becomes the answer, and grading regrades the
  attempt) or rejects it; the delivery and each decision are audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from certify.audit import audit
from certify.auth.models import User
from certify.clock import now_utc
from certify.db import db
from certify.exams.answers import AnswerError, check_answer
from certify.exams.attempts import AttemptError
from certify.exams.attempts.autosave import MAX_ENTRIES
from certify.exams.attempts.expiry import announce, closed_message, ensure_current
from certify.exams.attempts.reading import attempt_items
from certify.exams.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    LateAnswer,
    LateAnswerStatus,
    Response,
    SubmitReason,
)
from certify.exams.signals import late_answer_accepted

PENDING = LateAnswerStatus.PENDING.value


def _entered(value: Any) -> datetime | None:
    """The page's ``entered_at`` (milliseconds since the epoch, server time) as a UTC moment."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def deliver(attempt: Attempt, payload: Any) -> list[dict[str, Any]]:
    """Receive the answers a page could not deliver before the attempt was submitted.

    ``payload`` is ``{"answers": [{"position", "record", "value", "entered_at"}]}``. Inside the
    caller's transaction (the caller commits, then acknowledges).

    :return: one ``{"position", "record", "status": "pending" | "unchanged" | "refused",
        "error"?}`` per answer, in order.
    :raise AnswerError: a malformed delivery or an answer of the wrong shape (nothing is kept).
    :raise AttemptError: the attempt is in progress (send it as a save), submitted by the
        candidate, or voided.
    """
    ensure_current(attempt)
    if attempt.state == AttemptState.IN_PROGRESS.value:
        raise AttemptError(_("This attempt is still in progress: its answers are saved normally."),
                           state=attempt.state)
    if (attempt.state != AttemptState.SUBMITTED.value
            or attempt.submit_reason == SubmitReason.CANDIDATE.value):
        raise AttemptError(closed_message(attempt), state=attempt.state)
    entries = payload.get("answers") if isinstance(payload, Mapping) else None
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise AnswerError(_("“%(name)s” must be a list of at most %(n)s entries.", name="answers",
                            n=MAX_ENTRIES), field="answers")
    items = {ai.position: ai for ai in attempt_items(attempt)}
    checked: list[tuple[int, str | None, AttemptItem | None, Any, bool, datetime | None]] = []
    for i, entry in enumerate(entries):
        position = entry.get("position") if isinstance(entry, Mapping) else None
        if isinstance(position, bool) or not isinstance(position, int) or "value" not in entry:
            raise AnswerError(_("answers[%(i)s] needs a position and a value.", i=i),
                              field=f"answers[{i}]")
        record = entry.get("record")
        if record is not None and not isinstance(record, str | int):
            raise AnswerError(_("answers[%(i)s]: the record must be a record id.", i=i),
                              position=position, field=f"answers[{i}].record")
        record = None if record is None else str(record)
        ai = items.get(position)
        if ai is None:
            raise AnswerError(_("Question %(position)s is not on this exam.", position=position),
                              position=position, field="position")
        answer = check_answer(ai.version.item.type, ai.version.content or {}, ai.option_order,
                              entry["value"], position=position, record=record)
        checked.append((position, record, ai, answer.value, answer.answered,
                        _entered(entry.get("entered_at"))))
    now = now_utc()
    results: list[dict[str, Any]] = []
    kept = []
    for position, record, ai, value, answered, entered in checked:
        assert ai is not None
        row: dict[str, Any] = {"position": position, "record": record}
        results.append(row)
        if entered is None or entered > attempt.deadline_dt or entered < attempt.started_dt:
            row["status"] = "refused"
            row["error"] = _("Question %(position)s: this answer was not entered before the "
                             "deadline (%(when)s), so it cannot count.", position=position,
                             when=attempt.deadline_dt.isoformat())
            continue
        stored = db.session.scalar(sa.select(Response).where(
            Response.attempt_item_id == ai.id, Response.record_key == (record or "")))
        if stored is not None and stored.value == value:
            row["status"] = "unchanged"
            continue
        late = db.session.scalar(sa.select(LateAnswer).where(
            LateAnswer.attempt_item_id == ai.id, LateAnswer.record_key == (record or "")))
        if late is None:
            late = LateAnswer(attempt_id=attempt.id, attempt_item_id=ai.id, record_key=record or "",
                              value=value, answered=answered, entered_dt=entered, received_dt=now)
            db.session.add(late)
        elif late.status == PENDING and entered >= late.entered_dt:
            late.value, late.answered, late.entered_dt, late.received_dt = (
                value, answered, entered, now)
        elif late.status != PENDING:
            row["status"] = "refused"
            row["error"] = _("Question %(position)s: the invigilator has already decided on a late "
                             "answer to it.", position=position)
            continue
        row["status"] = "pending"
        kept.append({"position": position, "record": record, "entered": entered.isoformat()})
    if kept:
        db.session.flush()
        audit("exam.late_answers_received", attempt, answers=kept)
    return results


def late_answers(attempt: Attempt) -> list[LateAnswer]:
    """The attempt's late answers, by position and record (pending and decided)."""
    return list(db.session.scalars(
        sa.select(LateAnswer).join(AttemptItem, AttemptItem.id == LateAnswer.attempt_item_id)
        .where(LateAnswer.attempt_id == attempt.id)
        .order_by(AttemptItem.position, LateAnswer.record_key)))


def stored_values(attempt: Attempt, lates: list[LateAnswer]) -> dict[int, Any]:
    """What the server holds for each late answer's item and record (by late answer id)."""
    out: dict[int, Any] = {}
    for late in lates:
        out[late.id] = db.session.scalar(sa.select(Response.value).where(
            Response.attempt_item_id == late.attempt_item_id,
            Response.record_key == late.record_key))
    return out


def late_answer(attempt: Attempt, late_id: int) -> LateAnswer | None:
    return db.session.scalar(sa.select(LateAnswer).where(LateAnswer.id == late_id,
                                                         LateAnswer.attempt_id == attempt.id))


def decide(late: LateAnswer, accept: bool, *, actor: User) -> None:
    """Accept or reject a pending late answer (audited). Accepting makes it the item's answer and
    regrades the attempt (grading receives :data:`late_answer_accepted` after the commit).

    :raise AttemptError: it was decided already, or the attempt was voided.
    """
    locked = db.session.scalar(sa.select(LateAnswer).where(LateAnswer.id == late.id)
                               .with_for_update().execution_options(populate_existing=True))
    if locked is None or locked.status != PENDING:
        raise AttemptError(_("This late answer has been decided already."), status=409)
    attempt = db.session.get(Attempt, locked.attempt_id)
    assert attempt is not None
    if attempt.state == AttemptState.VOIDED.value:
        raise AttemptError(_("This attempt was voided, so its late answers cannot count."),
                           status=409)
    now = now_utc()
    position = locked.attempt_item.position
    details = {"position": position, "record": locked.record_key or None, "value": locked.value,
               "entered": locked.entered_dt.isoformat(), "received": locked.received_dt.isoformat()}
    locked.status = (LateAnswerStatus.ACCEPTED if accept else LateAnswerStatus.REJECTED).value
    locked.decided_dt = now
    locked.decided_by_id = actor.id
    if not accept:
        audit("exam.late_answer_rejected", attempt, actor=actor, **details)
        return
    stored = db.session.scalar(sa.select(Response).where(
        Response.attempt_item_id == locked.attempt_item_id,
        Response.record_key == locked.record_key).with_for_update())
    seq = (attempt.last_seq or 0) + 1
    attempt.last_seq = seq
    if stored is None:
        db.session.add(Response(attempt_id=attempt.id, attempt_item_id=locked.attempt_item_id,
                                record_key=locked.record_key, value=locked.value,
                                answered=locked.answered, seq=seq, saved_dt=now))
    else:
        details["replaced"] = stored.value
        stored.value, stored.answered, stored.seq, stored.saved_dt = (
            locked.value, locked.answered, seq, now)
    audit("exam.late_answer_accepted", attempt, actor=actor, **details)
    announce(late_answer_accepted, [attempt.id], actor_id=actor.id,
             reason=_("Late answer to question %(position)s accepted by the invigilator",
                      position=position))
