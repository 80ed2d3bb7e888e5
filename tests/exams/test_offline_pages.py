"""The server side of offline navigation (issue 12 §6; contracts §3a): the page names the worker
and the pages it keeps, a prefetch is not the candidate opening a question, and the worker is only
served while the attempt is in progress."""

from __future__ import annotations

import json
import re

from certify.exams.attempts import reading, submitting
from tests.exams.exam_helpers import start


def config_of(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/json" id="exam-config">(.*?)</script>',
                                html, re.S).group(1))


def test_the_page_names_the_worker_and_every_page_of_the_form(setup, login_as):
    attempt = start(setup.enrolment)
    client = login_as(setup.candidate)
    offline = config_of(client.get(f"/attempts/{attempt.id}/items/1").get_data(as_text=True))[
        "offline"]
    total = len(reading.overview(attempt))
    assert offline["worker"] == f"/attempts/{attempt.id}/offline-sw.js"
    assert offline["scope"] == f"/attempts/{attempt.id}/"
    assert offline["pages"] == [f"/attempts/{attempt.id}/items/{n}" for n in range(1, total + 1)] + [
        f"/attempts/{attempt.id}/submit"]
    assert "/static/js/exam.js" in offline["assets"]
    assert all(a.startswith("/static/") for a in offline["assets"])


def test_a_prefetch_does_not_count_as_opening_the_question(setup, login_as):
    attempt = start(setup.enrolment)
    client = login_as(setup.candidate)
    client.get(f"/attempts/{attempt.id}/items/2", headers={"X-Certify-Prefetch": "1"})
    assert reading.item_at(attempt, 2).opened_dt is None
    client.get(f"/attempts/{attempt.id}/items/2")
    assert reading.item_at(attempt, 2).opened_dt is not None


def test_the_worker_is_served_only_while_the_attempt_is_in_progress(setup, login_as):
    attempt = start(setup.enrolment)
    client = login_as(setup.candidate)
    response = client.get(f"/attempts/{attempt.id}/offline-sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-store"
    submitting.submit_attempt(attempt, "candidate")
    assert client.get(f"/attempts/{attempt.id}/offline-sw.js").status_code == 404
