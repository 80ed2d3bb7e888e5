"""The SVG charts and the CSV/XLSX writers (pure)."""

from __future__ import annotations

import csv
import io

from defusedxml import ElementTree as ET
from openpyxl import load_workbook

from certify.reports.charts import histogram_counts, histogram_svg, nice_step, scatter_svg
from certify.tables import Column, Table, to_csv, to_xlsx

SVG = "{http://www.w3.org/2000/svg}"


def test_histogram_counts_bins_of_ten_with_100_in_the_last():
    assert histogram_counts([0, 9.99, 10, 59.5, 60, 100, 100]) == [2, 1, 0, 0, 0, 1, 1, 0, 0, 2]


def test_histogram_is_a_well_formed_svg_with_a_bar_per_bin_and_the_pass_mark():
    svg = histogram_svg([55, 62, 71, 71, 88], title="Scores <all>", x_label="Score",
                        y_label="Candidates", pass_mark=60, pass_label="pass 60")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Scores <all>"  # escaped in the text, parsed back
    bars = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert [b.find(f"{SVG}title").text for b in bars][5:8] == ["50–60: 1", "60–70: 1", "70–80: 2"]
    assert "style=" not in svg and "<script" not in svg
    assert any(t.text == "pass 60" for t in root.iter(f"{SVG}text"))


def test_scatter_escapes_labels_and_marks_flagged_items():
    svg = scatter_svg([(0.8, 0.5, "L4-1", False), (0.95, -0.1, "<b>bad</b>", True)],
                      title="Items", x_label="Facility", y_label="Discrimination",
                      guides=[("y", 0.2)])
    root = ET.fromstring(svg)
    circles = list(root.iter(f"{SVG}circle"))
    assert [c.get("fill") for c in circles] == ["#0f5c8c", "#a32020"]
    assert "<b>" not in svg and "&lt;b&gt;bad&lt;/b&gt;" in svg


def test_nice_steps_are_1_2_5():
    assert [nice_step(m) for m in (1, 4, 9, 23, 180)] == [0.2, 1, 2, 5, 50]
    assert nice_step(1, whole=True) == 1  # counts of candidates


TABLE = Table([Column("name", "Name"), Column("score", "Score", "number", 2),
               Column("n", "N", "number", 0)],
              [{"name": "张伟", "score": 82.456, "n": 3},
               {"name": "=HYPERLINK(\"http://x\")", "score": None, "n": 0}])


def test_csv_has_the_page_texts_and_neutralises_formulas():
    rows = list(csv.reader(io.StringIO(to_csv(TABLE))))
    assert rows == [["Name", "Score", "N"], ["张伟", "82.46", "3"],
                    ["'=HYPERLINK(\"http://x\")", "", "0"]]
    assert TABLE.text_rows()[0] == ["张伟", "82.46", "3"]


def test_xlsx_writes_numbers_as_numbers_and_text_never_as_a_formula():
    book = load_workbook(io.BytesIO(to_xlsx([("Results", TABLE)])))
    sheet = book["Results"]
    assert [c.value for c in sheet[1]] == ["Name", "Score", "N"]
    assert [c.value for c in sheet[2]] == ["张伟", 82.46, 3]
    assert sheet["A3"].value == "=HYPERLINK(\"http://x\")" and sheet["A3"].data_type == "s"
    assert sheet["B2"].number_format == "0.00"
