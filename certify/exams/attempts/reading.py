"""Reading an attempt: finding it for its candidate, its items and saved answers, the overview.

Also the one write a page view makes: noting when an item was first opened (the skills overtime
rule counts from it), in a unit of work of its own (:func:`certify.db.write_transaction`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from certify.auth.models import User
from certify.banks.models import Item, ItemVersion
from certify.clock import now_utc
from certify.db import db, write_transaction
from certify.exams.attempts import IN_PROGRESS, task_clock
from certify.exams.attempts.expiry import clock
from certify.exams.models import Attempt, AttemptItem, Enrolment, Response


def candidate_attempt(attempt_id: int, user: User) -> Attempt | None:
    """The attempt, if it is ``user``'s (else ``None``: the view answers 404)."""
    return db.session.scalar(
        sa.select(Attempt).join(Enrolment)
        .where(Attempt.id == attempt_id, Enrolment.candidate_id == user.id))


def candidate_enrolment(sitting_id: int, user: User) -> Enrolment | None:
    """``user``'s enrolment in the sitting, or ``None``."""
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.sitting_id == sitting_id,
                                                        Enrolment.candidate_id == user.id))


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


def sampled_content(content: dict[str, Any], sample: list[str] | None) -> dict[str, Any]:
    """A practical version's ``content`` with only the drawn records (``None``: all of them)."""
    task = (content or {}).get("task")
    if sample is None or not isinstance(task, dict):
        return content
    keep = set(sample)
    records = [r for r in task.get("records") or [] if str(r.get("id")) in keep]
    return {**content, "task": {**task, "records": records}}


def records_for(attempt: Attempt, version: ItemVersion) -> list[dict[str, Any]]:
    """The records of practical ``version`` that ``attempt`` labels: the sample it drew from the
    task's pool at start, or every record of a task without a ``sample`` (what the item page shows
    and what autosave accepts)."""
    sample = db.session.scalar(sa.select(AttemptItem.sample).where(
        AttemptItem.attempt_id == attempt.id, AttemptItem.item_version_id == version.id))
    task = sampled_content(version.content or {}, sample).get("task") or {}
    return list(task.get("records") or [])


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
    #: A skills task's own clock (:func:`.task_clock.describe`), else ``None``.
    task_clock: dict[str, Any] | None = None

    @property
    def incomplete(self) -> bool:
        """A practical task with records still to do (the submit page warns about it)."""
        return self.records_total > 0 and self.records_done < self.records_total


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
                  AttemptItem.item_version_id, AttemptItem.started_dt, AttemptItem.sample)
        .join(ItemVersion, ItemVersion.id == AttemptItem.item_version_id)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(AttemptItem.attempt_id == attempt.id)
        .order_by(AttemptItem.position)).all()
    practical = [row.item_version_id for row in rows if row.type == "practical"]
    records: dict[int, int] = {}
    rules: dict[int, tuple[int, float, int]] = {}
    if practical:
        for version_id, content in db.session.execute(
                sa.select(ItemVersion.id, ItemVersion.content).where(ItemVersion.id.in_(practical))):
            records[version_id] = len(((content or {}).get("task") or {}).get("records") or [])
            rule = task_clock.rule_of(content)
            if rule is not None:
                rules[version_id] = rule
    now = now_utc()
    out = []
    for row in rows:
        total = len(row.sample) if row.sample is not None else records.get(row.item_version_id, 0)
        rule = rules.get(row.item_version_id)
        out.append(ItemStatus(row.position, row.type, done[row.id] > 0, row.flagged,
                              min(done[row.id], total), total,
                              task_clock.describe(rule, row.started_dt, now) if rule else None))
    return out


def answered_positions(statuses: Iterable[ItemStatus]) -> tuple[list[int], list[int]]:
    """(unanswered positions, flagged positions) for the submit page."""
    statuses = list(statuses)
    return ([s.position for s in statuses if not s.answered],
            [s.position for s in statuses if s.flagged])


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
    with write_transaction():
        db.session.execute(
            sa.update(AttemptItem)
            .where(AttemptItem.id.in_(unopened), AttemptItem.opened_dt.is_(None))
            .values(opened_dt=now_utc()).execution_options(synchronize_session=False))


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
