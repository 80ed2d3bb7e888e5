"""Closing a sitting now (issue 12 §13): a confirmation page that says what happens to attempts in
progress, then the window closes, running attempts end at the closing moment with the grace period,
and the server submits them after it. Audited."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from certify.audit import AuditEvent
from certify.db import db
from certify.exams.models import Attempt, AttemptState, SubmitReason
from tests.exams.exam_helpers import T0, save, start


def test_the_confirmation_page_states_the_rule(frozen, setup, admin, login_as):
    start(setup.enrolment)
    client = login_as(admin)
    assert "/close" in client.get(f"/admin/sittings/{setup.sitting.id}").text
    page = client.get(f"/admin/sittings/{setup.sitting.id}/close")
    assert page.status_code == 200
    assert "1 attempt is in progress." in page.text
    assert "grace period of 30 seconds" in page.text
    db.session.refresh(setup.sitting)
    assert setup.sitting.closes_dt == T0 + timedelta(hours=3)  # a GET changes nothing


def test_closing_ends_running_attempts_keeps_grace_and_is_audited(frozen, setup, admin, login_as):
    attempt = start(setup.enrolment)
    frozen.shift(timedelta(minutes=10))
    response = login_as(admin).post(f"/admin/sittings/{setup.sitting.id}/close")
    assert response.status_code == 302
    closed_at = T0 + timedelta(minutes=10)
    db.session.refresh(setup.sitting)
    db.session.refresh(attempt)
    assert setup.sitting.closes_dt == closed_at and setup.sitting.window_state == "closed"
    assert attempt.deadline_dt == closed_at and attempt.state == AttemptState.IN_PROGRESS.value
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "exam.sitting_closed"))
    assert event.actor_id == admin.id and event.details["attempts_cut_short"] == [attempt.id]

    # Within the grace period a save still arrives …
    frozen.shift(timedelta(seconds=20))
    candidate = login_as(setup.candidate)
    assert save(candidate, attempt.id, 1, [
        {"position": 1, "record": None, "value": None}]).status_code == 200
    # … after it the server submits the attempt, as at the deadline.
    frozen.shift(timedelta(seconds=20))
    assert login_as(admin).get(f"/invigilate/sittings/{setup.sitting.id}/rows").status_code == 200
    db.session.refresh(attempt)
    assert attempt.state == AttemptState.SUBMITTED.value
    assert attempt.submit_reason == SubmitReason.SERVER.value
    # And nobody can start any more.
    assert login_as(admin).post(f"/admin/sittings/{setup.sitting.id}/close",
                                follow_redirects=True).text.count("closed already") == 1


def test_an_upcoming_sitting_cannot_be_closed(frozen, setup, admin, login_as):
    setup.sitting.opens_dt = T0 + timedelta(days=1)
    setup.sitting.closes_dt = T0 + timedelta(days=1, hours=2)
    db.session.commit()
    page = login_as(admin).post(f"/admin/sittings/{setup.sitting.id}/close", follow_redirects=True)
    assert "has not opened yet" in page.text
    assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 0
    db.session.refresh(setup.sitting)
    assert setup.sitting.closes_dt == T0 + timedelta(days=1, hours=2)
