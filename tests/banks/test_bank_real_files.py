"""Real files in, real files out (issue 18): Moodle's own fixtures, Label Studio's exports with their
labeling configs, COCO files from two tools, CoNLL-2003, WNUT17, GermEval and a Chinese character file,
each as those projects ship them (tests/banks/fixtures/real/*/README.md says where from and under which
licence). Each test names the point of the issue it proves; every one failed before the importers were
changed."""

from __future__ import annotations

import copy
import io
import json
import re
import wave
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image

from certify.banks import exporters
from certify.banks.assets import read_asset
from certify.banks.importers import ImportOptions, Media, read_file
from certify.banks.markup import render_markdown
from certify.banks.models import Item
from certify.banks.queries import ItemFilter, export_data, filtered
from certify.banks.spec import BankError
from certify.db import db
from tests.banks.moodle_rules import problems as moodle_problems

REAL = Path(__file__).parent / "fixtures" / "real"
UNITS = ImportOptions(units=["L4:2.1"])
TASK = ImportOptions(units=["L4:2.1"], ref="REAL-task-001", title="Real task")


def real(*parts: str) -> bytes:
    return REAL.joinpath(*parts).read_bytes()


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 200, 200)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(8000)
        clip.writeframes(b"\x00\x00" * 800)
    return buffer.getvalue()


def stored(ref: str):
    return db.session.scalar(sa.select(Item).where(Item.ref == ref)).head


def count_items() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Item))


# -- 1. COCO: "iscrowd": "false" is not crowd; a task with empty gold is never created -------------

def datumaro() -> dict:
    return json.loads(real("coco", "datumaro_coco_instances", "annotations", "instances_val.json"))


DATUMARO_IMAGE = {"b.jpg": real("coco", "datumaro_coco_instances", "images", "val", "b.jpg")}


@pytest.mark.parametrize("flag", ["false", "False", "0", 0, False, None])
def test_1_coco_iscrowd_false_as_a_string_is_an_object_not_a_crowd(app, level4, import_bytes,
                                                                     flag):
    coco = datumaro()
    for annotation in coco["annotations"]:
        annotation["iscrowd"] = flag  # COCO Annotator writes "false"
    report = import_bytes(json.dumps(coco).encode(), "instances_val.json", options=TASK,
                          media=Media(DATUMARO_IMAGE))
    gold = stored("REAL-task-001").key["gold"]["40"]["boxes"]
    assert gold == [[0.0, 0.0, 1.0, 2.0, "a"], [0.0, 0.0, 1.0, 9.0, "b"]]
    assert not any("crowd" in note for note in report.notes)


@pytest.mark.parametrize("flag", ["true", "1", 1, True])
def test_1_only_true_or_1_is_crowd(app, level4, flag):
    coco = datumaro()
    coco["annotations"][1]["iscrowd"] = flag
    parsed = read_file(json.dumps(coco).encode(), "instances_val.json", TASK,
                       Media(DATUMARO_IMAGE))
    assert [len(line["boxes"]) for line in parsed.items[0].key["gold"].values()] == [1]
    assert any("1 crowd annotation" in note for note in parsed.notes)


def test_1_an_iscrowd_that_is_neither_is_reported_where_it_is(app, level4):
    coco = datumaro()
    coco["annotations"][0]["iscrowd"] = "maybe"
    coco["annotations"][1]["iscrowd"] = 0
    parsed = read_file(json.dumps(coco).encode(), "instances_val.json", TASK,
                       Media(DATUMARO_IMAGE))
    assert [(p.record, p.field) for p in parsed.problems] == [("40", "iscrowd")]


def test_1_a_task_whose_gold_is_empty_is_never_created(app, level4, import_bytes):
    coco = datumaro()
    for annotation in coco["annotations"]:
        annotation["iscrowd"] = 1  # only crowd regions: no box anybody could be scored against
    with pytest.raises(BankError, match="gold of every record is empty"):
        import_bytes(json.dumps(coco).encode(), "instances_val.json", options=TASK,
                     media=Media(DATUMARO_IMAGE))
    assert count_items() == 0


def test_1_an_ner_file_without_any_entity_is_not_a_task(app, level4):
    parsed = read_file(b"Nothing\tO\nhere\tO\n", "none.conll", TASK)
    assert any("gold of every record is empty" in p.message for p in parsed.problems)
    assert not parsed.items


# -- 2. Label Studio: the field and the label set from the labeling config -------------------------

