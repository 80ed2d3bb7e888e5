"""The flask commands: load-demo (once), create-user, the syllabus file commands."""

from __future__ import annotations

import sqlalchemy as sa

from certify.auth.demo import DEMO_ACCOUNTS
from certify.auth.models import Role, User
from certify.db import db
from certify.syllabus.models import Level


def test_load_demo_loads_once_and_prints_the_logins(app, runner):
    first = runner.invoke(args=["load-demo"])
    assert first.exit_code == 0, first.output
    for account in DEMO_ACCOUNTS:
        assert account.email in first.output and account.password in first.output
    roles = {r for u in db.session.scalars(sa.select(User)) for r in u.roles}
    assert roles == set(Role)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Level)) == 5
    # The planner has statistics for the bulk-loaded tables (without them PostgreSQL drew each
    # exam form with a nested loop 20 times slower): load-demo ran ANALYZE.
    stats = ("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'item_version_unit'"
             if db.engine.dialect.name == "sqlite" else
             "SELECT count(*) FROM pg_stats WHERE tablename = 'item_version_unit'")
    assert db.session.execute(sa.text(stats)).scalar() > 0

    users_before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    second = runner.invoke(args=["load-demo"])
    assert second.exit_code == 0
    assert "loaded already" in second.output
    assert DEMO_ACCOUNTS[0].password in second.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == users_before


def test_create_user_makes_an_admin(app, runner):
    result = runner.invoke(args=["create-user", "--email", "Boss@Example.org", "--name", "王芳",
                                 "--role", "admin", "--role", "examiner",
                                 "--password", "a strong password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "boss@example.org"))
    assert user.name == "王芳" and user.roles == {Role.ADMIN, Role.EXAMINER}
    assert user.check_password("a strong password")


def test_create_user_refuses_bad_input(app, runner):
    short = runner.invoke(args=["create-user", "--email", "a@example.org", "--name", "A",
                                "--role", "admin", "--password", "short"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    no_id = runner.invoke(args=["create-user", "--email", "c@example.org", "--name", "C",
                                "--role", "candidate", "--password", "long enough pw"])
    assert no_id.exit_code != 0 and "--candidate-id" in no_id.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_syllabus_file_commands(app, runner, tmp_path):
    from certify.demo import BANK_DIR

    source = BANK_DIR / "syllabus" / "ai-trainer.yaml"
    dry = runner.invoke(args=["import-syllabus", "--dry-run", str(source)])
    assert dry.exit_code == 0 and "would change" in dry.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Level)) == 0
    assert runner.invoke(args=["import-syllabus", str(source)]).exit_code == 0
    out = tmp_path / "out.yaml"
    assert runner.invoke(args=["export-syllabus", str(out)]).exit_code == 0
    assert "人工智能训练师" in out.read_text(encoding="utf-8")

    broken = tmp_path / "broken.yaml"
    broken.write_text(source.read_text(encoding="utf-8").replace("number: 4", "number: 9", 1),
                      encoding="utf-8")
    result = runner.invoke(args=["import-syllabus", str(broken)])
    assert result.exit_code == 1
    assert "nothing imported" in result.output and "must be 1 to 5 (found 9)" in result.output
