"""Items carry their language: guessed from the text when a file does not say it, written back by
every export, linked to their translation, and counted per language by coverage and supply."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from certify.banks import coverage, exporters
from certify.banks.importers import read_file
from certify.banks.models import Item
from certify.banks.spec import BankError, guess_language
from certify.db import db
from certify.exams import supply
from tests.banks.bankfiles import csv_bytes, row
from tests.banks.test_bank_spreadsheets import all_data
from tests.factories import make_item

ZH = row(ref="Z-001", stem="比较预测框与标注框重合程度的指标是（　　）。", option_a="Kappa系数",
         option_b="交并比（IoU）", option_c="词错误率（WER）", option_d="BLEU值",
         explanation="IoU 衡量两个框的重合程度。")
EN = row(ref="E-001")
COLUMNS_WITHOUT_LANGUAGE = tuple(c for c in row() if c)


def _item(ref):
    return db.session.scalar(sa.select(Item).where(Item.ref == ref))


def test_the_language_is_guessed_when_the_file_does_not_say_it():
    assert guess_language("使用Python的pandas库读取CSV文件时，应调用哪个函数？") == "zh"
    assert guess_language("A CSV file shows garbled characters (乱码) in Excel. Why?") == "en"
    assert guess_language("", 3, None) == "en"  # not text: English, never an error
    parsed = read_file(csv_bytes([ZH, EN], columns=COLUMNS_WITHOUT_LANGUAGE), "bank.csv")
    assert [(d.ref, d.language) for d in parsed.items] == [("Z-001", "zh"), ("E-001", "en")]
    said = read_file(csv_bytes([dict(ZH, language="en")]), "bank.csv")
    assert said.items[0].language == "en"  # an explicit column wins


def test_a_translation_named_further_down_the_file_links_both_ways(app, level4, import_bytes):
    report = import_bytes(csv_bytes([dict(ZH, translation="E-001"), EN]), "bank.csv")
    db.session.commit()
    assert _item("Z-001").translation is _item("E-001")
    assert _item("E-001").translation is _item("Z-001")
    assert "translation linked" in next(r for r in report.results if r.ref == "Z-001").notes
    exported, _skipped = exporters.to_csv(all_data())
    again = {d.ref: d for d in read_file(exported, "export.csv").items}
    assert (again["Z-001"].language, again["Z-001"].translation) == ("zh", "E-001")
    assert (again["E-001"].language, again["E-001"].translation) == ("en", "Z-001")
    assert import_bytes(exported, "export.csv").counts["unchanged"] == 2


def test_a_bad_translation_is_refused_with_its_row_and_nothing_changes(app, level4,
                                                                       import_bytes):
    with pytest.raises(BankError) as info:
        import_bytes(csv_bytes([dict(ZH, translation="E-404"),
                                dict(ZH, ref="Z-002", translation="Z-001")]), "bank.csv")
    found = {(p.row, p.column): p.message for p in info.value.problems}
    assert found[(2, "translation")] == "no item has the ref E-404"
    assert found[(3, "translation")] == "Z-001 is also in zh: a translation is in another language"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == 0
    parsed = read_file(csv_bytes([dict(ZH, translation="Z-001")]), "bank.csv")
    assert [(p.column, p.message) for p in parsed.problems] == [
        ("translation", "an item cannot be its own translation")]


def test_naming_a_new_translation_releases_the_old_partner(app, level4, import_bytes):
    import_bytes(csv_bytes([dict(ZH, translation="E-001"), EN]), "one.csv")
    import_bytes(csv_bytes([dict(EN, ref="E-002", translation="Z-001")]), "two.csv")
    db.session.commit()
    assert _item("Z-001").translation is _item("E-002")
    assert _item("E-001").translation is None


def test_moodle_questions_carry_language_and_translation_tags(app, level4, import_bytes):
    import_bytes(csv_bytes([dict(ZH, translation="E-001"), EN]), "bank.csv")
    db.session.commit()
    xml, _skipped = exporters.to_moodle(all_data())
    text = xml.decode()
    assert "<text>language:zh</text>" in text and "<text>translation:E-001</text>" in text
    assert "<text>language:en</text>" in text
    untagged = text.replace("<text>language:zh</text>", "").replace(
        "<text>language:en</text>", "")
    parsed = read_file(untagged.encode(), "quiz.xml")
    assert {d.ref: d.language for d in parsed.items} == {"Z-001": "zh", "E-001": "en"}


def test_the_item_form_guesses_the_language_and_links_a_translation(app, level4, author,
                                                                    login_as, import_bytes):
    import_bytes(csv_bytes([EN]), "bank.csv")
    db.session.commit()
    client = login_as(author)
    response = client.post("/bank/items/new/single", data={
        "ref": "Z-010", "units": ["L4:2.1"], "difficulty": "2", "points": "1", "language": "",
        "translation": "E-001", "stem": ZH["stem"], "options-0": ZH["option_a"],
        "options-1": ZH["option_b"], "options-2": ZH["option_c"], "options-3": ZH["option_d"],
        "correct": "B", "explanation": ZH["explanation"], "shuffle": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    item = _item("Z-010")
    assert item.language == "zh" and item.translation is _item("E-001")
    page = client.get(response.location).get_data(as_text=True)
    assert "E-001" in page and "Translation" in page


def test_coverage_and_supply_count_one_language(app, level4):
    unit = level4.unit_by_code("2.1")
    for language in ("zh", "zh", "en"):
        make_item("single", units=[unit], language=language)
    by_language = {lang: next(r.available for r in coverage.coverage(level4, "theory", 4,
                                                                    language=lang).rows
                              if r.ref == "L4:2.1") for lang in ("zh", "en", None)}
    assert by_language == {"zh": 2, "en": 1, None: 3}
    assert {c.language for c in supply.pool(level4, ["single"], "zh")} == {"zh"}
    assert len(supply.pool(level4, ["single"])) == 3
