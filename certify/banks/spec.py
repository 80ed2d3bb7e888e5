"""Items as plain data: what a bank file row, a Moodle question or an edit form describes.

:class:`ItemData` is the one shape every importer produces and every exporter and form reads; it holds
a version's content and key in the shapes of docs/contracts.md §1. The CSV/XLSX columns of
docs/formats.md §2 are the vocabulary of validation: a problem names the column to fix (``answer``,
``option_c``, ``rubric`` …), and the web form maps those names to its own fields.

Nothing here touches the database: units are checked for their form (``L4:2.1``) only; whether they
exist, who the author is and what the bank already holds is checked by
:func:`certify.banks.imports.import_items`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, getcontext
from typing import Any

from flask_babel import gettext as _

from certify.banks.markup import blank_numbers
from certify.errors import ProblemsError

TYPES = ("single", "multiple", "true_false", "fill_in", "short_answer", "practical")
FILE_TYPES = TYPES[:-1]
STATUSES = ("draft", "in_review", "approved", "retired")
OPTION_IDS = "ABCDEFGH"
OPTION_COLUMNS = tuple(f"option_{c.lower()}" for c in OPTION_IDS)
REF = re.compile(r"^[A-Za-z0-9._-]{3,64}$")
UNIT_REF = re.compile(r"^L([1-5]):([0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NUMERIC_ANSWER = re.compile(r"^=\s*([^~]+?)\s*(?:~\s*(.+?)\s*)?$")

#: Every column of a bank CSV/XLSX file, in the order certify writes them.
COLUMNS = ("ref", "type", "units", "difficulty", "points", "stem", *OPTION_COLUMNS, "answer",
           "scoring", "penalty", "case_sensitive", "shuffle", "rubric", "model_answer",
           "explanation", "status", "author", "language", "translation", "change_note")
REQUIRED_COLUMNS = ("ref", "type", "units", "difficulty", "points", "stem")
#: Fewest options per type: what Moodle allows (a multiple choice may have one correct option).
MIN_OPTIONS = {"single": 2, "multiple": 2}
MAX_POINTS = Decimal(1000)
MAX_TEXT = 20_000
#: A language code such as ``en``, ``zh`` or ``zh-Hans`` (at most 10 characters, as stored).
LANGUAGE = re.compile(r"^(?=.{2,10}$)[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def guess_language(*texts: object) -> str:
    """``zh`` when the texts are mostly Chinese, else ``en`` — the default of a file or question
    that does not say its language.

    A Chinese character carries about as much as a short English word, so the text counts as
    Chinese when its CJK characters are at least a quarter of its Latin letters: an English item
    quoting a Chinese term (乱码, 标注规范) stays English, a Chinese item naming Python or pandas
    stays Chinese.
    """
    text = " ".join(t for t in texts if isinstance(t, str))  # a malformed file may give a number
    cjk = len(_CJK.findall(text))
    return "zh" if cjk and cjk * 4 >= len(_LATIN.findall(text)) else "en"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows.

    :param row: spreadsheet row (the header is row 1) or line number of the file.
    :param column: the CSV column (or form field) to fix.
    :param ref: the item concerned.
    :param record: a practical task's record id; ``field`` the field in it (``spans[2]``).
    :param source: the file the problem is in (for multi-file imports).
    """

    message: str
    row: int | None = None
    column: str | None = None
    ref: str | None = None
    record: str | None = None
    field: str | None = None
    source: str | None = None

    def location(self) -> str:
        parts = []
        if self.source:
            parts.append(self.source)
        if self.row is not None:
            parts.append(_("row %(n)s", n=self.row))
        if self.ref and self.row is None:
            parts.append(self.ref)
        if self.column:
            parts.append(_("column %(name)s", name=self.column))
        if self.record is not None:
            parts.append(_('record "%(id)s"', id=self.record))
        if self.field:
            parts.append(_('field "%(name)s"', name=self.field))
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.location()
        return f"{where}: {self.message}" if where else self.message


