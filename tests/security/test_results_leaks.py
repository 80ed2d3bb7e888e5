"""No key or gold label in anything a candidate can reach — before and after results are out.

Extends tests/exams/test_exam_leaks.py (the exam itself) to everything after it: results pages
before publication and after it under each review policy, the results list, dashboard panels,
certificates (the list, the verification page, the PDF and the Open Badge), the exam's state and
save JSON, and every asset the candidate's pages load.

- ``scores`` and ``responses``: no key, gold, rubric, model answer or explanation anywhere;
- ``full``: the published result page shows them (that is the policy) — and still nothing else;
- before publication, even under ``full``, nothing.

The candidate crawls everything they can reach from their pages (``scan.crawl``); assets they
fetch must be images of the tasks on their own forms.
"""

from __future__ import annotations

import base64
import io
import json
import re

import pytest

from certify.banks import assets
from certify.banks.models import ItemVersion
from certify.db import db
from certify.exams.attempts import starting
from certify.exams.models import Attempt, Enrolment, ExamDefinition, Sitting
from tests.security.objects import url
from tests.security.scan import crawl
from tests.security.secworld import SECRETS, build_world, login

#: Gold or keys written as JSON or as the result pages write them.
GOLD_PATTERNS = [
    r"\b3\s*,\s*4\s*,\s*29\s*(,|×)\s*19",                   # the unanswered record's gold box
    r"\"(correct|gold|accepted|model_answer|rubric|checkpoint|standard|tolerance)\"\s*:",
    r"class=\"key-line",                                     # the result page's key line
    r"\b0\.8125\b",                                          # the numeric blank's key
]


def leaks(body: str) -> list[str]:
    found = [secret for secret in SECRETS.values()
             if secret in body and secret != SECRETS["gold_label"]]
    found += [m.group(0) for pattern in GOLD_PATTERNS for m in [re.search(pattern, body)] if m]
    return found


@pytest.fixture(scope="module")
def world(shared_app):
    w = build_world()
    w.client = login(shared_app, w.users["candidate"].email)
    return w


def _seeds(app, w) -> list[str]:
    attempt = w.attempt["candidate"]
    return ["/dashboard", url(app, "grading.my_results"), url(app, "certificates.mine"),
            url(app, "exams.state", attempt_id=attempt),
            *[url(app, "exams.item", attempt_id=attempt, position=n)
              for n in w.item_positions.values()],
            url(app, "grading.my_result", attempt_id=w.past_attempt["candidate"]),
            url(app, "grading.my_result", attempt_id=w.marking_attempt["candidate"]),
            url(app, "certificates.verify", number=w.certificate_numbers["candidate"])]


def _set(w, *, policy: str, published: bool) -> None:
    exam = db.session.get(ExamDefinition, w.exam_id)
    exam.review_policy = policy
    past = db.session.get(Sitting, w.sittings["past"])
    if published and past.results_published_dt is None:
        past.results_published_dt = w.published_dt
    elif not published:
        w.published_dt = w.published_dt if hasattr(w, "published_dt") else \
            past.results_published_dt
        past.results_published_dt = None
    db.session.commit()


def _readable(page) -> str:
    """The text of a response as a person or program would read it (PDF text, JWT claims)."""
    if page.mimetype == "application/pdf":
        from pypdf import PdfReader

        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(page.body)).pages)
    if page.mimetype == "application/vc+jwt":
        claims = page.text.split(".")[1]
        return base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)).decode()
    if page.mimetype.startswith(("image/", "audio/")):
        return ""
    return page.text


STATES = [("scores", True), ("responses", True), ("full", True), ("full", False),
          ("scores", False)]


@pytest.mark.parametrize(("policy", "published"), STATES,
                         ids=[f"{p}-{'published' if pub else 'unpublished'}" for p, pub in STATES])
