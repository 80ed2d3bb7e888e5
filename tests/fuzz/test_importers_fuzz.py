"""Every importer, fed structured-but-wrong files and raw bytes: it accepts them or says what is wrong
and where, it never crashes, and an import it refuses changes nothing.

Importers: the bank's (CSV, XLSX, Moodle XML, Label Studio JSON, COCO JSON, CoNLL, zipped practical
task folders, and :func:`read_file` choosing among them), the syllabus YAML and the enrolment CSV.
Inputs start from a valid file of each format and have parts replaced by values of the wrong type,
missing keys, huge or non-finite numbers, NUL and other odd characters; raw random bytes as well.
The only exception allowed is the importer's documented error (``BankError``, ``SyllabusError``,
``ExamError``), and each problem it lists is a sentence naming its file, row, column, record or
field. A bank file that parses is then imported (dry run or not), a syllabus or an enrolment file
applied: when that is refused, no row changed and no file was left in the asset folder. Every bug
these tests found is pinned with an ``@example``. The task types' own validators are fuzzed in
tests/tasks/test_task_fuzz.py.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from types import SimpleNamespace
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from certify.auth.models import Role
from certify.banks.assets import asset_dir
from certify.banks.importers import ImportOptions, Media, read_file
from certify.banks.importers.moodle import SUPPORTED
from certify.banks.imports import import_items
from certify.banks.practical import TASK_KEYS
from certify.banks.spec import COLUMNS, BankError, Problem
from certify.db import db
from certify.exams.operations import CSV_COLUMNS, ExamError, import_enrolments
from certify.syllabus.operations import import_syllabus
from certify.syllabus.spec import SyllabusError, load_yaml
from tests.banks.bankfiles import VALID_ROWS, csv_bytes, xlsx_bytes
from tests.factories import make_exam, make_sitting, make_syllabus

FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
FEW = settings(FUZZ, max_examples=40)

# -- values -----------------------------------------------------------------------------------------

NUMBERS = st.one_of(st.integers(-3, 400), st.integers(), st.floats(),
                    st.sampled_from([10**30, -(10**30), 1e308, 0.1]))
TEXT = st.one_of(st.text(max_size=12), st.sampled_from([
    "", " ", "\x00", "ä\u200b\u202e", "😀" * 3, "=cmd|' /C calc'!A0", "<b>x</b>", "../../etc/passwd",
    "NaN", "-Infinity", "1e999", "sNaN", "٣", "²", "L4:2.1", "L4:9.9", "r1", "car", "PER", "B-PER"]))
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, TEXT)
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(TEXT, inner, max_size=3), max_leaves=8)
#: Cell text of a CSV or XLSX row: plausible values of every column, and anything.
CELLS = st.one_of(TEXT, NUMBERS.map(str), st.sampled_from([
    "single", "multiple", "true_false", "fill_in", "short_answer", "practical", "A", "B;C", "true",
    "=1+1", "'=1+1", "=HYPERLINK(\"http://evil.example\",\"x\")", "1e400", "0", "-1", "99999",
    "2 | Names leakage | 2 if named", "=3.5~0.05||rejected", "approved", "retired", "in_review"]))


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*path, index))
    return found


def _replace(value: Any, path: tuple, new: Any, delete: bool) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(value) if isinstance(value, dict) else list(value)
    if delete and not rest:
        del copy[head]
    else:
        copy[head] = _replace(copy[head], rest, new, delete)
    return copy


def corrupt(data: st.DataObject, value: Any, times: int = 3) -> Any:
    """``value`` with up to ``times`` parts replaced by any JSON value or removed."""
    for _ in range(data.draw(st.integers(0, times))):
        path = data.draw(st.sampled_from(_paths(value)))
        value = _replace(value, path, data.draw(JSON), delete=bool(path) and data.draw(st.booleans()))
    return value


def png(size: tuple[int, int] = (20, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 200, 30)).save(buffer, "PNG")
    return buffer.getvalue()


SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9" onload="alert(1)">'
       b'<image href="file:///etc/passwd"/><rect width="5" height="5"/></svg>')
MEDIA_BYTES = st.one_of(st.just(png()), st.just(png((200, 100))), st.binary(max_size=64),
                        st.just(b"<svg onload=alert(1)></svg>"))

# -- what a refusal must look like, and what must not change ---------------------------------------


def assert_located(problems: list[Problem], filename: str) -> None:
    """Each problem is a sentence and says where: its file, row, column, record or field."""
    assert problems
    for problem in problems:
        assert isinstance(problem.message, str) and problem.message.strip(), problem
        assert problem.location() or filename in problem.message, f"where is {problem}?"


def stored() -> tuple:
    """Rows per table and the files of the asset folder."""
    counts = tuple(db.session.scalar(sa.select(sa.func.count()).select_from(t))
                   for t in db.metadata.sorted_tables)
    folder = asset_dir()
    return counts, sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def read_then_import(stage, data: bytes, filename: str, options: ImportOptions | None = None,
                     media: Media | None = None, dry_run: bool = False) -> None:
    """Read a bank file and import what it holds; refusals must be located and change nothing."""
    try:
        parsed = read_file(data, filename, options, media)
    except BankError as exc:
        assert_located(exc.problems, filename)
        return
    if parsed.problems:
        assert_located(parsed.problems, filename)
    before = stored()
    try:
        report = import_items(parsed, actor=stage.examiner, dry_run=dry_run)
    except BankError as exc:
        assert_located(exc.problems, filename)
        assert stored() == before, "a refused import changed something"
    else:
        assert not report.problems or dry_run
        if dry_run:
            assert stored() == before, "a dry run changed something"
    finally:
        db.session.rollback()


@pytest.fixture
def stage(app, make_user):
    """Level 4 (units 1.1 … 2.2), an examiner, an administrator, a sitting and two candidates."""
    level = make_syllabus(4)
    people = {"examiner": make_user(Role.EXAMINER), "admin": make_user(Role.ADMIN),
              "candidates": [make_user(Role.CANDIDATE, email="ann@example.org",
                                       candidate_id="110105194912310021"),
                             make_user(Role.CANDIDATE, email="bo@example.org")]}
    sitting = make_sitting(make_exam(level))
    return SimpleNamespace(**people, sitting=sitting, units=["L4:2.1"])


# -- CSV and XLSX -----------------------------------------------------------------------------------

@st.composite
def bank_rows(draw) -> tuple[list[str], list[dict[str, str]]]:
    """A header (mostly known columns, sometimes an unknown or missing one) and rows built from the
    valid examples with cells replaced."""
    columns = list(COLUMNS)
    if draw(st.booleans()):
        columns = draw(st.lists(st.sampled_from([*COLUMNS, "colour", ""]), min_size=1, max_size=12))
    rows = []
    for base in draw(st.lists(st.sampled_from(VALID_ROWS), max_size=4)):
        row = dict(base)
        for column in draw(st.lists(st.sampled_from(list(COLUMNS)), max_size=4)):
            row[column] = draw(CELLS)
        rows.append(row)
    return columns, rows


def _csv(columns: list[str], rows: list[dict[str, str]], encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([[r.get(c, "") for c in columns] for r in rows])
    return buffer.getvalue().encode(encoding, errors="replace")


@FUZZ
@given(bank_rows(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le",
                                     "cp1252"]), st.booleans())
@example((list(COLUMNS), [{**VALID_ROWS[0], "difficulty": "²"}]), "utf-8", False)
@example((list(COLUMNS), [{**VALID_ROWS[4], "rubric": "1e30 | Names leakage"}]), "utf-8", False)
def test_bank_csv(stage, table, encoding, dry_run):
    read_then_import(stage, _csv(*table, encoding), "bank.csv", dry_run=dry_run)


@FEW
@given(bank_rows(), st.booleans())
def test_bank_xlsx(stage, table, dry_run):
    columns, rows = table
    safe = [{k: "".join(c for c in v if c >= " " or c in "\t\n") for k, v in r.items()} for r in rows]
    content = xlsx_bytes(safe, tuple(c or "blank" for c in columns))
    read_then_import(stage, content, "bank.xlsx", dry_run=dry_run)


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from(
    ["x.csv", "x.tsv", "x.xlsx", "x.xml", "x.json", "x.conll", "x.txt", "x.zip", "x.xls", "x.exe",
     ".csv", "\u202e.json"]))
def test_any_bytes_with_any_name(stage, data, filename):
    read_then_import(stage, data, filename, ImportOptions(units=stage.units))


@FEW
@given(st.binary(max_size=400), st.integers(0, 3000))
def test_a_valid_file_cut_or_with_bytes_spliced_in(stage, junk, where):
    for original, name in ((csv_bytes(VALID_ROWS), "cut.csv"), (xlsx_bytes(VALID_ROWS), "cut.xlsx")):
        where = min(where, len(original))
        read_then_import(stage, original[:where] + junk + original[where + len(junk):], name)


# -- Moodle XML -------------------------------------------------------------------------------------

XML_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t"),
                   max_size=15)
HTML = st.one_of(XML_TEXT, st.sampled_from([
    "<p>Which <b>metric</b> fits?</p>", '<img src="@@PLUGINFILE@@/a.png" alt="a">',
    '<img src="https://evil.example/x.png">', "<table><tr><td>x</td></tr></table>",
    "<script>alert(1)</script>", "A ____ blank", "[[1]] here", "<ol><li>one<li>two</ol>", "<p",
    "{1:SHORTANSWER:=a~%50%b#no~*#x}", "{2:NUMERICAL:=3.5:0.1}", "{1:MULTICHOICE:x~=y}",
    "{1:MULTIRESPONSE:=a~=b}", "{1:SA:=\\}}", "[[1]] and [[2]]", "\\(x_1^2\\) $$a$$",
    '<a href="@@PLUGINFILE@@/a.mp3">Listen</a>', '<audio src="@@PLUGINFILE@@/a.png">',
    '<img src="@@PLUGINFILE@@/a.svg">']))


@st.composite
def moodle_files(draw) -> bytes:
    quiz = ET.Element("quiz")
    for _ in range(draw(st.integers(0, 4))):
        q = ET.SubElement(quiz, "question", type=draw(st.sampled_from(
            [*SUPPORTED, "category", "essay", "", "multichoice"])))
        for tag in draw(st.lists(st.sampled_from(["name", "idnumber", "single", "shuffleanswers",
                                                  "usecase", "defaultgrade", "generalfeedback",
                                                  "graderinfo", "image", "image_base64"]),
                                 max_size=5, unique=True)):
            node = ET.SubElement(q, tag)
            ET.SubElement(node, "text").text = draw(XML_TEXT) if tag != "single" else draw(
                st.sampled_from(["true", "false", "1", "0", ""]))
        text = ET.SubElement(q, "questiontext", format=draw(st.sampled_from(
            ["html", "markdown", "plain_text", "moodle_auto_format", ""])))
        ET.SubElement(text, "text").text = draw(HTML)
        if draw(st.booleans()):
            ET.SubElement(text, "file", name=draw(st.sampled_from(["a.png", "a.mp3", "a.svg"])),
                          encoding="base64").text = draw(st.one_of(
                st.just(base64.b64encode(png()).decode()), st.just("!!not base64"),
                st.just(base64.b64encode(SVG).decode()),
                st.binary(max_size=30).map(lambda b: base64.b64encode(b).decode())))
        for _answer in range(draw(st.integers(0, 9))):
            answer = ET.SubElement(q, "answer", fraction=draw(st.one_of(
                st.sampled_from(["100", "0", "50", "-50", "33.33333", "nan", "1e999", "x"]),
                NUMBERS.map(str))))
            ET.SubElement(answer, "text").text = draw(st.one_of(HTML, NUMBERS.map(str)))
            if draw(st.booleans()):
                ET.SubElement(answer, "tolerance").text = draw(NUMBERS.map(str))
        for tag in draw(st.lists(st.sampled_from(["subquestion", "selectoption", "dragbox", "hint"]),
                                 max_size=4)):
            node = ET.SubElement(q, tag)
            ET.SubElement(node, "text").text = draw(HTML)
            if tag == "subquestion":
                ET.SubElement(ET.SubElement(node, "answer"), "text").text = draw(XML_TEXT)
            elif tag in ("selectoption", "dragbox"):
                ET.SubElement(node, "group").text = draw(st.sampled_from(["1", "2", "x", ""]))
        if draw(st.booleans()):
            ET.SubElement(ET.SubElement(quiz, "question", type="category"), "category").append(
                ET.Element("text"))
            quiz[-1][0][0].text = draw(st.sampled_from(["$course$/top/L4:2.1", "$course$/x", ""]))
        tags = ET.SubElement(q, "tags")
        for value in draw(st.lists(st.sampled_from(["unit:L4:2.1", "unit:L9:1", "L4:1.1",
                                                    "difficulty:3", "difficulty:²", "difficulty:99",
                                                    "language:zh", "language:"]), max_size=3)):
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = value
    return ET.tostring(quiz, encoding="utf-8")


@FUZZ
@given(moodle_files(), st.booleans())
@example(b"<quiz><question type='truefalse'><tags><tag><text>difficulty:\xc2\xb2</text></tag></tags>"
         b"</question></quiz>", False)  # "²" is a digit to str.isdigit, not to int()
@example(b"<quiz><question type='numerical'><answer fraction='100'><text>1e30</text></answer>"
         b"</question></quiz>", False)  # more digits than Decimal's precision
@example(b"<quiz><question type='numerical'><answer fraction='100'><text>inf</text></answer>"
         b"</question></quiz>", False)
def test_moodle_xml(stage, content, dry_run):
    read_then_import(stage, content, "quiz.xml", dry_run=dry_run)


# -- Label Studio, COCO ----------------------------------------------------------------------------

@st.composite
def label_studio_documents(draw) -> Any:
    kind = draw(st.sampled_from(["choices", "labels", "rectanglelabels", "textarea", "rating",
                                 "ranker", "taxonomy"]))
    tasks = []
    for index in range(draw(st.integers(1, 3))):
        text = draw(st.sampled_from(["Great service", "Ada met 😀 Bob", ""]))
        value = {"choices": {"choices": draw(st.lists(st.sampled_from(["pos", "neg"]), max_size=2))},
                 "labels": {"start": draw(NUMBERS), "end": draw(NUMBERS), "labels": ["PER"],
                            "text": draw(st.sampled_from(["Ada", "x"]))},
                 "rectanglelabels": {"x": draw(NUMBERS), "y": 10, "width": draw(NUMBERS),
                                     "height": 20, "rectanglelabels": ["car"]},
                 "textarea": {"text": draw(st.sampled_from([["said"], "said", [1], None]))},
                 "rating": {"rating": draw(st.one_of(NUMBERS, st.none()))},
                 "ranker": {"ranker": {"items": draw(st.lists(st.sampled_from(["a", "b", 3]),
                                                              max_size=3))}},
                 "taxonomy": {"taxonomy": draw(st.sampled_from([[["A", "B"]], [["C"]], [[1]],
                                                                "x"]))}}[kind]
        data = {"image": f"/data/upload/1/deadbeef-r{index}.png"} \
            if kind in ("rectanglelabels", "textarea") else {"text": text}
        if kind == "ranker":
            data = {"prompt": "Best?", "items": [{"id": "a", "body": "A"}, {"id": "b"}]}
        tasks.append({"id": index + 1, "data": data, draw(st.sampled_from(
            ["annotations", "completions"])): [{
            "result": [{"type": kind, "value": value, "original_width": 20, "original_height": 10}],
            "was_cancelled": draw(st.booleans()), "ground_truth": draw(st.booleans())}]})
    return corrupt(draw(st.data()), tasks)


@st.composite
def coco_documents(draw) -> Any:
    images = [{"id": i, "file_name": f"r{i}.png", "width": 20, "height": 10} for i in range(2)]
    annotations = [{"id": i, "image_id": i % 2, "category_id": draw(st.sampled_from([1, 2, 3])),
                    "bbox": [1, 1, draw(NUMBERS), 3], "iscrowd": draw(st.sampled_from(
                        [0, 1, "false", "true", "False", "1", None, "maybe", [1], 0.5]))}
                   for i in range(draw(st.integers(0, 3)))]
    document = {"images": images, "annotations": annotations,
                "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "bus"}]}
    return corrupt(draw(st.data()), document, times=4)


#: Labeling configs: none, each control, broken XML, an entity bomb.
LS_CONFIGS = [None, b'<View><Text name="t" value="$text"/><Choices name="c" toName="t">'
              b'<Choice value="pos"/><Choice value="neg"/></Choices></View>',
              b'<View><Image name="i" value="$image"/><RectangleLabels name="r" toName="i">'
              b'<Label value="car"/></RectangleLabels></View>',
              b'<View><Text name="t" value="$text"/><Rating name="r" toName="t"/></View>',
              b'<View><Text name="t" value="$text"/><Taxonomy name="x" toName="t">'
              b'<Choice value="A"><Choice value="B"/></Choice></Taxonomy></View>',
              b'<View><List name="l" value="$items"/><Ranker name="r" toName="l"/></View>',
              b"<View><Choices", b'<!DOCTYPE v [<!ENTITY a "x">]><View>&a;</View>']
MEDIA = st.dictionaries(st.sampled_from(["r0.png", "r1.png", "r2.png", "deadbeef-r1.png",
                                         "a/r0.png", "r1"]),
                        MEDIA_BYTES, max_size=3)


def _coco(**parts: Any) -> dict:
    return {"images": [], "annotations": [], "categories": [], **parts}


@FUZZ
@given(st.one_of(label_studio_documents(), coco_documents()), MEDIA, st.booleans(), st.sampled_from(
    [None, "classification", "multilabel"]))
@example([{"data": {"text": "x"}, "annotations": 5}], {}, False, None)
@example([{"data": {"text": "a\x00b"}, "annotations": [{"result": [
    {"type": "choices", "value": {"choices": ["pos"]}}]}]}], {}, False, None)
@example([{"data": [], "annotations": [{"result": [{"type": ["choices"]}, 7]}]}], {}, False, None)
@example([{"data": {"text": "x"}, "annotations": [{"result": [{"type": "choices", "value": [1]}]}]}],
         {}, False, None)
@example([{"data": {"text": "x"}, "annotations": [{"result": [
    {"type": "labels", "value": {"start": 0, "end": 1, "labels": {"PER": 1}}}]}]}], {}, False, None)
@example([{"data": {"text": "x"}, "annotations": [{"result": [
    {"type": "choices", "value": {"choices": [{"pos": 1}]}}]}]}], {}, False, None)
@example([{"data": {"image": ["r1.png"]}, "annotations": [{"result": [
    {"type": "rectanglelabels", "value": "x"}]}]}], {}, False, None)
@example(_coco(categories=[{"id": 1, "name": "a"}, {"id": "2", "name": "b"}, {"id": [3], "name": "c"}],
               annotations=[7, {"image_id": 0, "category_id": [3], "bbox": [0, 0, 1, 1]}],
               images=[True, {"id": 0, "file_name": ["r0.png"]}]), {}, False, None)
@example(_coco(images=5, annotations="x", categories={"id": 1}), {}, False, None)
@example(_coco(images=[{"id": 0, "file_name": "r0.png", "width": 20, "height": 10}],
               annotations=[{"image_id": 0, "category_id": 1, "bbox": [1, 1, 2, 2]},
                            {"image_id": 0, "category_id": 9, "bbox": [1, 1, 2, 2]}],
               categories=[{"id": 1, "name": "car"}]), {"r0.png": png()}, False, None)
def test_label_studio_and_coco_json(stage, document, media, dry_run, task_type):
    content = json.dumps(document).encode()
    options = ImportOptions(units=stage.units, task_type=task_type,
                            label_config=LS_CONFIGS[len(content) % len(LS_CONFIGS)])
    read_then_import(stage, content, "export.json", options, Media(media), dry_run=dry_run)


@FUZZ
@given(JSON, st.fixed_dictionaries({"images": JSON, "annotations": JSON, "categories": JSON}), MEDIA)
def test_any_json_document_and_any_coco_shaped_one(stage, document, coco_shaped, media):
    for value in (document, coco_shaped):
        read_then_import(stage, json.dumps(value).encode(), "any.json",
                         ImportOptions(units=stage.units), Media(media))


# -- CoNLL ------------------------------------------------------------------------------------------

@st.composite
def conll_files(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        token = draw(st.one_of(st.sampled_from(["Ada", "Lovelace", "北", "京", "-DOCSTART-", "#c"]),
                               XML_TEXT))
        tag = draw(st.sampled_from(["O", "B-PER", "I-PER", "E-LOC", "S-X", "I-LOC", "X-Y", "B-",
                                    "b-per", "", "M-ORG", "L-LOC", "U-X", "B_PER"]))
        separator = draw(st.sampled_from(["\t", " ", "\t_\t"]))
        index = draw(st.integers(1, 30))
        lines.append(draw(st.sampled_from([
            f"{token}{separator}{tag}", "", token, f"{index}\t{token}\t{tag}\tO",
            "# sent_id = 1", f"#\t{token}", "\t".join(["1", token, "_", "NOUN", "_", "_", "0",
                                                       "root", "_", "_"])])))
    return "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le"])),
                                   errors="replace")


@FUZZ
@given(conll_files(), st.sampled_from(["tags.conll", "tags.bio", "t.txt", "eng.testa",
                                       "train.char.bmes", "NER-de.tsv", "x.conllu", "noext"]),
       st.booleans())
@example(b"Ada\tO\n\tO", "tags.conll", False)  # a line without a token
@example(b"A\x00da\tB-PER", "tags.conll", False)
def test_conll(stage, content, filename, dry_run):
    read_then_import(stage, content, filename, ImportOptions(units=stage.units), dry_run=dry_run)


# -- zipped practical task folders ------------------------------------------------------------------

TASK = {"ref": "Z-fuzz-001", "type": "practical", "task_type": "bbox", "title": "Boxes",
        "units": ["L4:2.1"], "difficulty": 2, "points": 100, "time_limit_minutes": 10,
        "instructions": "Box every car.", "config": {"labels": ["car"]},
        "policy": {"kind": "linear", "zero_at": 0.5, "full_at": 0.95}}


RECORD = '{"id": "r1", "image": "images/r1.png", "width": 20, "height": 10}'
GOLD = '{"id": "r1", "boxes": [[1, 1, 5, 4, "car"]]}'


def task_zip(folders: dict[str, dict[str, bytes | str]]) -> bytes:
    """A zip of task folders: ``{"A/": {"task.yaml": …, "records.jsonl": …}, …}``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for folder, files in folders.items():
            for name, content in files.items():
                archive.writestr(folder + name, content)
    return buffer.getvalue()


