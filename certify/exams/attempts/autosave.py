"""The autosave protocol (docs/contracts.md §3): parse a save, then apply it in one transaction.

A save is ``{"seq", "answers", "flags", "opened"}`` under one client sequence number. Applying it:

1. One conditional ``UPDATE attempt … WHERE state = 'in_progress' AND deadline ≥ now − grace``,
   which also raises ``last_seq`` to the save's ``seq``. It takes the attempt's row lock, so a save
   and a submission of the same attempt are serialised: a save either lands before the submission
   or is refused after it, never half-way. No row: the attempt is closed (409), and an overdue one
   is submitted by the server first.
2. Each answer is one ``INSERT … ON CONFLICT (attempt_item_id, record_key) DO UPDATE … WHERE
   response.seq < excluded.seq RETURNING id``: the newest ``seq`` wins whatever order saves arrive
   in, and a replayed or stale save changes nothing; ``RETURNING`` says whether it applied.
3. Flags and "first opened" times, under the same ``seq`` rule.

The caller (the view) commits, and only then tells the page "saved".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from certify.clock import now_utc
from certify.db import db
from certify.exams.answers import AnswerError, check_answer
from certify.exams.attempts import IN_PROGRESS, AttemptError, task_clock
from certify.exams.attempts.expiry import closed_message, expire_overdue, grace_seconds
from certify.exams.attempts.reading import attempt_items, sampled_content
from certify.exams.models import Attempt, AttemptItem, Response

#: Most entries one save may carry (a page sends one item's answers, or a practical task's records).
MAX_ENTRIES = 2000
#: Largest client sequence number (BigInteger, with room to spare).
MAX_SEQ = 2**62
#: How far ahead of the attempt's newest sequence number a save may be numbered (contracts §3): a
#: page numbers its saves one by one, so a larger jump is a broken or hostile client, and accepting
#: it would let one save use up the numbers every later save needs.
SEQ_WINDOW = 100_000


@dataclass
class SaveRequest:
    """A parsed autosave: answers, flags and opened items under one client sequence number."""

    seq: int
    answers: list[tuple[int, str | None, Any]] = field(default_factory=list)
    flags: list[tuple[int, bool]] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def parse_save(payload: Any) -> SaveRequest:
    """Read the JSON of a save.

    :raise AnswerError: the envelope is malformed (the message names the field).
    """
    if not isinstance(payload, Mapping):
        raise AnswerError(_("The save must be a JSON object."), field="body")
    seq = _int(payload.get("seq"))
    if seq is None or not 0 < seq < MAX_SEQ:
        raise AnswerError(_("The save needs a positive whole number “seq”."), field="seq")
    request_ = SaveRequest(seq=seq)
    for name in ("answers", "flags", "opened"):
        entries = payload.get(name, [])
        if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
            raise AnswerError(_("“%(name)s” must be a list of at most %(n)s entries.", name=name,
                                n=MAX_ENTRIES), field=name)
    latest: dict[tuple[int, str | None], Any] = {}
    for i, entry in enumerate(payload.get("answers", [])):
        position = _int(entry.get("position")) if isinstance(entry, Mapping) else None
        if position is None or "value" not in entry:
            raise AnswerError(_("answers[%(i)s] needs a position and a value.", i=i),
                              field=f"answers[{i}]")
        record = entry.get("record")
        if record is not None and not isinstance(record, str | int):
            raise AnswerError(_("answers[%(i)s]: the record must be a record id.", i=i),
                              position=position, field=f"answers[{i}].record")
        key = (position, None if record is None else str(record))
        latest.pop(key, None)  # the last entry for an answer wins, in the order sent
        latest[key] = entry["value"]
    request_.answers = [(p, r, v) for (p, r), v in latest.items()]
    for i, entry in enumerate(payload.get("flags", [])):
        position = _int(entry.get("position")) if isinstance(entry, Mapping) else None
        if position is None or not isinstance(entry.get("flagged"), bool):
            raise AnswerError(_("flags[%(i)s] needs a position and true or false.", i=i),
                              field=f"flags[{i}]")
        request_.flags.append((position, entry["flagged"]))
    for i, position in enumerate(payload.get("opened", [])):
        if _int(position) is None:
            raise AnswerError(_("opened[%(i)s] must be a position.", i=i), field=f"opened[{i}]")
        request_.opened.append(position)
    return request_


def _upsert(attempt: Attempt, attempt_item_id: int, record_key: str, value: Any, answered: bool,
            seq: int, now: datetime) -> bool:
    """Store one answer when ``seq`` is newer than the stored one; return whether it applied."""
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(Response).values(
        attempt_id=attempt.id, attempt_item_id=attempt_item_id, record_key=record_key,
        value=sa.JSON.NULL if value is None else value, answered=answered, seq=seq, saved_dt=now)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Response.attempt_item_id, Response.record_key],
        set_={"value": stmt.excluded.value, "answered": stmt.excluded.answered,
              "seq": stmt.excluded.seq, "saved_dt": stmt.excluded.saved_dt},
        where=Response.seq < stmt.excluded.seq,
    ).returning(Response.id)
    return db.session.execute(stmt).first() is not None


def save_answers(attempt: Attempt, payload: Any) -> dict[str, Any]:
    """Apply one autosave (contracts §3) inside the request's transaction; the caller commits.

    :return: ``{"seq", "saved": [{"position", "record", "applied"}]}``.
    :raise AnswerError: a malformed save or an answer of the wrong shape (nothing is saved).
    :raise AttemptError: the attempt is submitted, voided or past deadline + grace (409); an
        overdue attempt is submitted by the server first (committed). A task past its stop:
        423 with code ``task_locked`` (the caller rolls back; nothing of the save is kept).
    """
    if attempt.state != IN_PROGRESS:
        raise AttemptError(closed_message(attempt), state=attempt.state)
    save = parse_save(payload)
    if save.seq > (attempt.last_seq or 0) + SEQ_WINDOW:
        raise AnswerError(_("The save's sequence number %(seq)s is more than %(window)s ahead of the "
                            "newest one of this attempt (%(last)s); number it after %(last)s.",
                            seq=save.seq, window=SEQ_WINDOW, last=attempt.last_seq or 0),
                          field="seq")
    items = {ai.position: ai for ai in attempt_items(attempt)}
    checked: list[tuple[AttemptItem, str, Any, bool]] = []
    for position, record, value in save.answers:
        ai = items.get(position)
        if ai is None:
            raise AnswerError(_("Question %(position)s is not on this exam.", position=position),
                              position=position, field="position")
        content = sampled_content(ai.version.content or {}, ai.sample)  # only the drawn records
        answer = check_answer(ai.version.item.type, content, ai.option_order,
                              value, position=position, record=record)
        checked.append((ai, record or "", answer.value, answer.answered))
    for position, _flag in save.flags:
        if position not in items:
            raise AnswerError(_("Question %(position)s is not on this exam.", position=position),
                              position=position, field="flags")
    now = now_utc()
    cutoff = now - timedelta(seconds=grace_seconds())
    raised = db.session.execute(
        sa.update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.state == IN_PROGRESS,
               Attempt.deadline_dt >= cutoff)
        .values(last_seq=sa.case((Attempt.last_seq < save.seq, save.seq),
                                 else_=Attempt.last_seq))
        .execution_options(synchronize_session=False))
    if raised.rowcount != 1:
        db.session.refresh(attempt)
        if attempt.state == IN_PROGRESS:
            expire_overdue([attempt.id])
            db.session.refresh(attempt)
        raise AttemptError(closed_message(attempt), state=attempt.state)
    # A skills task past its stop refuses the save (423 ``task_locked``, nothing is applied).
    task_clock.check_saves({ai.id: ai for ai, *_rest in checked}.values(), now)
    saved = []
    touched: set[int] = set()
    for ai, record_key, value, answered in checked:
        applied = _upsert(attempt, ai.id, record_key, value, answered, save.seq, now)
        if applied:
            touched.add(ai.id)
        saved.append({"position": ai.position, "record": record_key or None, "applied": applied})
    if touched:
        db.session.execute(sa.update(AttemptItem).where(AttemptItem.id.in_(touched))
                           .values(last_saved_dt=now)
                           .execution_options(synchronize_session=False))
    for position, flagged in save.flags:
        db.session.execute(sa.update(AttemptItem)
                           .where(AttemptItem.id == items[position].id,
                                  AttemptItem.flag_seq < save.seq)
                           .values(flagged=flagged, flag_seq=save.seq)
                           .execution_options(synchronize_session=False))
    opened = {items[p].id for p in save.opened if p in items} | touched
    if opened:
        db.session.execute(sa.update(AttemptItem)
                           .where(AttemptItem.id.in_(opened), AttemptItem.opened_dt.is_(None))
                           .values(opened_dt=now)
                           .execution_options(synchronize_session=False))
    return {"seq": save.seq, "saved": saved}
