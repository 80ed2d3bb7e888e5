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
from certify.banks.spec import (
    COLUMNS,
    OPTION_COLUMNS,
    ItemData,
    format_number,
    format_rubric,
    item_to_row,
)

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

#: Moodle's grade list, ``question_bank::fraction_options_full()`` (question/engine/bank.php): the
#: fractions an answer may carry. Moodle's XML import refuses any other (``invalidgradequestion``).
MOODLE_FRACTIONS = (1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3,
                    0.25, 0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0)
MOODLE_GRADES = tuple(sorted({*MOODLE_FRACTIONS, *(-f for f in MOODLE_FRACTIONS)}))
#: Marks the model answer in the grader information of an exported short answer (read back).
MODEL_ANSWER = "Model answer:"


def moodle_fraction(fraction: float) -> float:
    """The grade of Moodle's list nearest to ``fraction`` (both as fractions, -1 … 1)."""
    return min(MOODLE_GRADES, key=lambda grade: (abs(grade - fraction), -grade))


def _moodle_percent(fraction: float) -> str:
    return format(round(fraction * 100, 5), "f").rstrip("0").rstrip(".") or "0"


def _embed(text: str, read_asset: AssetReader | None, files: dict[str, bytes]) -> str:
    """``asset:<sha>`` → ``@@PLUGINFILE@@/<sha>.<ext>``, collecting the files to embed."""

    def embed(match: re.Match) -> str:
        sha = match.group(1)
        found = read_asset(sha) if read_asset else None
        if found is None:
            return match.group(0)
        data, mime = found
        name = f"{sha}.{EXTENSIONS.get(mime, 'bin')}"
        files[name] = data
        return "@@PLUGINFILE@@/" + name

    # An audio asset is written as a link Moodle's media filter plays.
    text = re.sub(r'!\[([^\]]*)\]\((asset:[0-9a-f]{64}) "audio"\)', r"[\1](\2)", text)
    return _ASSET_IN_TEXT.sub(embed, text)


def _text_node(parent: ET.Element, tag: str, text: str, fmt: str | None = "markdown",
               read_asset: AssetReader | None = None) -> ET.Element:
    node = ET.SubElement(parent, tag, {"format": fmt} if fmt else {})
    files: dict[str, bytes] = {}
    ET.SubElement(node, "text").text = _embed(text, read_asset, files)
    for name, data in files.items():
        ET.SubElement(node, "file", {"name": name, "path": "/", "encoding": "base64"}).text = \
            base64.b64encode(data).decode("ascii")
    return node


def moodle_exportable(data: ItemData) -> bool:
    """Whether Moodle XML can hold the item: every type but practical tasks."""
    return data.type in ("single", "multiple", "true_false", "fill_in", "short_answer")


def _cloze_escape(text: str) -> str:
    return re.sub(r'([}#~/\\"])', r"\\\1", text)


def _cloze_gap(blank: dict) -> str:
    if "numeric" in blank:
        tolerance = format_number(blank.get("tolerance") or 0)
        return f"{{1:NUMERICAL:={format_number(blank['numeric'])}:{tolerance}}}"
    kind = "SHORTANSWER_C" if blank.get("case_sensitive") else "SHORTANSWER"
    return "{1:" + kind + ":" + "~".join("=" + _cloze_escape(a) for a in blank["accepted"]) + "}"


def _category_path(data: ItemData, category: str) -> str:
    unit = data.units[0] if data.units else "no-unit"
    return f"$course$/top/{category}/{unit}"


def to_moodle(items: Iterable[ItemData], read_asset: AssetReader | None = None,
              category: str = "certify",
              warnings: list[str] | None = None) -> tuple[bytes, list[str]]:
    """A Moodle XML quiz file that Moodle imports as it is, and the refs it cannot hold.

    Single choice → ``multichoice`` (single); multiple choice → ``multichoice`` with fractions
    (partial) or ``multichoiceset`` (all or nothing); true/false → ``truefalse``; a fill-in with one
    text blank → ``shortanswer``, one numeric blank → ``numerical``, several blanks → ``cloze``;
    a short answer → ``essay`` whose grader information holds the rubric and the model answer.
    Practical tasks are left out and listed. Texts are written as Markdown with every image and
    audio clip embedded (``@@PLUGINFILE@@`` and a base64 ``<file>``, in options too). Answer
    fractions are rounded to Moodle's grade list (:data:`MOODLE_GRADES`), each change named in
    ``warnings`` and in an XML comment before the question. Items are filed in one category per
    first unit (``$course$/top/certify/L4:2.1``); units, difficulty and language travel as tags.
    """
    warnings = warnings if warnings is not None else []
    quiz = ET.Element("quiz")
    skipped = []
    current = None
    for data in sorted((d for d in items), key=lambda d: (d.units[:1], d.ref)):
        if not moodle_exportable(data):
            skipped.append(data.ref)
            continue
        path = _category_path(data, category)
        if path != current:
            current = path
            cat = ET.SubElement(quiz, "question", {"type": "category"})
            ET.SubElement(ET.SubElement(cat, "category"), "text").text = path
        _moodle_question(quiz, data, read_asset, warnings)
    ET.indent(quiz)
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="utf-8")
            + b"\n"), skipped


