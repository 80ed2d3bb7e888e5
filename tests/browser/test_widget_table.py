"""Tabular records (issue 12 §9): beside the one-record view, a table of every record's row —
sortable by any column, the current record highlighted, a row opening its record — so that "a
duplicate of an earlier row" can be seen instead of remembered. Only record data is shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import render_template

from certify.tasks import get_task_type

pytestmark = pytest.mark.browser

TASK = Path(__file__).resolve().parents[2] / "question_banks" / "practical" / "L4-order-table-quality-en"
CONFIG = {"labels": ["ok", "duplicate", "missing", "invalid", "inconsistent", "outlier"]}


def order_records():
    """The bundled task's records as a candidate's browser gets them (declared fields only)."""
    lines = (TASK / "records.jsonl").read_text(encoding="utf-8").splitlines()
    return [get_task_type("classification").candidate_record(json.loads(line)) for line in lines]


def widget_strings(app, language):
    """The widgets' texts as the exam page passes them, in ``language``."""
    with app.test_request_context(headers={"Accept-Language": language}):
        html = render_template("tasks/_widget_strings.html")
    return json.loads(re.search(r"<script[^>]*>(.*)</script>", html, re.S).group(1))


def table_ids(page):
    return page.locator(".lw-record-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.getAttribute('data-record'))")


def current_row(page):
    return page.locator(".lw-record-table tbody tr.is-current").get_attribute("data-record")


def test_order_table_records_get_a_sortable_table_view(page, harness, shot, app):
    records = order_records()
    assert len(records) == 30 and all(r["row"][0][0] == "order_id" for r in records)
    harness.open(page, "classification", records, config=CONFIG, title="Order table quality check")
    table = page.get_by_role("table")
    assert table.count() == 1
    # Every row, in the records' order, with the columns of the data; record 1 highlighted.
    assert table_ids(page) == [r["id"] for r in records]
    headers = page.locator(".lw-record-table thead th").all_inner_texts()
    assert [h.strip(" ▲▼") for h in headers] == ["#", "order_id", "phone", "city", "order_date", "quantity",
                                            "unit_price", "total"]
    assert current_row(page) == "r01"
    assert page.locator(".lw-record-table tr[aria-current='true']").count() == 1
    # Empty cells say so.
    assert "(empty)" in page.locator(".lw-record-table tr[data-record='r04']").inner_text()
    # Only record data: no verdict (gold) anywhere in the table.
    table_text = table.inner_text()
    assert "A24031" in table_text
    for verdict in ("duplicate", "inconsistent", "outlier", "invalid"):
        assert verdict not in table_text

    # Sort by order_id: rows with the same id end up next to each other.
    page.get_by_role("button", name="order_id").click()
    assert page.locator("th[aria-sort='ascending']").inner_text().strip().startswith("order_id")
    order_ids = page.locator(".lw-record-table tbody tr td:nth-child(2)").all_inner_texts()
    assert order_ids == sorted(order_ids)
    repeated = [i for i in range(1, len(order_ids)) if order_ids[i] == order_ids[i - 1]]
    assert repeated, "the bundled table has duplicate order ids"
    # Again: descending. Sorting by a number column sorts numerically.
    page.get_by_role("button", name="order_id").click()
    assert page.locator("th[aria-sort='descending']").count() == 1
    page.get_by_role("button", name="unit_price").click()
    prices = [float(p) for p in page.locator(".lw-record-table tbody tr td:nth-child(7)").all_inner_texts()
              if p != "(empty)"]
    assert prices == sorted(prices)

    # Clicking a row opens that record; the highlight follows the one-record view.
    page.locator(".lw-record-table tr[data-record='r12'] td").first.click()
    assert page.locator(".lw-position").inner_text() == "Record 12 of 30"
    assert current_row(page) == "r12"
    assert "Row 12 —" in page.locator(".lw-record .lw-content").inner_text()
    # Answering moves on (auto-advance) and the highlight follows.
    page.keyboard.press("1")
    assert current_row(page) == "r13"
    assert harness.values(page) == {"r12": "ok"}
    shot(page, "table-view-en", full_page=True)

    # Keyboard: the row's number button is reachable and opens the record.
    open_20 = page.get_by_role("button", name="Open record 20")
    open_20.focus()
    page.keyboard.press("Enter")
    assert page.locator(".lw-position").inner_text() == "Record 20 of 30"
    assert current_row(page) == "r20"
    # Back to the records' own order with the # heading.
    page.get_by_role("button", name="#").click()
    assert table_ids(page) == [r["id"] for r in records]


def test_table_view_in_chinese_and_only_for_tabular_records(page, harness, shot, app):
    harness.open(page, "classification", order_records(), config=CONFIG, strings=widget_strings(app, "zh"),
                 title="订单表质量检查")
    page.get_by_role("button", name="order_id").click()
    assert page.locator(".lw-table-view h4").inner_text() != "Table of all rows"
    shot(page, "table-view-zh", full_page=True)

    # Records without a row: no table view.
    harness.open(page, "classification", [{"id": "r1", "text": "a"}, {"id": "r2", "text": "b"}],
                 config={"labels": ["x", "y"]})
    assert page.locator(".lw-table-view").count() == 0
