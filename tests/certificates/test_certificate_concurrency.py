"""Concurrent issuance on SQLite and PostgreSQL: no duplicate numbers, no gaps, one certificate
per pass however many administrators press "issue" at once."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from certify.auth.models import Role, User
from certify.certificates import operations
from certify.certificates.models import Certificate
from certify.db import db
from certify.grading.models import LevelPass
from tests.certificates.pass_helpers import build_pass, build_sitting

THREADS = 8


def _setup(app: Flask, passes: int) -> list[int]:
    """Create *passes* level passes (one candidate each) in one published sitting."""
    with app.app_context():
        sitting = build_sitting()
        ids = []
        for i in range(passes):
            user = User(name=f"并发考生{i}", email=f"c{i}@example.org", candidate_id=f"C{i:08d}")
            user.set_password("x" * 12)
            user.set_roles({Role.CANDIDATE})
            db.session.add(user)
            db.session.commit()
            ids.append(build_pass(user, sitting).id)
        return ids


def _run_together(app: Flask, jobs: list[Callable[[], None]]) -> list[BaseException]:
    """Run each job in its own thread and app context, started together; return the errors."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def worker(job: Callable[[], None]) -> None:
        with app.app_context():
            try:
                barrier.wait()
                job()
                db.session.commit()
            except BaseException as exc:  # reported to the test below
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _issue(pass_id: int) -> Callable[[], None]:
    def job() -> None:
        operations.issue_certificate(db.session.get(LevelPass, pass_id), actor=None)
    return job


def _check_distinct_passes(app: Flask) -> None:
    ids = _setup(app, THREADS)
    assert _run_together(app, [_issue(pass_id) for pass_id in ids]) == []
    with app.app_context():
        numbers = sorted(db.session.scalars(sa.select(Certificate.number)))
        sequences = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
        assert sequences == list(range(1, THREADS + 1))  # no duplicates, no gaps
        assert len({n.rsplit("-", 1)[0] for n in numbers}) == 1


def _check_same_pass(app: Flask) -> None:
    pass_id = _setup(app, 1)[0]
    assert _run_together(app, [_issue(pass_id) for _ in range(THREADS)]) == []
    with app.app_context():
        certificates = db.session.scalars(sa.select(Certificate)).all()
        assert [c.number.rsplit("-", 1)[1] for c in certificates] == ["000001"]
        # The next number continues without a gap: the racing issuers took none.
        other = _setup_one_more(app)
        certificate, _ = operations.issue_certificate(db.session.get(LevelPass, other),
                                                      actor=None)
        assert certificate.number.endswith("-000002")


def _setup_one_more(app: Flask) -> int:
    user = User(name="后来者", email="late@example.org", candidate_id="LATE0001")
    user.set_password("x" * 12)
    user.set_roles({Role.CANDIDATE})
    db.session.add(user)
    db.session.commit()
    sitting_id = db.session.scalar(sa.select(LevelPass.sitting_id).limit(1))
    level_pass = LevelPass(candidate_id=user.id,
                           level_id=db.session.scalar(sa.select(LevelPass.level_id).limit(1)),
                           passed_dt=db.session.scalar(sa.select(LevelPass.passed_dt).limit(1)),
                           components={}, sitting_id=sitting_id)
    db.session.add(level_pass)
    db.session.commit()
    return level_pass.id


def _check_issue_all_twice(app: Flask) -> None:
    _setup(app, THREADS)

    def issue_all() -> None:
        sitting = db.session.get(LevelPass, 1).sitting_id
        from certify.exams.models import Sitting

        operations.issue_sitting(db.session.get(Sitting, sitting), actor=None)

    assert _run_together(app, [issue_all, issue_all, issue_all]) == []
    with app.app_context():
        numbers = sorted(db.session.scalars(sa.select(Certificate.number)))
        assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, THREADS + 1))
        per_pass = db.session.execute(sa.select(Certificate.level_pass_id, sa.func.count())
                                      .group_by(Certificate.level_pass_id)).all()
        assert len(per_pass) == THREADS and all(count == 1 for _id, count in per_pass)


CHECKS = [_check_distinct_passes, _check_same_pass, _check_issue_all_twice]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__[7:])
def test_concurrent_issuance_on_the_test_database(app_factory, check):
    check(app_factory())


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__[7:])
def test_concurrent_issuance_on_postgresql(pg_app_factory, check):
    check(pg_app_factory())
