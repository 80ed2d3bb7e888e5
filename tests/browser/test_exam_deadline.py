"""The exam page at the deadline and across tabs, in a real browser (issue 12 §2–§4).

Saves are made to fail or stall with Playwright's route interception; each test asserts what the
database holds and what the page says:

- saves failing from 2.5 s before the deadline: the page does not submit while a change is queued
  and the grace period lasts; then it submits, and the change is delivered late, kept for the
  invigilator, and the confirmation page names it (never "safely stored");
- a save stalled for 12 s across the deadline: the page waits for it (the server's grace period)
  and submits after its acknowledgement; the answer counts;
- the server unreachable for longer than the grace period across the deadline: the answer
  entered in time reaches the server when it is back, as a late answer the invigilator accepts;
- two tabs offline: closing one loses none of its queued answers; a tab shows the answer another
  device saved since.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from certify.auth.models import Role
from certify.clock import now_utc
from certify.db import db
from certify.exams.models import Attempt, AttemptState, LateAnswer
from tests.browser.browser_helpers import wait_for
from tests.browser.test_exam_e2e import all_saved, build_exam, log_in_and_start, saved
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def set_deadline(attempt_id: int, seconds: float) -> float:
    """Move the attempt's deadline to ``seconds`` from now; return it as a ``time.time()``."""
    deadline = now_utc() + timedelta(seconds=seconds)
    db.session.get(Attempt, attempt_id).deadline_dt = deadline
    db.session.commit()
    return deadline.timestamp()


def until(page, moment: float) -> None:
    """Let the page run until ``moment`` (a ``time.time()``)."""
    left = moment - time.time()
    if left > 0:
        page.wait_for_timeout(left * 1000)


def attempt_row(attempt_id: int) -> tuple[str, str | None]:
    db.session.rollback()
    attempt = db.session.get(Attempt, attempt_id)
    state = (attempt.state, attempt.submit_reason)
    db.session.rollback()
    return state


def late_rows(attempt_id: int) -> list[tuple[str, object, str]]:
    db.session.rollback()
    rows = [(late.record_key, late.value, late.status, late.entered_dt) for late in db.session.scalars(
        sa.select(LateAnswer).where(LateAnswer.attempt_id == attempt_id))]
    db.session.rollback()
    return rows


