"""``flask import-bank`` and ``export-bank``: same rules and report as the web, approvals only with a
named second examiner."""

from __future__ import annotations

import sqlalchemy as sa

from certify.banks.models import Item
from certify.db import db
from tests.banks.bankfiles import BAD_ROWS_EXAMPLE, VALID_ROWS, csv_bytes


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Item))


def test_import_dry_run_then_import_with_approval(app, level4, author, reviewer, runner,
                                                  tmp_path):
    path = tmp_path / "bank.csv"
    path.write_bytes(csv_bytes([dict(r, status="approved") for r in VALID_ROWS]))
    result = runner.invoke(args=["import-bank", str(path), "--author", author.email,
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would change: 5 created" in result.output and count() == 0
    result = runner.invoke(args=["import-bank", str(path), "--author", author.email,
                                 "--approve-as", reviewer.email])
    assert result.exit_code == 0, result.output
    assert "changed: 5 created" in result.output
    db.session.expire_all()
    items = db.session.scalars(sa.select(Item)).all()
    assert {i.status for i in items} == {"approved"}
    assert {i.live_version.approved_by_id for i in items} == {reviewer.id}


def test_cli_refuses_self_approval_and_bad_rows(app, level4, author, runner, tmp_path):
    path = tmp_path / "bank.csv"
    path.write_bytes(csv_bytes([dict(VALID_ROWS[0], status="approved")]))
    result = runner.invoke(args=["import-bank", str(path), "--author", author.email,
                                 "--approve-as", author.email])
    assert result.exit_code == 1 and "four-eyes" in result.output and count() == 0
    path.write_bytes(csv_bytes(BAD_ROWS_EXAMPLE))
    result = runner.invoke(args=["import-bank", str(path), "--author", author.email])
    assert result.exit_code == 1
    assert "row 2, column answer" in result.output and "row 3, column units" in result.output
    assert count() == 0
    result = runner.invoke(args=["import-bank", str(path), "--author", "nobody@example.org"])
    assert result.exit_code == 2 and "there is no account" in result.output


def test_export_bank_writes_the_filtered_selection(app, level4, author, runner, tmp_path):
    source = tmp_path / "bank.csv"
    source.write_bytes(csv_bytes(VALID_ROWS))
    assert runner.invoke(args=["import-bank", str(source), "--author", author.email]).exit_code == 0
    out = tmp_path / "single.csv"
    result = runner.invoke(args=["export-bank", str(out), "--type", "single"])
    assert result.exit_code == 0 and "Wrote 1 item(s)" in result.output
    assert "T-001" in out.read_text("utf-8-sig") and "T-002" not in out.read_text("utf-8-sig")
    out = tmp_path / "bank.xml"
    result = runner.invoke(args=["export-bank", str(out)])
    # Every objective and short-answer type has a Moodle equivalent now (the short answer an essay).
    assert "Wrote 5 item(s)" in result.output and "left out" not in result.output
    assert out.read_bytes().startswith(b"<?xml")
    result = runner.invoke(args=["export-bank", str(tmp_path / "live.csv"), "--live"])
    assert "no live version" in result.output
    # The export imports back unchanged.
    result = runner.invoke(args=["import-bank", str(tmp_path / "bank.xml"), "--author",
                                 author.email, "--dry-run"])
    assert "0 created" in result.output and "5 unchanged" in result.output


def test_import_a_task_folder_from_disk(app, level4, author, reviewer, runner):
    from certify.demo import BANK_DIR

    folder = BANK_DIR / "practical" / "L4-order-table-quality-en"
    result = runner.invoke(args=["import-bank", str(folder), "--author", author.email,
                                 "--approve-as", reviewer.email])
    assert result.exit_code == 0, result.output
    item = db.session.scalar(sa.select(Item).where(Item.ref == "L4-order-table-quality-en"))
    assert item.status == "approved" and len(item.live_version.key["gold"]) == 30
