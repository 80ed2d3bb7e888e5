"""Concurrency on PostgreSQL: one submission from two racing requests, the newest save wins."""

from __future__ import annotations

import random
import threading

import pytest
import sqlalchemy as sa

from certify.db import db
from certify.exams.attempts import AttemptError, autosave, expiry, starting, submitting
from certify.exams.models import Attempt, Response
from certify.exams.signals import attempt_submitted
from tests.exams.exam_helpers import make_definition
from tests.factories import enrol, make_item, make_sitting, make_syllabus


@pytest.fixture
def pg(pg_app_factory):
    app = pg_app_factory()
    with app.app_context():
        yield app


def _attempts(app, count: int) -> list[int]:
    """``count`` started attempts of a one-item short-answer exam, by different candidates."""
    from certify.auth.models import Role, User

    level = make_syllabus(4, codes=("1.1",))
    make_item("short_answer", units=[level.unit_by_code("1.1")])
    exam = make_definition(level, total=1, item_types=["short_answer"])
    sitting = make_sitting(exam)
    ids = []
    for i in range(count):
        user = User(name=f"Racer {i}", email=f"racer{i}@example.org", candidate_id=f"R{i:07d}")
        user.set_password("correct horse battery")
        user.set_roles({Role.CANDIDATE})
        db.session.add(user)
        db.session.commit()
        ids.append(starting.start_attempt(enrol(sitting, user), None).id)
        db.session.commit()
    return ids


def _race(app, workers: list) -> list:
    """Run each worker in its own thread and app context, all released at once."""
    barrier = threading.Barrier(len(workers))
    results: list = [None] * len(workers)

    def run(i, work):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = work()
            except Exception as exc:  # collected and checked by the test
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def _submit(attempt_id: int) -> bool:
    """Submit as the view does: the operation, then the request's commit (which announces it)."""
    won = submitting.submit_attempt(db.session.get(Attempt, attempt_id), "candidate")
    db.session.commit()
    return won


def test_two_tabs_submitting_at_once_make_one_submission_and_one_signal(pg):
    announced: list[int] = []
    lock = threading.Lock()

    def receiver(sender, attempt_id, **extra):
        with lock:
            announced.append(attempt_id)

    ids = _attempts(pg, 6)
    attempt_submitted.connect(receiver)
    try:
        for attempt_id in ids:
            def submit(attempt_id=attempt_id):
                return _submit(attempt_id)
            results = _race(pg, [submit, submit])
            assert sorted(results) == [False, True], results
    finally:
        attempt_submitted.disconnect(receiver)
    assert sorted(announced) == sorted(ids)
    states = db.session.scalars(sa.select(Attempt.state).where(Attempt.id.in_(ids))).all()
    assert set(states) == {"submitted"}


def test_the_sweep_and_a_submit_racing_make_one_submission(pg):
    from datetime import timedelta

    from certify.clock import now_utc

    announced: list[int] = []
    ids = _attempts(pg, 3)
    db.session.execute(sa.update(Attempt).values(deadline_dt=now_utc() - timedelta(hours=1)))
    db.session.commit()
    lock = threading.Lock()

    def receiver(sender, attempt_id, **extra):
        with lock:
            announced.append(attempt_id)

    attempt_submitted.connect(receiver)
    try:
        results = _race(pg, [expiry.sweep, expiry.sweep] + [
            (lambda a=a: _submit(a))
            for a in ids])
    finally:
        attempt_submitted.disconnect(receiver)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(announced) == sorted(ids)


def test_concurrent_saves_with_interleaved_seqs_keep_the_newest(pg):
    (attempt_id,) = _attempts(pg, 1)
    seqs = list(range(1, 25))
    random.Random(7).shuffle(seqs)

    def saver(seq):
        def work():
            attempt = db.session.get(Attempt, attempt_id)
            result = autosave.save_answers(attempt, {"seq": seq, "answers": [
                {"position": 1, "record": None, "value": f"answer number {seq}"}]})
            db.session.commit()
            return result["saved"][0]["applied"]
        return work

    results = _race(pg, [saver(s) for s in seqs])
    assert not [r for r in results if isinstance(r, Exception)], results
    stored = db.session.scalar(sa.select(Response))
    assert (stored.value, stored.seq) == ("answer number 24", 24)
    assert db.session.get(Attempt, attempt_id).last_seq == 24
    assert results[seqs.index(24)] is True


def test_saves_racing_a_submission_land_before_it_or_not_at_all(pg):
    (attempt_id,) = _attempts(pg, 1)
    seqs = list(range(1, 13))

    def saver(seq):
        def work():
            attempt = db.session.get(Attempt, attempt_id)
            autosave.save_answers(attempt, {"seq": seq, "answers": [
                {"position": 1, "record": None, "value": f"answer number {seq}"}]})
            db.session.commit()
            return seq
        return work

    def submit():
        return _submit(attempt_id)

    results = _race(pg, [saver(s) for s in seqs] + [submit])
    assert results[-1] is True
    landed = [r for r in results[:-1] if isinstance(r, int)]
    refused = [r for r in results[:-1] if not isinstance(r, int)]
    assert all(isinstance(r, AttemptError) for r in refused), refused
    stored = db.session.scalar(sa.select(Response))
    if landed:
        assert stored.seq == max(landed)
    else:
        assert stored is None
