"""Closing a sitting now in a real browser (issue 12 §13): an administrator closes the sitting
from its page, through the confirmation page, while a candidate is in the middle of the exam; the
candidate's page runs out of time, submits itself, and every saved answer is in the result."""

from __future__ import annotations

import re

import pytest

from certify.auth.models import Role
from certify.db import db
from certify.exams.models import Attempt, AttemptState, Sitting
from tests.browser.conftest import VIEWPORT
from tests.browser.test_exam_e2e import all_saved, build_exam, log_in_and_start, saved
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, live_server, email):
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_closing_a_sitting_with_an_attempt_in_progress(app, make_user, live_server, page,
                                                      browser, shot):
    sitting_id, email = build_exam(make_user, practical=False)
    admin = make_user(Role.ADMIN, name="Admin Zhao")
    admin_email = admin.email
    db.session.commit()
    attempt_id = log_in_and_start(page, live_server, sitting_id, email)
    page.get_by_text("Macro-F1").click()
    all_saved(page)

    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    try:
        staff = context.new_page()
        log_in(staff, live_server, admin_email)
        staff.goto(f"{live_server.url}/admin/sittings/{sitting_id}")
        staff.get_by_role("link", name="Close now").click()
        staff.wait_for_url(f"**/admin/sittings/{sitting_id}/close")
        assert "1 attempt is in progress." in staff.content()
        assert "grace period of 30 seconds" in staff.content()
        shot(staff, "close-sitting-confirm")
        staff.get_by_role("button", name="Close the sitting now").click()
        staff.wait_for_url(f"**/admin/sittings/{sitting_id}")
        assert "1 attempt in progress ends now" in staff.content()
        assert "Close now" not in staff.locator(".page-head").inner_text()
    finally:
        context.close()

    db.session.rollback()
    assert db.session.get(Sitting, sitting_id).window_state == "closed"
    db.session.rollback()
    # The candidate's clock follows the server: time is up, the page submits what it holds.
    page.reload()
    assert re.fullmatch(r"00:00", page.locator("#exam-clock-value").inner_text())
    page.wait_for_url("**/done", timeout=30000)
    db.session.rollback()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.state == AttemptState.SUBMITTED.value
    db.session.rollback()
    assert saved(attempt_id)[(1, None)] == "B"


def test_times_in_the_browser_follow_the_sites_zone(app, live_server, page):
    """Issue 12 §21: the page formats a moment in the site's zone, 24-hour, whatever the
    browser's own zone (here a 12-hour en-US browser in New York)."""
    context = page.context.browser.new_context(locale="en-US", timezone_id="America/New_York")
    try:
        other = context.new_page()
        other.goto(f"{live_server.url}/login")
        shown = other.evaluate("import('/static/js/sitetime.js')"
                               ".then(m => [m.siteTime('2030-03-04T13:05:00Z'),"
                               " m.siteTime('2030-03-04T13:05:09Z', true)])")
    finally:
        context.close()
    assert shown == ["21:05", "21:05:09"]
