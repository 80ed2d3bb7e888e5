"""No answer key or gold label reaches a candidate before results are published.

One attempt holds every item type, and a practical task of every task type, each with key, gold,
rubric and explanation values that are distinctive strings. The candidate then visits everything
they can reach — dashboard, start page, every item page, the state and save JSON, the submit and
confirmation pages, and every same-site script, style sheet and media file those pages load — and
none of it may contain any of those values (or the JSON keys that carry them).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from certify.db import db
from tests.exams.exam_helpers import save
from tests.factories import (
    enrol,
    make_attempt,
    make_exam,
    make_item,
    make_practical_item,
    make_sitting,
    make_syllabus,
)

SECRETS = [
    "fillkey-zebracrossing-7731", "fillkey-alternative-8842",
    "rubric-checkpoint-secret-4410", "rubric-standard-secret-5520",
    "model-answer-secret-9921", "task-rubric-secret-3391", "task-model-secret-3392",
    "transcript-gold-secret-5512", "transcript-gold-secret-audio-5513",
]
#: Regular expressions for gold that is made of numbers or of visible label names.
GOLD_PATTERNS = [
    r"17\s*,\s*23\s*,\s*31\s*,\s*29",          # bbox gold box
    r"11\s*,\s*17\s*,\s*\"PER\"",              # NER gold span
    r"\"(correct|gold|accepted|blanks_key|model_answer|rubric|checkpoint|order|rating)\"\s*:",
    r"\"label\"\s*:\s*\"(pos|neg)\"",           # classification gold lines
    r"explanation-secret-\d+",
    r"tolerance",
]


def _practical(unit):
    """One task of every task type, with distinctive gold."""
    items = [
        make_practical_item("classification", units=[unit], config={"labels": ["pos", "neg"]},
                            records=[{"id": "c1", "text": "great"}, {"id": "c2", "text": "bad"}],
                            gold={"c1": {"id": "c1", "label": "pos"},
                                  "c2": {"id": "c2", "label": "neg"}}),
        make_practical_item("multilabel", units=[unit], config={"labels": ["bug", "ads"]},
                            records=[{"id": "m1", "text": "crash and ads"}],
                            gold={"m1": {"id": "m1", "labels": ["bug", "ads"]}}),
        make_practical_item("ner", units=[unit], config={"labels": ["PER", "LOC"]},
                            records=[{"id": "n1", "text": "Yesterday, Ada Lovelace met us"}],
                            gold={"n1": {"id": "n1", "spans": [[11, 17, "PER"]]}}),
        make_practical_item("bbox", units=[unit], config={"labels": ["car"], "iou_threshold": 0.5},
                            records=[{"id": "b1", "image": "images/b1.png", "width": 100,
                                      "height": 80}],
                            gold={"b1": {"id": "b1", "boxes": [[17, 23, 31, 29, "car"]]}}),
        make_practical_item("transcription", units=[unit], config={"unit": "char"},
                            records=[{"id": "t1", "image": "images/t1.png"},
                                     {"id": "t2", "audio": "audio/t2.wav"}],
                            gold={"t1": {"id": "t1", "text": "transcript-gold-secret-5512"},
                                  "t2": {"id": "t2", "text": "transcript-gold-secret-audio-5513"}}),
        make_practical_item("rating", units=[unit],
                            config={"scale": {"min": 1, "max": 5}},
                            records=[{"id": "g1", "prompt": "Opening hours?", "reply": "9 to 5"},
                                     {"id": "g2", "prompt": "Refund?", "reply": "No idea"}],
                            gold={"g1": {"id": "g1", "rating": 4}, "g2": {"id": "g2", "rating": 1}}),
        make_practical_item("ranking", units=[unit], config={},
                            records=[{"id": "k1", "prompt": "15% of 240?",
                                      "candidates": [{"id": "x1", "text": "32"},
                                                     {"id": "x2", "text": "36"}]}],
                            gold={"k1": {"id": "k1", "order": ["x2", "x1"]}}),
        make_practical_item("rubric", units=[unit], config={"response": "text"},
                            records=[{"id": "p1", "prompt": "Write a persona for a bank bot"}],
                            gold={}, rubric=[{"points": 100, "checkpoint": "task-rubric-secret-3391",
                                              "standard": "task-model-secret-3392"}]),
    ]
    return items


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "data-refresh-url") and value:
                self.urls.add(value)


def _same_site(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and url.startswith("/") and "logout" not in url


@pytest.fixture
def everything(app, candidate):
    level = make_syllabus(4, codes=("1.1",), components=("theory", "skills"))
    unit = level.unit_by_code("1.1")
    theory = [
        make_item("single", units=[unit], explanation="explanation-secret-1"),
        make_item("multiple", units=[unit], explanation="explanation-secret-2"),
        make_item("true_false", units=[unit], explanation="explanation-secret-3"),
        make_item("fill_in", units=[unit], explanation="explanation-secret-4",
                  stem="The metric is [[1]] and the value is [[2]].",
                  key={"blanks": [{"accepted": ["fillkey-zebracrossing-7731",
                                                "fillkey-alternative-8842"],
                                   "case_sensitive": False},
                                  {"numeric": 0.8125, "tolerance": 0.0001}]}),
        make_item("short_answer", units=[unit], explanation="explanation-secret-5",
                  key={"rubric": [{"points": 2, "checkpoint": "rubric-checkpoint-secret-4410",
                                   "standard": "rubric-standard-secret-5520"}],
                       "model_answer": "model-answer-secret-9921"}),
    ]
    items = theory + _practical(unit)
    exam = make_exam(level, component="skills", duration_minutes=120)
    sitting = make_sitting(exam)
    attempt = make_attempt(enrol(sitting, candidate), items)
    return attempt, sitting, len(items)


# The labeling widgets' UI texts (templates/tasks/_widget_strings.html): fixed labels whose keys
# include "rating"; tests/test_translations.py checks that the block holds only those texts.
WIDGET_STRINGS = re.compile(r'<script type="application/json" id="widget-strings">.*?</script>', re.S)


def _check(body: str, where: str) -> None:
    body = WIDGET_STRINGS.sub("", body)
    for secret in SECRETS:
        assert secret not in body, f"{where} leaks {secret!r}"
    for pattern in GOLD_PATTERNS:
        match = re.search(pattern, body)
        assert match is None, f"{where} leaks gold/key matching {pattern!r}: {match.group(0)!r}"


def test_no_key_or_gold_reaches_the_candidate(everything, candidate, login_as):
    attempt, sitting, count = everything
    client = login_as(candidate)
    visited: dict[str, int] = {}

    def visit(url: str, method: str = "GET", **kwargs) -> str:
        response = client.open(url, method=method, **kwargs)
        body = response.get_data(as_text=True)
        response.close()
        _check(body, f"{method} {url}")
        visited[f"{method} {url}"] = response.status_code
        if response.mimetype == "text/html":
            parser = Links()
            parser.feed(body)
            for link in parser.urls:
                if _same_site(link) and f"GET {link}" not in visited and (
                        link.startswith("/static/") or link.startswith("/assets/")
                        or "/attempts/" in link):
                    visit(link)
        return body

    visit("/dashboard")
    visit(f"/sittings/{sitting.id}/start")
    visit(f"/attempts/{attempt.id}")
    for position in range(1, count + 1):
        page = visit(f"/attempts/{attempt.id}/items/{position}")
        assert 'class="item' in page
    visit(f"/attempts/{attempt.id}/state")
    visit(f"/attempts/{attempt.id}/submit")
    answers = save(client, attempt.id, 1, [{"position": 1, "record": None, "value": None}])
    _check(answers.get_data(as_text=True), "POST answers")
    bad = save(client, attempt.id, 2, [{"position": 4, "record": None, "value": ["x"]}])
    assert bad.status_code == 422
    _check(bad.get_data(as_text=True), "POST answers (422)")
    practical = save(client, attempt.id, 3, [{"position": 8, "record": "n1",
                                              "value": [[0, 99, "PER"]]}])
    assert practical.status_code == 422
    _check(practical.get_data(as_text=True), "POST answers (422, practical)")
    visit(f"/attempts/{attempt.id}/submit", method="POST", json={"reason": "candidate"})
    visit(f"/attempts/{attempt.id}/done")
    visit(f"/attempts/{attempt.id}/state")
    visit("/dashboard")
    # Every item page, every script the pages load (exam.js, the widgets), the JSON, were seen.
    assert sum(1 for url in visited if "/items/" in url) == count
    assert any(url.endswith("/static/js/exam.js") for url in visited)
    assert any("/static/js/widgets/" in url for url in visited)
    assert db.session.get(type(attempt), attempt.id).state == "submitted"


def test_the_leak_check_would_notice_a_leak(everything, candidate, login_as):
    """The secrets really are in the database, so the test above can fail."""
    from certify.banks.models import ItemVersion

    keys = " ".join(str(v.key) + v.explanation for v in db.session.query(ItemVersion))
    for secret in SECRETS:
        assert secret in keys
    with pytest.raises(AssertionError):
        _check('{"gold": {"b1": {"boxes": [[17, 23, 31, 29, "car"]]}}}', "a leaky page")
