"""The per-task clock of skills tasks (issue 12 §1): starting a task, what the page and the
invigilator are told about it, and refusing saves to a task past its stop.

The rule (the standard's, unchanged): a practical task whose ``overtime`` rule is on has its own
time limit; its clock starts when the candidate presses "Start this task" (``started_dt``); every
minute started after the limit costs ``per_minute`` task points; after ``stop_after_minutes`` of
overtime the task is locked and saves to it are refused with the error code ``task_locked`` (HTTP
423), never acknowledged and then ignored by grading. Deadlines are computed here, on the server
(:func:`certify.clock.now_utc`, :mod:`certify.exams.timing`); the page only counts down.

A save to a timed task that was never started starts its clock (a page cannot dodge the rule).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from certify.clock import now_utc
from certify.db import db
from certify.exams import timing
from certify.exams.attempts import IN_PROGRESS, AttemptError
from certify.exams.models import Attempt, AttemptItem

#: The JSON error code of a save refused because its task is locked.
TASK_LOCKED = "task_locked"
#: HTTP status of that refusal (423 Locked: the page keeps the answer and says why).
LOCKED_STATUS = 423


def rule_of(content: dict[str, Any] | None) -> tuple[int, float, int] | None:
    """The task's own time rule from an item version's content (``None``: no per-task clock)."""
    return timing.task_rule((content or {}).get("task"))


def describe(rule: tuple[int, float, int], started: datetime | None,
             now: datetime) -> dict[str, Any]:
    """The clock of one timed task as JSON for the page, the overview and the invigilator."""
    limit, per_minute, stop = rule
    out: dict[str, Any] = {
        "state": timing.task_state(now, started, limit, stop).value,
        "limit_minutes": limit, "per_minute": per_minute, "stop_minutes": stop,
        "started": None, "deadline": None, "stop": None, "remaining_seconds": limit * 60,
        "overtime_minutes": 0, "deduction": 0.0, "server_time": now.isoformat(),
    }
    if started is not None:
        deadline = timing.task_deadline(started, limit)
        minutes = timing.overtime_minutes(now, started, limit, stop)
        out.update(started=started.isoformat(), deadline=deadline.isoformat(),
                   stop=timing.task_stop(started, limit, stop).isoformat(),
                   remaining_seconds=round((deadline - now).total_seconds(), 1),
                   overtime_minutes=minutes, deduction=minutes * per_minute)
    return out


def item_clock(attempt_item: AttemptItem, now: datetime | None = None) -> dict[str, Any] | None:
    rule = rule_of(attempt_item.version.content)
    if rule is None:
        return None
    return describe(rule, attempt_item.started_dt, now or now_utc())


def start_task(attempt: Attempt, attempt_item: AttemptItem) -> dict[str, Any]:
    """Start the clock of a timed task (once; pressing again changes nothing). The caller commits.

    :raise AttemptError: the attempt is closed (409) or the task has no clock of its own (422).
    """
    if attempt.state != IN_PROGRESS:
        raise AttemptError(_("This attempt is closed."), state=attempt.state)
    rule = rule_of(attempt_item.version.content)
    if rule is None:
        raise AttemptError(_("Question %(n)s has no time limit of its own.",
                             n=attempt_item.position), status=422)
    now = now_utc()
    db.session.execute(sa.update(AttemptItem)
                       .where(AttemptItem.id == attempt_item.id, AttemptItem.started_dt.is_(None))
                       .values(started_dt=now).execution_options(synchronize_session=False))
    db.session.refresh(attempt_item)
    return describe(rule, attempt_item.started_dt, now)


def check_saves(items: Iterable[AttemptItem], now: datetime) -> None:
    """Before a save to these items: refuse it if one of them is a locked task, and start the clock
    of a timed task that was never started.

    :raise AttemptError: code ``task_locked``, status 423, naming the task.
    """
    unstarted = []
    for attempt_item in items:
        rule = rule_of(attempt_item.version.content)
        if rule is None:
            continue
        if attempt_item.started_dt is None:
            unstarted.append(attempt_item.id)
            continue
        limit, _per_minute, stop = rule
        if now > timing.task_stop(attempt_item.started_dt, limit, stop):
            raise AttemptError(
                _("Task %(n)s is locked: its time limit and the %(stop)s minutes of overtime "
                  "are over, so this answer was not saved. It is kept on this screen; tell the "
                  "invigilator.", n=attempt_item.position, stop=stop),
                status=LOCKED_STATUS, state=IN_PROGRESS, code=TASK_LOCKED,
                position=attempt_item.position)
    if unstarted:
        db.session.execute(sa.update(AttemptItem)
                           .where(AttemptItem.id.in_(unstarted), AttemptItem.started_dt.is_(None))
                           .values(started_dt=now).execution_options(synchronize_session=False))
