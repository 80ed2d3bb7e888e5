"""A candidate's exam in a real browser, end to end: log in, start the sitting, answer choice
items, label NER spans by mouse selection, draw and resize boxes, reload and find every answer,
answer while offline and see it saved once back online (in the database too), and a sitting whose
deadline passes submits by itself."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from certify.auth.models import Role
from certify.banks import assets
from certify.clock import now_utc
from certify.db import db
from certify.exams.models import Attempt, AttemptItem, AttemptState, Response
from tests.browser.browser_helpers import close, drag, drag_select, screen, span, wait_for
from tests.factories import enrol, make_exam, make_item, make_practical_item, make_sitting, make_syllabus
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NEWS = "记者王海燕从深圳市气象台获悉，受台风影响，深圳明天下午将出现暴雨。"
NEWS_2 = "2024年3月15日，浙江大学与云帆科技有限公司在杭州签署合作协议。"


def build_exam(make_user, *, duration=60, practical=True):
    """A level-4 sitting whose form is, in this order: single, multiple, NER, boxes."""
    level = make_syllabus(4, codes=("1.1", "2.1"))
    unit_1, unit_2 = level.unit_by_code("1.1"), level.unit_by_code("2.1")
    candidate = make_user(Role.CANDIDATE, name="李娜")
    make_item("single", units=[unit_1], difficulty=2, stem="Which metric is **robust** to class imbalance?",
              content={"options": [{"id": k, "text": t} for k, t in
                                   (("A", "Accuracy"), ("B", "Macro-F1"), ("C", "Error count"))],
                       "shuffle": True})
    make_item("multiple", units=[unit_1], difficulty=3, stem="Which of these are personal information?",
              content={"options": [{"id": k, "text": t} for k, t in
                                   (("A", "A phone number"), ("B", "A city's population"),
                                    ("C", "An e-mail address"), ("D", "A product price"))],
                       "shuffle": True, "scoring": {"mode": "all_or_nothing", "penalty": 1.0}})
    rows = [{"unit": "L4:1.1", "count": 2}]
    if practical:
        make_practical_item(
            "ner", units=[unit_2], config={"labels": ["PER", "ORG", "LOC", "TIME"]},
            records=[{"id": "r01", "text": NEWS}, {"id": "r02", "text": NEWS_2}],
            gold={"r01": {"id": "r01", "spans": [span(NEWS, "王海燕", "PER")]},
                  "r02": {"id": "r02", "spans": [span(NEWS_2, "浙江大学", "ORG")]}})
        image = (ROOT / "question_banks/practical/L4-bbox-traffic/images/t001.jpg").read_bytes()
        sha = assets.save_asset(assets.check_image(image, "t001.jpg")).sha256
        db.session.commit()
        make_practical_item(
            "bbox", units=[unit_2], config={"labels": ["car", "pedestrian", "traffic_sign"]},
            records=[{"id": "r01", "image": f"asset:{sha}", "width": 640, "height": 480}],
            gold={"r01": {"id": "r01", "boxes": [[10, 10, 50, 50, "car"]]}})
        rows.append({"unit": "L4:2.1", "count": 2})
    exam = make_exam(level, duration_minutes=duration, title="Level 4 mixed exam", blueprint={
        "component": "theory", "total": sum(r["count"] for r in rows), "rows": rows,
        "item_types": ["single", "multiple", "practical"]})
    exam.shuffle_items = False  # rows in order, easier first: single, multiple, NER, boxes
    sitting = make_sitting(exam)
    enrol(sitting, candidate)
    ids = sitting.id, candidate.email
    # End the test's transaction: on SQLite it holds the write lock the server needs.
    db.session.commit()
    return ids


def log_in_and_start(page, live_server, sitting_id, email):
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server.url}/sittings/{sitting_id}/start")
    page.get_by_role("button", name="Start the exam").click()
    page.wait_for_url("**/items/1")
    return int(page.url.split("/attempts/")[1].split("/")[0])


def all_saved(page):
    """Wait until the page has nothing queued and says so (only after the server's answer)."""
    wait_for(page, "window.CertifyExam && window.CertifyExam.pending() === 0")
    wait_for(page, "document.getElementById('exam-save').dataset.state === 'saved'")
    assert page.locator("#exam-save").inner_text().startswith("All answers saved")


def saved(attempt_id):
    """What the database holds: {(position, record): value}."""
    db.session.rollback()  # a fresh snapshot: the server committed in another connection
    rows = db.session.execute(
        sa.select(Response.record_key, Response.value, AttemptItem.position)
        .join(AttemptItem, AttemptItem.id == Response.attempt_item_id)
        .where(Response.attempt_id == attempt_id)).all()
    db.session.rollback()  # and hold no lock while the browser goes on
    return {(position, key or None): value for key, value, position in rows}


def go_to(page, position):
    page.locator(f".exam-grid a[data-position='{position}']").click()
    page.wait_for_url(f"**/items/{position}")


def test_candidate_sits_an_exam(app, make_user, live_server, page, shot):
    attempt_id = log_in_and_start(page, live_server, *build_exam(make_user))

    # 1. Single choice (options are shuffled: pick by text).
    page.get_by_text("Macro-F1").click()
    all_saved(page)
    shot(page, "exam-single")
    assert saved(attempt_id)[(1, None)] == "B"

    # 2. Multiple choice.
    go_to(page, 2)
    page.get_by_text("A phone number").click()
    page.get_by_text("An e-mail address").click()
    all_saved(page)
    assert sorted(saved(attempt_id)[(2, None)]) == ["A", "C"]

    # 3. NER by mouse selection, record by record.
    go_to(page, 3)
    page.wait_for_selector(".lw-ner-text")
    drag_select(page, "王海燕")
    page.keyboard.press("1")
    drag_select(page, "深圳市气象台")
    page.keyboard.press("2")
    page.keyboard.press("n")
    drag_select(page, "浙江大学")
    page.keyboard.press("2")
    drag_select(page, "杭州")
    page.keyboard.press("3")
    page.keyboard.press("p")
    all_saved(page)
    shot(page, "exam-ner")
    ner_r01 = sorted([span(NEWS, "王海燕", "PER"), span(NEWS, "深圳市气象台", "ORG")])
    ner_r02 = sorted([span(NEWS_2, "浙江大学", "ORG"), span(NEWS_2, "杭州", "LOC")])
    stored = saved(attempt_id)
    assert stored[(3, "r01")] == ner_r01
    assert stored[(3, "r02")] == ner_r02

    # 4. Boxes: draw two and resize both by their corner handles.
    go_to(page, 4)
    wait_for(page, "parseFloat(document.querySelector('.lw-stage-img').style.width) > 0")
    # At 1280×720 the image starts below the guideline: scroll it into view, as a candidate would.
    page.evaluate("document.querySelector('.lw-viewport').scrollIntoView({block: 'center'})")
    drag(page, (120, 140), (220, 220))
    page.keyboard.press("Escape")
    page.keyboard.press("2")
    drag(page, (400, 200), (440, 300))
    drag(page, (440, 300), (460, 320))  # the new box is selected: its bottom-right handle
    page.mouse.click(*screen(page, 170, 180))  # select the first box, then its top-left handle
    drag(page, (120, 140), (110, 130))
    all_saved(page)
    shot(page, "exam-bbox")
    boxes = [[110, 130, 110, 90, "car"], [400, 200, 60, 120, "pedestrian"]]
    assert close(saved(attempt_id)[(4, "r01")], boxes)

    # Reload mid-exam: every answer comes back from the server.
    page.reload()
    wait_for(page, "parseFloat(document.querySelector('.lw-stage-img').style.width) > 0")
    assert page.locator(".lw-box-row").count() == 2
    assert page.locator(".lw-box-label").evaluate_all("s => s.map(e => e.value)") == ["car", "pedestrian"]
    go_to(page, 3)
    assert page.locator("mark.lw-ent").all_inner_texts() == ["王海燕", "深圳市气象台"]
    page.keyboard.press("n")
    assert page.locator("mark.lw-ent").all_inner_texts() == ["浙江大学", "杭州"]
    go_to(page, 2)
    assert page.get_by_label("A phone number").is_checked()
    assert page.get_by_label("An e-mail address").is_checked()
    assert not page.get_by_label("A product price").is_checked()
    go_to(page, 1)
    assert page.get_by_label("Macro-F1").is_checked()
    assert page.locator(".exam-grid a.is-answered").count() == 4

    # Offline: the answer is kept on this computer, never shown as saved …
    page.context.set_offline(True)
    page.get_by_text("Accuracy").click()
    wait_for(page, "document.getElementById('exam-save').dataset.state === 'offline'")
    assert not page.locator("#exam-save").inner_text().startswith("All answers saved")
    shot(page, "exam-offline")
    assert saved(attempt_id)[(1, None)] == "B"
    # … and sent when the connection returns; "saved" only after the server's acknowledgement.
    page.context.set_offline(False)
    all_saved(page)
    assert saved(attempt_id)[(1, None)] == "A"
    stored = saved(attempt_id)
    assert stored[(3, "r01")] == ner_r01 and close(stored[(4, "r01")], boxes)


def test_the_exam_submits_itself_at_the_deadline(app, make_user, live_server, page):
    attempt_id = log_in_and_start(page, live_server, *build_exam(make_user, duration=1, practical=False))
    page.get_by_text("Macro-F1").click()
    all_saved(page)
    # Move the server's deadline to a few seconds from now (rather than waiting a minute).
    attempt = db.session.get(Attempt, attempt_id)
    attempt.deadline_dt = now_utc() + timedelta(seconds=5)
    db.session.commit()
    page.reload()
    # The countdown follows the server's deadline (not the minute the page was first opened with).
    assert re.fullmatch(r"00:0[0-5]", page.locator("#exam-clock-value").inner_text())  # one format
    page.wait_for_url("**/done", timeout=30000)
    db.session.rollback()
    attempt = db.session.get(Attempt, attempt_id)
    assert (attempt.state, attempt.submit_reason) == (AttemptState.SUBMITTED.value, "deadline")
    db.session.rollback()
    assert saved(attempt_id)[(1, None)] == "B"
