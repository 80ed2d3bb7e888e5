"""Saves at the edges (issues 12 §3, 13 §15): sequence numbers bounded by the attempt's own, and
answers entered before the deadline but delivered after the server's submission, kept for the
invigilator to accept or reject."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from certify.audit import AuditEvent
from certify.db import db
from certify.exams.attempts import expiry, reading
from certify.exams.attempts.autosave import SEQ_WINDOW
from certify.exams.models import Attempt, LateAnswer, Response
from certify.grading.results import result_of
from tests.exams.exam_helpers import save, start
from tests.helpers import csrf_token_from


def test_a_sequence_number_far_ahead_of_the_attempt_is_refused_and_later_saves_still_work(
        setup, login_as):
    attempt = start(setup.enrolment)
    client = login_as(setup.candidate)
    answer = {"position": 1, "record": None, "value": None}
    huge = save(client, attempt.id, 2**62 - 1, [answer])
    assert huge.status_code == 422
    data = huge.get_json()
    assert data["field"] == "seq" and data["last_seq"] == 0
    assert "sequence number" in data["error"]
    db.session.refresh(attempt)
    assert attempt.last_seq == 0 and db.session.scalar(sa.select(Response)) is None
    too_far = save(client, attempt.id, SEQ_WINDOW + 1, [answer])
    assert too_far.status_code == 422
    assert save(client, attempt.id, SEQ_WINDOW, []).status_code == 200
    assert save(client, attempt.id, SEQ_WINDOW + 5, []).status_code == 200
    db.session.refresh(attempt)
    assert db.session.get(Attempt, attempt.id).last_seq == SEQ_WINDOW + 5


# Late deliveries (issue 12 §3) -------------------------------------------------------------------

def _key(ai):
    """The correct option of a true/false item (the tests read the key to change the score)."""
    return bool(ai.version.key["correct"])


def _entered(dt):
    return int(dt.timestamp() * 1000)


def _late(client, attempt_id, answers):
    return client.post(f"/attempts/{attempt_id}/late", json={"answers": answers})


def _overdue(frozen, setup, login_as):
    """An attempt with one true/false item answered wrongly in time, then the server down past
    deadline + grace: the server submits it when it is touched again."""
    attempt = start(setup.enrolment)
    tf = next(ai for ai in reading.attempt_items(attempt) if ai.version.item.type == "true_false")
    client = login_as(setup.candidate)
    assert save(client, attempt.id, 1, [{"position": tf.position, "record": None,
                                         "value": not _key(tf)}]).status_code == 200
    frozen.move_to(attempt.deadline_dt + timedelta(seconds=expiry.grace_seconds() + 15))
    return attempt, tf, client


def test_answers_entered_in_time_and_delivered_after_the_submission_wait_for_the_invigilator(
        frozen, setup, login_as):
    attempt, tf, client = _overdue(frozen, setup, login_as)
    deadline = attempt.deadline_dt
    # The page's save now gets 409: the server submitted the attempt meanwhile.
    refused = save(client, attempt.id, 2, [{"position": tf.position, "record": None,
                                            "value": _key(tf)}])
    assert refused.status_code == 409
    other = next(ai for ai in reading.attempt_items(attempt)
                 if ai.version.item.type == "single")
    response = _late(client, attempt.id, [
        {"position": tf.position, "record": None, "value": _key(tf),
         "entered_at": _entered(deadline - timedelta(seconds=5))},
        {"position": other.position, "record": None, "value": other.option_order[0],
         "entered_at": _entered(deadline + timedelta(seconds=1))},  # after the deadline
    ])
    assert response.status_code == 200
    received = response.get_json()["received"]
    assert [r["status"] for r in received] == ["pending", "refused"]
    assert "not entered before the deadline" in received[1]["error"]
    # Nothing counts yet: the saved answer is the one from before the outage.
    db.session.rollback()
    assert db.session.scalar(sa.select(Response.value).where(
        Response.attempt_item_id == tf.id)) is (not _key(tf))
    late = db.session.scalar(sa.select(LateAnswer))
    assert (late.status, late.value, late.entered_dt) == (
        "pending", _key(tf), deadline - timedelta(seconds=5))
    assert db.session.scalar(sa.select(sa.func.count(LateAnswer.id))) == 1
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action == "exam.late_answers_received")) is not None
    # The confirmation page tells the candidate exactly what waits for a decision.
    done = client.get(f"/attempts/{attempt.id}/done").text
    assert "reached the server only after your exam was submitted" in done
    assert f"Question {tf.position}" in done and "safely stored" not in done
    # The same answer delivered again (a retry) keeps one pending row.
    again = _late(client, attempt.id, [{"position": tf.position, "record": None,
                                        "value": _key(tf),
                                        "entered_at": _entered(deadline - timedelta(seconds=5))}])
    assert again.get_json()["received"][0]["status"] == "pending"
    assert db.session.scalar(sa.select(sa.func.count(LateAnswer.id))) == 1


def test_the_invigilator_accepts_a_late_answer_and_the_attempt_is_regraded(
        frozen, setup, login_as, examiner):
    attempt, tf, client = _overdue(frozen, setup, login_as)
    _late(client, attempt.id, [{"position": tf.position, "record": None, "value": _key(tf),
                                "entered_at": _entered(attempt.deadline_dt - timedelta(seconds=3))}])
    before = result_of(attempt.id).score
    staff = login_as(examiner)
    listing = staff.get(f"/invigilate/sittings/{setup.sitting.id}").text
    assert "1 late answer to decide" in listing
    url = f"/invigilate/sittings/{setup.sitting.id}/attempts/{attempt.id}"
    page = staff.get(url).text
    assert "Answers delivered after the submission" in page and "Accept" in page
    late = db.session.scalar(sa.select(LateAnswer))
    token = csrf_token_from(page)
    ok = staff.post(url + "/late", data={"csrf_token": token, "late_id": late.id,
                                         "decision": "accept"})
    assert ok.status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(Response.value).where(
        Response.attempt_item_id == tf.id)) is _key(tf)
    assert db.session.get(LateAnswer, late.id).status == "accepted"
    assert result_of(attempt.id).score > before
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "exam.late_answer_accepted"))
    assert event.details["value"] is _key(tf) and event.actor_id == examiner.id
    # Decided once: a second decision is refused with a message, nothing changes.
    again = staff.post(url + "/late", data={"csrf_token": token, "late_id": late.id,
                                            "decision": "reject"}, follow_redirects=True)
    assert "decided already" in again.text
    assert db.session.get(LateAnswer, late.id).status == "accepted"


def test_a_rejected_late_answer_never_counts(frozen, setup, login_as, examiner):
    attempt, tf, client = _overdue(frozen, setup, login_as)
    _late(client, attempt.id, [{"position": tf.position, "record": None, "value": _key(tf),
                                "entered_at": _entered(attempt.deadline_dt - timedelta(seconds=3))}])
    before = result_of(attempt.id).score
    staff = login_as(examiner)
    url = f"/invigilate/sittings/{setup.sitting.id}/attempts/{attempt.id}"
    token = csrf_token_from(staff.get(url).text)
    late = db.session.scalar(sa.select(LateAnswer))
    assert staff.post(url + "/late", data={"csrf_token": token, "late_id": late.id,
                                           "decision": "reject"}).status_code == 302
    db.session.rollback()
    assert db.session.get(LateAnswer, late.id).status == "rejected"
    assert db.session.scalar(sa.select(Response.value).where(
        Response.attempt_item_id == tf.id)) is (not _key(tf))
    assert result_of(attempt.id).score == before
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action == "exam.late_answer_rejected")) is not None


def test_late_deliveries_are_refused_while_in_progress_and_after_the_candidates_own_submission(
        setup, login_as):
    attempt = start(setup.enrolment)
    client = login_as(setup.candidate)
    answer = {"position": 1, "record": None, "value": None,
              "entered_at": _entered(attempt.started_dt + timedelta(minutes=1))}
    assert _late(client, attempt.id, [answer]).status_code == 409
    assert client.post(f"/attempts/{attempt.id}/submit", json={"reason": "candidate"}).status_code == 200
    refused = _late(client, attempt.id, [answer])
    assert refused.status_code == 409 and "You have submitted" in refused.get_json()["error"]
    assert db.session.scalar(sa.select(LateAnswer)) is None
