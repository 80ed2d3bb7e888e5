"""Moodle XML: the question types import correctly, what certify cannot hold is skipped with its reason
(the rest still imports), and an export imports back unchanged. Moodle's own fixtures are tested in
test_bank_real_files.py."""

from __future__ import annotations

import base64
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from certify.banks import exporters
from certify.banks.assets import read_asset
from certify.banks.importers import ImportOptions, read_file
from certify.banks.models import Item
from certify.banks.queries import ItemFilter, export_data, filtered
from certify.banks.spec import BankError
from certify.db import db


def png_base64() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), (10, 120, 200)).save(buffer, "PNG")
    return base64.b64encode(buffer.getvalue()).decode()


QUIZ = f"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Labeling QA</text></category></question>
  <question type="multichoice">
    <name><text>IoU meaning</text></name>
    <questiontext format="html"><text><![CDATA[<p>What does <strong>IoU</strong> measure?</p>
      <p><img src="@@PLUGINFILE@@/boxes.png" alt="two boxes"></p>]]></text>
      <file name="boxes.png" path="/" encoding="base64">{png_base64()}</file></questiontext>
    <generalfeedback format="html"><text>&lt;p&gt;Overlap / union.&lt;/p&gt;</text></generalfeedback>
    <defaultgrade>2.0000000</defaultgrade>
    <single>true</single><shuffleanswers>1</shuffleanswers>
    <answer fraction="0" format="html"><text>&lt;p&gt;Agreement of two annotators&lt;/p&gt;</text></answer>
    <answer fraction="100" format="html"><text>&lt;p&gt;Overlap of two boxes&lt;/p&gt;</text></answer>
    <answer fraction="0" format="html"><text>Word errors</text></answer>
    <tags><tag><text>unit:L4:2.2</text></tag><tag><text>difficulty:2</text></tag></tags>
  </question>
  <question type="multichoice">
    <name><text>Audit steps</text></name>
    <questiontext format="plain_text"><text>Which steps belong to a batch audit?</text></questiontext>
    <single>false</single><shuffleanswers>0</shuffleanswers>
    <answer fraction="50"><text>Sample against the guideline</text></answer>
    <answer fraction="-50"><text>Relabel everything</text></answer>
    <answer fraction="50"><text>Compute the error rate</text></answer>
    <answer fraction="-50"><text>Skip QA</text></answer>
  </question>
  <question type="truefalse">
    <name><text>Kappa sign</text></name>
    <questiontext format="html"><text>Kappa can be negative.</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="shortanswer">
    <name><text>Outside tag</text></name>
    <questiontext format="html"><text>In IOB tagging, a token outside any entity gets the tag
      ____.</text></questiontext>
    <usecase>1</usecase>
    <answer fraction="100"><text>O</text></answer>
    <answer fraction="100"><text>Outside</text></answer>
    <answer fraction="50"><text>o</text></answer>
  </question>
  <question type="numerical">
    <name><text>Error rate</text></name>
    <questiontext format="html"><text>14 errors in 400 items: what is the error rate in
      %?</text></questiontext>
    <answer fraction="100"><text>3.5</text><tolerance>0.05</tolerance></answer>
    <units><unit><unit_name>%</unit_name><multiplier>1</multiplier></unit></units>
  </question>
