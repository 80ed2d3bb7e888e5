"""The item analysis page, its charts, and exports that equal what the pages show."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest
from defusedxml import ElementTree as ET
from openpyxl import load_workbook

from certify.auth.models import Role
from certify.db import db
from certify.grading.on_submit import grade_attempt
from tests.factories import (
    answer,
    enrol,
    make_attempt,
    make_exam,
    make_item,
    make_practical_item,
    make_syllabus,
    submit,
)
from tests.grading.grading_helpers import closed_sitting


class TableCells(HTMLParser):
    """The cell texts of the table whose class includes ``cls``."""

    def __init__(self, cls: str):
        super().__init__()
        self.cls, self.depth, self.rows, self.cell = cls, 0, [], None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "table" and self.cls in classes:
            self.depth = 1
        elif tag == "table" and self.depth:
            self.depth += 1
        elif self.depth and tag == "tr":
            self.rows.append([])
        elif self.depth and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(" ".join(self.cell.split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def cells(html: str, cls: str) -> list[list[str]]:
    parser = TableCells(cls)
    parser.feed(html)
    return parser.rows


def read_csv(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


@pytest.fixture
def sitting(app, make_user):
    """Eight candidates on five one-point single-choice items, of varied skill."""
    level = make_syllabus(4)
    sitting = closed_sitting(make_exam(level), title="Theory, June")
    items = [make_item("single", ref=f"L4-T-{n}") for n in range(1, 6)]
    patterns = ["BBBBB", "BBBBA", "BBBAA", "BBAAC", "BAACC", "ABBAA", "AACCD", "CCAAD"]
    for n, pattern in enumerate(patterns, start=1):
        person = make_user(Role.CANDIDATE, name=f"Candidate {n}", candidate_id=f"ID{n:06d}")
        attempt = make_attempt(enrol(sitting, person), items)
        for position, choice in enumerate(pattern, start=1):
            answer(attempt, position, choice)
        submit(attempt)
        grade_attempt(attempt.id)
    db.session.commit()
    return sitting


def test_item_statistics_exports_equal_the_page(sitting, examiner, login_as):
    client = login_as(examiner)
    html = client.get(f"/reports/sitting/{sitting.id}/items").get_data(as_text=True)
    page = cells(html, "items-table")
    assert page[0][:4] == ["#", "Item", "Title", "Type"] and len(page) == 6
    assert "Candidate 1" not in html and "ID000001" not in html  # the analysis names nobody
    exported = read_csv(client.get(f"/reports/sitting/{sitting.id}/items.csv"))
    assert exported == page
    book = load_workbook(io.BytesIO(client.get(
        f"/reports/sitting/{sitting.id}/items.xlsx").data))
    sheet = book.worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == page[0]
    for shown, stored in zip(page[1:], values[1:], strict=True):
        assert stored[1:4] == shown[1:4]
        numbers = [0, *range(4, 10)]
        assert [None if shown[i] == "" else float(shown[i]) for i in numbers] == [
            stored[i] for i in numbers]
    assert {s.title for s in book.worksheets} == {"Items", "Summary", "Distractors", "Records"}
    summary = cells(html, "summary-table")
    assert [row[0] for row in summary if row[0] == "Cronbach's alpha"] == ["Cronbach's alpha"]


def test_sitting_results_exports_equal_the_page(sitting, admin, login_as):
    client = login_as(admin)
    html = client.get(f"/admin/results/sitting/{sitting.id}").get_data(as_text=True)
    page = cells(html, "results-table")
    assert page[0] == ["Script", "Candidate", "Candidate ID", "State", "Points", "Of", "Score",
                       "Result", "Revision"]
    assert next(row[1:] for row in page if row[1] == "Candidate 1") == \
        ["Candidate 1", "ID000001", "Marked", "5.00", "5.00", "100.00", "Pass", "1"]
    assert read_csv(client.get(f"/reports/sitting/{sitting.id}/results.csv")) == page
    sheet = load_workbook(io.BytesIO(client.get(
        f"/reports/sitting/{sitting.id}/results.xlsx").data)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [len(values), values[0]] == [len(page), page[0]]
    first = next(row for row in values if row[1] == "Candidate 1")
    assert first[4:] == [5.0, 5.0, 100.0, "Pass", 1]


def test_examiners_cannot_export_names(sitting, examiner, login_as):
    assert login_as(examiner).get(f"/reports/sitting/{sitting.id}/results.csv").status_code == 403


def test_charts_are_svg_images_the_page_embeds(sitting, examiner, login_as):
    client = login_as(examiner)
    html = client.get(f"/reports/sitting/{sitting.id}/items").get_data(as_text=True)
    for name in ("histogram", "scatter"):
        assert f'src="/reports/sitting/{sitting.id}/chart/{name}.svg"' in html
        response = client.get(f"/reports/sitting/{sitting.id}/chart/{name}.svg")
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert ET.fromstring(response.data).get("role") == "img"
    histogram = cells(html, "histogram-table")
    assert sum(int(row[1]) for row in histogram[1:]) == 8


def test_a_planted_wrong_gold_label_is_listed_as_suspect(app, make_user, examiner, login_as):
    level = make_syllabus(4)
    sitting = closed_sitting(make_exam(level, component="skills"))
    # The gold of r3 says "neutral"; the text is plainly negative.
    task = make_practical_item(metric="accuracy", records=[
        {"id": "r1", "text": "好评，物流很快"}, {"id": "r2", "text": "质量太差了"},
        {"id": "r3", "text": "完全不能用，退货"}, {"id": "r4", "text": "非常满意"}])
    singles = [make_item("single", points=25) for _ in range(4)]
    strong = {"r1": "positive", "r2": "negative", "r3": "negative", "r4": "positive"}
    weak = {"r1": "positive", "r2": "neutral", "r3": "neutral", "r4": "negative"}
    for n in range(10):
        labels, picks = (strong, "BBBB") if n < 3 else (weak, "ABCA")
        attempt = make_attempt(enrol(sitting, make_user(Role.CANDIDATE)), [task, *singles])
        for record, label in labels.items():
            answer(attempt, 1, label, record=record)
        for position, choice in enumerate(picks, start=2):
            answer(attempt, position, choice)
        submit(attempt)
        grade_attempt(attempt.id)
    db.session.commit()
    html = login_as(examiner).get(f"/reports/sitting/{sitting.id}/items").get_data(as_text=True)
    suspects = cells(html, "suspects-table")
    assert [row[:3] for row in suspects[1:]] == [[task.ref, "r3", "完全不能用，退货"]]
    records = cells(html, "records-table")
    assert [row[1] for row in records[1:] if row[-1] == "yes"] == ["r3"]
