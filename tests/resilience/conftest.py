"""Fixtures of the resilience tests: a fresh PostgreSQL database with a small exam day, served by
gunicorn (helpers in resilience_helpers.py and crash_harness.py)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from certify import create_app
from certify.db import db
from tests.resilience.crash_harness import Gunicorn, Postgres
from tests.resilience.resilience_helpers import Seeded, seed_exam

#: Candidates autosaving in the crash test, and gunicorn workers serving them.
CANDIDATES = 6
WORKERS = 3


@dataclass
class LiveCertify:
    """certify served by gunicorn on a seeded database, with the handles the crash test needs."""

    server: Gunicorn
    postgres: Postgres
    #: An app on the same database, for the test's own reads (push a context to use it).
    app: Flask
    seeded: Seeded


@pytest.fixture
def crash_database(pg_url: str, worker_id_safe: str) -> Iterator[str]:
    """A fresh PostgreSQL database of its own (dropped afterwards), next to ``pg_url``'s."""
    base = sa.make_url(pg_url)
    suffix = "" if worker_id_safe in ("master", "") else f"_{worker_id_safe}"
    url = base.set(database=f"{base.database}_crash{suffix}")
    postgres = Postgres(url.render_as_string(hide_password=False))
    postgres.run(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    postgres.run(f'CREATE DATABASE "{url.database}"')
    yield url.render_as_string(hide_password=False)
    postgres.allow_connections(True)  # in case the test stopped during an outage
    postgres.run(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    postgres.dispose()


@pytest.fixture
def live_certify(crash_database: str, tmp_path: Path) -> Iterator[LiveCertify]:
    """Seed the database (schema from the models, like every test database; the migrations are
    checked against the models by tests/test_migrations.py), then serve it with gunicorn."""
    instance = tmp_path / "instance"
    app = create_app({"DATABASE_URL": crash_database, "INSTANCE_PATH": str(instance),
                      "SECRET_KEY": "crash-test-seeding", "CERTIFICATE_SECRET": "crash-test",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        db.create_all()
        seeded = seed_exam(CANDIDATES)
        db.session.remove()
        db.engine.dispose()
    server = Gunicorn(crash_database, instance, WORKERS, tmp_path)
    postgres = Postgres(crash_database)
    try:
        server.wait_ready(timeout=120)
        yield LiveCertify(server, postgres, app, seeded)
    finally:
        server.stop()
        print(f"--- gunicorn log (tail) ---\n{server.log_tail()}")
        postgres.allow_connections(True)
        postgres.dispose()
        with app.app_context():
            db.engine.dispose()