def _moodle_question(quiz: ET.Element, data: ItemData, read_asset: AssetReader | None,
                     warnings: list[str]) -> None:
    content, key = data.content, data.key
    blanks = key.get("blanks", []) if data.type == "fill_in" else []
    kind = {"single": "multichoice", "multiple": "multichoice", "true_false": "truefalse",
            "short_answer": "essay"}.get(data.type, "cloze")
    if data.type == "multiple" and (content.get("scoring") or {}).get("mode") != "partial":
        kind = "multichoiceset"
    if data.type == "fill_in" and len(blanks) == 1:
        kind = "numerical" if "numeric" in blanks[0] else "shortanswer"
    changed: list[str] = []
    answers: list[tuple[float, str, dict]] = []
    if data.type in ("single", "multiple"):
        correct = key["correct"] if data.type == "multiple" else [key["correct"]]
        share = 1 / len(correct)
        penalty = float((content.get("scoring") or {}).get("penalty", 1.0))
        for option in content["options"]:
            if option["id"] in correct:
                fraction = 1.0 if data.type == "single" else share
            elif kind == "multichoice" and data.type == "multiple":
                fraction = -penalty * share
            else:
                fraction = 0.0
            grade = moodle_fraction(fraction)
            if abs(grade - fraction) > 1e-6:
                changed.append(f"{option['id']}: {_moodle_percent(fraction)} % → "
                               f"{_moodle_percent(grade)} %")
            answers.append((grade, option["text"], {}))
    elif data.type == "true_false":
        answers = [(1.0 if key["correct"] else 0.0, "true", {}),
                   (0.0 if key["correct"] else 1.0, "false", {})]
    elif kind == "numerical":
        answers = [(1.0, format_number(blanks[0]["numeric"]),
                    {"tolerance": format_number(blanks[0].get("tolerance") or 0)})]
    elif kind == "shortanswer":
        answers = [(1.0, text, {}) for text in blanks[0]["accepted"]]
    if changed:
        warnings.append(f"{data.ref}: Moodle accepts only its list of grades; wrong-answer marks "
                        f"were rounded ({'; '.join(changed)})")
        quiz.append(ET.Comment(f" certify: {warnings[-1]} "))
    if kind == "cloze" and (content.get("scoring") or {}).get("mode") == "all_or_nothing":
        warnings.append(f"{data.ref}: Moodle's cloze gives credit per gap; the item was all or "
                        f"nothing in certify")
        quiz.append(ET.Comment(f" certify: {warnings[-1]} "))
    q = ET.SubElement(quiz, "question", {"type": kind})
    ET.SubElement(ET.SubElement(q, "name"), "text").text = data.ref
    stem = data.stem
    if kind == "cloze":
        for number, blank in enumerate(blanks, start=1):
            stem = stem.replace(f"[[{number}]]", _cloze_gap(blank), 1)
    elif data.type == "fill_in":
        stem = stem.replace("[[1]]", "_____")
    _text_node(q, "questiontext", stem, read_asset=read_asset)
    _text_node(q, "generalfeedback", data.explanation, read_asset=read_asset)
    ET.SubElement(q, "defaultgrade").text = format_number(data.points)
    ET.SubElement(q, "penalty").text = "0"
    ET.SubElement(q, "hidden").text = "0"
    ET.SubElement(q, "idnumber").text = data.ref
    if data.type in ("single", "multiple"):
        ET.SubElement(q, "single").text = "true" if data.type == "single" else "false"
        ET.SubElement(q, "shuffleanswers").text = "true" if content.get("shuffle", True) \
            else "false"
        ET.SubElement(q, "answernumbering").text = "ABCD"
    elif kind == "shortanswer":
        ET.SubElement(q, "usecase").text = "1" if blanks[0].get("case_sensitive") else "0"
    elif kind == "essay":
        for name, value in (("responseformat", "editor"), ("responserequired", "1"),
                            ("responsefieldlines", "15"), ("attachments", "0"),
                            ("attachmentsrequired", "0")):
            ET.SubElement(q, name).text = value
        info = format_rubric(key.get("rubric", [])).replace("\n", "\n\n")
        if key.get("model_answer"):
            info += f"\n\n{MODEL_ANSWER} {key['model_answer']}"
        _text_node(q, "graderinfo", info, read_asset=read_asset)
        _text_node(q, "responsetemplate", "", fmt="markdown")
    for fraction, text, extra in answers:
        fmt = "moodle_auto_format" if data.type == "true_false" else (
            "plain_text" if data.type == "fill_in" else "markdown")
        answer = _text_node(q, "answer", text, fmt=fmt, read_asset=read_asset)
        answer.set("fraction", _moodle_percent(fraction))
        for name, value in extra.items():
            ET.SubElement(answer, name).text = value
        feedback = ET.SubElement(answer, "feedback", {"format": "html"})
        ET.SubElement(feedback, "text").text = ""
    tags = ET.SubElement(q, "tags")
    for value in [f"unit:{u}" for u in data.units] + [f"difficulty:{data.difficulty}"] + (
            [f"language:{data.language}"] if data.language else []) + (
            [f"translation:{data.translation}"] if data.translation else []):
        ET.SubElement(ET.SubElement(tags, "tag"), "text").text = value


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
    for name in ("metric", "policy", "sample"):
        if task.get(name) is not None:
            meta[name] = task[name]
    if data.key.get("rubric") is not None:
        meta["rubric"] = data.key["rubric"]
    if data.explanation:
        meta["explanation"] = data.explanation
    if data.language:
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


def write(fmt: str, data: list[ItemData], read_asset: AssetReader,
          warnings: list[str] | None = None) -> tuple[bytes, list[str]]:
    """The bytes of an export in ``fmt`` (csv, xlsx, moodle, zip) and the refs it cannot hold;
    changes the format forced (Moodle's grade list) are added to ``warnings``."""
    if fmt == "csv":
        return to_csv(data)
    if fmt == "xlsx":
        return to_xlsx(data)
    if fmt == "moodle":
        return to_moodle(data, read_asset, warnings=warnings)
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