def log_in(page, server, email: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def to_chinese(page) -> None:
    page.locator("form.lang-switch button[value='zh']").click()
    page.wait_for_selector("html[lang='zh-Hans']")


def test_saves_failing_before_the_deadline_are_not_submitted_away_but_delivered_late(
        app, make_user, live_server_with, page, shot):
    server = live_server_with(EXAM_GRACE_SECONDS=8)
    attempt_id = log_in_and_start(page, server, *build_exam(make_user, duration=1, practical=False))
    page.get_by_text("Macro-F1").click()
    all_saved(page)
    deadline = set_deadline(attempt_id, 5)
    page.reload()
    until(page, deadline - 3)
    page.route("**/answers", lambda route: route.abort("failed"))  # every save fails from now
    until(page, deadline - 2.5)
    page.get_by_text("Accuracy").click()
    # Past the deadline, within the grace period: the change is queued, so the page waits.
    until(page, deadline + 2)
    assert attempt_row(attempt_id) == (AttemptState.IN_PROGRESS.value, None)
    assert "/items/1" in page.url and page.evaluate("window.CertifyExam.pending()") == 1
    # When the grace period is over it submits; the change is delivered late, not deleted.
    page.wait_for_url("**/done", timeout=30000)
    page.wait_for_selector("#exam-done-late")
    text = page.locator("#exam-done").inner_text()
    assert "reached the server only after your exam was submitted" in text
    assert "Question 1" in text and "safely stored" not in text
    assert attempt_row(attempt_id) == (AttemptState.SUBMITTED.value, "deadline")
    assert saved(attempt_id)[(1, None)] == "B"  # the score counts what was saved in time …
    [(record, value, status, entered)] = late_rows(attempt_id)
    assert (record, value, status) == ("", "A", "pending")  # … the invigilator decides on this
    assert entered.timestamp() < deadline
    assert page.evaluate("Object.keys(localStorage).length") == 0  # delivered, then forgotten
    shot(page, "exam-done-late-en")
    to_chinese(page)
    assert "监考" in page.locator("#exam-done-late").inner_text()
    shot(page, "exam-done-late-zh")


def test_a_save_stalled_across_the_deadline_is_waited_for_within_the_grace_period(
        app, make_user, live_server_with, page):
    server = live_server_with(EXAM_GRACE_SECONDS=20)
    attempt_id = log_in_and_start(page, server, *build_exam(make_user, duration=1, practical=False))
    deadline = set_deadline(attempt_id, 5)
    page.reload()
    held = []
    page.route("**/answers", lambda route: held.append(route))  # saves hang …
    until(page, deadline - 2.5)
    page.get_by_text("Accuracy").click()
    until(page, deadline + 9.5)
    assert len(held) == 1
    assert attempt_row(attempt_id) == (AttemptState.IN_PROGRESS.value, None)
    held[0].continue_()  # … for 12 s, then reach the server, within its grace period
    page.unroute("**/answers")
    page.wait_for_url("**/done", timeout=30000)
    assert attempt_row(attempt_id) == (AttemptState.SUBMITTED.value, "deadline")
    assert saved(attempt_id)[(1, None)] == "A"
    assert late_rows(attempt_id) == []
    assert "Every answer the server acknowledged is stored" in page.locator("#exam-done").inner_text()


def test_an_outage_longer_than_the_grace_period_loses_no_answer_entered_in_time(
        app, make_user, live_server_with, page, browser, shot):
    server = live_server_with(EXAM_GRACE_SECONDS=6)
    sitting_id, email = build_exam(make_user, duration=1, practical=False)
    examiner = make_user(Role.EXAMINER, name="Iris Invigilator")
    examiner_email = examiner.email
    db.session.commit()
    attempt_id = log_in_and_start(page, server, sitting_id, email)
    page.get_by_text("Macro-F1").click()
    all_saved(page)
    deadline = set_deadline(attempt_id, 7)
    page.reload()
    until(page, deadline - 5)
    page.route("**/attempts/**", lambda route: route.abort("failed"))  # the server is down
    until(page, deadline - 3)
    page.get_by_text("Accuracy").click()
    until(page, deadline + 6 + 8)  # well past deadline + grace
    assert saved(attempt_id)[(1, None)] == "B"
    page.unroute("**/attempts/**")  # back
    page.wait_for_url("**/done", timeout=30000)
    page.wait_for_selector("#exam-done-late")
    assert attempt_row(attempt_id)[0] == AttemptState.SUBMITTED.value
    [(record, value, status, entered)] = late_rows(attempt_id)
    assert (record, value, status) == ("", "A", "pending") and entered.timestamp() < deadline
    assert saved(attempt_id)[(1, None)] == "B"  # not counted until the invigilator accepts it

    staff = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-GB")
    try:
        invigilator = staff.new_page()
        log_in(invigilator, server, examiner_email)
        invigilator.goto(f"{server.url}/invigilate/sittings/{sitting_id}/attempts/{attempt_id}")
        row = invigilator.locator("tr.late-answer")
        assert row.count() == 1
        assert '"A"' in row.locator(".late-value").inner_text()
        shot(invigilator, "invigilate-late-en", full_page=True)
        to_chinese(invigilator)
        shot(invigilator, "invigilate-late-zh", full_page=True)
        invigilator.locator("tr.late-answer button[value='accept']").click()
        invigilator.wait_for_selector("tr.late-answer:not(:has(button))")
    finally:
        staff.close()
    assert saved(attempt_id)[(1, None)] == "A"
    assert late_rows(attempt_id)[0][2] == "accepted"


def test_two_tabs_offline_keep_each_others_answers(app, make_user, live_server_with, page):
    server = live_server_with()
    attempt_id = log_in_and_start(page, server, *build_exam(make_user, practical=False))
    other = page.context.new_page()
    other.goto(f"{server.url}/attempts/{attempt_id}/items/2")
    wait_for(other, "window.CertifyExam && window.CertifyExam.pending() === 0")
    page.context.set_offline(True)
    page.get_by_text("Macro-F1").click()  # tab A: question 1
    wait_for(page, "document.getElementById('exam-save').dataset.state === 'offline'")
    other.get_by_text("A phone number").click()  # tab B: question 2
    wait_for(other, "window.CertifyExam.pending() === 2")  # B holds A's answer too
    page.close()  # closing A loses nothing
    other.context.set_offline(False)
    all_saved(other)
    stored = saved(attempt_id)
    assert stored[(1, None)] == "B" and stored[(2, None)] == ["A"]


def test_a_tab_shows_the_answer_another_device_saved_since(app, make_user, live_server_with, page,
                                                           browser):
    server = live_server_with()
    sitting_id, email = build_exam(make_user, practical=False)
    attempt_id = log_in_and_start(page, server, sitting_id, email)
    page.get_by_text("Macro-F1").click()
    all_saved(page)
    device = browser.new_context(viewport={"width": 1280, "height": 720}, locale="en-GB")
    try:
        second = device.new_page()
        log_in(second, server, email)
        second.goto(f"{server.url}/attempts/{attempt_id}/items/1")
        second.get_by_text("Accuracy").click()
        all_saved(second)
    finally:
        device.close()
    assert saved(attempt_id)[(1, None)] == "A"
    # The first tab comes back to the front: it shows the saved answer, not its stale one.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    wait_for(page, "document.querySelector('input[name=answer][value=A]').checked")
    assert not page.get_by_label("Macro-F1").is_checked()
    assert page.evaluate("window.CertifyExam.pending()") == 0
