"""Crash safety: candidates keep autosaving while a gunicorn worker is SIGKILLed in the middle of a
save and PostgreSQL drops every connection; afterwards nothing acknowledged is lost, every client's
retries got through, and every attempt resumes and is submitted exactly once.

certify runs under real gunicorn (3 sync workers) on a fresh PostgreSQL database; six candidates
(theory and labeling) log in, start, and autosave continuously, each from its own thread, retrying a
failed request with the same body after a short backoff. The faults are driven by events, not by
timers:

1. Kill mid-request: the test locks one candidate's attempt row, waits until that candidate's save
   is blocked on the lock inside a worker (seen in pg_stat_activity by the worker's connection
   name), SIGKILLs that worker, then releases the lock. The client sees a connection error and
   resends; the resend must be *applied* (the killed transaction never committed) and stored once.
   gunicorn's master replaces the worker.
2. Outage: connections to the database are refused and every open one is terminated, until every
   candidate has had a request fail; then the database is opened again.
3. Cuts: every connection is terminated twice more, while saves are in flight (the app reconnects
   through pool_pre_ping; a save whose commit was cut is resent, and a resend of a save that did
   commit is acknowledged with ``applied: false``).

Each fault waits until every candidate has had saves acknowledged since the previous one.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter

import pytest
import sqlalchemy as sa

from certify.db import db
from certify.exams.models import Attempt
from tests.resilience.crash_harness import Browser, Saver
from tests.resilience.resilience_helpers import (
    PASSWORD,
    answer_choices,
    answer_discrepancies,
    response_rows,
    run_together,
    state_answers,
    stored_answers,
    submissions,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

#: Seconds any one event may take on a loaded machine before the test gives up on it.
PATIENCE = 90


def _acked_since(savers: list[Saver], marks: dict[Saver, int], n: int):  # type: ignore[no-untyped-def]
    return lambda: all(s.acked_saves >= marks[s] + n for s in savers)


def _marks(savers: list[Saver]) -> dict[Saver, int]:
    return {s: s.acked_saves for s in savers}


def test_a_killed_worker_and_cut_connections_lose_no_acknowledged_answer(live_certify):
    server, postgres, app = live_certify.server, live_certify.postgres, live_certify.app
    stop = threading.Event()
    savers: list[Saver] = []
    for n, (email, sitting_id) in enumerate(live_certify.seeded.candidates):
        browser = Browser(server.port)
        browser.log_in(email, PASSWORD)
        attempt_id, csrf = browser.start(sitting_id)
        with app.app_context():
            choices = answer_choices(attempt_id)
        savers.append(Saver(browser, attempt_id, csrf, choices, random.Random(n), stop,
                            retry_for=PATIENCE))
    started = time.monotonic()
    for saver in savers:
        saver.start()
    try:
        wait_until(_acked_since(savers, _marks(savers), 3), PATIENCE, "everyone saved 3 times")
        victim, killed_pid, killed_seq = _kill_a_worker_mid_save(server, postgres, app, savers)
        wait_until(_acked_since(savers, _marks(savers), 3), PATIENCE, "everyone saved again")
        _outage(postgres, savers)
        wait_until(_acked_since(savers, _marks(savers), 3), PATIENCE,
                   "everyone saved after the outage")
        for _ in range(2):
            postgres.terminate_connections()
            wait_until(_acked_since(savers, _marks(savers), 3), PATIENCE,
                       "everyone saved after the connections were cut")
    finally:
        stop.set()
        for saver in savers:
            saver.join(PATIENCE + 30)
    chaos_seconds = time.monotonic() - started

    assert not [s.name for s in savers if s.is_alive()], "a candidate is still sending"
    assert [s.crash for s in savers if s.crash] == []
    assert [u for s in savers for u in s.unexpected] == []
    # Clients that retried succeeded: nothing given up on, and every last save acknowledged.
    assert [f for s in savers for f in s.failures] == []
    assert [(s.seq, s.last_acked_seq) for s in savers if s.last_acked_seq != s.seq] == []
    assert all(s.failed_requests() > 0 and s.retried for s in savers)
    # The save cut off by the kill was resent and applied: the killed request never committed.
    resend = [r for r in victim.retried if r[0] == killed_seq]
    assert resend and all(resend[0][2]), (killed_seq, victim.retried)

    with app.app_context(), app.test_request_context():
        for saver in savers:
            assert answer_discrepancies(saver.acks) == []
            assert response_rows(saver.attempt_id) == len(saver.acks.newest)  # each answer once
        db.session.remove()

    # Every attempt resumes with every acknowledged answer, on the same device and on another.
    devices = {}
    for saver, (email, _sitting) in zip(savers, live_certify.seeded.candidates, strict=True):
        other = Browser(server.port)
        other.log_in(email, PASSWORD)
        with app.app_context():
            stored = stored_answers(saver.attempt_id)
            db.session.remove()
        for browser in (saver.browser, other):
            reply = browser.state(saver.attempt_id)
            assert reply.status == 200, reply.text[:300]
            assert state_answers(reply.json()) == stored
            assert reply.json()["last_seq"] == saver.seq
        devices[saver] = [(saver.browser, saver.csrf), (other, reply.json()["csrf_token"]),
                          (saver.browser, saver.csrf)]

    # Submitted from both devices at the same instant, and once more resent: one submission.
    replies = run_together([
        lambda b=browser, c=csrf, u=f"/attempts/{saver.attempt_id}/submit": b.request(
            "POST", u, json_body={"reason": "candidate"}, headers={"X-CSRFToken": c})
        for saver in savers for browser, csrf in devices[saver]])
    assert [r for r in replies if isinstance(r, BaseException)] == []
    assert {r.status for r in replies} == {200}, [r.text[:200] for r in replies]
    for i in range(len(savers)):
        assert sorted(r.json()["submitted"] for r in replies[i * 3:(i + 1) * 3]) == [
            False, False, True]
    with app.app_context():
        for saver in savers:
            assert submissions(saver.attempt_id) == {"state": "submitted", "audit_entries": 1,
                                                     "results": 1}
        db.session.remove()
    late = victim.browser.request("POST", victim.url, json_body={"seq": victim.seq + 1},
                                  headers={"X-CSRFToken": victim.csrf})
    assert (late.status, late.json()["state"]) == (409, "submitted")

    wait_until(lambda: len(server.worker_pids()) == server.workers
               and killed_pid not in server.worker_pids(), PATIENCE,
               "gunicorn replaced the killed worker")
    assert server.alive()
    errors = sum((s.errors for s in savers), start=Counter())
    print(f"crash test: {sum(s.acked_saves for s in savers)} saves acknowledged in "
          f"{chaos_seconds:.1f} s; failed requests {dict(errors)}; resent saves "
          f"{sum(len(s.retried) for s in savers)}, of which found already stored "
          f"{sum(1 for s in savers for r in s.retried if not all(r[2]))}")


def _kill_a_worker_mid_save(server, postgres, app, savers: list[Saver]):  # type: ignore[no-untyped-def]
    """SIGKILL the worker serving a save, while that save waits inside it; return the candidate,
    the killed pid and the seq of the save that was cut off."""
    victim = savers[0]
    with app.app_context(), db.engine.connect() as conn:
        conn.execute(sa.select(Attempt.id).where(Attempt.id == victim.attempt_id)
                     .with_for_update())
        blocked: list[int] = []
        wait_until(lambda: bool(blocked.extend(postgres.workers_waiting_on_a_lock(
            "UPDATE attempt")) or blocked), PATIENCE, "a save waits for the locked attempt")
        in_flight = victim.in_flight
        assert in_flight is not None and blocked[0] in server.worker_pids()
        os.kill(blocked[0], signal.SIGKILL)
        wait_until(lambda: any(seq == in_flight["seq"] and kind == "connection"
                               for seq, kind, _detail in victim.error_log),
                   PATIENCE, "the candidate saw its connection drop")
        conn.rollback()  # the killed worker's transaction now ends without committing
    wait_until(lambda: victim.last_acked_seq >= in_flight["seq"], PATIENCE,
               "the resent save was acknowledged")
    return victim, blocked[0], in_flight["seq"]


def _outage(postgres, savers: list[Saver]) -> None:  # type: ignore[no-untyped-def]
    """Refuse and end every connection until each candidate has had a request fail."""
    failed = {s: s.failed_requests() for s in savers}
    postgres.allow_connections(False)
    try:
        postgres.terminate_connections()
        wait_until(lambda: all(s.failed_requests() > failed[s] for s in savers), PATIENCE,
                   "every candidate had a request fail during the outage")
    finally:
        postgres.allow_connections(True)