def task_files(**changes: Any) -> dict[str, str]:
    """A task folder whose task.yaml has ``changes``, without records."""
    return {"task.yaml": yaml.safe_dump({**TASK, **changes}), "records.jsonl": ""}


@st.composite
def task_zips(draw) -> bytes:
    meta = corrupt(draw(st.data()), dict(TASK))
    if draw(st.booleans()) and isinstance(meta, dict):
        meta[draw(st.sampled_from([*TASK_KEYS, "colour"]))] = draw(JSON)
    records = corrupt(draw(st.data()), [json.loads(RECORD)])
    gold = corrupt(draw(st.data()), [json.loads(GOLD)])
    folder = draw(st.sampled_from(["Z-fuzz-001/", "", "a/b/", "../../", "__MACOSX/x/"]))
    files = {
        "task.yaml": yaml.safe_dump(meta, allow_unicode=True) if draw(st.booleans())
        else draw(st.sampled_from(["ref: [", "- a list", "", "\x00"])),
        "records.jsonl": "\n".join(json.dumps(r) for r in records) if isinstance(records, list)
        else json.dumps(records),
        "gold.jsonl": "\n".join(json.dumps(g) for g in gold) if isinstance(gold, list) else "",
    }
    for name in draw(st.lists(st.sampled_from(list(files)), max_size=1)):
        del files[name]
    encoded = {name: text.encode("utf-8", errors="replace") for name, text in files.items()}
    return task_zip({folder: {**encoded, "images/r1.png": draw(MEDIA_BYTES)}})


