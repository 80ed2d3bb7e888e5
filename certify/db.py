"""Database: the Flask-SQLAlchemy object, typed column helpers and engine set-up.

Transactions: one per request. :func:`finish_request_transaction` commits when the response is a
success (status < 400) and rolls back otherwise, before the response leaves the app, so a client is
never told "saved" about a commit that failed. A view that must keep changes while answering with an
error status (e.g. an exam submitted by the server while refusing a late save) commits explicitly.
A request that raises is rolled back at once (:func:`rollback_failed_request`), before its error
page is made: that page reads the database too (the user's language), and a transaction whose
connection died would refuse it, leaving the client the WSGI server's bare 500 instead of ours.

SQLite: foreign keys on, WAL journal, and ``BEGIN IMMEDIATE`` for every transaction that may write
(all but GET/HEAD/OPTIONS requests, and all work outside requests). A deferred transaction that reads
and then writes fails at once with "database is locked" when another writer committed in between;
taking the write lock up front makes writers queue on the busy timeout instead.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, got_request_exception, has_request_context, request
from flask_sqlalchemy import SQLAlchemy
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


db = SQLAlchemy(model_class=Base)

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


def _request_may_write() -> bool:
    if has_request_context():
        return request.method not in ("GET", "HEAD", "OPTIONS")
    return True


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
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@sa.event.listens_for(sa.engine.Engine, "begin")
def _sqlite_on_begin(connection: sa.engine.Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    connection.exec_driver_sql("BEGIN IMMEDIATE" if _request_may_write() else "BEGIN")


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


def is_postgresql() -> bool:
    """Return whether the app's database is PostgreSQL."""
    return db.engine.dialect.name == "postgresql"
