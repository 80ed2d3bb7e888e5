"""Candidates' attempts: starting, autosaving, submitting, the server's clock, and invigilation.

The contract with the exam page is docs/contracts.md §3. How it holds under concurrency (two tabs,
a retrying browser, cron, an invigilator, on SQLite and PostgreSQL alike):

- **Saves** first run one conditional ``UPDATE attempt … WHERE state = 'in_progress' AND deadline ≥
  now − grace`` (which also raises ``last_seq`` to the save's seq). It takes the attempt's row lock,
  so a save and a submission of the same attempt are serialised: a save either lands before the
  submission or is refused after it, never half-way. Each answer is then one ``INSERT … ON CONFLICT
  (attempt_item_id, record_key) DO UPDATE … WHERE response.seq < excluded.seq RETURNING id``: the
  newest seq wins whatever order saves arrive in, a replayed or stale save changes nothing, and
  ``RETURNING`` says whether it applied. The page is told "saved" only after the commit.
- **Submitting** is ``UPDATE attempt SET state = 'submitted' … WHERE id = … AND state =
  'in_progress' RETURNING id``: exactly one request, thread or command gets the row back, and only
  that one sends :data:`~certify.exams.signals.attempt_submitted`, after its commit.
- **Overdue attempts** (past deadline + grace) are submitted by the server whenever their attempt,
  their sitting's invigilator view or their candidate's dashboard is opened, and by
  ``flask sweep-expired``; the same conditional update makes this idempotent and safe to run from
  cron while people are using the site.

SQLite note: a GET request's transaction is deferred (see certify.db). After it has read, its first
write would fail at once with "database is locked" if another connection committed meanwhile, so
the few writes a GET makes here (submitting an overdue attempt, noting when an item was opened)
first end the read transaction and then start a new one with the write.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from certify.audit import audit
from certify.auth.models import User
from certify.banks.models import Item, ItemVersion
from certify.clock import now_utc
from certify.db import db
from certify.exams import supply, timing
from certify.exams.answers import AnswerError, check_answer
from certify.exams.assembly import AssemblyError, FormItem, assemble
from certify.exams.blueprint import Blueprint
from certify.exams.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    Enrolment,
    Response,
    Sitting,
    SubmitReason,
)
from certify.exams.operations import normalise_access_code
from certify.exams.signals import attempt_submitted, attempt_voided

#: Most entries one save may carry (a page sends one item's answers, or a practical task's records).
MAX_ENTRIES = 2000
#: Largest client sequence number (BigInteger, with room to spare).
MAX_SEQ = 2**62
#: Minutes an invigilator may add at once.
MAX_ADDED_MINUTES = 240

IN_PROGRESS = AttemptState.IN_PROGRESS.value


class AttemptError(Exception):
    """A candidate's or invigilator's request cannot be done now.

    :param status: the HTTP status a view should answer with (409 for a closed attempt).
    :param state: the attempt's state, when the page needs it (e.g. ``submitted``).
    """

    def __init__(self, message: str, status: int = 409, state: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.state = state


def grace_seconds() -> float:
    return float(current_app.config["EXAM_GRACE_SECONDS"])


def _fresh_write() -> None:
    """End a GET request's read transaction before it writes (see the module notes)."""
    if has_request_context() and request.method in ("GET", "HEAD", "OPTIONS"):
        db.session.commit()


def announce(signal: Any, attempt_ids: Iterable[int], **extra: Any) -> None:
    """Send ``signal`` for each attempt, after the caller committed.

    A receiver that fails is logged and its changes are rolled back; the submission (or void) that
    was committed before stays, and the other receivers and attempts still get their turn.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    for attempt_id in attempt_ids:
        try:
            signal.send(app, attempt_id=attempt_id, **extra)
            db.session.commit()
        except Exception:
            db.session.rollback()
            app.logger.exception("a receiver of %s failed for attempt %s", signal.name,
                                 attempt_id)


# Finding -----------------------------------------------------------------------------------------

def candidate_attempt(attempt_id: int, user: User) -> Attempt | None:
    """The attempt, if it is ``user``'s (else ``None``: the view answers 404)."""
    return db.session.scalar(
        sa.select(Attempt).join(Enrolment)
        .where(Attempt.id == attempt_id, Enrolment.candidate_id == user.id))


def candidate_enrolment(sitting_id: int, user: User) -> Enrolment | None:
    """``user``'s enrolment in the sitting, or ``None``."""
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.sitting_id == sitting_id,
                                                        Enrolment.candidate_id == user.id))


