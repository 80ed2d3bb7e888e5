"""Exam time arithmetic: deadlines, the grace period and sitting windows (pure: no Flask, no database).

Every function takes the current time as an argument, so callers pass
:func:`certify.clock.now_utc` and tests pass frozen values. The rules:

- An attempt's deadline is fixed when it starts: ``started + duration × (1 + extra %)``, plus any
  minutes an invigilator adds later. The browser only *shows* it; the server enforces it.
- Saves are accepted until ``deadline + grace`` (``EXAM_GRACE_SECONDS``, default 30 s), so an answer
  that was in flight when the clock ran out still counts. Later saves are refused.
- An attempt still in progress after ``deadline + grace`` is *overdue*: the server submits it the
  next time anyone touches it, and ``flask sweep-expired`` submits it from cron.
- A sitting's window (``opens`` ≤ now < ``closes``) is when enrolled candidates may *start*; an
  attempt started inside the window runs to its own deadline even if the window closes meanwhile,
  so a candidate who starts a minute before the close still gets their full time.
"""

from __future__ import annotations

import enum
import math
from datetime import datetime, timedelta

#: Extra time an enrolment may carry, in percent of the duration (matches the model's check).
MAX_EXTRA_TIME_PCT = 200


class WindowState(enum.StrEnum):
    """Where a sitting's start window stands relative to now."""

    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


def allowed_minutes(duration_minutes: int, extra_time_pct: int = 0) -> float:
    """The minutes a candidate gets: the duration stretched by their extra time.

    :raise ValueError: for a non-positive duration or extra time outside 0–200 %.
    """
    if duration_minutes <= 0:
        raise ValueError("the duration must be positive")
    if not 0 <= extra_time_pct <= MAX_EXTRA_TIME_PCT:
        raise ValueError(f"extra time must be 0–{MAX_EXTRA_TIME_PCT} %")
    return duration_minutes * (1 + extra_time_pct / 100)


def deadline(started: datetime, duration_minutes: int, extra_time_pct: int = 0,
             added_minutes: int = 0) -> datetime:
    """The deadline of an attempt started at ``started``.

    Whole seconds only: a fractional second would show as a flickering countdown and buys nobody
    anything; the extra time is rounded *up* so that it is never shorter than promised.
    """
    allowed_minutes(duration_minutes, extra_time_pct)  # checks the arguments
    # Integer arithmetic: 90 min × 110 % is exactly 99 min (floats would make it 99 min 1 s).
    hundredths = duration_minutes * 60 * (100 + extra_time_pct)
    whole = -(-hundredths // 100)
    return started + timedelta(seconds=whole, minutes=added_minutes)


def save_cutoff(deadline_dt: datetime, grace_seconds: float) -> datetime:
    """The last moment a save is accepted: the deadline plus the grace period."""
    return deadline_dt + timedelta(seconds=max(0.0, grace_seconds))


def accepts_saves(now: datetime, deadline_dt: datetime, grace_seconds: float) -> bool:
    """Whether a save arriving at ``now`` is still accepted (up to and including the cut-off)."""
    return now <= save_cutoff(deadline_dt, grace_seconds)


def is_overdue(now: datetime, deadline_dt: datetime, grace_seconds: float) -> bool:
    """Whether an attempt still in progress at ``now`` must be submitted by the server."""
    return not accepts_saves(now, deadline_dt, grace_seconds)


def overdue_before(now: datetime, grace_seconds: float) -> datetime:
    """Deadlines earlier than this are overdue at ``now`` (for queries over many attempts)."""
    return now - timedelta(seconds=max(0.0, grace_seconds))


def remaining_seconds(now: datetime, deadline_dt: datetime) -> float:
    """Seconds left until the deadline (0 once it has passed)."""
    return max(0.0, (deadline_dt - now).total_seconds())


def is_deadline_submit(now: datetime, deadline_dt: datetime, tolerance_seconds: float = 5) -> bool:
    """Whether a submit the page sent "at the deadline" really came at the deadline.

    The page's clock is corrected by the server's, but a few seconds of network time are allowed.
    """
    return now >= deadline_dt - timedelta(seconds=tolerance_seconds)


def window_state(now: datetime, opens: datetime, closes: datetime) -> WindowState:
    """Whether candidates may start now, could later, or can no longer."""
    if now < opens:
        return WindowState.UPCOMING
    if now < closes:
        return WindowState.OPEN
    return WindowState.CLOSED


def format_clock(seconds: float) -> str:
    """A countdown as the page shows it: ``1:05:09`` or ``05:09`` (rounded up to the second)."""
    whole = max(0, math.ceil(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


# Per-task clocks of skills tasks ------------------------------------------------------------------
#
# A practical task whose ``overtime`` rule is on (``allowed: true``) has its own time limit: its
# clock starts when the candidate presses "Start this task" (opening or glancing at the task does
# not count). Up to the limit it counts down; after it, every minute started costs ``per_minute``
# task points, up to ``stop_after_minutes`` minutes; at the stop the task is locked and the server
# refuses saves to it (they would not count). The page only shows what these functions compute.


class TaskState(enum.StrEnum):
    """Where one timed task stands."""

    NOT_STARTED = "not_started"
    RUNNING = "running"
    OVERTIME = "overtime"
    LOCKED = "locked"


def task_rule(task: dict | None) -> tuple[int, float, int] | None:
    """``(limit minutes, points per overtime minute, stop after minutes)`` of a task's own time
    rule, or ``None`` when the task has none (its limit is the exam's deadline)."""
    task = task or {}
    rule = task.get("overtime") or {}
    limit = task.get("time_limit_minutes")
    if not rule.get("allowed") or not limit:
        return None
    return int(limit), float(rule.get("per_minute", 1)), int(rule.get("stop_after_minutes", 5))


def task_deadline(started: datetime, limit_minutes: int) -> datetime:
    """When a task started at ``started`` reaches its time limit."""
    return started + timedelta(minutes=limit_minutes)


def task_stop(started: datetime, limit_minutes: int, stop_minutes: int) -> datetime:
    """When the task locks: the limit plus the overtime allowed. Saves after it are refused."""
    return started + timedelta(minutes=limit_minutes + stop_minutes)


def task_state(now: datetime, started: datetime | None, limit_minutes: int,
               stop_minutes: int) -> TaskState:
    if started is None:
        return TaskState.NOT_STARTED
    if now <= task_deadline(started, limit_minutes):
        return TaskState.RUNNING
    if now <= task_stop(started, limit_minutes, stop_minutes):
        return TaskState.OVERTIME
    return TaskState.LOCKED


def overtime_minutes(now: datetime, started: datetime, limit_minutes: int,
                     stop_minutes: int) -> int:
    """Minutes of overtime charged for work saved at ``now``: every minute started counts, at most
    ``stop_minutes`` (the same arithmetic as grading's, :func:`certify.grading.autoscore.overtime`).
    """
    over = (now - started).total_seconds() - limit_minutes * 60
    if over <= 0:
        return 0
    return min(math.ceil(over / 60 - 1e-9), stop_minutes)