SENTIMENT = real("label_studio", "text_sentiment", "completions", "0.json")
SENTIMENT_CONFIG = real("label_studio", "text_sentiment", "config.xml")


def test_2_the_config_names_the_text_and_the_labels(app, level4, import_bytes):
    options = ImportOptions(units=["L4:2.1"], ref="LS-sentiment", label_config=SENTIMENT_CONFIG)
    import_bytes(SENTIMENT, "0.json", options=options)
    version = stored("LS-sentiment")
    task = version.content["task"]
    assert task["records"] == [{"id": "1", "text": "What a waste of money and time!"}]
    assert task["config"]["labels"] == ["Positive", "Negative", "Neutral"]
    assert version.key["gold"]["1"]["label"] == "Negative"


def test_2_without_a_config_the_import_asks_which_field_instead_of_taking_asin(app, level4):
    parsed = read_file(SENTIMENT, "0.json", TASK)
    assert not parsed.items
    message = " ".join(p.message for p in parsed.problems)
    assert "asin" in message and "reviewText" in message and "--text-field" in message


def test_2_a_one_label_classification_task_is_refused(app, level4):
    parsed = read_file(SENTIMENT, "0.json", ImportOptions(units=["L4:2.1"],
                                                           text_field="reviewText"))
    assert not parsed.items
    assert any("two labels or more" in p.message and "Negative" in p.message
               for p in parsed.problems)
    # Naming the field and the labels on the command line is enough too.
    parsed = read_file(SENTIMENT, "0.json", ImportOptions(
        units=["L4:2.1"], text_field="reviewText", labels=["Positive", "Negative", "Neutral"]))
    assert parsed.items[0].content["task"]["records"][0]["text"].startswith("What a waste")


def test_2_the_classification_example_imports_with_its_config(app, level4):
    export = [json.loads(real("label_studio", "text_classification", "completions", name))
              for name in ("2.json", "3.json")]
    parsed = read_file(json.dumps(export).encode(), "export.json", ImportOptions(
        units=["L4:2.1"], label_config=real("label_studio", "text_classification", "config.xml")))
    item = parsed.items[0]
    assert [r["text"][:20] for r in item.content["task"]["records"]] == [
        "The goose neck needs", "The primary job of t"]
    assert item.content["task"]["config"]["labels"] == ["Positive", "Negative", "Neutral"]


