"""Saves at the edges (issues 12 §3, 13 §15): sequence numbers bounded by the attempt's own, and
answers entered before the deadline but delivered after the server's submission, kept for the
invigilator to accept or reject."""

from __future__ import annotations

import sqlalchemy as sa

from certify.db import db
from certify.exams.attempts.autosave import SEQ_WINDOW
from certify.exams.models import Attempt, Response
from tests.exams.exam_helpers import save, start


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
