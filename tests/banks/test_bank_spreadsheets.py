"""CSV and XLSX: all-or-nothing imports with a row/column report, dry runs, status rules, encodings,
formula safety, zip bombs and a lossless round trip."""

from __future__ import annotations

import io
import zipfile

import pytest
import sqlalchemy as sa

from certify.banks import exporters
from certify.banks.importers import read_file
from certify.banks.models import Item
from certify.banks.queries import ItemFilter, export_data, filtered, version_data
from certify.banks.spec import BankError
from certify.db import db
from tests.banks.bankfiles import VALID_ROWS, csv_bytes, row, xlsx_bytes

BAD_ROWS = [
    row(ref="B-001", answer="E"),                                    # row 2: answer names empty E
    row(ref="B-002"),                                                # row 3: fine
    row(ref="B-003", type="multiple", answer="A;A"),                 # row 4: an option twice
    row(ref="B-004", units="L4:9.9"),                                # row 5: unknown unit
    row(ref="B-005", difficulty="7", points="-1"),                   # row 6: two bad columns
    row(ref="B-006", type="fill_in", option_a="", option_b="", option_c="", option_d="",
        stem="No blank marker here", answer="x"),                    # row 7: stem lacks [[1]]
    row(ref="B-002"),                                                # row 8: duplicate ref
]
EXPECTED = {(2, "answer"), (4, "answer"), (5, "units"), (6, "difficulty"), (6, "points"),
            (7, "stem"), (8, "ref")}


def count_items() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Item))