def test_nothing_the_candidate_reaches_leaks_a_key(shared_app, world, policy, published):
    _set(world, policy=policy, published=published)
    pages = crawl(world.client, _seeds(shared_app, world), limit=200)
    result_page = url(shared_app, "grading.my_result", attempt_id=world.past_attempt["candidate"])
    failures = []
    for page in pages.values():
        assert page.status < 500, f"GET {page.url}: {page.status}"
        found = leaks(_readable(page))
        if page.url == result_page and policy == "full" and published:
            # The policy shows the keys here: the check above would have seen them.
            assert SECRETS["explanation"] in found and SECRETS["transcript"] in found, found
            assert "car (3, 4, 29×19)" in page.text
            continue
        failures += [f"GET {page.url} ({policy}, published={published}): {what!r}"
                     for what in found]
    assert not failures, "\n".join(failures)
    kinds = {page.mimetype for page in pages.values()}
    assert {"application/pdf", "application/vc+jwt", "application/json", "image/png"} <= kinds
    shown = pages[result_page].text
    if published:
        assert "score-big" in shown
    else:
        assert "Being marked." in shown and "score-big" not in shown


def test_assets_a_candidate_fetches_are_images_of_their_own_tasks(shared_app, world):
    _set(world, policy="full", published=True)
    pages = crawl(world.client, _seeds(shared_app, world), limit=200)
    fetched = {page.url.rsplit("/", 1)[1]: page for page in pages.values()
               if page.url.startswith("/bank/assets/")}
    assert fetched, "the candidate's pages load the task image"
    on_forms = set()
    for attempt_id in (world.attempt["candidate"], world.past_attempt["candidate"],
                       world.marking_attempt["candidate"]):
        for attempt_item in db.session.get(Attempt, attempt_id).items:
            version: ItemVersion = attempt_item.version
            records = ((version.content or {}).get("task") or {}).get("records") or []
            on_forms |= {assets.ref_sha(v) for r in records for v in r.values()} - {None}
    assert set(fetched) <= on_forms, set(fetched) - on_forms
    for sha, page in fetched.items():
        assert page.status == 200 and page.mimetype.startswith("image/"), (sha, page.mimetype)
        assert "sandbox" in page.headers["Content-Security-Policy"]


def test_the_save_and_state_json_leak_nothing(shared_app, world):
    """Saves and the state JSON of the live attempt, then a submission of the candidate's fresh
    sitting (the live attempt stays in progress for the other tests, whatever their order)."""
    _set(world, policy="responses", published=True)
    attempt = world.attempt["candidate"]
    client = world.client
    for payload in ({"seq": 50, "answers": [{"position": 4, "record": None,
                                            "value": ["wrong", "1"]}]},
                    {"seq": 51, "answers": [{"position": 4, "record": None, "value": "x"}]},
                    {"seq": 52, "answers": [{"position": 8, "record": "b2",
                                            "value": [[0, 0, 999, 999, "car"]]}]},
                    {"seq": 53, "answers": [{"position": 8, "record": "zz", "value": []}]}):
        response = client.post(url(shared_app, "exams.save", attempt_id=attempt), json=payload)
        assert response.status_code in (200, 422)
        assert not leaks(response.get_data(as_text=True)), response.get_data(as_text=True)
    state = client.get(url(shared_app, "exams.state", attempt_id=attempt))
    assert not leaks(state.get_data(as_text=True))
    fresh = starting.start_attempt(db.session.get(Enrolment, world.fresh_enrolment["candidate"]),
                                   None).id
    db.session.commit()
    submitted = client.post(url(shared_app, "exams.submit", attempt_id=fresh),
                            json={"reason": "candidate"})
    assert json.loads(submitted.get_data())["submitted"] is True
    pages = crawl(client, ["/dashboard", url(shared_app, "exams.done", attempt_id=fresh),
                           url(shared_app, "grading.my_results")], limit=60)
    for page in pages.values():
        assert not leaks(_readable(page)), page.url
