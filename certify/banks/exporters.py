"""Writing bank files: CSV, XLSX, Moodle XML, zipped practical task folders, and the templates.

Every writer takes :class:`~certify.banks.spec.ItemData` and produces bytes that the matching importer
reads back to the same items (the round trip is lossless for what each format can hold).

Formula injection: a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` would run as a formula
when a spreadsheet opens the file. CSV cells like that are written with a leading apostrophe (which
spreadsheets show as text, and certify's importer removes again); XLSX cells are always written as
text cells, never as formulas. CSV files start with a UTF-8 byte-order mark so that Excel opens them
as UTF-8.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from decimal import Decimal
from xml.etree import ElementTree as ET

import yaml
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from certify.banks.assets import EXTENSIONS, ref_sha
from certify.banks.practical import MEDIA_FIELDS, gold_lines
from certify.banks.spec import COLUMNS, OPTION_COLUMNS, ItemData, format_number, item_to_row

#: Reads an asset's bytes and MIME type by SHA-256 (``None`` when the file is missing).
AssetReader = Callable[[str], tuple[bytes, str] | None]
FORMULA_START = ("=", "+", "-", "@")
_ASSET_IN_TEXT = re.compile(r"asset:([0-9a-f]{64})")


def _safe_cell(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _table(items: Iterable[ItemData]) -> tuple[list[str], list[dict[str, str]], list[str]]:
    """The header (COLUMNS minus option columns nobody uses), rows, and refs that cannot be rows."""
    rows, skipped = [], []
    for data in items:
        if data.type == "practical":
            skipped.append(data.ref)
            continue
        rows.append(item_to_row(data))
    used_options = [c for c in OPTION_COLUMNS if any(r[c] for r in rows)]
    keep_options = OPTION_COLUMNS[:max(4, len(used_options))]
    header = [c for c in COLUMNS if c not in OPTION_COLUMNS or c in keep_options]
    return header, rows, skipped


def to_csv(items: Iterable[ItemData]) -> tuple[bytes, list[str]]:
    """A bank CSV (UTF-8 with BOM) and the refs left out (practical tasks: export them as a zip)."""
    header, rows, skipped = _table(items)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe_cell(row[c]) for c in header])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), skipped


def to_xlsx(items: Iterable[ItemData]) -> tuple[bytes, list[str]]:
    """A bank workbook: one sheet, text cells only, with lists for type, status and difficulty."""
    header, rows, skipped = _table(items)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "items"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, row in enumerate(rows, start=2):
        for column, name in enumerate(header, start=1):
            value = ILLEGAL_CHARACTERS_RE.sub("", row[name])
            cell = sheet.cell(row=number, column=column)
            cell.value = value
            cell.data_type = "s"  # never a formula, whatever the text starts with
            cell.number_format = "@"
            if name in ("stem", "explanation", "rubric", "model_answer") or name in OPTION_COLUMNS:
                cell.alignment = wrap
    widths = {"ref": 14, "type": 12, "units": 18, "stem": 60, "explanation": 50, "rubric": 50,
              "model_answer": 40, "answer": 18}
    for column, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(
            name, 28 if name in OPTION_COLUMNS else 12)
    sheet.freeze_panes = "B2"
    last = max(2, len(rows) + 200)
    for name, values in (("type", "single,multiple,true_false,fill_in,short_answer"),
                         ("status", "draft,in_review,approved,retired"),
                         ("difficulty", "1,2,3,4,5")):
        letter = get_column_letter(header.index(name) + 1)
        check = DataValidation(type="list", formula1=f'"{values}"', allow_blank=True)
        check.add(f"{letter}2:{letter}{last}")
        sheet.add_data_validation(check)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), skipped


# -- Moodle XML ------------------------------------------------------------------------------------

def _moodle_fraction(value: float) -> str:
    return format(round(value, 5), "f").rstrip("0").rstrip(".") or "0"


def _text_node(parent: ET.Element, tag: str, text: str, fmt: str | None = "markdown",
               read_asset: AssetReader | None = None) -> ET.Element:
    node = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    files: dict[str, bytes] = {}

    def embed(match: re.Match) -> str:
        sha = match.group(1)
        found = read_asset(sha) if read_asset else None
        if found is None:
            return match.group(0)
        data, mime = found
        name = f"{sha}.{EXTENSIONS.get(mime, 'bin')}"
        files[name] = data
        return "@@PLUGINFILE@@/" + name

    ET.SubElement(node, "text").text = _ASSET_IN_TEXT.sub(embed, text)
    for name, data in files.items():
        ET.SubElement(node, "file", {"name": name, "path": "/", "encoding": "base64"}).text = \
            base64.b64encode(data).decode("ascii")
    return node


def moodle_exportable(data: ItemData) -> bool:
    """Whether Moodle XML can hold the item (see :func:`to_moodle`)."""
    if data.type in ("single", "multiple", "true_false"):
        return True
    return data.type == "fill_in" and len(data.key.get("blanks", [])) == 1


def to_moodle(items: Iterable[ItemData], read_asset: AssetReader | None = None,
              category: str = "certify") -> tuple[bytes, list[str]]:
    """A Moodle XML quiz file, and the refs Moodle's four types cannot hold.

    Single choice → ``multichoice`` (single); multiple choice → ``multichoice`` with fractions
    (partial) or ``multichoiceset`` (all or nothing); true/false → ``truefalse``; a fill-in with one
    text blank → ``shortanswer``, one numeric blank → ``numerical``. Short answers, fill-ins with
    several blanks and practical tasks are left out and listed. Texts are written as Markdown;
    images are embedded. Units, difficulty and language travel as tags.
    """
    quiz = ET.Element("quiz")
    cat = ET.SubElement(quiz, "question", {"type": "category"})
    ET.SubElement(ET.SubElement(cat, "category"), "text").text = f"$course$/top/{category}"
    skipped = []
    for data in items:
        if not moodle_exportable(data):
            skipped.append(data.ref)
            continue
        content, key = data.content, data.key
        kind = {"single": "multichoice", "multiple": "multichoice", "true_false": "truefalse"}.get(
            data.type)
        if data.type == "multiple" and (content.get("scoring") or {}).get("mode") != "partial":
            kind = "multichoiceset"
        if data.type == "fill_in":
            kind = "numerical" if "numeric" in key["blanks"][0] else "shortanswer"
        q = ET.SubElement(quiz, "question", {"type": kind})
        ET.SubElement(ET.SubElement(q, "name"), "text").text = data.ref
        stem = data.stem.replace("[[1]]", "_____") if data.type == "fill_in" else data.stem
        _text_node(q, "questiontext", stem, read_asset=read_asset)
        _text_node(q, "generalfeedback", data.explanation, read_asset=read_asset)
        ET.SubElement(q, "defaultgrade").text = format_number(data.points)
        ET.SubElement(q, "penalty").text = "0"
        ET.SubElement(q, "hidden").text = "0"
        ET.SubElement(q, "idnumber").text = data.ref
        answers: list[tuple[float, str, dict]] = []
        if data.type in ("single", "multiple"):
            correct = key["correct"] if data.type == "multiple" else [key["correct"]]
            ET.SubElement(q, "single").text = "true" if data.type == "single" else "false"
            ET.SubElement(q, "shuffleanswers").text = "true" if content.get("shuffle", True) \
                else "false"
            ET.SubElement(q, "answernumbering").text = "ABCD"
            share = 100 / len(correct)
            penalty = float((content.get("scoring") or {}).get("penalty", 1.0))
            for option in content["options"]:
                if option["id"] in correct:
                    fraction = 100.0 if data.type == "single" else share
                elif kind == "multichoice" and data.type == "multiple":
                    fraction = -penalty * share
                else:
                    fraction = 0.0
                answers.append((fraction, option["text"], {}))
        elif data.type == "true_false":
            answers = [(100.0 if key["correct"] else 0.0, "true", {}),
                       (0.0 if key["correct"] else 100.0, "false", {})]
        else:
            blank = key["blanks"][0]
            if kind == "numerical":
                answers = [(100.0, format_number(blank["numeric"]),
                            {"tolerance": format_number(blank.get("tolerance") or 0)})]
            else:
                ET.SubElement(q, "usecase").text = "1" if blank.get("case_sensitive") else "0"
                answers = [(100.0, text, {}) for text in blank["accepted"]]
        for fraction, text, extra in answers:
            fmt = "moodle_auto_format" if data.type == "true_false" else (
                "plain_text" if data.type == "fill_in" else "markdown")
            answer = ET.SubElement(q, "answer", {"fraction": _moodle_fraction(fraction),
                                                 "format": fmt})
            ET.SubElement(answer, "text").text = text
            for name, value in extra.items():
                ET.SubElement(answer, name).text = value
            feedback = ET.SubElement(answer, "feedback", {"format": "html"})
            ET.SubElement(feedback, "text").text = ""
        tags = ET.SubElement(q, "tags")
        for value in [f"unit:{u}" for u in data.units] + [f"difficulty:{data.difficulty}"] + (
                [f"language:{data.language}"] if data.language and data.language != "en" else []):
            ET.SubElement(ET.SubElement(tags, "tag"), "text").text = value
    ET.indent(quiz)
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8")
            + b"\n"), skipped


# -- practical task folders ----------------------------------------------------------------------

def task_yaml(data: ItemData) -> str:
    """The task.yaml of a practical item (docs/formats.md §3)."""
    task = data.content["task"]
    meta: dict = {"ref": data.ref, "type": "practical", "task_type": task["task_type"],
                  "title": task.get("title", ""), "units": list(data.units),
                  "difficulty": data.difficulty,
                  "points": int(data.points) if data.points == int(data.points)
                  else float(data.points),
                  "time_limit_minutes": task.get("time_limit_minutes"),
                  "overtime": task.get("overtime"), "instructions": task.get("instructions", ""),
                  "config": task.get("config") or {}}
    for name in ("metric", "policy"):
        if task.get(name) is not None:
            meta[name] = task[name]
    if data.key.get("rubric") is not None:
        meta["rubric"] = data.key["rubric"]
    if data.explanation:
        meta["explanation"] = data.explanation
    if data.language and data.language != "en":
        meta["language"] = data.language
    if data.status:
        meta["status"] = data.status
    if data.author:
        meta["author"] = data.author
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100)


def _jsonl(lines: Iterable[dict]) -> bytes:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines).encode("utf-8")


def to_task_zip(items: Iterable[ItemData], read_asset: AssetReader) -> tuple[bytes, list[str]]:
    """A zip with one task folder per practical item (media under ``media/``)."""
    buffer = io.BytesIO()
    skipped = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for data in items:
            if data.type != "practical":
                skipped.append(data.ref)
                continue
            folder = data.ref + "/"
            records = []
            for record in data.content["task"].get("records") or []:
                record = dict(record)
                for name in MEDIA_FIELDS:
                    sha = ref_sha(record.get(name))
                    found = read_asset(sha) if sha else None
                    if found is not None:
                        content, mime = found
                        path = f"media/{sha}.{EXTENSIONS.get(mime, 'bin')}"
                        archive.writestr(folder + path, content)
                        record[name] = path
                records.append(record)
            archive.writestr(folder + "task.yaml", task_yaml(data))
            archive.writestr(folder + "records.jsonl", _jsonl(records))
            gold = gold_lines(data.key)
            if gold:
                archive.writestr(folder + "gold.jsonl", _jsonl(gold))
    return buffer.getvalue(), skipped


def write(fmt: str, data: list[ItemData], read_asset: AssetReader) -> tuple[bytes, list[str]]:
    """The bytes of an export in ``fmt`` (csv, xlsx, moodle, zip) and the refs it cannot hold."""
    if fmt == "csv":
        return to_csv(data)
    if fmt == "xlsx":
        return to_xlsx(data)
    if fmt == "moodle":
        return to_moodle(data, read_asset)
    if fmt == "zip":
        return to_task_zip(data, read_asset)
    raise ValueError(f"unknown export format {fmt!r}")


#: File name extension and Content-Type of each export format.
MEDIA_TYPES = {"csv": ("csv", "text/csv; charset=utf-8"),
               "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
               "moodle": ("xml", "application/xml"), "zip": ("zip", "application/zip")}


# -- templates -----------------------------------------------------------------------------------

def template_items() -> list[ItemData]:
    """One example row per item type, real enough to show how each column is written."""
    unit = ["L4:2.2"]
    return [
        ItemData(ref="EXAMPLE-single-001", type="single", units=unit, difficulty=2,
                 points=Decimal(1), stem="Which metric measures the overlap of a predicted box and "
                                         "a gold box?",
                 content={"options": [{"id": "A", "text": "Cohen's kappa"},
                                      {"id": "B", "text": "Intersection over union (IoU)"},
                                      {"id": "C", "text": "Word error rate"},
                                      {"id": "D", "text": "Macro-F1"}], "shuffle": True},
                 key={"correct": "B"}, explanation="IoU = area of overlap / area of union.",
                 status="draft"),
        ItemData(ref="EXAMPLE-multiple-001", type="multiple", units=unit, difficulty=3,
                 points=Decimal(1), stem="Which checks belong in an audit of a labeled batch?",
                 content={"options": [{"id": "A", "text": "Sampling items against the guideline"},
                                      {"id": "B", "text": "Computing the batch error rate"},
                                      {"id": "C", "text": "Re-labeling every item yourself"},
                                      {"id": "D", "text": "Recording error types for rework"}],
                          "shuffle": True, "scoring": {"mode": "partial", "penalty": 1.0}},
                 key={"correct": ["A", "B", "D"]},
                 explanation="An audit samples and measures; it does not redo the work.",
                 status="draft"),
        ItemData(ref="EXAMPLE-tf-001", type="true_false", units=unit, difficulty=1,
                 points=Decimal(1), stem="A kappa of 1 means perfect agreement between two "
                                         "annotators.", content={}, key={"correct": True},
                 explanation="κ = 1 is perfect agreement; 0 is chance level.", status="draft"),
        ItemData(ref="EXAMPLE-fill-001", type="fill_in", units=unit, difficulty=3,
                 points=Decimal(1), stem="A sample of 200 items has 6 errors: the error rate is "
                                         "[[1]] %, so with an acceptance limit of 2 % the batch is "
                                         "[[2]].",
                 content={"blanks": 2, "scoring": {"mode": "partial"}},
                 key={"blanks": [{"numeric": 3.0, "tolerance": 0.05},
                                 {"accepted": ["rejected", "reject"], "case_sensitive": False}]},
                 explanation="6 / 200 = 3 % > 2 %.", status="draft"),
        ItemData(ref="EXAMPLE-short-001", type="short_answer", units=unit, difficulty=4,
                 points=Decimal(6), stem="Name the three steps you take when an annotator's batch "
                                         "fails the acceptance check, and why.", content={},
                 key={"rubric": [{"points": 2, "checkpoint": "Returns the batch with error "
                                  "examples", "standard": "2 if examples are given"},
                                 {"points": 2, "checkpoint": "Clarifies the guideline where the "
                                  "errors cluster", "standard": "1 per concrete change"},
                                 {"points": 2, "checkpoint": "Re-checks the rework",
                                  "standard": "2 if a new sample is checked"}],
                      "model_answer": "Return it with examples, fix the guideline, re-sample."},
                 status="draft"),
    ]


def template_csv() -> bytes:
    return to_csv(template_items())[0]


def template_xlsx() -> bytes:
    return to_xlsx(template_items())[0]


def asset_markdown(sha256: str, alt: str = "") -> str:
    """The Markdown that shows an uploaded image in a stem."""
    alt = re.sub(r"[\[\]\n]", " ", alt).strip()
    return f"![{alt}](asset:{sha256})"