def test_2_import_bank_takes_the_config_and_the_field(app, level4, author, runner, tmp_path):
    export = tmp_path / "0.json"
    export.write_bytes(SENTIMENT)
    config = tmp_path / "config.xml"
    config.write_bytes(SENTIMENT_CONFIG)
    base = ["import-bank", str(export), "--author", author.email, "--units", "L4:2.1"]
    refused = runner.invoke(args=[*base, "--dry-run"])
    assert refused.exit_code == 1 and "--text-field" in refused.output
    result = runner.invoke(args=[*base, "--config", str(config), "--ref", "LS-sent-001"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert stored("LS-sent-001").content["task"]["records"][0]["text"].startswith("What a waste")


def test_2_the_web_import_takes_the_labeling_config(app, level4, author, login_as):
    client = login_as(author)
    response = client.post("/bank/import", data={
        "file": (io.BytesIO(SENTIMENT), "0.json"), "units": ["L4:2.1"], "ref": "LS-web-001",
        "label_config": (io.BytesIO(SENTIMENT_CONFIG), "config.xml")},
        content_type="multipart/form-data")
    assert "The file is imported: 1 created" in response.text, response.text[-2000:]
    assert stored("LS-web-001").content["task"]["config"]["labels"] == [
        "Positive", "Negative", "Neutral"]


# -- 3. CoNLL by content: eng.testa, *.char, # tokens, index-first TSV, schemes, CoNLL-U ------------

def test_3_conll_2003_named_eng_testa_is_read_by_content(app, level4):
    parsed = read_file(real("conll", "eng.testa"), "eng.testa", TASK)
    assert not parsed.problems, parsed.problems
    item = parsed.items[0]
    first = item.content["task"]["records"][0]["text"]
    assert first.startswith("CRICKET - LEICESTERSHIRE TAKE OVER AT TOP AFTER INNINGS VICTORY")
    spans = item.key["gold"]["s001"]["spans"]
    assert [first[s:e] for s, e, _label in spans] == ["LEICESTERSHIRE"]


def test_3_a_chinese_char_bmes_file_joins_characters_and_reads_b_i_e(app, level4):
    parsed = read_file(real("conll", "people_daily.test.char.bmes"), "test.char.bmes", TASK)
    assert not parsed.problems, parsed.problems
    item = parsed.items[0]
    records = item.content["task"]["records"]
    assert len(records) == 28 and records[0]["text"] == "李顺生"
    text = records[1]["text"]
    assert text.startswith("前不久，报纸上刊登了一幅新闻照片")  # characters joined, no spaces
    assert item.key["gold"]["s001"]["spans"] == [[0, 3, "PER"]]
    spans = item.key["gold"]["s002"]["spans"]
    assert [(text[s:e], label) for s, e, label in spans] == [("前不久", "TIME")]
    assert any("IOBES" in note for note in parsed.notes)


def test_3_wnut17_keeps_hash_tokens(app, level4):
    parsed = read_file(real("conll", "emerging.dev.conll"), "emerging.dev.conll", TASK)
    records = parsed.items[0].content["task"]["records"]
    assert len(records) == 56
    assert any("? # bots # payforsubs" in r["text"] for r in records)


def test_3_germeval_index_first_tsv_reads_tokens_not_numbers(app, level4):
    parsed = read_file(real("conll", "NER-de-train.tsv"), "NER-de-train.tsv", TASK)
    assert not parsed.problems, parsed.problems
    item = parsed.items[0]
    records = item.content["task"]["records"]
    assert len(records) == 2 and records[0]["text"].startswith("Schartau sagte dem")
    text = records[1]["text"]
    assert [(text[s:e], label) for s, e, label in item.key["gold"]["s002"]["spans"]] == [
        ("Wolf Peter Bree", "PER"), ("Libanon", "LOC")]
    assert any("nested entities" in note for note in parsed.notes)


def test_3_conll_u_says_it_has_no_ner_column(app, level4):
    with pytest.raises(BankError, match="CoNLL-U has no named-entity column"):
        read_file(real("conll", "en_ewt-ud-test.conllu"), "en_ewt-ud-test.conllu", TASK)
    # A .conllu-named file that does have a tag column is read by its content.
    parsed = read_file(real("conll", "flair-ner.conllu"), "train.conllu", TASK)
    text = parsed.items[0].content["task"]["records"][0]["text"]
    assert text == "Larry Page and Sergey Brin founded Google ."
    assert [text[s:e] for s, e, _l in parsed.items[0].key["gold"]["s001"]["spans"]] == [
        "Larry Page", "Sergey Brin", "Google"]


@pytest.mark.parametrize(("lines", "expected"), [
    # BMES with M- (the Resume NER shape), written here: no licensed file with M- tags was found
    ("吴 B-NAME\n重 M-NAME\n阳 E-NAME\n， O\n中 S-CONT\n", [("吴重阳", "NAME"), ("中", "CONT")]),
    # IOB1 (CoNLL-2003's original tagging): I- starts an entity, B- only splits two adjacent ones
    ("EU I-ORG\nrejects O\nGerman I-MISC\nBritish B-MISC\nlamb O\n",
     [("EU", "ORG"), ("German", "MISC"), ("British", "MISC")]),
    # BILOU
    ("New B-LOC\nYork L-LOC\nis O\nbig U-MISC\n", [("New York", "LOC"), ("big", "MISC")]),
])
def test_3_tag_schemes(app, level4, lines, expected):
    parsed = read_file(lines.encode(), "sample.txt", TASK)
    item = parsed.items[0]
    text = item.content["task"]["records"][0]["text"]
    assert [(text[s:e], label) for s, e, label in item.key["gold"]["s001"]["spans"]] == expected


def test_3_the_web_import_accepts_a_conll_file_by_content(app, level4, author, login_as):
    client = login_as(author)
    response = client.post("/bank/import", data={
        "file": (io.BytesIO(real("conll", "eng.testa")), "eng.testa"), "units": ["L4:2.1"],
        "ref": "NER-web-001", "dry_run": "y"}, content_type="multipart/form-data")
    assert "unsupported file type" not in response.text and "Upload CSV" not in response.text
    assert "NER-web-001" in response.text


# -- 4 and 7. Moodle: everything certify can represent, the rest listed; nothing lost silently ----

#: file → (items created, skipped, refused because nothing is importable)
MOODLE = {
    "multichoice.xml": (1, 0, False),
    "multichoice_testquestion.moodle.xml": (1, 0, False),
    "truefalse_testquestion.moodle.xml": (1, 0, False),
    "shortanswer_testquestion.moodle.xml": (1, 0, False),
    "essay_testquestion.moodle.xml": (1, 0, False),
    "match_testquestion.moodle.xml": (3, 0, False),
    "gapselect_testquestion.moodle.xml": (1, 0, False),
    "ddwtos_testquestion.moodle.xml": (1, 0, False),
    "multianswer.xml": (1, 0, False),
    "sample_questions_with_old_image_tag.xml": (2, 0, False),
    "nested_categories_with_questions.xml": (5, 0, False),
    "category_with_description.xml": (1, 0, False),
    "ddmarker_testquestion.moodle.xml": (0, 1, True),
    "ordering_testquestion.moodle.xml": (0, 1, True),
    "multianswer-all-types.xml": (0, 1, True),
    "error_invalid_grades.xml": (0, 1, True),
}


@pytest.mark.parametrize("name", list(MOODLE))
def test_4_every_moodle_core_fixture_imports_what_certify_can_hold(app, level4, import_bytes,
                                                                   name):
    created, skipped, refused = MOODLE[name]
    content = real("moodle", name)
    if refused:
        with pytest.raises(BankError, match="no question certify can import") as error:
            import_bytes(content, name, options=UNITS)
        assert count_items() == 0 and error.value.problems
        return
    report = import_bytes(content, name, options=UNITS)
    assert report.count("created") == created and len(report.skipped) == skipped
    assert not report.problems


def test_4_a_skipped_question_does_not_block_the_others(app, level4, import_bytes):
    both = real("moodle", "essay_testquestion.moodle.xml").replace(
        b"</quiz>", real("moodle", "ddmarker_testquestion.moodle.xml").split(b"<quiz>")[1])
    report = import_bytes(both, "both.xml", options=UNITS, dry_run=True)
    assert report.count("created") == 1 and not report.problems
    assert [s.what for s in report.skipped] == ['question 2 ("Milton Keynes landmarks")']
    assert "drag and drop markers" in report.skipped[0].reason
    report = import_bytes(both, "both.xml", options=UNITS)
    assert report.count("created") == 1 and len(report.skipped) == 1
    assert stored("essay-001").item.type == "short_answer"


def test_4_import_bank_exits_0_with_skipped_questions_and_lists_them(app, level4, author, runner,
                                                                     tmp_path):
    path = tmp_path / "quiz.xml"
    path.write_bytes(real("moodle", "essay_testquestion.moodle.xml").replace(
        b"</quiz>", real("moodle", "ordering_testquestion.moodle.xml").split(b"<quiz>")[1]))
    for extra in (["--dry-run"], []):
        result = runner.invoke(args=["import-bank", str(path), "--author", author.email,
                                     "--units", "L4:2.1", *extra])
        assert result.exit_code == 0, result.output
        assert "skipped (1, not imported)" in result.output and "dd-ordering 1" in result.output
    path.write_bytes(real("moodle", "ordering_testquestion.moodle.xml"))
    result = runner.invoke(args=["import-bank", str(path), "--author", author.email,
                                 "--units", "L4:2.1", "--dry-run"])
    assert result.exit_code == 1 and "no question certify can import" in result.output
    assert "dd-ordering 1" in result.output


def test_4_the_dry_run_page_lists_what_is_skipped(app, level4, author, login_as):
    response = login_as(author).post("/bank/import", data={
        "file": (io.BytesIO(real("moodle", "multianswer-all-types.xml")), "cloze.xml"),
        "units": ["L4:2.1"], "dry_run": "y"}, content_type="multipart/form-data")
    assert "All CLOZE types in one question" in response.text
    assert "MULTIRESPONSE" in response.text


def test_4_essay_matching_gaps_and_cloze_are_converted(app, level4, import_bytes):
    for name in ("essay_testquestion.moodle.xml", "match_testquestion.moodle.xml",
                 "gapselect_testquestion.moodle.xml", "multianswer.xml"):
        import_bytes(real("moodle", name), name, options=UNITS)
    essay = stored("essay-001")
    assert essay.key["rubric"][0]["points"] == 1 and essay.stem == "Write an essay with 500 words."
    frog = stored("matching-001-1")
    assert frog.stem == "Classify the animals.\n\n**frog**"
    assert [o["text"] for o in frog.content["options"]] == ["amphibian", "mammal", "insect"]
    assert frog.key == {"correct": "A"} and stored("matching-001-2").key == {"correct": "B"}
    gaps = db.session.scalar(sa.select(Item).where(Item.ref.like("MDL-Imported-Select%"))).head
    assert gaps.stem.startswith("The [[1]] [[2]] on the [[3]].")
    assert "cat, sat, mat, dog, table" in gaps.stem
    assert [b["accepted"] for b in gaps.key["blanks"]] == [["cat"], ["sat"], ["mat"]]
    cloze = db.session.scalar(sa.select(Item).where(Item.ref.like("MDL-cloze-with%"))).head
    assert [b["accepted"] for b in cloze.key["blanks"]] == [
        ["California"], ["Arizona"], ["California"], ["Arizona"], ["Paris"]]
    assert "San Francisco: [[1]] (California / Arizona)" in cloze.stem
    assert len(cloze.assets) == 3  # two flags in the text, the logo in the feedback


MOODLE_ALLOWS = """<?xml version="1.0" encoding="UTF-8"?><quiz>
<question type="multichoice"><name><text>Two options</text></name><idnumber>two-options</idnumber>
  <questiontext format="html"><text>Is a box an object?</text></questiontext>
  <single>true</single>
  <answer fraction="100"><text>Yes</text></answer><answer fraction="0"><text>No</text></answer>
</question>
<question type="multichoice"><name><text>Three options one right</text></name>
  <idnumber>three-options</idnumber>
  <questiontext format="html"><text>Which are metrics?</text></questiontext>
  <single>false</single>
  <answer fraction="100"><text>F1</text></answer><answer fraction="-50"><text>CSV</text></answer>
  <answer fraction="-50"><text>JSON</text></answer>
</question>
<question type="truefalse"><name><text>Drawing</text></name>
  <questiontext format="html"><text><![CDATA[<p>Is this a square?
    <img src="@@PLUGINFILE@@/sq.svg" alt="a shape"></p>]]></text>
  <file name="sq.svg" encoding="base64">{svg}</file></questiontext>
  <answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer>
</question></quiz>"""
SQUARE = (b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="alert(1)">'
          b'<script>alert(2)</script><image href="file:///etc/passwd" width="9" height="9"/>'
          b'<rect x="5" y="5" width="30" height="30" fill="#2a6"/></svg>')


def test_4_what_moodle_allows_is_accepted_and_svg_becomes_a_png(app, level4, import_bytes):
    import base64

    xml = MOODLE_ALLOWS.replace("{svg}", base64.b64encode(SQUARE).decode()).encode()
    report = import_bytes(xml, "allows.xml", options=UNITS)
    assert report.count("created") == 3, report.problems
    two = stored("two-options")
    assert len(two.content["options"]) == 2 and two.key == {"correct": "A"}
    three = stored("three-options")
    assert three.key == {"correct": ["A"]}
    assert three.content["scoring"] == {"mode": "partial", "penalty": 0.5}
    drawing = stored("Drawing")
    data, mime = read_asset(drawing.assets[0].sha256)
    assert mime == "image/png" and b"<script" not in data and b"alert" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (40, 40) and image.getpixel((20, 20))[:3] == (0x22, 0xAA, 0x66)
    assert any("converted to a PNG" in note for note in report.notes)


def test_7_the_mp3_the_option_images_and_the_feedback_are_kept(app, level4, import_bytes):
    report = import_bytes(real("moodle", "multichoice.xml"), "multichoice.xml", options=UNITS)
    greeting = stored("Greeting")
    assert re.match(r'!\[Listen to this greeting:\]\(asset:[0-9a-f]{64} "audio"\)', greeting.stem)
    audio = [a for a in greeting.assets if a.mime == "audio/mpeg"]
    assert len(audio) == 1
    html = render_markdown(greeting.stem, asset_url=lambda sha: f"/bank/assets/{sha}")
    assert f'<audio controls="" preload="none" src="/bank/assets/{audio[0].sha256}">' in html
    options = greeting.content["options"]
    assert all("(asset:" in o["text"] for o in options[:3]) and options[1]["text"].endswith("French")
    assert "**B**: Yes, well done!" in greeting.explanation
    # The Danish flag in the copy we have does not decode: it is named, not silently dropped.
    assert options[3]["text"] == "Denmark flag Danish"
    assert any("flag-denmark.jpg is not a readable image" in n for n in report.notes)


def test_7_the_legacy_image_tag_becomes_an_asset(app, level4, import_bytes):
    import_bytes(real("moodle", "sample_questions_with_old_image_tag.xml"), "old.xml",
                 options=UNITS)
    mcq = db.session.scalar(sa.select(Item).where(Item.ref.like("MDL-mcq-with-image%"))).head
    assert re.search(r"!\[\]\(asset:[0-9a-f]{64}\)$", mcq.stem) and len(mcq.assets) == 1


NEGATIVE = """<quiz><question type="category"><category><text>$course$/top/certify/L4:2.2</text>
</category></question>
<question type="multichoice"><name><text>Penalised</text></name>
<questiontext format="html">
<text><![CDATA[<p>Which is \\(x_1^2\\) when \\(x_1 = 3\\)?</p>]]></text></questiontext>
<single>true</single>
<answer fraction="100"><text>9</text></answer>
<answer fraction="-33.33333"><text>6</text></answer>
<answer fraction="-33.33333"><text>3</text></answer>
<hint format="html"><text>Square it.</text></hint>
<tags><tag><text>week-3</text></tag></tags>
</question></quiz>"""


def test_7_negative_marks_hints_tags_and_categories_are_warned_about_or_kept(app, level4,
                                                                              import_bytes):
    report = import_bytes(NEGATIVE.encode(), "neg.xml")  # no units given: the category has one
    item = stored("Penalised")
    assert [u.ref for u in item.units] == ["L4:2.2"]
    notes = " ".join(report.notes)
    assert "negative marks in Moodle (-33.3333 %)" in notes
    assert "1 hint(s) were left out" in notes and "week-3" in notes


def test_7_tex_is_kept_as_tex_and_rendered_by_vendored_katex(app, level4, import_bytes):
    import_bytes(NEGATIVE.encode(), "neg.xml")
    stem = stored("Penalised").stem
    assert stem == r"Which is \(x_1^2\) when \(x_1 = 3\)?"
    html = render_markdown(stem)
    assert '<span class="math-tex">\\(x_1^2\\)</span>' in html
    static = Path(app.static_folder)
    assert (static / "vendor" / "katex" / "katex.min.js").is_file()
    assert "MIT" in (static / "vendor" / "katex" / "LICENSE").read_text()
    assert "katex.min.js" in (static / "js" / "math.js").read_text()
    page = app.test_client().get("/login").text
    assert "js/math.js" in page and "cdn" not in page.lower()


# -- 5. Label Studio: cancelled tasks skipped, textarea/rating/ranker/taxonomy mapped, offsets ------

YOLO = json.loads(real("label_studio", "converter_yolo", "data.json"))
YOLO_CONFIG = real("label_studio", "converter_yolo", "label_config.xml")
BIG = {"image1": png(2800, 2800), "image2": png(2800, 2800)}


def test_5_a_task_whose_annotations_were_all_cancelled_is_skipped_with_a_note(app, level4,
                                                                              import_bytes):
    export = copy.deepcopy(YOLO)
    for annotation in export[1]["annotations"]:
        annotation["was_cancelled"] = True
    report = import_bytes(json.dumps(export).encode(), "data.json", options=ImportOptions(
        units=["L4:2.1"], ref="LS-boxes", label_config=YOLO_CONFIG), media=Media(BIG))
    version = stored("LS-boxes")
    assert list(version.key["gold"]) == ["1"]
    assert version.content["task"]["config"]["labels"] == ["parasites", "white"]
    assert [(s.what, "cancelled" in s.reason) for s in report.skipped] == [("task 2", True)]


def test_5_textarea_becomes_a_transcription_of_the_audio(app, level4, import_bytes):
    import_bytes(real("label_studio", "audio_transcribe", "completions", "1.json"), "1.json",
                 options=ImportOptions(units=["L4:2.1"], ref="LS-speech",
                                       label_config=real("label_studio", "audio_transcribe",
                                                         "config.xml")),
                 media=Media({"game.wav": wav()}))
    version = stored("LS-speech")
    task = version.content["task"]
    assert task["task_type"] == "transcription" and task["config"] == {"unit": "char"}
    assert task["records"][0]["audio"].startswith("asset:")
    assert version.key["gold"]["1"]["text"] == "Mario"


RATING_CONFIG = b"""<View><Text name="reply" value="$reply"/>
  <Rating name="score" toName="reply" maxRating="5"/></View>"""
RANKER_CONFIG = b"""<View><Text name="prompt" value="$prompt"/>
  <List name="answers" value="$items" title="Answers"/><Ranker name="rank" toName="answers"/></View>"""
TAXONOMY_CONFIG = b"""<View><Text name="text" value="$text"/>
  <Taxonomy name="kind" toName="text" maxUsages="1">
    <Choice value="Animal"><Choice value="Bird"/><Choice value="Fish"/></Choice>
    <Choice value="Plant"/></Taxonomy></View>"""


def ls_task(tid: int, data: dict, result: dict) -> dict:
    return {"id": tid, "data": data, "annotations": [{"id": tid * 10, "result": [result]}]}


@pytest.mark.parametrize(("config", "export", "task_type", "gold"), [
    (RATING_CONFIG,
     [ls_task(1, {"reply": "Sure, here it is."}, {"type": "rating", "value": {"rating": 4}}),
      ls_task(2, {"reply": "No."}, {"type": "rating", "value": {"rating": 2}})],
     "rating", {"1": {"id": "1", "rating": 4}, "2": {"id": "2", "rating": 2}}),
    (RANKER_CONFIG,
     [ls_task(1, {"prompt": "Best answer?", "items": [
         {"id": "a", "title": "A", "body": "first"}, {"id": "b", "title": "B", "body": "second"},
         {"id": "c", "title": "C", "body": "third"}]},
         {"type": "ranker", "value": {"ranker": {"answers": ["b", "c", "a"]}}})],
     "ranking", {"1": {"id": "1", "order": ["b", "c", "a"]}}),
    (TAXONOMY_CONFIG,
     [ls_task(1, {"text": "A sparrow"}, {"type": "taxonomy",
                                         "value": {"taxonomy": [["Animal", "Bird"]]}}),
      ls_task(2, {"text": "An oak"}, {"type": "taxonomy", "value": {"taxonomy": [["Plant"]]}})],
     "classification", {"1": {"id": "1", "label": "Animal / Bird"},
                        "2": {"id": "2", "label": "Plant"}}),
])
def test_5_rating_ranker_and_taxonomy_map_to_certify_task_types(app, level4, config, export,
                                                                  task_type, gold):
    parsed = read_file(json.dumps(export).encode(), "export.json", ImportOptions(
        units=["L4:2.1"], label_config=config))
    assert not parsed.problems, parsed.problems
    item = parsed.items[0]
    assert item.content["task"]["task_type"] == task_type and item.key["gold"] == gold
    if task_type == "classification":
        assert item.content["task"]["config"]["labels"] == [
            "Animal", "Animal / Bird", "Animal / Fish", "Plant"]


@pytest.mark.parametrize("convention", ["code points", "UTF-16"])
def test_5_both_offset_conventions_are_read_by_the_annotated_text(app, level4, convention):
    text = "Great 😀 day at Acme Corp"  # the emoji is one code point, two UTF-16 units
    start = text.index("Acme") + (1 if convention == "UTF-16" else 0)
    export = [ls_task(1, {"text": text}, {"type": "labels", "value": {
        "start": start, "end": start + 9, "text": "Acme Corp", "labels": ["ORG"]}})]
    parsed = read_file(json.dumps(export, ensure_ascii=False).encode(), "ner.json", TASK)
    spans = parsed.items[0].key["gold"]["1"]["spans"]
    assert [text[s:e] for s, e, _l in spans] == ["Acme Corp"]


# -- 6. COCO: file names with subfolders; only the categories a task uses ---------------------------

def test_6_label_studio_converter_coco_finds_images_in_their_subfolder(app, level4, import_bytes):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("images/image1", BIG["image1"])
        zipped.writestr("images/image2", BIG["image2"])
        zipped.writestr("other/image1", png(20, 20))  # same name elsewhere: the path decides
    media = Media.from_uploads([("images.zip", archive.getvalue())])
    report = import_bytes(real("coco", "label_studio_converter", "result.json"), "result.json",
                          options=TASK, media=media)
    assert report.count("created") == 1
    version = stored("REAL-task-001")
    assert [r["width"] for r in version.content["task"]["records"]] == [2800, 2800, 2800]
    assert version.content["task"]["config"]["labels"] == ["parasites", "white"]
    assert len(version.key["gold"]["0"]["boxes"]) == 2


def test_6_on_the_command_line_subfolders_next_to_the_json_are_found(app, level4, author, runner,
                                                                     tmp_path):
    (tmp_path / "images").mkdir()
    for name, data in BIG.items():
        (tmp_path / "images" / name).write_bytes(data)
    (tmp_path / "result.json").write_bytes(real("coco", "label_studio_converter", "result.json"))
    result = runner.invoke(args=["import-bank", str(tmp_path / "result.json"), "--author",
                                 author.email, "--units", "L4:2.1", "--ref", "COCO-cli-001"])
    assert result.exit_code == 0, result.output


def test_6_only_the_categories_the_boxes_use_become_labels(app, level4):
    coco = datumaro()
    coco["annotations"][1]["iscrowd"] = 0
    parsed = read_file(json.dumps(coco).encode(), "instances_val.json", TASK,
                       Media(DATUMARO_IMAGE))
    assert parsed.items[0].content["task"]["config"]["labels"] == ["a", "b"]
    assert any("1 categories no box uses" in note and "(c)" in note for note in parsed.notes)
    chosen = read_file(json.dumps(coco).encode(), "instances_val.json", ImportOptions(
        units=["L4:2.1"], labels=["a", "b", "c"]), Media(DATUMARO_IMAGE))
    assert chosen.items[0].content["task"]["config"]["labels"] == ["a", "b", "c"]


def test_6_a_roboflow_style_coco_export_imports(app, level4):
    folder = REAL / "coco" / "datumaro_roboflow" / "train"
    parsed = read_file((folder / "_annotations.coco.json").read_bytes(), "_annotations.coco.json",
                       TASK, Media(folder=folder))
    assert not parsed.problems, parsed.problems
    assert parsed.items[0].key["gold"]["2"]["boxes"] == [[0.0, 0.0, 2.0, 4.0, "label_1"]]


# -- 8. The Moodle export is importable by Moodle as is, and by certify back -----------------------

def test_8_the_moodle_export_follows_moodles_importer_rules(app, level4, import_bytes):
    from tests.banks.bankfiles import VALID_ROWS, csv_bytes

    for name in ("multichoice.xml", "match_testquestion.moodle.xml", "multianswer.xml",
                 "essay_testquestion.moodle.xml", "gapselect_testquestion.moodle.xml",
                 "shortanswer_testquestion.moodle.xml"):
        import_bytes(real("moodle", name), name, options=UNITS)
    rounded = dict(VALID_ROWS[1], ref="T-015", penalty="0.3")  # -15 %: not on Moodle's list
    tiny = dict(VALID_ROWS[1], ref="T-625", type="multiple", answer="A;B;C;D", penalty="0.25",
                option_e="Another", option_f="More", option_g="Still", option_h="Last")
    strict = dict(VALID_ROWS[1], ref="T-008", scoring="all_or_nothing", penalty="")
    number = dict(VALID_ROWS[3], ref="T-009", answer="=3.5~0.05", stem="Error rate: [[1]] %",
                  units="L4:2.2")
    import_bytes(csv_bytes([*VALID_ROWS, rounded, tiny, strict, number]), "bank.csv")
    db.session.commit()
    data = export_data(db.session.scalars(filtered(ItemFilter())).all())[0]
    warnings: list[str] = []
    xml, left_out = exporters.to_moodle(data, read_asset, warnings=warnings)
    assert left_out == []
    assert moodle_problems(xml) == []
    # a warning per changed item, naming the change
    assert sorted(w.split(":")[0] for w in warnings) == ["T-015", "T-625"]
    assert "-15 % → -14.28571 %" in warnings[0] and "-6.25 % → -5 %" in warnings[1]
    # every type Moodle has, in one category per unit; files embedded in options too
    for kind in (b"multichoice", b"multichoiceset", b"truefalse", b"shortanswer", b"numerical",
                 b"essay", b"cloze"):
        assert b'type="' + kind + b'"' in xml
    assert b"<text>$course$/top/certify/L4:2.1</text>" in xml
    assert b"<text>$course$/top/certify/L4:2.2</text>" in xml
    assert xml.count(b'<file name="') >= 7  # mp3, three flags, two state flags, logo
    # certify reads its export back: unchanged except what had to be rounded
    report = import_bytes(xml, "export.xml")
    changed = sorted(r.ref for r in report.results if r.action != "unchanged")
    assert changed == ["T-015", "T-625"] and report.count("created") == 0


def test_8_the_export_rounds_to_the_nearest_grade_on_moodles_list(app):
    assert exporters.moodle_fraction(-0.15) == -0.1428571
    assert exporters.moodle_fraction(-0.16) == -0.1666667
    assert exporters.moodle_fraction(-1 / 3) == -0.3333333
    assert exporters.moodle_fraction(1 / 7) == 0.1428571
    assert exporters.moodle_fraction(-0.0625) == -0.05