@FUZZ
@given(task_zips(), st.booleans())
# A valid task with an image, and a broken one: the import is refused, so the image is not kept.
@example(task_zip({"A/": {**task_files(), "records.jsonl": RECORD, "gold.jsonl": GOLD,
                          "images/r1.png": png()}, "B/": {"task.yaml": "ref: ["}}), False)
@example(task_zip({"": task_files(overtime=False)}), False)
@example(task_zip({"": task_files(units=1)}), False)
@example(task_zip({"": task_files(points=float("nan"))}), False)
def test_zipped_task_folder(stage, content, dry_run):
    read_then_import(stage, content, "task.zip", dry_run=dry_run)


# -- the syllabus -----------------------------------------------------------------------------------

SYLLABUS = {
    "occupation": {"code": "4-04-05-05", "name_en": "AI Trainer", "name_zh": "人工智能训练师"},
    "levels": [{"number": 4, "name_en": "Level 4", "name_zh": "四级", "training_hours": 120,
                "required_components": ["theory", "skills"], "certificate_validity_years": 3,
                "units": [{"code": "1", "kind": "function", "title_en": "Collect",
                           "title_zh": "采集", "children": [
                               {"code": "1.1", "kind": "work_content", "title_en": "Clean",
                                "title_zh": "清洗"}]},
                          {"code": "2", "kind": "function", "title_en": "Label", "title_zh": "标注"}],
                "weights": {"theory": {"1.1": 40, "2": 60}}}],
}


