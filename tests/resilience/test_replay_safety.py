"""Replay safety: every autosave and every submission of a candidate arrives three times at once.

A retrying browser, a proxy that resends, or two tabs make the same request arrive more than once,
at the same moment. This runs on the suite's database (SQLite, or PostgreSQL with
``CERTIFY_TEST_DATABASE_URL``), in-process with real threads: three logged-in clients per candidate
send each save (same body, same seq) at the same instant, while a stale save from two rounds before
is replayed three times beside it, for three candidates at once. (The crash test replays over real
HTTP against gunicorn when a request's reply is lost.)

What a replayed save gets (docs/contracts.md §3): ``200`` every time; exactly one of the copies
reports ``applied: true`` for each answer, the others ``applied: false`` (the attempt row lock
orders them; the second finds the same seq stored). A stale save is acknowledged with ``applied:
false`` everywhere and changes nothing.
"""

from __future__ import annotations

import random
import re
import threading
from collections import Counter
from typing import Any

import sqlalchemy as sa

from certify.auth.models import User
from certify.db import db
from certify.exams.signals import attempt_submitted
from tests.resilience.resilience_helpers import (
    PASSWORD,
    Acks,
    answer_choices,
    answer_discrepancies,
    make_save,
    response_rows,
    run_together,
    seed_exam,
    state_answers,
    stored_answers,
    submissions,
)

COPIES = 3
ROUNDS = 6


def _together(calls: list) -> list:
    """Run the calls at once (see run_together), outside the test's own transaction: on SQLite
    it holds the write lock (certify.db begins every transaction outside a request IMMEDIATE),
    and afterwards it must read what the requests committed."""
    db.session.commit()
    results = run_together(calls)
    db.session.commit()
    return results


def _post_json(client, url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    response = client.post(url, json=body)
    return response.status_code, response.get_json(silent=True) or {}


def test_saves_and_submissions_sent_three_times_at_once_land_exactly_once(app, auth):
    seeded = seed_exam(2)
    candidates = []
    for n, (email, sitting_id) in enumerate(seeded.candidates):
        clients = []
        for _ in range(COPIES):  # three sessions of the same candidate: three tabs or devices
            client = app.test_client()
            assert auth.login(email, PASSWORD, client=client).status_code == 302
            clients.append(client)
        started = clients[0].post(f"/sittings/{sitting_id}/start", data={"access_code": ""})
        assert started.status_code == 302, started.text
        attempt_id = int(re.search(r"/attempts/(\d+)/", started.location).group(1))
        candidates.append({"clients": clients, "acks": Acks(attempt_id), "bodies": [],
                           "choices": answer_choices(attempt_id), "rng": random.Random(n)})
    db.session.commit()

    statuses: Counter[int] = Counter()
    for round_ in range(1, ROUNDS + 1):
        calls, expect = [], []
        for c in candidates:
            body = make_save(c["rng"], c["choices"], seq=round_)
            c["bodies"].append(body)
            url = f"/attempts/{c['acks'].attempt_id}/answers"
            sends = [(body, "fresh")]
            if round_ > 2:
                sends.append((c["bodies"][round_ - 3], "stale"))
            for sent, kind in sends:
                for client in c["clients"]:
                    calls.append(lambda client=client, url=url, sent=sent:
                                 _post_json(client, url, sent))
                expect.append((c, sent, kind))
        results = _together(calls)
        assert not [r for r in results if isinstance(r, Exception)], results
        statuses.update(status for status, _reply in results)
        assert {status for status, _reply in results} == {200}, results
        for i, (c, sent, kind) in enumerate(expect):
            replies = [reply for _status, reply in results[i * COPIES:(i + 1) * COPIES]]
            for reply in replies:
                c["acks"].record(sent, reply)
            applied = Counter()
            for reply in replies:
                for saved in reply["saved"]:
                    applied[(saved["position"], saved["record"] or "")] += saved["applied"]
            wanted = 1 if kind == "fresh" else 0
            assert set(applied.values()) == {wanted}, (kind, sent, replies)

    with app.test_request_context():
        for c in candidates:
            attempt_id = c["acks"].attempt_id
            assert answer_discrepancies(c["acks"]) == []
            assert response_rows(attempt_id) == len(c["acks"].newest)  # no duplicate rows
            state = c["clients"][1].get(f"/attempts/{attempt_id}/state").get_json()
            assert state_answers(state) == stored_answers(attempt_id)
            assert state["last_seq"] == ROUNDS

    announced: Counter[int] = Counter()
    lock = threading.Lock()

    def count(sender, attempt_id, **extra):
        with lock:
            announced[attempt_id] += 1

    attempt_submitted.connect(count)
    try:
        results = _together([
            lambda client=client, attempt_id=c["acks"].attempt_id: _post_json(
                client, f"/attempts/{attempt_id}/submit", {"reason": "candidate"})
            for c in candidates for client in c["clients"]])
    finally:
        attempt_submitted.disconnect(count)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert {status for status, _reply in results} == {200}, results
    for i, c in enumerate(candidates):
        attempt_id = c["acks"].attempt_id
        won = [reply["submitted"] for _s, reply in results[i * COPIES:(i + 1) * COPIES]]
        assert sorted(won) == [False] * (COPIES - 1) + [True], won
        assert announced[attempt_id] == 1
        assert submissions(attempt_id) == {"state": "submitted", "audit_entries": 1, "results": 1}

    # The last save replayed after the submission: refused, and nothing changes.
    before = {c["acks"].attempt_id: stored_answers(c["acks"].attempt_id) for c in candidates}
    results = _together([
        lambda client=client, c=c: _post_json(client, f"/attempts/{c['acks'].attempt_id}/answers",
                                              c["bodies"][-1])
        for c in candidates for client in c["clients"]])
    assert {(status, reply.get("state")) for status, reply in results} == {(409, "submitted")}
    assert {a: stored_answers(a) for a in before} == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 2