def all_data() -> list:
    return export_data(db.session.scalars(filtered(ItemFilter())).all())[0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_bad_rows_import_nothing_and_every_one_is_reported(app, level4, import_bytes, fmt):
    content = csv_bytes(BAD_ROWS) if fmt == "csv" else xlsx_bytes(BAD_ROWS)
    with pytest.raises(BankError) as error:
        import_bytes(content, f"bank.{fmt}")
    found = {(p.row, p.column) for p in error.value.problems}
    assert found == EXPECTED
    assert all(p.source == f"bank.{fmt}" for p in error.value.problems if p.row != 5)
    assert count_items() == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_valid_file_imports_completely(app, level4, import_bytes, fmt):
    content = csv_bytes(VALID_ROWS) if fmt == "csv" else xlsx_bytes(VALID_ROWS)
    report = import_bytes(content, f"bank.{fmt}")
    db.session.commit()
    assert report.counts == {"created": 5, "new_version": 0, "updated": 0, "unchanged": 0}
    items = {i.ref: i for i in db.session.scalars(sa.select(Item))}
    assert items["T-002"].head.key == {"correct": ["A", "C"]}
    assert items["T-002"].head.content["scoring"] == {"mode": "partial", "penalty": 0.5}
    assert items["T-003"].head.key == {"correct": False}
    assert items["T-004"].head.key["blanks"] == [
        {"numeric": 3.5, "tolerance": 0.05},
        {"accepted": ["rejected", "reject"], "case_sensitive": False}]
    assert items["T-005"].head.key["rubric"][0] == {"points": 2.0, "checkpoint": "Names leakage",
                                                    "standard": "2 if named"}
    assert all(i.status == "draft" and i.author.email == "author@example.org"
               for i in items.values())


def test_a_dry_run_reports_and_changes_nothing(app, level4, import_bytes):
    report = import_bytes(csv_bytes(VALID_ROWS), "bank.csv", dry_run=True)
    assert report.dry_run and report.count("created") == 5
    assert count_items() == 0
    import_bytes(csv_bytes(VALID_ROWS), "bank.csv")
    changed = [dict(VALID_ROWS[0], stem="Reworded: which metric measures overlap?"),
               *VALID_ROWS[1:]]
    report = import_bytes(csv_bytes(changed), "bank.csv", dry_run=True)
    assert {r.ref: r.action for r in report.results}["T-001"] == "updated"
    assert report.count("unchanged") == 4
    assert "Reworded" not in db.session.scalar(
        sa.select(Item).where(Item.ref == "T-001")).head.stem


def test_a_dry_run_lists_problems_and_the_plan_for_the_rest(app, level4, import_bytes):
    report = import_bytes(csv_bytes(BAD_ROWS), "bank.csv", dry_run=True)
    assert {(p.row, p.column) for p in report.problems} == EXPECTED
    assert [r.ref for r in report.results] == ["B-002"]
    assert count_items() == 0


def test_status_column_never_bypasses_four_eyes(app, level4, import_bytes, author, reviewer):
    rows = [dict(r, status="approved") for r in VALID_ROWS[:2]] + [
        dict(VALID_ROWS[2], status="in_review"), dict(VALID_ROWS[3], status="retired")]
    report = import_bytes(csv_bytes(rows), "bank.csv")
    db.session.commit()
    states = {i.ref: (i.status, i.head.status) for i in db.session.scalars(sa.select(Item))}
    assert states == {"T-001": ("in_review", "in_review"), "T-002": ("in_review", "in_review"),
                      "T-003": ("in_review", "in_review"), "T-004": ("retired", "draft")}
    assert "awaits_review" in report.results[0].notes
    # An administrator on the command line may name the second examiner …
    import_bytes(csv_bytes(rows[:1]), "bank.csv", approver=reviewer)
    db.session.commit()
    item = db.session.scalar(sa.select(Item).where(Item.ref == "T-001"))
    assert item.status == "approved" and item.live_version.approved_by == reviewer
    # … but never the author of the version.
    with pytest.raises(BankError, match="four-eyes"):
        import_bytes(csv_bytes(rows[1:2]), "bank.csv", approver=author)


def test_reimporting_a_changed_approved_row_makes_a_new_version(app, level4, import_bytes,
                                                                  reviewer):
    approved = [dict(VALID_ROWS[0], status="approved")]
    import_bytes(csv_bytes(approved), "bank.csv", approver=reviewer)
    report = import_bytes(csv_bytes([dict(approved[0], answer="C")]), "fix.csv")
    db.session.commit()
    assert report.results[0].action == "new_version"
    item = db.session.scalar(sa.select(Item).where(Item.ref == "T-001"))
    assert item.live_version.key == {"correct": "B"} and item.head.key == {"correct": "C"}
    assert item.head.change_note == "Imported from fix.csv"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_import_round_trip_is_identical(app, level4, import_bytes, reviewer, fmt):
    tricky = dict(VALID_ROWS[0], ref="T-006", option_a="=SUM(A1:A2)", option_b="+86 phone",
                  option_c="-1 means anti-correlated", option_d="@mention", stem="Which is text?\n\n"
                  "| a | b |\n|---|---|\n| 1 | 2 |", explanation="Line one\nline two")
    rows = [*VALID_ROWS, tricky, dict(VALID_ROWS[1], ref="T-007", status="approved")]
    import_bytes(csv_bytes(rows), "bank.csv", approver=reviewer)
    db.session.commit()
    before = [d.__dict__ | {"media": None} for d in all_data()]
    writer = exporters.to_csv if fmt == "csv" else exporters.to_xlsx
    content, skipped = writer(all_data())
    assert skipped == []
    report = import_bytes(content, f"export.{fmt}", approver=reviewer)
    assert report.counts["unchanged"] == len(rows) and report.count("created") == 0
    again = read_file(content, f"export.{fmt}")
    assert [d.comparable() for d in again.items] == [d.comparable() for d in all_data()]
    assert [d.__dict__ | {"media": None} for d in all_data()] == before
    # Exported again, the file is byte for byte the same.
    assert writer(all_data())[0] == content or fmt == "xlsx"


def test_csv_export_defuses_formulas_and_xlsx_writes_text_cells(app, level4, import_bytes):
    rows = [dict(VALID_ROWS[0], option_a="=HYPERLINK(\"http://evil\",\"x\")"),
            VALID_ROWS[3]]  # the fill-in answer starts with "="
    import_bytes(csv_bytes(rows), "bank.csv")
    content, _ = exporters.to_csv(all_data())
    text = content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "'=3.5~0.05" in text
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(exporters.to_xlsx(all_data())[0]))
    cells = [c for r in workbook.active.iter_rows() for c in r if str(c.value).startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_xlsx_formulas_are_read_as_text_never_evaluated(app, level4):
    content = xlsx_bytes([VALID_ROWS[0]], formulas={(2, "option_a"): "=1+1",
                                                     (2, "difficulty"): "=2"})
    parsed = read_file(content, "bank.xlsx")
    # "=2" is text, so the difficulty is refused rather than evaluated to 2.
    assert [(p.row, p.column) for p in parsed.problems] == [(2, "difficulty")]
    content = xlsx_bytes([VALID_ROWS[0]], formulas={(2, "option_a"): "=1+1"})
    parsed = read_file(content, "bank.xlsx")
    assert parsed.items[0].content["options"][0]["text"] == "=1+1"


def test_an_xlsx_zip_bomb_is_refused_before_it_is_opened(app_factory):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (3 * 1024 * 1024))
    assert len(buffer.getvalue()) < 10_000
    app = app_factory(BANK_MAX_UNCOMPRESSED_BYTES=2 * 1024 * 1024)
    with app.app_context(), pytest.raises(BankError, match="zip bomb"):
        read_file(buffer.getvalue(), "bomb.xlsx")