def _level(**changes: Any) -> str:
    """The syllabus above with its level changed, as YAML."""
    return yaml.safe_dump({**SYLLABUS, "levels": [{**SYLLABUS["levels"][0], **changes}]})


@st.composite
def syllabus_files(draw) -> str | bytes:
    if draw(st.booleans()):
        return draw(st.one_of(st.binary(max_size=200), st.text(max_size=200)))
    return yaml.safe_dump(corrupt(draw(st.data()), SYLLABUS, times=4), allow_unicode=True)


@FUZZ
@given(syllabus_files(), st.booleans())
@example(_level(weights={"theory": {"1.1": float("nan"), "2": 60}}), False)
@example(_level(weights={"theory": {"1.1": "9e999999", "2": "9e999999"}}), False)
@example(_level(required_components=[{"theory": 1}]), False)
@example(_level(units=5), False)
@example(_level(units=[{"code": "1", "kind": "chapter", "title_en": "A", "title_zh": "A",
                        "children": [{"code": "1.1", "kind": "skill", "title_en": "B",
                                      "title_zh": "B"}]}]), False)
@example(_level(name_en="Level\x00 4"), False)
@example(_level(name_en="L" * 101, training_hours=10**30), False)
def test_syllabus_yaml(stage, text, dry_run):
    before = stored()
    try:
        spec = load_yaml(text)
        import_syllabus(spec, actor=stage.admin, dry_run=dry_run)
    except SyllabusError as exc:
        assert exc.problems and all(isinstance(p, str) and p.strip() for p in exc.problems)
        where = ("level", "occupation", "file", "unit", "line", "weights")
        assert all(any(w in p.lower() for w in where) for p in exc.problems), exc.problems
        assert stored() == before
    else:
        if dry_run:
            assert stored() == before
    finally:
        db.session.rollback()