</quiz>
""".encode()

DRAGDROP = QUIZ.replace(b"</quiz>", b"""<question type="ddimageortext"><name><text>Drag</text></name>
<questiontext format="html"><text>Drag the labels.</text></questiontext></question></quiz>""")


def by_name(items):
    return {i.ref: i for i in items}


def test_the_four_moodle_types_import_correctly(app, level4, import_bytes):
    options = ImportOptions(units=["L4:2.1"])
    report = import_bytes(QUIZ, "quiz.xml", options=options)
    db.session.commit()
    assert report.count("created") == 5
    items = {i.ref: i.head for i in db.session.scalars(sa.select(Item))}
    iou = items["MDL-IoU-meaning-" + next(r for r in items if r.startswith("MDL-IoU"))[-6:]]
    assert iou.item.type == "single" and iou.key == {"correct": "B"}
    assert [o["text"] for o in iou.content["options"]][1] == "Overlap of two boxes"
    assert "What does **IoU** measure?" in iou.stem and "(asset:" in iou.stem
    assert [u.ref for u in iou.units] == ["L4:2.2"] and iou.difficulty == 2
    assert float(iou.points) == 2 and iou.explanation == "Overlap / union."
    assert len(iou.assets) == 1 and read_asset(iou.assets[0].sha256)[1] == "image/png"
    audit = next(v for r, v in items.items() if "Audit" in r)
    assert audit.item.type == "multiple" and audit.key == {"correct": ["A", "C"]}
    assert audit.content["scoring"] == {"mode": "partial", "penalty": 1.0}
    assert audit.content["shuffle"] is False and [u.ref for u in audit.units] == ["L4:2.1"]
    kappa = next(v for r, v in items.items() if "Kappa" in r)
    assert kappa.item.type == "true_false" and kappa.key == {"correct": True}
    outside = next(v for r, v in items.items() if "Outside" in r)
    assert outside.item.type == "fill_in" and "[[1]]" in outside.stem
    assert outside.key["blanks"] == [{"accepted": ["O", "Outside"], "case_sensitive": True}]
    rate = next(v for r, v in items.items() if "Error" in r)
    assert rate.key["blanks"] == [{"numeric": 3.5, "tolerance": 0.05}]
    assert rate.stem.endswith("[[1]]")
    assert any("units are ignored" in n for n in report.notes)
    assert any("below 100 %" in n for n in report.notes)


def test_unsupported_questions_are_listed_in_a_dry_run_and_skipped_by_an_import(app, level4,
                                                                              import_bytes):
    options = ImportOptions(units=["L4:2.1"])
    report = import_bytes(DRAGDROP, "quiz.xml", options=options, dry_run=True)
    assert report.count("created") == 5 and not report.problems
    assert [(s.what, "drag and drop" in s.reason) for s in report.skipped] == [
        ('question 6 ("Drag")', True)]
    report = import_bytes(DRAGDROP, "quiz.xml", options=options)
    assert report.count("created") == 5 and len(report.skipped) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == 5


def test_questions_without_units_are_reported(app, level4):
    parsed = read_file(QUIZ, "quiz.xml")
    assert sum("has no unit" in p.message for p in parsed.problems) == 4


def test_unrepresentable_partial_credit_skips_that_question(app, level4):
    uneven = QUIZ.replace(b'<answer fraction="50"><text>Sample', b'<answer fraction="70"><text>Sample')
    parsed = read_file(uneven, "quiz.xml", ImportOptions(units=["L4:2.1"]))
    assert not parsed.problems and len(parsed.items) == 4
    assert ["same share of 100 %" in s.reason for s in parsed.skipped] == [True]


def test_entities_and_dtds_are_refused(app):
    evil = b"""<?xml version="1.0"?><!DOCTYPE quiz [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<quiz><question type="truefalse"><name><text>&x;</text></name></question></quiz>"""
    with pytest.raises(BankError) as refused:
        read_file(evil, "evil.xml")
    message = refused.value.problems[0].message
    assert "evil.xml declares a DOCTYPE or entities" in message and "DTDForbidden" not in message


def test_export_to_moodle_and_back_is_unchanged(app, level4, import_bytes, reviewer):
    import_bytes(QUIZ, "quiz.xml", options=ImportOptions(units=["L4:2.1"]))
    from tests.banks.bankfiles import VALID_ROWS, csv_bytes

    strict = dict(VALID_ROWS[1], ref="T-008", scoring="all_or_nothing", penalty="")
    # Adds an all-or-nothing multiple choice, a two-blank fill-in and a short answer.
    import_bytes(csv_bytes([*VALID_ROWS, strict]), "bank.csv")
    db.session.commit()
    data = export_data(db.session.scalars(filtered(ItemFilter())).all())[0]
    xml, skipped = exporters.to_moodle(data, read_asset)
    assert skipped == []  # two blanks → cloze, short answer → essay
    assert b'type="multichoiceset"' in xml and b"@@PLUGINFILE@@/" in xml
    report = import_bytes(xml, "export.xml")
    assert report.counts["unchanged"] == len(data) and report.count("created") == 0
