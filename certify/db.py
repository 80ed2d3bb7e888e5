"""Database: the Flask-SQLAlchemy object, typed column helpers, engine set-up and transactions.

Transactions (docs/developing.md, "Transactions"):

- **One per request.** :func:`finish_request_transaction` commits when the response is a success
  (status < 400) and rolls back otherwise, before the response leaves the app, so a client is never
  told "saved" about a commit that failed. Operations do not commit; a view that must keep changes
  while answering with an error status commits explicitly. A request that raises is rolled back at
  once (:func:`rollback_failed_request`), before its error page is made: that page reads the
  database too (the user's language), and a transaction whose connection died would refuse it.
- **After commit.** :func:`after_commit` queues work that must only happen once the current
  transaction is committed (exams' ``attempt_submitted`` signal, which grading receives): it runs
  right after the commit, each piece in a transaction of its own that is committed after it; a
  piece that fails is logged and rolled back, and never undoes the commit before it. A rollback
  drops what was queued. (Django calls this ``transaction.on_commit``.)
- **A write of its own.** :func:`write_transaction` is a block that is its own unit of work,
  committed at its end whatever the request does next: for a GET request that must write (an
  overdue attempt submitted by the server when someone looks at it, an audit row of a download),
  and for a change that must stand even when the request then answers with an error.

SQLite: foreign keys on, WAL journal, and ``BEGIN IMMEDIATE`` for every transaction that may write
(all but GET/HEAD/OPTIONS requests, all work outside requests, and :func:`write_transaction`
blocks). A deferred transaction that reads and then writes fails at once with "database is locked"
when another writer committed in between; taking the write lock up front makes writers queue on the
busy timeout instead.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, got_request_exception, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase

from certify.clock import as_utc

#: Constraint names that Alembic can manage identically on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every certify model."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


#: Where a session keeps the work :func:`after_commit` queued.
_AFTER_COMMIT = "certify_after_commit"
#: Set inside :func:`write_transaction`: the next transaction takes the write lock up front.
_write_wanted: ContextVar[bool] = ContextVar("certify_write_wanted", default=False)

logger = logging.getLogger(__name__)


class Session(FlaskSession):
    """Flask-SQLAlchemy's session, running the :func:`after_commit` queue after each commit."""

    def commit(self) -> None:
        super().commit()
        while queued := self.info.pop(_AFTER_COMMIT, None):
            for callback in queued:
                try:
                    callback()
                    self.commit()  # runs, in turn, what the callback queued
                except Exception:
                    self.rollback()
                    logger.exception("work queued to run after a commit failed: %r", callback)

    def rollback(self, _to_root: bool = False) -> None:
        super().rollback()
        self.info.pop(_AFTER_COMMIT, None)

    def close(self) -> None:
        super().close()
        self.info.pop(_AFTER_COMMIT, None)


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})

#: JSON column: JSONB on PostgreSQL, JSON (text) on SQLite.
JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(sa.TypeDecorator):
    """A timestamp stored in UTC and always returned as an aware UTC datetime.

    SQLite keeps no time zone, PostgreSQL converts to the session zone; this type makes both give the
    same aware values back, so comparisons with :func:`certify.clock.now_utc` are safe everywhere.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


def _may_write() -> bool:
    if _write_wanted.get() or not has_request_context():
        return True
    return request.method not in ("GET", "HEAD", "OPTIONS")


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's "begin" event below issue BEGIN itself (pysqlite's own is always deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    # An acknowledged save must survive a power cut or an OS crash: FULL syncs the WAL at every
    # commit (NORMAL would only sync at checkpoints). Cost: bench/bench_durable_saves.py, README.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


@sa.event.listens_for(sa.engine.Engine, "begin")
def _sqlite_on_begin(connection: sa.engine.Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its ``%``, ``_`` and ``\\`` taken literally.

    Use it with ``escape="\\"``: ``column.like(contains_pattern(text), escape="\\")``.
    """
    return "%" + like_literal(text) + "%"


def like_literal(text: str) -> str:
    """``text`` with LIKE's wildcards escaped (escape character ``\\``)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def refresh_statistics() -> None:
    """Update the query planner's statistics (``ANALYZE``) after a bulk load.

    A freshly loaded PostgreSQL database has none until autovacuum gets to it, and the planner
    then guesses one row per table: drawing an exam form went from 0.6 ms to 12 ms a start that
    way. SQLite keeps them in ``sqlite_stat1`` the same way. Cheap at certify's table sizes.
    """
    db.session.commit()
    with db.engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()


def finish_request_transaction(response):  # type: ignore[no-untyped-def]
    """Commit the request's transaction on success, roll it back otherwise (an ``after_request``)."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


@got_request_exception.connect
def rollback_failed_request(sender: Flask, exception: BaseException, **extra: Any) -> None:
    """Roll back the request's transaction when the request raised, before the error handler runs.

    After a lost connection SQLAlchemy refuses every statement of the session until it is rolled
    back (``PendingRollbackError``); on PostgreSQL a failed statement aborts the transaction too.
    """
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:  # the error page then does without the database
        sender.logger.exception("rolling back a failed request failed")


def after_commit(callback: Callable[[], Any]) -> None:
    """Run ``callback`` once the session's current transaction has committed (see the module notes).

    It runs in the same app context, right after the commit, in a transaction of its own that is
    committed after it; if it raises, its changes are rolled back and the error is logged. If the
    transaction is rolled back instead, ``callback`` never runs. Queue it after any savepoint of the
    change it follows has been released: rolling back a savepoint does not drop it.
    """
    db.session.info.setdefault(_AFTER_COMMIT, []).append(callback)


@contextmanager
def write_transaction() -> Iterator[None]:
    """A block that is a unit of work of its own: committed at its end, rolled back if it raises.

    On entry it commits what the session holds — in a GET request that is only the read
    transaction, which on SQLite could not turn into a write once another connection has committed
    ("database is locked"); use it before the request has changed anything else. Inside, SQLite
    takes the write lock up front (``BEGIN IMMEDIATE``), so the block queues behind other writers
    instead of failing. Blocks nest: an inner one joins the outer one, which commits.
    """
    if _write_wanted.get():
        yield
        return
    db.session.commit()
    token = _write_wanted.set(True)
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _write_wanted.reset(token)
