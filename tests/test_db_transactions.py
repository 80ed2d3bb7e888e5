"""certify.db's transactions: work queued after commit, and a write of its own inside a GET."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from certify.audit import AuditEvent, audit
from certify.db import after_commit, db, write_transaction
from certify.main.models import Marker


def _markers() -> list[str]:
    return sorted(db.session.scalars(sa.select(Marker.name)))


def test_queued_work_runs_after_the_commit_each_in_a_transaction_of_its_own(app):
    seen = []

    def note():
        seen.append(_markers())  # the committed change is visible
        db.session.add(Marker(name="after"))

    db.session.add(Marker(name="change"))
    after_commit(note)
    assert seen == []
    db.session.commit()
    assert seen == [["change"]]
    db.session.rollback()  # nothing pending: the queued work's change was committed
    assert _markers() == ["after", "change"]


def test_a_rollback_drops_the_queued_work(app):
    ran = []
    db.session.add(Marker(name="change"))
    after_commit(lambda: ran.append(True))
    db.session.rollback()
    db.session.commit()
    assert ran == [] and _markers() == []


def test_a_failing_piece_is_rolled_back_and_logged_and_the_others_still_run(app, caplog):
    def broken():
        db.session.add(Marker(name="half-done"))
        db.session.flush()
        raise RuntimeError("receiver down")

    db.session.add(Marker(name="change"))
    after_commit(broken)
    after_commit(lambda: db.session.add(Marker(name="second")))
    with caplog.at_level(logging.ERROR, logger="certify.db"):
        db.session.commit()
    assert _markers() == ["change", "second"]
    assert "receiver down" in caplog.text


def test_a_write_transaction_commits_at_its_end_and_rolls_back_on_error(app):
    with write_transaction():
        db.session.add(Marker(name="kept"))
    with pytest.raises(ValueError), write_transaction():
        db.session.add(Marker(name="dropped"))
        raise ValueError("no")
    db.session.rollback()
    assert _markers() == ["kept"]


def _another_writer_commits(app) -> None:
    with db.engine.connect() as other:
        other.execute(sa.insert(Marker).values(name="other", value=""))
        other.commit()


def test_a_get_that_reads_then_writes_waits_for_the_lock_instead_of_failing(app):
    """SQLite: a deferred read transaction cannot become a write once another connection has
    committed ("database is locked"); a write transaction starts a fresh one with the lock."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no such lock upgrade")
    with app.test_request_context("/certificates/1.pdf", method="GET"):
        db.session.scalars(sa.select(Marker)).all()  # the long read
        _another_writer_commits(app)
        with write_transaction():
            audit("test.downloaded", None)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 1
        db.session.remove()


def test_without_it_the_same_get_fails_on_sqlite(app):
    """What the write transaction is for (if this starts passing, SQLite changed its rules)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no such lock upgrade")
    with app.test_request_context("/certificates/1.pdf", method="GET"):
        db.session.scalars(sa.select(Marker)).all()
        _another_writer_commits(app)
        audit("test.downloaded", None)
        with pytest.raises(sa.exc.OperationalError, match="locked"):
            db.session.commit()
        db.session.remove()


def test_sqlite_acknowledges_a_commit_only_once_it_is_durable(app):
    """Issue 13 §16: WAL with synchronous=NORMAL can lose acknowledged saves in a power cut."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's synchronous setting; PostgreSQL syncs every commit by default")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