class BankError(ProblemsError):
    """Input that cannot be imported or saved; ``problems`` lists everything found (as
    :class:`Problem` s; plain sentences are wrapped)."""

    shown = 10
    problems: list[Problem]

    def collect(self, problems: Iterable[Problem | str]) -> list[Problem]:
        return [p if isinstance(p, Problem) else Problem(p) for p in problems]


@dataclass
class ItemData:
    """One item version's editable content, independent of the database.

    ``content`` and ``key`` have the shapes of docs/contracts.md §1. ``status``/``author``/``change_note``
    are what a file asks for (import rules in :mod:`certify.banks.imports`). ``media`` maps a
    practical record's file path to a checked file to store (see :mod:`certify.banks.assets`).
    """

    ref: str
    type: str
    units: list[str]
    difficulty: int
    points: Decimal
    stem: str
    content: dict[str, Any]
    key: dict[str, Any]
    explanation: str = ""
    language: str = "en"
    #: The ref of the same item in another language (a translated pair), if any.
    translation: str | None = None
    status: str | None = None
    author: str | None = None
    change_note: str = ""
    media: dict[str, Any] = field(default_factory=dict)
    #: where it came from, for problem locations
    row: int | None = None
    source: str | None = None
    #: notes for the import report (e.g. a Moodle feature that was mapped)
    notes: list[str] = field(default_factory=list)

    def comparable(self) -> tuple:
        """What decides whether a version is unchanged (metadata such as status excluded)."""
        # JSON text with sorted keys: PostgreSQL's JSONB keeps no key order, and YAML's integer
        # keys (a rating scale's labels) come back from any JSON column as strings.
        return (self.stem, canonical_json(self.content), canonical_json(self.key),
                self.explanation, normal_decimal(self.points), self.difficulty,
                tuple(sorted(set(self.units))))


