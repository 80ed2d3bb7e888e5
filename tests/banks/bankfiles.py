"""Bank files for tests: valid rows of every type, and CSV/XLSX writers."""

from __future__ import annotations

import csv
import io

from certify.banks.spec import COLUMNS


def row(**cells: str) -> dict[str, str]:
    """A valid single-choice row on L4:2.1, with ``cells`` replacing columns."""
    base = {"ref": "T-001", "type": "single", "units": "L4:2.1", "difficulty": "2", "points": "1",
            "stem": "Which metric compares a predicted box with a gold box?",
            "option_a": "Kappa", "option_b": "IoU", "option_c": "WER", "option_d": "BLEU",
            "answer": "B", "explanation": "IoU measures overlap."}
    base.update(cells)
    return base


VALID_ROWS = [
    row(),
    row(ref="T-002", type="multiple", answer="A;C", option_a="Sample against the guideline",
        option_b="Relabel everything", option_c="Compute the error rate", option_d="Skip QA",
        scoring="partial", penalty="0.5", stem="Which steps belong to a batch audit?"),
    row(ref="T-003", type="true_false", option_a="", option_b="", option_c="", option_d="",
        answer="false", stem="Kappa can never be negative."),
    row(ref="T-004", type="fill_in", option_a="", option_b="", option_c="", option_d="",
        stem="14 errors in 400 items is [[1]] %; the batch is [[2]].",
        answer="=3.5~0.05||rejected|reject", case_sensitive="false"),
    row(ref="T-005", type="short_answer", option_a="", option_b="", option_c="", option_d="",
        answer="", points="4", stem="Explain why a gold set must not leak into training.",
        rubric="2 | Names leakage | 2 if named\n2 | Explains inflated metrics | 1 per point",
        model_answer="Leaked items make the **test** score optimistic."),
]


def csv_bytes(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS,
              encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow(r)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS,
               formulas: dict[tuple[int, str], str] | None = None) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for r in rows:
        sheet.append([r.get(c, "") for c in columns])
    for (row_number, column), formula in (formulas or {}).items():
        sheet.cell(row=row_number, column=columns.index(column) + 1, value=formula)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


#: Two rows with one problem each: row 2 (answer) and row 3 (units).
BAD_ROWS_EXAMPLE = [row(ref="X-001", answer="Z"), row(ref="X-002", units="L4:7.7")]