# The server's clock ------------------------------------------------------------------------------

def expire_overdue(attempt_ids: Iterable[int] | None = None, *, candidate_id: int | None = None,
                   sitting_id: int | None = None) -> list[int]:
    """Submit every attempt still in progress past its deadline + grace (within the filters).

    Commits, then announces each submission this call won. Safe to run concurrently: an attempt
    is submitted by exactly one caller.

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
    _fresh_write()
    won = list(db.session.scalars(
        sa.update(Attempt).where(*conditions)
        .values(state=AttemptState.SUBMITTED.value, submitted_dt=now,
                submit_reason=SubmitReason.SERVER.value)
        .returning(Attempt.id)
        .execution_options(synchronize_session=False)))
    for attempt_id in won:
        audit("exam.attempt_submitted", db.session.get(Attempt, attempt_id),
              reason=SubmitReason.SERVER.value)
    db.session.commit()
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


# Starting ----------------------------------------------------------------------------------------

SCRIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _script_number() -> str:
    """A blind number for markers (``K7Q4-M2XP``): random, so it says nothing about the candidate."""
    while True:
        raw = "".join(secrets.choice(SCRIPT_ALPHABET) for _ in range(8))
        number = f"{raw[:4]}-{raw[4:]}"
        if db.session.scalar(sa.select(Attempt.id).where(Attempt.script_number == number)) is None:
            return number


def _when(value: datetime) -> str:
    return format_datetime(value, "yyyy-MM-dd HH:mm")


def start_problem(enrolment: Enrolment) -> str | None:
    """Why ``enrolment`` cannot start now (window not open), or ``None``."""
    sitting = enrolment.sitting
    state = timing.window_state(now_utc(), sitting.opens_dt, sitting.closes_dt)
    if state is timing.WindowState.UPCOMING:
        return _("This sitting opens at %(when)s. Please come back then.",
                 when=_when(sitting.opens_dt))
    if state is timing.WindowState.CLOSED:
        return _("This sitting closed at %(when)s, so it can no longer be started. Please speak "
                 "to the exam centre.", when=_when(sitting.closes_dt))
    return None


def draw_form(attempt_or_seed: Attempt | int, enrolment: Enrolment) -> list[FormItem]:
    """Draw the form for a seed (or rebuild an attempt's form from its stored seed).

    :raise AssemblyError: the approved bank cannot supply the blueprint.
    """
    exam = enrolment.sitting.exam
    seed = attempt_or_seed.seed if isinstance(attempt_or_seed, Attempt) else attempt_or_seed
    blueprint = Blueprint.from_json(exam.blueprint)
    pool = supply.candidates(exam.level, blueprint.item_types)
    return assemble(blueprint, pool, seed, shuffle_items=exam.shuffle_items,
                    shuffle_options=exam.shuffle_options)


def rebuild_form(attempt: Attempt) -> list[FormItem]:
    """The form the attempt's seed draws from today's bank (equal to the stored one while the
    bank is unchanged; the stored versions are what counts)."""
    return draw_form(attempt, attempt.enrolment)


def start_attempt(enrolment: Enrolment, access_code: str | None) -> Attempt:
    """Start (or return the already started) attempt of ``enrolment``: draw the form, set the clock.

    :raise AttemptError: the window is not open, the access code is wrong, or the bank cannot
        supply the exam (nothing starts, the clock does not run).
    """
    if enrolment.attempt is not None:
        return enrolment.attempt
    problem = start_problem(enrolment)
    if problem:
        raise AttemptError(problem)
    sitting = enrolment.sitting
    if sitting.access_code:
        given = normalise_access_code(access_code) or ""
        if not secrets.compare_digest(given.encode(), sitting.access_code.encode()):
            audit("exam.access_code_wrong", enrolment, sitting_id=sitting.id)
            raise AttemptError(_("That access code is not right. Please check it with the "
                                 "invigilator and type it again."), status=403)
    seed = secrets.randbits(62)
    try:
        form = draw_form(seed, enrolment)
    except AssemblyError as exc:
        audit("exam.assembly_failed", sitting, exam_id=sitting.exam_id,
              shortfalls=[f"{s.kind} {s.key}: {s.available}/{s.needed}" for s in exc.shortfalls])
        raise AttemptError(_("Your exam cannot be prepared right now, because the question bank "
                             "is missing items. Nothing has started and your time is not "
                             "running. Please tell the invigilator."), status=503) from exc
    points = dict(db.session.execute(  # only the points: contents can be large practical tasks
        sa.select(ItemVersion.id, ItemVersion.points)
        .where(ItemVersion.id.in_([f.version_id for f in form]))).all())
    now = now_utc()
    exam = sitting.exam
    script_number = _script_number()
    savepoint = db.session.begin_nested()
    attempt = Attempt(
        enrolment=enrolment, seed=seed, started_dt=now, state=IN_PROGRESS, last_seq=0,
        deadline_dt=timing.deadline(now, exam.duration_minutes, enrolment.extra_time_pct),
        script_number=script_number)
    db.session.add(attempt)
    for position, drawn in enumerate(form, start=1):
        attempt.items.append(AttemptItem(
            position=position, item_version_id=drawn.version_id,
            option_order=list(drawn.option_order) if drawn.option_order else None,
            points=points[drawn.version_id]))
    try:
        db.session.flush()
    except IntegrityError:
        # Another tab started it a moment ago (PostgreSQL; SQLite writers queue instead).
        savepoint.rollback()
        db.session.expire(enrolment)
        if enrolment.attempt is None:
            raise
        return enrolment.attempt
    savepoint.commit()
    audit("exam.attempt_started", attempt, sitting_id=sitting.id, seed=seed,
          items=len(form), deadline=attempt.deadline_dt.isoformat(),
          extra_time_pct=enrolment.extra_time_pct)
    return attempt


# Reading an attempt ------------------------------------------------------------------------------

def attempt_items(attempt: Attempt) -> list[AttemptItem]:
    """The attempt's items with their versions and items loaded, in form order."""
    return list(db.session.scalars(
        sa.select(AttemptItem).where(AttemptItem.attempt_id == attempt.id)
        .options(selectinload(AttemptItem.version).selectinload(ItemVersion.item))
        .order_by(AttemptItem.position)))


def item_at(attempt: Attempt, position: int) -> AttemptItem | None:
    return db.session.scalar(
        sa.select(AttemptItem).where(AttemptItem.attempt_id == attempt.id,
                                     AttemptItem.position == position)
        .options(selectinload(AttemptItem.version).selectinload(ItemVersion.item)))


def responses(attempt: Attempt) -> list[tuple[int, str, Any, int, bool]]:
    """Every saved answer as (position, record key, value, seq, answered)."""
    return [tuple(row) for row in db.session.execute(
        sa.select(AttemptItem.position, Response.record_key, Response.value, Response.seq,
                  Response.answered)
        .join(AttemptItem, AttemptItem.id == Response.attempt_item_id)
        .where(Response.attempt_id == attempt.id)
        .order_by(AttemptItem.position, Response.record_key))]


def saved_value(attempt_item: AttemptItem) -> Any:
    """The saved answer of one item: a value, or ``{record id: value}`` for a practical task."""
    rows = db.session.execute(sa.select(Response.record_key, Response.value)
                              .where(Response.attempt_item_id == attempt_item.id)).all()
    if attempt_item.version.type.value == "practical":
        return {key: value for key, value in rows if value is not None}
    return next((value for key, value in rows if key == ""), None)


@dataclass
class ItemStatus:
    """One entry of the overview panel."""

    position: int
    item_type: str
    answered: bool
    flagged: bool
    records_done: int = 0
    records_total: int = 0


def overview(attempt: Attempt) -> list[ItemStatus]:
    """Answered / unanswered / flagged for every item, in form order."""
    done: dict[int, int] = defaultdict(int)
    for attempt_item_id, count in db.session.execute(
            sa.select(Response.attempt_item_id, sa.func.count())
            .where(Response.attempt_id == attempt.id, Response.answered.is_(True))
            .group_by(Response.attempt_item_id)):
        done[attempt_item_id] = count
    # Only the columns the panel needs: it is on every exam page, and loading every version's
    # content (a theory form has ~100 items) would cost more than the rest of the page.
    rows = db.session.execute(
        sa.select(AttemptItem.id, AttemptItem.position, AttemptItem.flagged, Item.type,
                  AttemptItem.item_version_id)
        .join(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)).all()
    practical = [row.item_version_id for row in rows if row.type == "practical"]
    records: dict[int, int] = {}
    if practical:
        for version_id, content in db.session.execute(
                sa.select(ItemVersion.id, ItemVersion.content).where(ItemVersion.id.in_(practical))):
            records[version_id] = len(((content or {}).get("task") or {}).get("records") or [])
    out = []
    for row in rows:
        total = records.get(row.item_version_id, 0)
        out.append(ItemStatus(row.position, row.type, done[row.id] > 0, row.flagged,
                              min(done[row.id], total), total))
    return out


def mark_opened(attempt: Attempt, positions: Iterable[int]) -> None:
    """Note when the candidate first opened these items (the skills overtime rule uses it)."""
    positions = list(positions)
    if not positions or attempt.state != IN_PROGRESS:
        return
    unopened = db.session.scalars(sa.select(AttemptItem.id).where(
        AttemptItem.attempt_id == attempt.id, AttemptItem.position.in_(positions),
        AttemptItem.opened_dt.is_(None))).all()
    if not unopened:
        return
    _fresh_write()
    db.session.execute(
        sa.update(AttemptItem).where(AttemptItem.id.in_(unopened), AttemptItem.opened_dt.is_(None))
        .values(opened_dt=now_utc()).execution_options(synchronize_session=False))
    db.session.commit()


def state(attempt: Attempt) -> dict[str, Any]:
    """``GET /attempts/<id>/state``: the clock and every saved answer and flag (contracts §3)."""
    return {
        "ok": True,
        **clock(attempt),
        "answers": [{"position": p, "record": key or None, "value": value, "seq": seq}
                    for p, key, value, seq, _answered in responses(attempt)],
        "flags": [{"position": s.position, "flagged": s.flagged} for s in overview(attempt)
                  if s.flagged],
        "last_seq": attempt.last_seq,
    }


# Saving ------------------------------------------------------------------------------------------

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


def closed_message(attempt: Attempt) -> str:
    if attempt.state == AttemptState.VOIDED.value:
        return _("This attempt was voided by the invigilator, so answers can no longer be saved.")
    if attempt.submit_reason == SubmitReason.CANDIDATE.value:
        return _("You have submitted this exam, so answers can no longer change.")
    return _("Time is up: the exam ended at %(when)s and answers can no longer be saved. "
             "Everything saved before then has been submitted.", when=_when(attempt.deadline_dt))


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
        overdue attempt is submitted by the server first (committed).
    """
    if attempt.state != IN_PROGRESS:
        raise AttemptError(closed_message(attempt), state=attempt.state)
    save = parse_save(payload)
    items = {ai.position: ai for ai in attempt_items(attempt)}
    checked: list[tuple[AttemptItem, str, Any, bool]] = []
    for position, record, value in save.answers:
        ai = items.get(position)
        if ai is None:
            raise AnswerError(_("Question %(position)s is not on this exam.", position=position),
                              position=position, field="position")
        answer = check_answer(ai.version.item.type, ai.version.content or {}, ai.option_order,
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


# Submitting --------------------------------------------------------------------------------------

def submit_attempt(attempt: Attempt, reason: str = SubmitReason.CANDIDATE.value) -> bool:
    """Submit the attempt once; commits, then announces it. Returns whether this call submitted.

    ``reason`` ``deadline`` (the page at the end of time) is believed only at the deadline; earlier
    it counts as the candidate's own submission.
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
    db.session.commit()
    if won:
        announce(attempt_submitted, [attempt.id])
    db.session.refresh(attempt)
    return won


# Candidates' dashboard ---------------------------------------------------------------------------

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


# Invigilation ------------------------------------------------------------------------------------

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
    if ids:
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
            saved))
    return rows


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
    locked.deadline_dt = before + timedelta(minutes=minutes)
    locked.added_minutes = (locked.added_minutes or 0) + minutes
    audit("exam.time_added", locked, actor=actor, minutes=minutes, reason=reason.strip(),
          deadline_before=before.isoformat(), deadline_after=locked.deadline_dt.isoformat())


def void_attempt(attempt: Attempt, reason: str, *, actor: User) -> bool:
    """Void an attempt (in progress or submitted) with a reason; commits and announces it.

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
    db.session.commit()
    if won:
        announce(attempt_voided, [attempt.id], reason=reason.strip())
    db.session.refresh(attempt)
    return won


def answered_positions(statuses: Iterable[ItemStatus]) -> tuple[list[int], list[int]]:
    """(unanswered positions, flagged positions) for the submit page."""
    statuses = list(statuses)
    return ([s.position for s in statuses if not s.answered],
            [s.position for s in statuses if s.flagged])

