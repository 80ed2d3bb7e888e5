"""L4-order-table-quality-en: 30 rows of an online shop's March 2024 order extract, each judged by the
data-quality rules in task.yaml (priority: duplicate > missing > invalid > inconsistent > outlier > ok).

The gold is computed from the rules below, and each row's expected defect is asserted against it.
Phone numbers are fictional (1380000xxxx); no row describes a real person.

Run: .venv/bin/python question_banks/practical/_generators/gen_order_table_quality_en.py
"""
import re
from datetime import date
from decimal import Decimal, InvalidOperation

from _common import write_task

REF = "L4-order-table-quality-en"
FIELDS = ("order_id", "phone", "city", "order_date", "quantity", "unit_price", "total")

# order_id, phone, city, order_date, quantity, unit_price, total, expected defect
DATA = [
    ("A24031", "13800001201", "Hangzhou", "2024-03-01", "2", "59.90", "119.80", "ok"),
    ("A24032", "13800001202", "Suzhou", "2024-03-01", "1", "899.00", "899.00", "ok"),
    ("A24033", "13800001203", "Ningbo", "2024-03-02", "3", "12.50", "37.50", "ok"),
    ("A24034", "13800001204", "Shanghai", "2024-03-02", "", "45.00", "90.00", "missing"),
    ("A24035", "1380000120", "Nanjing", "2024-03-03", "1", "199.00", "199.00", "invalid"),
    ("A24036", "13800001206", "Hefei", "2024-03-03", "4", "25.00", "110.00", "inconsistent"),
    ("A24032", "13800001202", "Suzhou", "2024-03-01", "1", "899.00", "899.00", "duplicate"),
    ("A24037", "13800001207", "Wuxi", "2024-03-04", "120", "8.80", "1056.00", "outlier"),
    ("A24038", "13800001208", "", "2024-03-04", "1", "329.00", "329.00", "missing"),
    ("A24039", "13800001209", "Hangzhou", "2024-02-30", "2", "15.00", "30.00", "invalid"),
    ("A24040", "13800001210", "Shaoxing", "2024-03-05", "1", "2599.00", "2599.00", "ok"),
    ("A24041", "13800001211", "Jiaxing", "2024-03-05", "2.5", "40.00", "100.00", "invalid"),
    ("A24042", "13800001212", "Shanghai", "2024-03-06", "5", "19.90", "99.50", "ok"),
    ("A24043", "13800001213", "Hangzhou", "2024-03-06", "3", "66.00", "189.00", "inconsistent"),
    ("A24044", "23800001214", "Suzhou", "2024-03-07", "1", "75.00", "75.00", "invalid"),
    ("A24045", "13800001215", "Ningbo", "2024-03-07", "1", "", "", "missing"),
    ("A24046", "13800001216", "Changzhou", "2024-03-08", "2", "1.99", "3.98", "ok"),
    ("A24034", "13800001204", "Shanghai", "2024-03-02", "2", "45.00", "90.00", "duplicate"),
    ("A24047", "13800001217", "Hangzhou", "2024/03/08", "1", "88.00", "88.00", "invalid"),
    ("A24048", "13800001218", "Wenzhou", "2024-03-09", "1", "8999.00", "8999.00", "outlier"),
    ("A24049", "13800001219", "Nanjing", "2024-03-09", "10", "3.50", "35.00", "ok"),
    ("A24050", "13800001220", "Hangzhou", "2024-03-10", "2", "120.00", "2400.00", "inconsistent"),
    ("A24051", "13800001221", "Suzhou", "2024-03-10", "-1", "59.90", "-59.90", "invalid"),
    ("A24052", "", "Shanghai", "2024-03-11", "1", "15.00", "15.00", "missing"),
    ("A24053", "13800001223", "Hefei", "2024-03-11", "1", "499.00", "499.00", "ok"),
    ("A24036", "13800001206", "Hefei", "2024-03-03", "4", "25.00", "100.00", "duplicate"),
    ("A24054", "13800001224", "Ningbo", "2024-03-12", "75", "2.00", "150.00", "outlier"),
    ("A24055", "13800001225", "Hangzhou", "2024-03-12", "3", "33.30", "99.90", "ok"),
    ("A24056", "13800001226", "Wuxi", "2024-03-13", "2", "18.00", "38.00", "inconsistent"),
    ("A24049", "13800001229", "Jiaxing", "2024-03-14", "1", "12.00", "12.00", "duplicate"),
]


def _date(text: str) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None
    try:
        return date(int(text[:4]), int(text[5:7]), int(text[8:]))
    except ValueError:
        return None


def _money(text: str) -> Decimal | None:
    if not re.fullmatch(r"\d+(\.\d{1,2})?", text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value > 0 else None


def defect(row: dict[str, str], seen: set[str]) -> str:
    """The table's quality rules, in priority order."""
    if row["order_id"] in seen:
        return "duplicate"
    if any(not row[f] for f in FIELDS):
        return "missing"
    day = _date(row["order_date"])
    price, total = _money(row["unit_price"]), _money(row["total"])
    if (not re.fullmatch(r"1\d{10}", row["phone"]) or day is None
            or not date(2024, 3, 1) <= day <= date(2024, 3, 31)
            or not re.fullmatch(r"[1-9]\d*", row["quantity"]) or price is None or total is None):
        return "invalid"
    quantity = int(row["quantity"])
    if abs(quantity * price - total) > Decimal("0.01"):
        return "inconsistent"
    if quantity > 50 or price > 5000:
        return "outlier"
    return "ok"


def main() -> None:
    records, gold, seen = [], [], set()
    for i, values in enumerate(DATA, start=1):
        row = dict(zip(FIELDS, values[:-1], strict=True))
        label = defect(row, seen)
        assert label == values[-1], f"row {i}: rules give {label}, the list says {values[-1]}"
        seen.add(row["order_id"])
        rid = f"r{i:02d}"
        text = " | ".join(f"{name}: {row[name] or '(empty)'}" for name in FIELDS)
        # "row" gives the widget the table view of every row (issue 12 §9); "text" the one-row view.
        records.append({"id": rid, "text": f"Row {i} — {text}",
                        "row": [[name, row[name]] for name in FIELDS]})
        gold.append({"id": rid, "label": label})
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