# -- the enrolment CSV ------------------------------------------------------------------------------

#: Stands for a field longer than the csv module reads (128 KiB), without a 140 kB example repr.
LONG = "<140 000 characters>"


@FUZZ
@given(st.lists(st.sampled_from([*CSV_COLUMNS, "name", ""]), min_size=1, max_size=4),
       st.lists(st.lists(st.one_of(st.sampled_from(
           ["ann@example.org", "BO@example.org ", "110105194912310021", "nobody@example.org", "25",
            "0", "-5", "201", "12.5", "sNaN", "Infinity", "1e999999", "50%", "٥", LONG]),
           TEXT), max_size=5), max_size=6),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "gb18030"]),
       st.sampled_from([",", ";", "\t"]))
@example(["email"], [[LONG]], "utf-8", ",")
@example(["email", "extra_time_pct"], [["ann@example.org", "sNaN"]], "utf-8", ",")
@example(["email"], [["ann@example.org"]], "utf-16-le", ",")
@example(["email"], [["ann\x00@example.org"]], "utf-8", ",")
def test_enrolment_csv(stage, header, rows, encoding, delimiter):
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    content = "\n".join(lines).replace(LONG, "x" * 140_000).encode(encoding, errors="replace")
    before = stored()
    try:
        import_enrolments(stage.sitting, content, actor=stage.admin)
    except ExamError as exc:
        assert exc.problems
        assert all(p.startswith(("Row ", "Header", "The file")) for p in exc.problems), exc.problems
        assert stored() == before
    finally:
        db.session.rollback()