def test_encodings(app, level4):
    chinese = [dict(VALID_ROWS[0], stem="哪个指标衡量预测框与标注框的重叠程度？")]
    for data in (csv_bytes(chinese), b"\xef\xbb\xbf" + csv_bytes(chinese)):
        parsed = read_file(data, "utf8.csv")
        assert parsed.items[0].stem.startswith("哪个指标") and not parsed.notes
    parsed = read_file(csv_bytes(chinese, encoding="gbk"), "excel.csv")
    assert parsed.items[0].stem.startswith("哪个指标")
    assert "GB18030" in parsed.notes[0]
    latin = [dict(VALID_ROWS[0], stem="Quelle métrique mesure le chevauchement des boîtes ? "
                  "Réponse détaillée, très précise et complète.")]
    with pytest.raises(BankError, match=r"not UTF-8.*CSV UTF-8"):
        read_file(csv_bytes(latin, encoding="cp1252"), "latin.csv")


def test_header_problems_are_reported(app):
    parsed = read_file(b"ref,type,colour\nX-001,single,red\n", "bank.csv")
    messages = {(p.row, p.column) for p in parsed.problems}
    assert (1, "colour") in messages and (1, "units") in messages and not parsed.items


def test_oversized_bank_files_are_refused(app_factory):
    app = app_factory(BANK_MAX_FILE_BYTES=1000)
    with app.app_context(), pytest.raises(BankError, match="at most"):
        read_file(b"x" * 2000, "big.csv")


def test_templates_import_cleanly(app, level4):
    for content, name in ((exporters.template_csv(), "t.csv"), (exporters.template_xlsx(), "t.xlsx")):
        parsed = read_file(content, name)
        assert not parsed.problems
        assert sorted(d.type for d in parsed.items) == sorted(
            ["single", "multiple", "true_false", "fill_in", "short_answer"])


def test_version_data_matches_the_row(app, level4, import_bytes):
    import_bytes(csv_bytes(VALID_ROWS[:1]), "bank.csv")
    item = db.session.scalar(sa.select(Item))
    data = version_data(item.head)
    assert data.units == ["L4:2.1"] and data.status == "draft"


def test_a_ref_in_two_files_of_one_import_is_reported(app, level4, author):
    from certify.banks.imports import import_items

    parsed = read_file(csv_bytes(VALID_ROWS[:2]), "a.csv")
    parsed.extend(read_file(csv_bytes(VALID_ROWS[1:3]), "b.csv"))
    with pytest.raises(BankError) as error:
        import_items(parsed, actor=author)
    assert [(p.source, p.row, p.column) for p in error.value.problems] == [("b.csv", 2, "ref")]
    assert "also in a.csv row 3" in error.value.problems[0].message
    assert count_items() == 0
