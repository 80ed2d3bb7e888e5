"""Helpers of the test suite (the fixtures are in conftest.py): settings of a test app, a test
client that behaves like a real one, logging in through the forms, PostgreSQL databases, and the
CI rule that a missing PostgreSQL or browser is a failure, not a skip."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient

from certify import create_app
from certify.auth.models import User
from certify.db import db

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEST_PASSWORD = "correct horse battery"


def skip_or_fail(reason: str) -> None:
    """Skip outside CI; fail in CI, where every environment the suite needs must be there."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def pg_reachable(url: str) -> str | None:
    """Return why PostgreSQL at ``url`` cannot be used, or ``None`` when it answers."""
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any driver or network failure means "not reachable"
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL is not reachable at {sa.make_url(url).render_as_string()}: {first_line}"
    return None


def create_schema(url: str) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "schema", "CERTIFICATE_SECRET": "schema",
                      "TESTING": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()


def empty_tables(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def make_settings(tmp_path: Path, url: str, **overrides: Any) -> dict[str, Any]:
    settings = {
        "TESTING": True,
        "DATABASE_URL": url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SECRET_KEY": "test-secret-key",
        "CERTIFICATE_SECRET": "test-certificate-secret",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": "memory://",
        "SERVER_NAME": None,
    }
    settings.update(overrides)
    return settings


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own application context, like a real one.

    Tests hold an app context for direct database work; Flask would otherwise reuse it for the
    client's requests, sharing ``g`` (Flask-Login's cached user) and the database session's identity
    map between requests. Each request therefore runs inside a fresh app context of its own (pushed
    here: Flask reuses a current context of the same app instead of pushing one). Before a request,
    the test's own transaction is committed (so nothing it holds, e.g. SQLite's write lock, blocks
    the request); after it, the test's objects are expired so that they show what the request
    stored.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        outer = has_app_context()
        if outer:
            db.session.commit()
        try:
            with self.application.app_context():
                return super().open(*args, **kwargs)
        finally:
            if outer:
                db.session.expire_all()


def ensure_database(url: sa.URL) -> str:
    """Create the PostgreSQL database ``url`` names when it does not exist; return the URL."""
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                           {"n": url.database}):
            conn.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    admin.dispose()
    return url.render_as_string(hide_password=False)


class AuthActions:
    """Log a test client in and out through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, user_or_email: User | str, password: str = TEST_PASSWORD,
              client: FlaskClient | None = None) -> Any:
        email = user_or_email if isinstance(user_or_email, str) else user_or_email.email
        response = (client or self.client).post(
            "/login", data={"email": email, "password": password})
        return response

    def logout(self, client: FlaskClient | None = None) -> Any:
        return (client or self.client).post("/logout")


class QueryCounter:
    """Counts the SQL statements an engine sends inside a ``with`` block (guards against N+1)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.count = 0
        self.statements: list[str] = []

    def _seen(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.count += 1
        self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        sa.event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *exc: Any) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._seen)


def csrf_token_from(html: str) -> str:
    """Return the CSRF token of the first form in ``html``."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)
