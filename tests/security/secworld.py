"""One world of people and objects for the module-scoped security suites (IDOR, XSS, leaks, headers).

:func:`build_world` creates, through the factories and the packages' own operations:

- people: two candidates (``candidate`` owns objects, so does ``other_candidate``), two examiners,
  an administrator, and an examiner who also sits exams (``examiner_candidate``);
- a level needing only the theory component, and a bank holding every item type plus practical
  classification, NER, bbox and transcription (with an uploaded image) and rubric tasks — every
  key, gold label, rubric and explanation a distinctive string from :data:`SECRETS`, and one
  bbox record nobody answers (its gold is :data:`UNANSWERED_GOLD_BOX`);
- sittings of one exam: ``live`` (both candidates mid-exam), ``fresh_sitting[persona]`` (one per
  candidate, enrolled alone, not started),
  ``marking`` (submitted, waiting for examiners; the examiner-candidate sat it too) and ``past``
  (marked, published, passed, certificates issued).

Every text a user or a bank file controls comes from ``text(field)``, so the XSS suite can fill
them with payloads and the others with plain distinctive words. The world holds ids, not ORM
objects (objects expire with every request of the test client).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from certify.auth.models import Role, User
from certify.banks import assets
from certify.certificates import operations as certificates
from certify.clock import now_utc
from certify.db import db
from certify.exams.models import Attempt
from certify.grading import marking
from certify.grading.models import Regrade
from certify.grading.on_submit import grade_attempt
from certify.grading.publication import publish_results
from tests.factories import (
    answer,
    enrol,
    make_attempt,
    make_exam,
    make_item,
    make_practical_item,
    make_sitting,
    make_syllabus,
    submit,
)
from tests.helpers import TEST_PASSWORD, AuthActions

#: Distinctive strings that only keys, gold labels, rubrics, model answers and explanations hold.
SECRETS = {
    "fill_key": "fillkey-zebracrossing-7731",
    "fill_alt": "fillkey-alternative-8842",
    "checkpoint": "rubric-checkpoint-secret-4410",
    "standard": "rubric-standard-secret-5520",
    "model_answer": "model-answer-secret-9921",
    "task_checkpoint": "task-rubric-secret-3391",
    "task_standard": "task-model-secret-3392",
    "explanation": "explanation-secret-6161",
    "gold_label": "goldlabel-secretclass",
    "transcript": "transcript-gold-secret-5512",
}
#: Gold of a record nobody answers, as the numbers of a box (found in any JSON or text).
UNANSWERED_GOLD_BOX = [3, 4, 29, 19, "car"]
PERSONAS = ("candidate", "other_candidate", "examiner", "examiner2", "admin",
            "examiner_candidate")
CANDIDATE_PERSONAS = ("candidate", "other_candidate")


def plain(field: str) -> str:
    """Text of a field in an ordinary world: a readable, distinctive word."""
    return f"{field.replace('_', ' ').title()}"


def png_bytes(colour: tuple[int, int, int] = (30, 120, 200), size: tuple[int, int] = (40, 30)
              ) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def make_person(key: str, *roles: Role, name: str) -> User:
    user = User(name=name, email=f"{key.replace('_', '-')}@sec.example.org",
                candidate_id=f"SEC{PERSONAS.index(key):08d}" if Role.CANDIDATE in roles
                else None)
    user.set_password(TEST_PASSWORD)
    user.set_roles(set(roles))
    db.session.add(user)
    db.session.commit()
    return user


def login(app: Flask, email: str) -> FlaskClient:
    """A new client logged in as ``email`` through the real form."""
    client = app.test_client()
    response = AuthActions(client).login(email)
    assert response.status_code == 302, f"login of {email} failed: {response.status_code}"
    return client


def _items(unit, text: Callable[[str], str], image_sha: str, author: User) -> dict[str, Any]:
    """Every item type, with secrets in keys and user text (``text``) in everything shown."""
    options = [{"id": k, "text": text(f"option_{k.lower()}")} for k in "ABCD"]
    items = {
        "single": make_item("single", units=[unit], author=author, stem=text("single_stem"),
                            content={"options": options, "shuffle": False},
                            key={"correct": "B"}, explanation=SECRETS["explanation"]),
        "multiple": make_item("multiple", units=[unit], author=author,
                              stem=text("multiple_stem"),
                              content={"options": [*options, {"id": "E", "text": "Five"}],
                                       "shuffle": False,
                                       "scoring": {"mode": "all_or_nothing", "penalty": 1.0}},
                              key={"correct": ["A", "C"]}),
        "true_false": make_item("true_false", units=[unit], author=author,
                                stem=text("true_false_stem"), key={"correct": True}),
        "fill_in": make_item("fill_in", units=[unit], author=author,
                             stem=text("fill_in_stem") + " [[1]] and [[2]].",
                             key={"blanks": [{"accepted": [SECRETS["fill_key"],
                                                           SECRETS["fill_alt"]],
                                              "case_sensitive": False},
                                             {"numeric": 0.8125, "tolerance": 0.0001}]}),
        "short_answer": make_item("short_answer", units=[unit], author=author, points=2,
                                  stem=text("short_answer_stem"),
                                  key={"rubric": [{"points": 2,
                                                   "checkpoint": SECRETS["checkpoint"],
                                                   "standard": SECRETS["standard"]}],
                                       "model_answer": SECRETS["model_answer"]}),
    }
    label = text("label")
    items["classification"] = make_practical_item(
        "classification", units=[unit], author=author, points=10,
        config={"labels": [label, SECRETS["gold_label"], "neutral"]},
        records=[{"id": "c1", "text": text("record_text")},
                 {"id": "c2", "text": "Plain record"}],
        gold={"c1": {"id": "c1", "label": SECRETS["gold_label"]},
              "c2": {"id": "c2", "label": label}})
    items["ner"] = make_practical_item(
        "ner", units=[unit], author=author, points=10, config={"labels": ["PER", "LOC"]},
        records=[{"id": "n1", "text": "Yesterday, Ada Lovelace met " + text("ner_text")}],
        gold={"n1": {"id": "n1", "spans": [[11, 17, "PER"]]}})
    items["bbox"] = make_practical_item(
        "bbox", units=[unit], author=author, points=10,
        config={"labels": ["car"], "iou_threshold": 0.5},
        records=[{"id": "b1", "image": f"asset:{image_sha}", "width": 40, "height": 30},
                 {"id": "b2", "image": f"asset:{image_sha}", "width": 40, "height": 30}],
        gold={"b1": {"id": "b1", "boxes": [[17, 23, 11, 5, "car"]]},
              "b2": {"id": "b2", "boxes": [UNANSWERED_GOLD_BOX]}})
    items["transcription"] = make_practical_item(
        "transcription", units=[unit], author=author, points=10, config={"unit": "char"},
        records=[{"id": "t1", "image": f"asset:{image_sha}"}],
        gold={"t1": {"id": "t1", "text": SECRETS["transcript"]}})
    items["rubric"] = make_practical_item(
        "rubric", units=[unit], author=author, points=10, config={"response": "text"},
        records=[{"id": "p1", "prompt": text("rubric_prompt")}], gold={},
        rubric=[{"points": 100, "checkpoint": SECRETS["task_checkpoint"],
                 "standard": SECRETS["task_standard"]}])
    for name in ("classification", "ner", "bbox", "transcription", "rubric"):
        version = items[name].live_version
        task = dict(version.content["task"])
        task["title"] = text(f"{name}_title")
        task["instructions"] = text(f"{name}_instructions")
        version.content = {"task": task}
    db.session.commit()
    return items


def correct_answers(text: Callable[[str], str]) -> dict[str, list[tuple[str, Any]]]:
    """Correct answers by item name, as (record, value) pairs; free text comes from ``text``."""
    return {
        "single": [("", "B")],
        "multiple": [("", ["A", "C"])],
        "true_false": [("", True)],
        # Right, but not written as the key is (the key's own text must never show).
        "fill_in": [("", [SECRETS["fill_key"].upper(), "0.81251"])],
        "short_answer": [("", text("short_answer_answer"))],
        "classification": [("c1", SECRETS["gold_label"])],
        "ner": [("n1", [[11, 17, "PER"]])],
        "bbox": [("b1", [[17, 23, 11, 5, "car"]])],
        "transcription": [("t1", "my own transcript")],
        "rubric": [("p1", text("rubric_answer"))],
    }


def _sit(sitting, user: User, items: dict[str, Any], text: Callable[[str], str], *, done: bool,
         wrong: bool = False) -> Attempt:
    attempt = make_attempt(enrol(sitting, user), list(items.values()))
    correct = correct_answers(text)
    for position, name in enumerate(items, start=1):
        for record, value in correct[name]:
            if name == "classification" and wrong:
                value = "neutral"  # a wrong answer, so that the two candidates' results differ
            answer(attempt, position, value, record=record)
    if done:
        submit(attempt)
        grade_attempt(attempt.id)
        db.session.commit()
    return attempt


def _mark_all(attempt: Attempt, examiner: User, comment: str) -> None:
    for attempt_item in attempt.items:
        if attempt_item.version.item.type in ("short_answer", "practical"):
            try:
                task = marking.marking_task(examiner, attempt_item.id)
            except marking.MarkingNotFound:
                continue
            marking.submit_mark(examiner, attempt_item.id,
                                [c.get("points", 0) for c in task.rubric],
                                [comment for _ in task.rubric], comment)
    db.session.commit()


def build_world(text: Callable[[str], str] = plain, *, review_policy: str = "full"
                ) -> SimpleNamespace:
    """Create the world described in the module docstring; return ids and names."""
    w = SimpleNamespace(text=text)
    users = {
        "candidate": make_person("candidate", Role.CANDIDATE, name=text("candidate_name")),
        "other_candidate": make_person("other_candidate", Role.CANDIDATE,
                                       name="Other " + text("other_candidate_name")),
        "examiner": make_person("examiner", Role.EXAMINER, name=text("examiner_name")),
        "examiner2": make_person("examiner2", Role.EXAMINER, name="Second Examiner"),
        "admin": make_person("admin", Role.ADMIN, name=text("admin_name")),
        "examiner_candidate": make_person("examiner_candidate", Role.EXAMINER, Role.CANDIDATE,
                                          name="Examiner Candidate"),
    }
    level = make_syllabus(4, codes=("1.1", "1.2"), components=("theory",))
    unit = level.unit_by_code("1.1")
    unit.title_en = text("unit_title")
    unit.description_en = text("unit_description")
    image = assets.save_asset(assets.check_image(png_bytes(), text("image_filename")[:200]))
    db.session.commit()
    items = _items(unit, text, image.sha256, users["examiner"])
    exam = make_exam(level, component="theory", review_policy=review_policy,
                     title=text("exam_title"))
    exam.instructions = text("exam_instructions")
    now = now_utc()
    live = make_sitting(exam, title=text("sitting_title"))
    live.location = text("sitting_location")
    marking_sitting = make_sitting(exam, opens=now - timedelta(hours=6),
                                   closes=now - timedelta(hours=2), title="Marking sitting")
    past = make_sitting(exam, opens=now - timedelta(hours=5), closes=now - timedelta(minutes=5),
                        title="Past sitting")
    db.session.commit()

    w.attempt, w.fresh_sitting, w.fresh_enrolment = {}, {}, {}
    w.marking_attempt, w.past_attempt, w.certificate = {}, {}, {}
    for persona in CANDIDATE_PERSONAS:
        user = users[persona]
        w.attempt[persona] = _sit(live, user, items, text, done=False).id
        # A sitting only this candidate is enrolled in, not started yet.
        enrolment = enrol(make_sitting(exam, title=f"Fresh sitting {persona}"), user)
        w.fresh_sitting[persona], w.fresh_enrolment[persona] = enrolment.sitting_id, enrolment.id
        wrong = persona == "other_candidate"
        w.marking_attempt[persona] = _sit(marking_sitting, user, items, text, done=True,
                                          wrong=wrong).id
        w.past_attempt[persona] = _sit(past, user, items, text, done=True, wrong=wrong).id
    w.marking_attempt["examiner_candidate"] = _sit(marking_sitting, users["examiner_candidate"],
                                                   items, text, done=True).id
    for persona in CANDIDATE_PERSONAS:
        _mark_all(db.session.get(Attempt, w.past_attempt[persona]), users["examiner"],
                  text("marker_comment"))
    publish_results(past, actor=users["admin"])
    db.session.commit()
    outcome = certificates.issue_sitting(past, actor=users["admin"])
    db.session.commit()
    for certificate in outcome.issued:
        persona = next(p for p in CANDIDATE_PERSONAS if users[p].id == certificate.candidate_id)
        w.certificate[persona] = certificate.id
    assert set(w.certificate) == set(CANDIDATE_PERSONAS), "both candidates should pass"

    run = Regrade(sitting_id=past.id, reason=text("regrade_reason"),
                  report={"attempts": 2, "changed": []})
    db.session.add(run)
    db.session.commit()
    w.regrade_id = run.id
    w.users = {key: SimpleNamespace(id=u.id, email=u.email, name=u.name, roles=u.roles)
               for key, u in users.items()}
    w.level_number = level.number
    w.unit_id = unit.id
    w.items = {name: item.id for name, item in items.items()}
    w.item_positions = {name: position for position, name in enumerate(items, start=1)}
    w.image_sha = image.sha256
    w.exam_id = exam.id
    w.sittings = {"live": live.id, "marking": marking_sitting.id, "past": past.id}
    w.certificate_numbers = {}
    from certify.certificates.models import Certificate

    for persona, certificate_id in w.certificate.items():
        w.certificate_numbers[persona] = db.session.get(Certificate, certificate_id).number
    w.script = {persona: _script_item(w.marking_attempt[persona])
                for persona in (*CANDIDATE_PERSONAS, "examiner_candidate")}
    w.objective_item = {persona: db.session.get(Attempt, w.marking_attempt[persona]).items[0].id
                        for persona in CANDIDATE_PERSONAS}
    return w


def _script_item(attempt_id: int) -> int:
    """The short-answer item of an attempt (a script waiting for examiners)."""
    attempt = db.session.get(Attempt, attempt_id)
    return next(ai.id for ai in attempt.items if ai.version.item.type == "short_answer")
