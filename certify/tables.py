"""Tables shown on a page and exported as CSV or XLSX, from one definition.

A :class:`Table` is plain data: columns (key, label, kind, decimal places) and rows (dicts). The page
renders :meth:`Table.text_rows`, the CSV writes the same texts, and the XLSX writes the same values
(numbers as numbers, rounded to the same places), so an export never disagrees with the screen.

Spreadsheet safety: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return could run as a formula when the CSV is opened in a spreadsheet; the CSV prefixes such texts
with an apostrophe, and the XLSX stores every text as a text cell (never a formula).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """A column: ``kind`` is ``text`` or ``number`` (shown with ``places`` decimals)."""

    key: str
    label: str
    kind: str = "text"
    places: int = 0


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def text_rows(self) -> list[list[str]]:
        """Every row as the texts the page shows."""
        return [[cell_text(row.get(c.key), c) for c in self.columns] for row in self.rows]

    @property
    def labels(self) -> list[str]:
        return [str(c.label) for c in self.columns]


def cell_value(value: Any, column: Column) -> Any:
    """The value of a cell: a number rounded to the column's places, or a text."""
    if value is None or value == "":
        return None
    if column.kind == "number":
        if isinstance(value, int) and not isinstance(value, bool):
            return value  # a count stays a whole number, whatever the column's places
        number = round(float(value), column.places)
        return int(number) if column.places == 0 else number
    return str(value)


def cell_text(value: Any, column: Column) -> str:
    """The text of a cell as the page shows it."""
    shown = cell_value(value, column)
    if shown is None:
        return ""
    if column.kind == "number":
        places = 0 if isinstance(shown, int) else column.places
        return f"{Decimal(str(shown)):.{places}f}"
    return shown


def _csv_safe(text: str, column: Column) -> str:
    if column.kind == "text" and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(table: Table) -> str:
    """The table as CSV text (UTF-8 with a byte-order mark is added by the view for Excel)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.labels)
    for texts in table.text_rows():
        writer.writerow([_csv_safe(t, c) for t, c in zip(texts, table.columns, strict=True)])
    return out.getvalue()


def to_xlsx(sheets: Sequence[tuple[str, Table]]) -> bytes:
    """A workbook with one sheet per ``(title, table)``: bold header row, numbers as numbers."""
    book = Workbook()
    book.remove(book.active)
    for title, table in sheets:
        sheet = book.create_sheet(title=title[:31])
        sheet.append(table.labels)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            values = [cell_value(row.get(c.key), c) for c in table.columns]
            sheet.append([None] * len(values))
            for index, (value, column) in enumerate(zip(values, table.columns, strict=True),
                                                    start=1):
                cell = sheet.cell(row=sheet.max_row, column=index)
                cell.value = value
                if column.kind == "number" and value is not None:
                    whole = column.places == 0 or isinstance(value, int)
                    cell.number_format = "0" if whole else "0." + "0" * column.places
                elif value is not None:
                    cell.data_type = TYPE_STRING  # never a formula, whatever the text
        texts = table.text_rows()
        for index, column in enumerate(table.columns, start=1):
            width = max([len(str(column.label))] + [len(t[index - 1]) for t in texts])
            sheet.column_dimensions[get_column_letter(index)].width = min(60, max(8, width + 2))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
