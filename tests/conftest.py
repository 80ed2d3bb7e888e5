"""Shared fixtures: an app on a clean database per test, users by role, logging in.

Database: SQLite in a temporary folder by default (a fresh file per test, copied from a schema made
once per session). With ``CERTIFY_TEST_DATABASE_URL`` set to a PostgreSQL URL the same tests run on
PostgreSQL: the schema is created once per session (one database per xdist worker) and every table
is emptied after each test.

Tests that need PostgreSQL whatever the main database is (concurrency, crash safety) use the
``pg_url`` fixture: it skips with a one-line reason when no server answers — except in CI
(``CI=true``), where a missing PostgreSQL or browser is a failure, never a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient

from certify import create_app
from certify.auth.models import Role, User
from certify.db import db

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TEST_PASSWORD = "correct horse battery"


def skip_or_fail(reason: str) -> None:
    """Skip outside CI; fail in CI, where every environment the suite needs must be there."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def _worker_database(url: str, worker: str) -> str:
    """Give each xdist worker its own database next to the configured one."""
    if worker in ("master", ""):
        return url
    base = sa.make_url(url)
    return _ensure_database(base.set(database=f"{base.database}_{worker}"))


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


def _create_schema(url: str) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "schema", "CERTIFICATE_SECRET": "schema",
                      "TESTING": True})
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()


def _empty_tables(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture(scope="session")
def worker_id_safe(request: pytest.FixtureRequest) -> str:
    return getattr(request.config, "workerinput", {}).get("workerid", "master")


@pytest.fixture(scope="session")
def main_database(tmp_path_factory: pytest.TempPathFactory, worker_id_safe: str) -> dict[str, Any]:
    """The session's database: PostgreSQL when configured, else a SQLite schema file to copy."""
    url = os.environ.get("CERTIFY_TEST_DATABASE_URL")
    if url:
        if not url.startswith("postgresql"):
            raise pytest.UsageError("CERTIFY_TEST_DATABASE_URL must be a PostgreSQL URL")
        problem = pg_reachable(url)
        if problem:
            pytest.fail(f"CERTIFY_TEST_DATABASE_URL is set but {problem}", pytrace=False)
        url = _worker_database(url, worker_id_safe)
        _create_schema(url)
        return {"kind": "postgresql", "url": url}
    template = tmp_path_factory.mktemp("schema") / "template.sqlite3"
    _create_schema(f"sqlite:///{template}")
    # The template is copied per test; leave no WAL beside it.
    sqlite3.connect(template).execute("PRAGMA journal_mode = DELETE").close()
    return {"kind": "sqlite", "template": template}


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
    client's requests, sharing ``g`` (Flask-Login's cached user) and the session's identity map
    between requests. Before a request, the test's own transaction is committed (so nothing it
    holds, e.g. SQLite's write lock, blocks the request); after it, the test's objects are expired
    so that they show what the request stored.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        outer = _cv_app.get(None)
        if outer is not None:
            db.session.commit()
        token = _cv_app.set(None)  # type: ignore[arg-type]
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            if outer is not None:
                db.session.expire_all()


@pytest.fixture
def app_factory(tmp_path: Path, main_database: dict[str, Any]) -> Iterator[Callable[..., Flask]]:
    """Return ``make(**config)``: an app on this test's clean database, with extra settings."""
    made: list[Flask] = []
    if main_database["kind"] == "sqlite":
        path = tmp_path / "certify.sqlite3"
        shutil.copyfile(main_database["template"], path)
        url = f"sqlite:///{path}"
    else:
        url = main_database["url"]

    def make(**overrides: Any) -> Flask:
        app = create_app(make_settings(tmp_path, url, **overrides))
        app.test_client_class = IsolatedClient
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
    if main_database["kind"] == "postgresql" and made:
        _empty_tables(made[0])
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def app(app_factory: Callable[..., Flask]) -> Iterator[Flask]:
    """The app, with an application context pushed for direct database work in the test."""
    application = app_factory()
    with application.app_context():
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture
def pg_url(worker_id_safe: str) -> str:
    """A PostgreSQL URL for tests that need PostgreSQL itself (skips outside CI when none)."""
    url = os.environ.get("CERTIFY_TEST_DATABASE_URL") or os.environ.get(
        "CERTIFY_TEST_POSTGRES_URL", DEFAULT_PG_URL)
    problem = pg_reachable(url)
    if problem:
        skip_or_fail(problem)
    return url


@pytest.fixture
def pg_app_factory(tmp_path: Path, pg_url: str, worker_id_safe: str):  # type: ignore[no-untyped-def]
    """Like ``app_factory`` but always on PostgreSQL, in a database of its own (per worker)."""
    base = sa.make_url(pg_url)
    suffix = "" if worker_id_safe in ("master", "") else f"_{worker_id_safe}"
    url = _ensure_database(base.set(database=f"{base.database}_pg{suffix}"))
    _create_schema(url)
    made: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        app = create_app(make_settings(tmp_path, url, **overrides))
        app.test_client_class = IsolatedClient
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _ensure_database(url: sa.URL) -> str:
    """Create the PostgreSQL database ``url`` names when it does not exist; return the URL."""
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                           {"n": url.database}):
            conn.exec_driver_sql(f'CREATE DATABASE "{url.database}"')
    admin.dispose()
    return url.render_as_string(hide_password=False)


# Users and logging in -----------------------------------------------------------------------------

_counter = {"n": 0}


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """Return ``make_user(*roles, name=…, email=…, password=…, candidate_id=…)``: a saved user."""

    def make(*roles: Role | str, name: str | None = None, email: str | None = None,
             password: str = TEST_PASSWORD, candidate_id: str | None = None,
             active: bool = True) -> User:
        _counter["n"] += 1
        n = _counter["n"]
        chosen = {Role(r) for r in roles} or {Role.CANDIDATE}
        if Role.CANDIDATE in chosen and candidate_id is None:
            candidate_id = f"T{n:08d}"
        user = User(name=name or f"Test User {n}", email=email or f"user{n}@example.org",
                    candidate_id=candidate_id, is_active=active)
        user.set_password(password)
        user.set_roles(chosen)
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADMIN, name="Ada Admin")


@pytest.fixture
def examiner(make_user: Callable[..., User]) -> User:
    return make_user(Role.EXAMINER, name="Evan Examiner")


@pytest.fixture
def candidate(make_user: Callable[..., User]) -> User:
    return make_user(Role.CANDIDATE, name="张伟")


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


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def login_as(app: Flask) -> Callable[[User], FlaskClient]:
    """Return ``login_as(user)``: a new test client logged in as ``user``."""

    def make(user: User) -> FlaskClient:
        c = app.test_client()
        response = AuthActions(c).login(user)
        assert response.status_code == 302, f"login of {user.email} failed"
        return c

    return make


def csrf_token_from(html: str) -> str:
    """Return the CSRF token of the first form in ``html``."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Compile the translation catalogs when a .po file is newer than its .mo (plain ``pytest``)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po in (Path(__file__).parent.parent / "certify" / "translations").glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as fh:
                catalog = read_po(fh)
            with mo.open("wb") as fh:
                write_mo(fh, catalog, use_fuzzy=True)