def canonical_json(value: Any) -> str:
    """``value`` as JSON text with sorted keys (how two contents are compared)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def normal_decimal(value: Decimal | float | int | str) -> Decimal:
    """A number as a canonical Decimal (``1.00`` → ``1``), for comparison and export.

    :raise InvalidOperation: for anything but a finite number (``"x"``, NaN, infinity).
    """
    number = Decimal(str(value))
    if not number.is_finite():
        raise InvalidOperation(f"{value!r} is not a finite number")
    if number == number.to_integral() and number.adjusted() < getcontext().prec:
        return number.quantize(Decimal(1))
    return number.normalize()


def format_number(value: Any) -> str:
    """A number as text without a trailing ``.0`` (``1``, ``0.8``, ``2.5``); anything else (NaN, an
    infinity) as it is, for the checks that read it back to say what is wrong."""
    if isinstance(value, bool):
        return str(value).lower()
    try:
        number = normal_decimal(value)
    except InvalidOperation:
        return str(value)
    text = format(number, "f")
    return text


def parse_bool(value: str) -> bool | None:
    lowered = value.strip().lower()
    if lowered in ("true", "yes", "1", "y"):
        return True
    if lowered in ("false", "no", "0", "n"):
        return False
    return None


def parse_units(text: str) -> tuple[list[str], list[str]]:
    """Split ``L5:0.1; L4:0.1`` into unit refs; return (refs, messages about bad ones)."""
    refs, bad = [], []
    for part in re.split(r"[;,；，\n]", text or ""):
        ref = part.strip()
        if not ref:
            continue
        match = UNIT_REF.match(ref.replace(" ", ""))
        if not match:
            bad.append(_('"%(ref)s" is not a unit reference such as L4:2.1', ref=ref))
            continue
        normal = f"L{match.group(1)}:{match.group(2)}"
        if normal not in refs:
            refs.append(normal)
    return refs, bad


# -- CSV row → ItemData --------------------------------------------------------------------------

class _Row:
    """Collects the problems of one row while reading its cells."""

    def __init__(self, cells: dict[str, str], row: int | None, source: str | None):
        self.cells, self.row, self.source = cells, row, source
        self.problems: list[Problem] = []
        self.ref = (cells.get("ref") or "").strip() or None

    def get(self, column: str) -> str:
        return (self.cells.get(column) or "").strip()

    def raw(self, column: str) -> str:
        """The cell as written (only line endings normalised), for Markdown texts."""
        return (self.cells.get(column) or "").replace("\r\n", "\n").replace("\r", "\n").strip()

    def add(self, column: str | None, message: str) -> None:
        self.problems.append(Problem(message, row=self.row, column=column, ref=self.ref,
                                     source=self.source))

    def must_be_empty(self, columns: Iterable[str], item_type: str) -> None:
        for column in columns:
            if self.get(column):
                self.add(column, _("must be empty for %(type)s items", type=item_type))


def _points(r: _Row) -> Decimal | None:
    text = r.get("points")
    try:
        points = Decimal(text.replace(",", "."))
    except InvalidOperation:
        r.add("points", _('"%(text)s" is not a number', text=text) if text else _("is required"))
        return None
    if not points.is_finite() or points <= 0 or points > MAX_POINTS:
        r.add("points", _("must be a positive number up to %(max)s, not %(text)s", max=MAX_POINTS, text=text))
        return None
    if points != points.quantize(Decimal("0.01")):
        r.add("points", _("may have at most two decimal places"))
        return None
    return normal_decimal(points)


def _difficulty(r: _Row) -> int | None:
    text = r.get("difficulty")
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdecimal() or not 1 <= int(text) <= 5:
        r.add("difficulty", _('must be a whole number from 1 (easiest) to 5, not "%(text)s"', text=text)
              if text else _("is required (1–5)"))
        return None
    return int(text)


def _options(r: _Row, item_type: str) -> list[dict[str, str]]:
    options, gap = [], None
    for oid, column in zip(OPTION_IDS, OPTION_COLUMNS, strict=True):
        text = r.raw(column)
        if not text:
            gap = gap or column
            continue
        if gap:
            r.add(gap, _("is empty but %(column)s is filled: options must not have gaps", column=column))
            gap = None
        options.append({"id": oid, "text": text})
    if len(options) < MIN_OPTIONS[item_type]:
        r.add("option_a", _("%(type)s items need at least %(min)s options, this row has %(n)s",
                            type=item_type, min=MIN_OPTIONS[item_type], n=len(options)))
    return options


def _flag(r: _Row, column: str, default: bool) -> bool:
    text = r.get(column)
    if not text:
        return default
    value = parse_bool(text)
    if value is None:
        r.add(column, _('must be true or false, not "%(text)s"', text=text))
        return default
    return value


def _choice(r: _Row, item_type: str) -> tuple[dict, dict]:
    options = _options(r, item_type)
    ids = [o["id"] for o in options]
    answer = r.get("answer").upper().replace(" ", "")
    content: dict[str, Any] = {"options": options, "shuffle": _flag(r, "shuffle", True)}
    if item_type == "single":
        if len(answer) != 1 or answer not in OPTION_IDS:
            r.add("answer", _('must be one option letter such as B, not "%(text)s"', text=r.get("answer"))
                  if answer else _("is required: the letter of the correct option"))
        elif answer not in ids:
            r.add("answer", _("names option %(letter)s, which is empty", letter=answer))
        r.must_be_empty(("scoring", "penalty"), item_type)
        key: dict[str, Any] = {"correct": answer}
    else:
        letters = [a for a in re.split(r"[;,，；]", answer) if a]
        if len(letters) == 1 and len(letters[0]) > 1 and letters[0].isalpha():
            letters = list(letters[0])  # "ACD" written without separators
        problems = [a for a in letters if len(a) != 1 or a not in OPTION_IDS]
        if problems or not letters:
            r.add("answer", _('must list option letters separated by ";" such as A;C, not "%(text)s"',
                              text=r.get("answer")) if answer
                  else _("is required: the letters of the correct options"))
        elif len(set(letters)) != len(letters):
            r.add("answer", _("names an option twice"))
        else:
            for letter in letters:
                if letter not in ids:
                    r.add("answer", _("names option %(letter)s, which is empty", letter=letter))
        mode = r.get("scoring") or "all_or_nothing"
        if mode not in ("all_or_nothing", "partial"):
            r.add("scoring", _('must be all_or_nothing or partial, not "%(mode)s"', mode=mode))
        penalty = Decimal(1)
        if r.get("penalty"):
            if mode != "partial":
                r.add("penalty", _("applies only when scoring is partial"))
            try:
                penalty = Decimal(r.get("penalty"))
                if not penalty.is_finite() or not 0 <= penalty <= 10:
                    raise InvalidOperation
            except InvalidOperation:
                r.add("penalty", _('must be a number from 0 to 10, not "%(text)s"', text=r.get("penalty")))
                penalty = Decimal(1)
        content["scoring"] = {"mode": mode, "penalty": float(penalty)}
        key = {"correct": sorted(set(letters))}
    r.must_be_empty(("case_sensitive", "rubric", "model_answer"), item_type)
    return content, key


def parse_blank(entry: str) -> tuple[dict[str, Any] | None, str | None]:
    """One fill-in answer entry: ``a|b`` (accepted texts) or ``=3.14~0.01`` (numeric)."""
    entry = entry.strip()
    if entry.startswith("="):
        match = NUMERIC_ANSWER.match(entry)
        try:
            value = float(match.group(1)) if match else None
            tolerance = float(match.group(2)) if match and match.group(2) else 0.0
        except ValueError:
            value = None
        if value is None or value != value or abs(value) == float("inf"):
            return None, _('"%(text)s" is not a numeric answer such as =3.14 or =3.14~0.01',
                           text=entry)
        if not 0 <= tolerance < float("inf"):
            return None, _('the tolerance in "%(text)s" must be a number ≥ 0', text=entry)
        return {"numeric": value, "tolerance": tolerance}, None
    accepted = [a.strip() for a in entry.split("|") if a.strip()]
    if not accepted:
        return None, _("an answer entry is empty")
    return {"accepted": accepted}, None


def format_blank(spec: dict[str, Any]) -> str:
    """The text form of one fill-in blank, as :func:`parse_blank` reads it."""
    if "numeric" in spec:
        value = format_number(spec["numeric"])
        tolerance = spec.get("tolerance") or 0
        return f"={value}~{format_number(tolerance)}" if tolerance else f"={value}"
    return "|".join(spec.get("accepted", []))


def check_blank_markers(stem: str, count: int) -> str | None:
    """A message when the stem's ``[[n]]`` markers are not exactly 1…count in order."""
    numbers = blank_numbers(stem)
    if not numbers:
        return _("a fill-in stem marks each blank with [[1]], [[2]] …")
    if numbers != list(range(1, len(numbers) + 1)):
        return _("the blanks must be numbered [[1]], [[2]] … in order, each once; found "
                 "%(found)s", found=", ".join(f"[[{n}]]" for n in numbers))
    if count != len(numbers):
        return _("the stem has %(blanks)s blank(s) but the answer has %(entries)s entry(ies)",
                 blanks=len(numbers), entries=count)
    return None


