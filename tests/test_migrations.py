"""The Alembic migrations build the whole schema from empty, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from certify import create_app
from certify.db import db


def _app(tmp_path, url):
    return create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "instance"),
                       "SECRET_KEY": "x", "CERTIFICATE_SECRET": "y", "TESTING": True})


def _differences(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def _upgrade_from_empty_matches_models(app) -> None:
    with app.app_context():
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= tables
    assert _differences(app) == []
    with app.app_context():
        downgrade(revision="base")
        left = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert left == set()


def test_sqlite_migrations_from_empty(tmp_path):
    _upgrade_from_empty_matches_models(_app(tmp_path, f"sqlite:///{tmp_path}/m.sqlite3"))


def test_postgresql_migrations_from_empty(tmp_path, pg_url):
    base = sa.make_url(pg_url)
    name = f"{base.database}_migrations"
    admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        _upgrade_from_empty_matches_models(
            _app(tmp_path, base.set(database=name).render_as_string(hide_password=False)))
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
