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
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from certify import create_app
from certify.auth.models import Role, User
from certify.db import db
from tests.helpers import (
    DEFAULT_PG_URL,
    TEST_PASSWORD,
    AuthActions,
    IsolatedClient,
    QueryCounter,
    create_schema,
    empty_tables,
    ensure_database,
    make_settings,
    pg_reachable,
    skip_or_fail,
)


def _worker_database(url: str, worker: str) -> str:
    """Give each xdist worker its own database next to the configured one."""
    if worker in ("master", ""):
        return url
    base = sa.make_url(url)
    return ensure_database(base.set(database=f"{base.database}_{worker}"))


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
        create_schema(url)
        return {"kind": "postgresql", "url": url}
    template = tmp_path_factory.mktemp("schema") / "template.sqlite3"
    create_schema(f"sqlite:///{template}")
    # The template is copied per test; leave no WAL beside it.
    sqlite3.connect(template).execute("PRAGMA journal_mode = DELETE").close()
    return {"kind": "sqlite", "template": template}


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
        empty_tables(made[0])
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
def count_queries(app: Flask) -> Callable[[], QueryCounter]:
    """Return ``count_queries()``: a context manager counting the SQL statements sent inside it
    (by the test or by the requests its client makes): ``with count_queries() as n: …; n.count``."""
    return lambda: QueryCounter(db.engine)


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
    url = ensure_database(base.set(database=f"{base.database}_pg{suffix}"))
    create_schema(url)
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