def _fill_in(r: _Row, stem: str) -> tuple[dict, dict]:
    answer = r.get("answer")
    entries = answer.split("||") if answer else []
    blanks = []
    if not entries:
        r.add("answer", _("is required: one entry per blank, separated by ||"))
    case_sensitive = _flag(r, "case_sensitive", False)
    for i, entry in enumerate(entries, start=1):
        spec, problem = parse_blank(entry)
        if problem:
            r.add("answer", _("blank %(n)s: %(problem)s", n=i, problem=problem))
        elif spec is not None:
            if "accepted" in spec:
                spec["case_sensitive"] = case_sensitive
            blanks.append(spec)
    if entries:
        message = check_blank_markers(stem, len(entries))
        if message:
            r.add("stem", message)
    mode = r.get("scoring") or "partial"
    if mode not in ("all_or_nothing", "partial"):
        r.add("scoring", _('must be all_or_nothing or partial, not "%(mode)s"', mode=mode))
    r.must_be_empty((*OPTION_COLUMNS, "penalty", "rubric", "model_answer", "shuffle"), "fill_in")
    return {"blanks": len(entries), "scoring": {"mode": mode}}, {"blanks": blanks}


def parse_rubric(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Rubric lines ``points | checkpoint | standard`` → checkpoints, and problems per line."""
    rubric, problems = [], []
    for n, line in enumerate([ln for ln in text.splitlines() if ln.strip()], start=1):
        parts = [p.strip() for p in line.split("|", 2)]
        if len(parts) < 2 or not parts[1]:
            problems.append(_('line %(n)s: write "points | checkpoint | marking standard"', n=n))
            continue
        try:
            points = Decimal(parts[0])
            if not points.is_finite() or points <= 0:
                raise InvalidOperation
        except InvalidOperation:
            problems.append(_('line %(n)s: "%(text)s" is not a positive number of points', n=n,
                              text=parts[0]))
            continue
        entry: dict[str, Any] = {"points": float(normal_decimal(points)), "checkpoint": parts[1],
                                 "standard": parts[2] if len(parts) > 2 else ""}
        rubric.append(entry)
    return rubric, problems


def format_rubric(rubric: list[dict[str, Any]]) -> str:
    """Rubric checkpoints as the text :func:`parse_rubric` reads."""
    lines = []
    for checkpoint in rubric:
        line = f"{format_number(checkpoint['points'])} | {checkpoint['checkpoint']}"
        if checkpoint.get("standard"):
            line += f" | {checkpoint['standard']}"
        lines.append(line)
    return "\n".join(lines)


def _short_answer(r: _Row, points: Decimal | None) -> tuple[dict, dict]:
    rubric, problems = parse_rubric(r.raw("rubric"))
    for message in problems:
        r.add("rubric", message)
    if not rubric and not problems:
        r.add("rubric", _("is required for short answers: one checkpoint per line, "
                          "points | checkpoint | marking standard"))
    total = sum(Decimal(str(c["points"])) for c in rubric)
    if rubric and not problems and points is not None and total != points:
        r.add("rubric", _("checkpoints add up to %(total)s points but the item is worth %(points)s",
                          total=format_number(total), points=format_number(points)))
    r.must_be_empty((*OPTION_COLUMNS, "answer", "scoring", "penalty", "case_sensitive", "shuffle"),
                    "short_answer")
    key: dict[str, Any] = {"rubric": rubric}
    if r.raw("model_answer"):
        key["model_answer"] = r.raw("model_answer")
    return {}, key


TRUE_WORDS = ("true", "t", "yes", "对", "正确", "是")
FALSE_WORDS = ("false", "f", "no", "错", "错误", "否")


def _true_false(r: _Row) -> tuple[dict, dict]:
    text = r.get("answer").lower()
    value = True if text in TRUE_WORDS else False if text in FALSE_WORDS else None
    if value is None:
        r.add("answer", _('must be true or false, not "%(text)s"', text=r.get("answer")) if text
              else _("is required: true or false"))
    r.must_be_empty((*OPTION_COLUMNS, "scoring", "penalty", "case_sensitive", "shuffle", "rubric",
                     "model_answer"), "true_false")
    return {}, {"correct": bool(value)}


def row_to_item(cells: dict[str, str], row: int | None = None,
                source: str | None = None) -> tuple[ItemData | None, list[Problem]]:
    """Read one CSV/XLSX row (column → text) as an item; return it or ``None`` and the problems."""
    r = _Row(cells, row, source)
    ref = r.get("ref")
    if not ref:
        r.add("ref", _("is required"))
    elif not REF.match(ref):
        r.add("ref", _('"%(ref)s" must be 3–64 letters, digits, ".", "_" or "-"', ref=ref))
    item_type = r.get("type").lower()
    if item_type not in FILE_TYPES:
        r.add("type", _('must be one of %(types)s, not "%(text)s"', types=", ".join(FILE_TYPES),
                text=r.get("type")) if item_type else _("is required"))
        return None, r.problems
    units, bad = parse_units(r.get("units"))
    for message in bad:
        r.add("units", message)
    if not units and not bad:
        r.add("units", _("is required: at least one unit such as L4:2.1"))
    difficulty = _difficulty(r)
    points = _points(r)
    stem = r.raw("stem")
    if not stem:
        r.add("stem", _("is required"))
    for column in ("stem", "explanation", "model_answer", "rubric", *OPTION_COLUMNS):
        if len(r.raw(column)) > MAX_TEXT:
            r.add(column, _("is longer than %(n)s characters", n=MAX_TEXT))
    if item_type in ("single", "multiple"):
        content, key = _choice(r, item_type)
    elif item_type == "true_false":
        content, key = _true_false(r)
    elif item_type == "fill_in":
        content, key = _fill_in(r, stem)
    else:
        content, key = _short_answer(r, points)
    status = r.get("status").lower() or None
    if status and status not in STATUSES:
        r.add("status", _('must be one of %(values)s, not "%(text)s"', values=", ".join(STATUSES),
                            text=r.get("status")))
    author = r.get("author") or None
    if author and not EMAIL.match(author):
        r.add("author", _('"%(text)s" is not an e-mail address', text=author))
    language = r.get("language") or guess_language(
        stem, *(option["text"] for option in content.get("options") or []))
    if not LANGUAGE.match(language):
        r.add("language", _('"%(text)s" is not a language code such as en or zh', text=language))
    translation = r.get("translation") or None
    if translation and not REF.match(translation):
        r.add("translation", _('"%(ref)s" must be the ref of an item: 3–64 letters, digits, ".", '
                               '"_" or "-"', ref=translation))
    elif translation and translation == ref:
        r.add("translation", _("an item cannot be its own translation"))
    if r.problems:
        return None, r.problems
    return ItemData(ref=ref, type=item_type, units=units, difficulty=difficulty or 3,
                    points=points or Decimal(1), stem=stem, content=content, key=key,
                    explanation=r.raw("explanation"), language=language,
                    translation=translation, status=status, author=author,
                    change_note=r.raw("change_note"), row=row, source=source), []


def item_to_row(data: ItemData) -> dict[str, str]:
    """The CSV/XLSX row of an item (every column, empty where unused); inverse of :func:`row_to_item`."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(ref=data.ref, type=data.type, units="; ".join(data.units),
               difficulty=str(data.difficulty), points=format_number(data.points), stem=data.stem,
               explanation=data.explanation, status=data.status or "", author=data.author or "",
               language=data.language or "", translation=data.translation or "")
    content, key = data.content, data.key
    if data.type in ("single", "multiple"):
        for option in content.get("options", []):
            row[f"option_{option['id'].lower()}"] = option["text"]
        row["shuffle"] = "" if content.get("shuffle", True) else "false"
        if data.type == "single":
            row["answer"] = key.get("correct", "")
        else:
            row["answer"] = ";".join(key.get("correct", []))
            scoring = content.get("scoring") or {}
            row["scoring"] = scoring.get("mode", "all_or_nothing")
            if row["scoring"] == "partial":
                row["penalty"] = format_number(scoring.get("penalty", 1.0))
    elif data.type == "true_false":
        row["answer"] = "true" if key.get("correct") else "false"
    elif data.type == "fill_in":
        blanks = key.get("blanks", [])
        row["answer"] = "||".join(format_blank(b) for b in blanks)
        row["scoring"] = (content.get("scoring") or {}).get("mode", "partial")
        if any(b.get("case_sensitive") for b in blanks):
            row["case_sensitive"] = "true"
    elif data.type == "short_answer":
        row["rubric"] = format_rubric(key.get("rubric", []))
        row["model_answer"] = key.get("model_answer", "")
    return row


def validate_item(data: ItemData) -> list[Problem]:
    """Check an :class:`ItemData` built elsewhere (a form, Moodle) by reading it back as a row.

    Going through the row keeps one set of rules for every input. Practical items are checked by
    :func:`certify.banks.practical.validate_practical` instead.
    """
    return row_to_item(item_to_row(data), data.row, data.source)[1]
