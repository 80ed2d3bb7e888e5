"""The examiners' pages: list and filters, item forms per type, preview, versions and differences,
import and export, and the dashboard panel."""

from __future__ import annotations

import io
import json

import sqlalchemy as sa
from PIL import Image

from certify.banks.models import Item
from certify.db import db
from tests.banks.bankfiles import VALID_ROWS, csv_bytes
from tests.factories import make_item, make_practical_item


def item_by_ref(ref: str) -> Item:
    return db.session.scalar(sa.select(Item).where(Item.ref == ref))


BASE = {"units": ["L4:2.1"], "difficulty": "2", "points": "1", "language": "en",
        "explanation": "Because."}


def test_list_filters_and_paginates(app, level4, author, login_as, import_bytes):
    import_bytes(csv_bytes(VALID_ROWS), "bank.csv")
    db.session.commit()
    client = login_as(author)
    page = client.get("/bank/")
    assert page.status_code == 200 and "5 items" in page.text and "T-004" in page.text
    assert "T-003" in client.get("/bank/?type=true_false").text
    assert "T-001" not in client.get("/bank/?type=true_false").text
    assert "1 item" in client.get("/bank/?q=leak").text  # the short answer's stem
    assert "0 items" in client.get("/bank/?level=5").text
    assert "5 items" in client.get("/bank/?unit=L4:2.1&status=draft&mine=1").text
    assert "0 items" in client.get("/bank/?status=approved").text
    app.config["BANK_PAGE_SIZE"] = 2
    assert "Page 1 of 3" in client.get("/bank/").text


def test_creating_each_objective_type_through_its_form(app, level4, author, login_as):
    client = login_as(author)
    forms = {
        "single": {"ref": "F-single", "stem": "Which metric is for boxes?", "options-0": "IoU",
                   "options-1": "WER", "options-2": "Kappa", "correct": "A", "shuffle": "y"},
        "multiple": {"ref": "F-multiple", "stem": "Which are agreement measures?",
                     "options-0": "Cohen's kappa", "options-1": "Fleiss' kappa",
                     "options-2": "WER", "options-3": "BLEU", "correct": ["A", "B"],
                     "scoring": "partial", "penalty": "0.5"},
        "true_false": {"ref": "F-tf", "stem": "IoU is at most 1.", "correct": "true"},
        "fill_in": {"ref": "F-fill", "stem": "6 of 200 is [[1]] %, labeled by the [[2]].",
                    "blanks-0-kind": "numeric", "blanks-0-value": "3", "blanks-0-tolerance": "0.1",
                    "blanks-1-kind": "text", "blanks-1-accepted": "annotator\nlabeler",
                    "scoring": "partial"},
        "short_answer": {"ref": "F-short", "points": "3", "stem": "Why sample a batch?",
                         "rubric-0-points": "2", "rubric-0-checkpoint": "Cost",
                         "rubric-0-standard": "named", "rubric-1-points": "1",
                         "rubric-1-checkpoint": "Representative", "model_answer": "Cheaper."},
    }
    for item_type, fields in forms.items():
        response = client.post(f"/bank/items/new/{item_type}", data={**BASE, **fields})
        assert response.status_code == 302, (item_type, response.text[:3000])
    assert item_by_ref("F-single").head.key == {"correct": "A"}
    assert item_by_ref("F-multiple").head.content["scoring"] == {"mode": "partial", "penalty": 0.5}
    assert item_by_ref("F-tf").head.key == {"correct": True}
    assert item_by_ref("F-fill").head.key["blanks"] == [
        {"numeric": 3.0, "tolerance": 0.1},
        {"accepted": ["annotator", "labeler"], "case_sensitive": False}]
    short = item_by_ref("F-short").head
    assert [c["points"] for c in short.key["rubric"]] == [2.0, 1.0]
    assert short.key["model_answer"] == "Cheaper." and short.item.author_id == author.id


def test_form_errors_are_shown_on_their_fields_and_nothing_is_saved(app, level4, author,
                                                                      login_as):
    client = login_as(author)
    options = {f"options-{i}": "" for i in range(8)}  # a browser posts every option field
    response = client.post("/bank/items/new/single", data={
        **BASE, **options, "ref": "F-bad", "stem": "Which?", "options-0": "A", "options-2": "C",
        "options-3": "D", "correct": "E"})
    assert response.status_code == 200
    assert "options must not have gaps" in response.text
    assert "names option E, which is empty" in response.text
    assert item_by_ref("F-bad") is None
    response = client.post("/bank/items/new/fill_in", data={
        **BASE, "ref": "F-bad2", "stem": "No markers", "blanks-0-accepted": "x"})
    assert "marks each blank with [[1]]" in response.text


