"""Deadline, grace and window arithmetic (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from certify.exams import timing

START = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def test_deadline_is_start_plus_duration():
    assert timing.deadline(START, 90) == START + timedelta(minutes=90)


def test_extra_time_stretches_the_duration():
    assert timing.deadline(START, 90, extra_time_pct=25) == START + timedelta(minutes=112, seconds=30)
    assert timing.deadline(START, 60, extra_time_pct=200) == START + timedelta(hours=3)


def test_fractional_extra_time_rounds_up_to_the_next_second():
    # 7 minutes × 1.33 = 9.31 min = 558.6 s: the candidate gets 559 s, never less than promised.
    assert timing.deadline(START, 7, extra_time_pct=33) == START + timedelta(seconds=559)


def test_minutes_added_by_an_invigilator_move_the_deadline():
    assert timing.deadline(START, 90, 10, added_minutes=5) == START + timedelta(minutes=104)


@pytest.mark.parametrize("duration, extra", [(0, 0), (-5, 0), (60, -1), (60, 201)])
def test_impossible_durations_are_refused(duration, extra):
    with pytest.raises(ValueError):
        timing.deadline(START, duration, extra)


def test_saves_are_accepted_up_to_and_including_the_end_of_the_grace():
    deadline = START + timedelta(minutes=60)
    assert timing.accepts_saves(deadline - timedelta(seconds=1), deadline, 30)
    assert timing.accepts_saves(deadline, deadline, 30)
    assert timing.accepts_saves(deadline + timedelta(seconds=30), deadline, 30)
    assert not timing.accepts_saves(deadline + timedelta(seconds=30, microseconds=1), deadline, 30)
    assert timing.is_overdue(deadline + timedelta(seconds=31), deadline, 30)
    assert not timing.is_overdue(deadline + timedelta(seconds=29), deadline, 30)


def test_zero_grace_refuses_the_first_moment_after_the_deadline():
    deadline = START
    assert timing.accepts_saves(deadline, deadline, 0)
    assert not timing.accepts_saves(deadline + timedelta(microseconds=1), deadline, 0)


def test_overdue_before_matches_is_overdue():
    now = START + timedelta(hours=1)
    cutoff = timing.overdue_before(now, 30)
    assert timing.is_overdue(now, cutoff - timedelta(microseconds=1), 30)
    assert not timing.is_overdue(now, cutoff, 30)


def test_remaining_seconds_never_go_negative():
    assert timing.remaining_seconds(START, START + timedelta(seconds=90)) == 90
    assert timing.remaining_seconds(START + timedelta(hours=1), START) == 0


def test_a_deadline_submit_is_believed_only_near_the_deadline():
    deadline = START + timedelta(minutes=60)
    assert timing.is_deadline_submit(deadline - timedelta(seconds=3), deadline)
    assert not timing.is_deadline_submit(deadline - timedelta(minutes=5), deadline)


def test_window_states():
    opens, closes = START, START + timedelta(hours=2)
    assert timing.window_state(opens - timedelta(seconds=1), opens, closes) == "upcoming"
    assert timing.window_state(opens, opens, closes) == "open"
    assert timing.window_state(closes - timedelta(seconds=1), opens, closes) == "open"
    assert timing.window_state(closes, opens, closes) == "closed"


@pytest.mark.parametrize("seconds, shown", [(0, "00:00"), (0.2, "00:01"), (59, "00:59"),
                                            (600, "10:00"), (3599, "59:59"), (3600, "1:00:00"),
                                            (5405, "1:30:05"), (-3, "00:00")])
def test_clock_format(seconds, shown):
    assert timing.format_clock(seconds) == shown
