"""The invigilator's view: the live list, adding time, voiding."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from certify.audit import AuditEvent
from certify.db import db
from certify.exams.attempts import reading
from certify.exams.models import Attempt
from certify.exams.signals import attempt_voided
from tests.exams.exam_helpers import T0, save, start
from tests.factories import enrol


def test_the_live_list_shows_every_state(frozen, setup, make_user, examiner, login_as):
    waiting = make_user(name="Waiting Wang")
    enrol(setup.sitting, waiting)
    attempt = start(setup.enrolment)
    tf = next(ai for ai in reading.attempt_items(attempt) if ai.version.item.type == "true_false")
    other = 1 if tf.position != 1 else 2
    saved = save(login_as(setup.candidate), attempt.id, 1, [
        {"position": other, "record": None, "value": None},
        {"position": tf.position, "record": None, "value": True}])
    assert saved.status_code == 200
    frozen.shift(timedelta(minutes=15))
    rows = login_as(examiner).get(f"/invigilate/sittings/{setup.sitting.id}/rows").text
    assert "Waiting Wang" in rows and "not started" in rows
    assert "in progress" in rows and "1 / 8" in rows and "45:00" in rows
    page = login_as(examiner).get(f"/invigilate/sittings/{setup.sitting.id}")
    assert 'data-refresh-url="/invigilate/sittings/' in page.text and "<script>" not in page.text


def test_adding_time_moves_the_deadline_and_is_audited(frozen, setup, examiner, login_as):
    attempt = start(setup.enrolment)
    url = f"/invigilate/sittings/{setup.sitting.id}/attempts/{attempt.id}"
    client = login_as(examiner)
    refused = client.post(url + "/add-time", data={"minutes": "10", "reason": ""})
    assert refused.status_code == 422
    ok = client.post(url + "/add-time", data={"minutes": "10", "reason": "Power cut in row 3"})
    assert ok.status_code == 302
    db.session.refresh(attempt)
    assert attempt.deadline_dt == T0 + timedelta(minutes=70) and attempt.added_minutes == 10
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "exam.time_added"))
    assert event.actor_id == examiner.id and event.details["reason"] == "Power cut in row 3"
    assert event.details["minutes"] == 10
    state = login_as(setup.candidate).get(f"/attempts/{attempt.id}/state").get_json()
    assert state["remaining_seconds"] == 70 * 60
    assert "Power cut in row 3" in client.get(url).text


def test_time_cannot_be_added_to_a_submitted_attempt(setup, examiner, login_as):
    attempt = start(setup.enrolment)
    login_as(setup.candidate).post(f"/attempts/{attempt.id}/submit", json={})
    response = login_as(examiner).post(
        f"/invigilate/sittings/{setup.sitting.id}/attempts/{attempt.id}/add-time",
        data={"minutes": "5", "reason": "late"})
    assert response.status_code == 422 and "no longer in progress" in response.text


def test_voiding_needs_a_reason_stops_saving_and_is_announced(setup, admin, login_as):
    voided: list[tuple[int, str]] = []

    def receiver(sender, attempt_id, reason, **extra):
        voided.append((attempt_id, reason))

    attempt_voided.connect(receiver)
    try:
        attempt = start(setup.enrolment)
        url = f"/invigilate/sittings/{setup.sitting.id}/attempts/{attempt.id}/void"
        client = login_as(admin)
        assert client.post(url, data={"reason": "  "}).status_code == 422
        assert client.post(url, data={"reason": "Phone in use"}).status_code == 302
        assert client.post(url, data={"reason": "Phone in use"}).status_code == 302
    finally:
        attempt_voided.disconnect(receiver)
    assert voided == [(attempt.id, "Phone in use")]
    db.session.refresh(attempt)
    assert attempt.state == "voided" and attempt.voided_by_id == admin.id
    candidate = login_as(setup.candidate)
    refused = save(candidate, attempt.id, 1, [])
    assert refused.status_code == 409 and "voided" in refused.get_json()["error"]
    done = candidate.get(f"/attempts/{attempt.id}/done")
    assert "This attempt was voided" in done.text and "Phone in use" in done.text


def test_the_invigilator_view_submits_overdue_attempts(frozen, setup, examiner, login_as):
    attempt = start(setup.enrolment)
    frozen.move_to(attempt.deadline_dt + timedelta(minutes=2))
    rows = login_as(examiner).get(f"/invigilate/sittings/{setup.sitting.id}/rows").text
    assert "submitted" in rows and "by the server" in rows
    assert db.session.get(Attempt, attempt.id).state == "submitted"


def test_another_sittings_attempt_is_not_found_here(setup, examiner, login_as):
    from tests.factories import make_sitting

    attempt = start(setup.enrolment)
    other = make_sitting(setup.exam, title="Elsewhere")
    client = login_as(examiner)
    assert client.get(f"/invigilate/sittings/{other.id}/attempts/{attempt.id}").status_code == 404