def test_a_practical_task_from_its_form_with_uploads(app, level4, author, login_as):
    client = login_as(author)
    buffer = io.BytesIO()
    Image.new("RGB", (100, 80), "white").save(buffer, "PNG")
    records = '{"id": "r1", "image": "images/r1.png", "width": 100, "height": 80}\n'
    gold = '{"id": "r1", "boxes": [[10, 10, 30, 20, "car"]]}\n'
    response = client.post("/bank/items/new/practical", data={
        **BASE, "points": "100", "ref": "F-task", "task_type": "bbox", "title": "Box the cars",
        "instructions": "Box every **car**.", "labels": "car\npedestrian",
        "config_yaml": "iou_threshold: 0.6", "policy_yaml": "{kind: linear, zero_at: 0.5, "
        "full_at: 0.9}", "time_limit_minutes": "15", "overtime_allowed": "y",
        "overtime_per_minute": "1", "overtime_stop": "5",
        "records": (io.BytesIO(records.encode()), "records.jsonl"),
        "gold": (io.BytesIO(gold.encode()), "gold.jsonl"),
        "media": (io.BytesIO(buffer.getvalue()), "r1.png")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.text[:4000]
    version = item_by_ref("F-task").head
    task = version.content["task"]
    assert task["config"] == {"labels": ["car", "pedestrian"], "iou_threshold": 0.6}
    assert task["records"][0]["image"].startswith("asset:")
    assert version.key["gold"]["r1"]["boxes"] == [[10, 10, 30, 20, "car"]]
    # Editing without new files keeps the data; bad gold is reported by record and field.
    item_id = version.item_id
    response = client.post(f"/bank/items/{item_id}/edit", data={
        **BASE, "points": "100", "ref": "F-task", "task_type": "bbox", "title": "Box the cars!",
        "instructions": "Box every car.", "labels": "car\npedestrian", "time_limit_minutes": "15",
        "gold": (io.BytesIO(b'{"id": "r1", "boxes": [[90, 10, 30, 20, "car"]]}\n'),
                 "gold.jsonl")}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert 'record &#34;r1&#34;, field &#34;boxes[0]&#34;' in response.text
    response = client.post(f"/bank/items/{item_id}/edit", data={
        **BASE, "points": "100", "ref": "F-task", "task_type": "bbox", "title": "Box the cars!",
        "instructions": "Box every car.", "labels": "car\npedestrian", "time_limit_minutes": "15"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    version = item_by_ref("F-task").head
    assert version.content["task"]["title"] == "Box the cars!"
    assert version.key["gold"]["r1"]["boxes"] == [[10, 10, 30, 20, "car"]]
    assert client.get(f"/bank/items/{item_id}/versions/1/gold.jsonl").text.strip() == \
        json.dumps({"id": "r1", "boxes": [[10, 10, 30, 20, "car"]]})


def test_editing_an_approved_item_needs_a_change_note_and_makes_version_2(app, level4, author,
                                                                          login_as):
    item = make_item("single", units=[level4.unit_by_code("2.1")], stem="Old stem?")
    client = login_as(author)
    edit = client.get(f"/bank/items/{item.id}/edit")
    assert "saving makes version 2" in edit.text and "Old stem?" in edit.text
    fields = {**BASE, "ref": item.ref, "stem": "New stem?", "options-0": "Option A",
              "options-1": "Option B", "options-2": "Option C", "options-3": "Option D",
              "correct": "B", "shuffle": "y"}
    response = client.post(f"/bank/items/{item.id}/edit", data=fields)
    assert response.status_code == 200 and "change note" in response.text
    response = client.post(f"/bank/items/{item.id}/edit",
                           data={**fields, "change_note": "Clearer stem"})
    assert response.status_code == 302
    stored = db.session.get(Item, item.id)
    assert [v.number for v in stored.versions] == [1, 2]
    assert stored.live_version.stem == "Old stem?" and stored.head.stem == "New stem?"
    diff = client.get(f"/bank/items/{item.id}/diff")
    assert "Old stem?" in diff.text and "New stem?" in diff.text and "Clearer stem" in diff.text
    assert "option A" not in diff.text  # unchanged fields are hidden by default
    assert "option A" in client.get(f"/bank/items/{item.id}/diff?all=1").text


def test_preview_shows_what_a_candidate_sees_without_any_key(app, level4, author, login_as):
    item = make_item("fill_in", units=[level4.unit_by_code("2.1")],
                     stem="Precision is [[1]], ratio [[2]].")
    practical = make_practical_item(rubric=[{"points": 1, "checkpoint": "MARKER-ONLY"}])
    client = login_as(author)
    page = client.get(f"/bank/items/{item.id}/preview").text
    assert 'name="blank" data-blank="1"' in page and "查准率" not in page and "0.8" not in page
    page = client.get(f"/bank/items/{practical.id}/preview").text
    assert 'data-task-type="classification"' in page
    assert "MARKER-ONLY" not in page and '"label": "positive"' not in page
    assert "好评，物流很快" in page  # the records, readable without a widget
    # The examiners' own page shows the key.
    assert "查准率" in client.get(f"/bank/items/{item.id}").text


def test_import_page_dry_run_then_import(app, level4, author, login_as):
    client = login_as(author)
    upload = {"file": (io.BytesIO(csv_bytes(VALID_ROWS)), "bank.csv"), "dry_run": "y"}
    page = client.post("/bank/import", data=upload, content_type="multipart/form-data")
    assert "Dry run" in page.text and "T-005" in page.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == 0
    upload = {"file": (io.BytesIO(csv_bytes(VALID_ROWS)), "bank.csv")}
    page = client.post("/bank/import", data=upload, content_type="multipart/form-data",
                       follow_redirects=True)
    assert "5 created" in page.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Item)) == 5
    bad = [dict(VALID_ROWS[0], ref="X-1", answer="Z"), dict(VALID_ROWS[1], ref="X-2", units="")]
    page = client.post("/bank/import", data={"file": (io.BytesIO(csv_bytes(bad)), "bad.csv")},
                       content_type="multipart/form-data")
    assert "2 problems: nothing was imported" in page.text
    assert page.text.count("<td>bad.csv</td>") == 2


def test_export_and_templates_download(app, level4, author, login_as, import_bytes):
    import_bytes(csv_bytes(VALID_ROWS), "bank.csv")
    db.session.commit()
    client = login_as(author)
    response = client.get("/bank/export?format=csv&type=single")
    assert response.headers["Content-Disposition"] == 'attachment; filename="certify-bank.csv"'
    text = response.data.decode("utf-8-sig")
    assert "T-001" in text and "T-002" not in text
    response = client.get("/bank/export?format=moodle")
    # Every type of VALID_ROWS has a Moodle equivalent (the short answer is an essay).
    assert response.mimetype == "application/xml" and "X-Certify-Left-Out" not in response.headers
    assert b'type="essay"' in response.data and b'type="cloze"' in response.data
    assert client.get("/bank/template.xlsx").data[:2] == b"PK"
    assert b"EXAMPLE-fill-001" in client.get("/bank/template.csv").data


def test_dashboard_panel_and_nav_link(app, level4, author, reviewer, login_as, import_bytes):
    import_bytes(csv_bytes([dict(r, status="in_review") for r in VALID_ROWS[:2]]), "bank.csv")
    db.session.commit()
    page = login_as(reviewer).get("/dashboard").text
    assert 'href="/bank/"' in page and "Question bank" in page
    assert "<strong>2</strong> <a href=\"/bank/review\">to review</a>" in page
    page = login_as(author).get("/dashboard").text
    assert "<strong>0</strong> <a href=\"/bank/review\">to review</a>" in page
    assert "<strong>2</strong> <a href=\"/bank/?mine=1&amp;status=in_review\">" in page


def test_import_report_with_a_status_note_renders(app, level4, author, login_as):
    """Issue 13 §10: a row whose status adds a note ("submitted for review") answered HTTP 500."""
    client = login_as(author)
    rows = [dict(r, status="in_review") for r in VALID_ROWS[:2]]
    upload = {"file": (io.BytesIO(csv_bytes(rows)), "bank.csv"), "dry_run": "y"}
    page = client.post("/bank/import", data=upload, content_type="multipart/form-data")
    assert page.status_code == 200
    assert "submitted for review" in page.text
