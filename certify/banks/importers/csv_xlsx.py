"""CSV and XLSX bank files (docs/formats.md §2): decoding, header checks, one item per row.

Encoding (CSV): UTF-8 with or without a byte-order mark, and no NUL byte (UTF-16 without a mark and
binary files have them). A file that is not UTF-8 is examined with charset-normalizer:
GB18030/GBK/GB2312 — what Excel on a Chinese Windows writes by default — is read as GB18030 (a superset
of the other two) and the report says so; UTF-16 and any other encoding are refused with a message
telling the examiner to save as "CSV UTF-8".

Formulas (XLSX) are never evaluated: the workbook is read with ``data_only=False`` and a formula
cell's text (``=SUM(A1:A3)``) is taken literally, like any other text. Before openpyxl opens the
workbook, the zip is checked so that a zip bomb is refused unopened. A leading apostrophe before
``= + - @`` is dropped on import: certify's CSV export adds it so that spreadsheets show such text
instead of running it as a formula (CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from charset_normalizer import from_bytes
from flask_babel import gettext as _
from openpyxl import load_workbook

from certify.banks.importers.common import Parsed, check_zip, limit
from certify.banks.spec import COLUMNS, REQUIRED_COLUMNS, BankError, Problem, row_to_item

FORMULA_START = ("=", "+", "-", "@")
#: What charset-normalizer may call a Simplified Chinese Windows file (all read as GB18030).
CHINESE_ENCODINGS = {"gb18030", "gbk", "gb2312", "cp936", "hz"}


def decode_csv(data: bytes, filename: str) -> tuple[str, str | None]:
    """The text of a CSV file and a note when it was not UTF-8.

    :raise BankError: for an encoding certify does not read, with how to fix it.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    utf16 = BankError([Problem(_('%(name)s is saved as UTF-16 ("Unicode text"); save it as "CSV '
                                 'UTF-8 (comma delimited)" and upload it again', name=filename))])
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise utf16
    # A text file holds no NUL byte; UTF-16 without a byte-order mark and binary files do.
    position = data.find(b"\x00")
    if position < 0:
        try:
            return data.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            position = exc.start

    guess = from_bytes(data).best()
    if guess is not None and guess.encoding.startswith("utf_16"):
        raise utf16
    if b"\x00" not in data and guess is not None \
            and guess.encoding.lower().replace("-", "_") in CHINESE_ENCODINGS:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            return text, _('%(name)s is not UTF-8; it was read as GB18030 (the encoding of Excel '
                           'on Chinese Windows). Saving it as "CSV UTF-8" avoids any doubt.',
                           name=filename)
    named = _(" (it looks like %(encoding)s)", encoding=guess.encoding) if guess else ""
    raise BankError([Problem(_('%(name)s is not UTF-8%(guess)s: the byte at position %(pos)s cannot be '
                               'read. Save the file as "CSV UTF-8 (comma delimited)" and upload it '
                               'again', name=filename, guess=named, pos=position))])


def _unescape(value: str) -> str:
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


def _header(cells: list[str], filename: str) -> tuple[list[str], list[Problem]]:
    header = [_unescape(c or "").strip().lstrip("\ufeff").lower() for c in cells]
    problems = []
    # Trailing empty header cells (a spreadsheet's unused columns) are ignored.
    while header and not header[-1]:
        header.pop()
    unknown = [h for h in header if h not in COLUMNS]
    for name in unknown:
        problems.append(Problem(_('unknown column "%(name)s" (the columns are: %(columns)s)',
                                  name=name, columns=", ".join(COLUMNS)),
                                row=1, column=name or "(empty)", source=filename))
    for name in {h for h in header if header.count(h) > 1}:
        problems.append(Problem(_("is there twice"), row=1, column=name, source=filename))
    for name in REQUIRED_COLUMNS:
        if name not in header:
            problems.append(Problem(_("is a required column but missing from the header row"),
                                    row=1, column=name, source=filename))
    return header, problems


def _rows(table: list[list[str]], filename: str, fmt: str) -> Parsed:
    parsed = Parsed(formats=[fmt])
    if not table:
        parsed.problems.append(Problem(_("%(name)s is empty", name=filename), source=filename))
        return parsed
    header, problems = _header(table[0], filename)
    parsed.problems += problems
    if problems:
        return parsed
    if len(table) - 1 > limit("BANK_MAX_ROWS"):
        parsed.problems.append(Problem(_("%(name)s has %(n)s rows; at most %(max)s are accepted per "
                                         "file", name=filename, n=len(table) - 1,
                                         max=limit("BANK_MAX_ROWS")),
                                       source=filename))
        return parsed
    seen: dict[str, int] = {}
    for number, cells in enumerate(table[1:], start=2):
        cells = [_unescape(c) for c in cells]
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            parsed.problems.append(Problem(_("has %(cells)s cells but the header has %(columns)s "
                                             "columns", cells=len(cells), columns=len(header)),
                                           row=number, source=filename))
            continue
        values = dict(zip(header, cells, strict=False))
        item, problems = row_to_item(values, number, filename)
        parsed.problems += problems
        if item is None:
            continue
        if item.ref in seen:
            parsed.problems.append(Problem(_("ref %(ref)s is used again (first in row %(row)s)",
                                             ref=item.ref, row=seen[item.ref]), row=number,
                                           column="ref",
                                           ref=item.ref, source=filename))
            continue
        seen[item.ref] = number
        parsed.items.append(item)
    return parsed


def read_csv(data: bytes, filename: str) -> Parsed:
    """Read a bank CSV (comma, semicolon or tab separated; the header row decides)."""
    text, note = decode_csv(data, filename)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise BankError([Problem(_("%(name)s is not valid CSV: %(error)s", name=filename,
                                   error=str(exc)))]) from exc
    parsed = _rows(table, filename, "csv")
    if note:
        parsed.notes.append(note)
    return parsed


def cell_text(value: Any) -> str:
    """An XLSX cell's value as the text the bank reads (formulas stay text)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def read_xlsx(data: bytes, filename: str) -> Parsed:
    """Read the first sheet of a bank XLSX workbook, every cell as text."""
    archive = check_zip(data, filename)
    if "xl/workbook.xml" not in archive.namelist():
        raise BankError([Problem(_("%(name)s is a zip but not an XLSX workbook", name=filename))])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        raise BankError([Problem(_("%(name)s cannot be read as an XLSX workbook (%(error)s)",
                                   name=filename, error=str(exc)))]) from exc
    try:
        sheet = workbook.worksheets[0]
        table = []
        for row in sheet.iter_rows(values_only=True):
            table.append([cell_text(v) for v in row])
            if len(table) > limit("BANK_MAX_ROWS") + 1:
                break
    finally:
        workbook.close()
    return _rows(table, filename, "xlsx")
