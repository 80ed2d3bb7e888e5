"""Demo results (``flask load-demo``, order 50): past sittings with simulated candidates.

So that the results pages, the marking queue and the item analysis show something on a fresh demo:

- **Level 4 theory and skills**, each held a week ago: 30 simulated candidates and the two demo
  candidates sit forms drawn from the bundled bank exactly as the exam pages draw them; every answer
  is simulated from the candidate's ability and the item's difficulty, graded, and the results are
  published. 张伟 (the demo candidate) passes both components, so level 4.
- **Level 3 skills**, held yesterday: 12 simulated candidates; their rubric tasks wait for the
  demo examiners, so the results are not published.

Simulated candidates cannot log in (random passwords). The simulation is seeded: every demo load
gives the same numbers. Nothing here commits (``load-demo`` runs every loader in one transaction).
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from werkzeug.security import generate_password_hash

from certify.auth.demo import DEMO_ACCOUNTS
from certify.auth.models import Role, User
from certify.banks.models import ItemVersion
from certify.clock import now_utc
from certify.db import db
from certify.demo import DemoLoader, add_loader
from certify.exams import timing
from certify.exams.attempts.starting import draw_form
from certify.exams.models import (
    Attempt,
    AttemptItem,
    AttemptState,
    ExamDefinition,
    Response,
    Sitting,
)
from certify.exams.operations import SittingData, create_sitting, enrol_candidate
from certify.grading import marking
from certify.grading.on_submit import grade_attempt
from certify.grading.publication import publish_results
from certify.tasks import get_task_type

#: Simulated candidates' names (any script, as on certificates).
NAMES = ["李娜", "王芳", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴婷", "徐强", "孙悦",
         "马超", "朱琳", "胡斌", "郭颖", "何平", "高翔", "林晓", "罗军", "梁爽", "Amina Yusuf",
         "Lucas Martin", "Priya Nair", "Jonas Berg", "Sofia Rossi", "Kenji Sato", "Olga Petrova",
         "Diego Alvarez", "Hana Kim", "Tom Walsh"]
SHORT_ANSWERS = [
    "",
    "Check the data.",
    "First I would compare the labels with the guideline and count the errors per labeler.",
    "Sample the batch, compare every sampled label with the guideline, compute the error rate per "
    "labeler and per class, send the batch back when the rate is above the agreed threshold, and "
    "update the guideline with the confusing cases so that the rework does not repeat them.",
]


def _admin() -> User | None:
    email = next(a.email for a in DEMO_ACCOUNTS if Role.ADMIN in a.roles)
    return db.session.scalar(sa.select(User).where(User.email == email))


def _exam(title: str) -> ExamDefinition | None:
    return db.session.scalar(sa.select(ExamDefinition).where(ExamDefinition.title == title))


def _simulated_candidates(count: int) -> list[User]:
    """Candidates nobody can log in as: a random password nobody knows. It is hashed with a cheap
    method on purpose — a 256-bit random secret needs no slow hash, and scrypt would add half a
    second per account to every demo load."""
    people = []
    for n in range(count):
        email = f"simulated{n + 1:02d}@demo.certify.example.org"
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            user = User(name=NAMES[n % len(NAMES)], email=email,
                        candidate_id=f"SIM{2025000 + n + 1}",
                        password_hash=generate_password_hash(secrets.token_urlsafe(32),
                                                             method="pbkdf2:sha256:1"))
            user.set_roles({Role.CANDIDATE})
            db.session.add(user)
        people.append(user)
    db.session.flush()
    return people


def _demo_candidates() -> list[User]:
    emails = [a.email for a in DEMO_ACCOUNTS if Role.CANDIDATE in a.roles]
    return list(db.session.scalars(sa.select(User).where(User.email.in_(emails))
                                   .order_by(User.email)))


# Simulated answers ------------------------------------------------------------------------------

def _objective(rng: random.Random, version: ItemVersion, p: float) -> Any:
    kind, content, key = version.item.type, version.content or {}, version.key or {}
    right = rng.random() < p
    options = [o["id"] for o in content.get("options") or []]
    if kind == "single":
        return key["correct"] if right else rng.choice([o for o in options
                                                        if o != key["correct"]])
    if kind == "multiple":
        if right:
            return sorted(key["correct"])
        picked = sorted(rng.sample(options, rng.randint(1, max(1, len(options) - 1))))
        return picked if picked != sorted(key["correct"]) else picked[:-1] or [options[0]]
    if kind == "true_false":
        return bool(key["correct"]) if right else not key["correct"]
    if kind == "fill_in":
        values = []
        for blank in key.get("blanks") or []:
            if rng.random() < p:
                values.append(str(blank["numeric"]) if "numeric" in blank
                              else str((blank.get("accepted") or ["?"])[0]))
            else:
                values.append("?")
        return values
    return SHORT_ANSWERS[min(len(SHORT_ANSWERS) - 1, int(p * len(SHORT_ANSWERS)))]


def _record_answer(rng: random.Random, task_type: str, record: dict, gold: Any,
                   config: dict) -> Any:
    """A plausible wrong answer to one record (the simulated candidate missed it)."""
    if task_type == "classification":
        return rng.choice([x for x in config.get("labels", []) if x != gold] or [gold])
    if task_type == "rating":
        scale = config.get("scale") or {"min": 1, "max": 5}
        return rng.choice([x for x in range(scale["min"], scale["max"] + 1) if x != gold])
    if task_type == "multilabel":
        return list(gold[:-1]) if gold else list(config.get("labels", [])[:1])
    if task_type in ("ner", "bbox"):
        return list(gold[:-1])
    if task_type == "transcription":
        return gold[:-1] if gold else "?"
    if task_type == "ranking":
        return list(reversed(gold))
    return None


def _practical(rng: random.Random, version: ItemVersion, p: float) -> dict[str, Any]:
    task = (version.content or {}).get("task") or {}
    task_type = task.get("task_type", "")
    answers: dict[str, Any] = {}
    if task_type == "rubric":
        for record in task.get("records") or []:
            answers[record["id"]] = _objective(rng, version, p) or "(no answer)"
        return answers
    gold_field = get_task_type(task_type).gold_field
    gold = (version.key or {}).get("gold") or {}
    for record in task.get("records") or []:
        value = (gold.get(record["id"]) or {}).get(gold_field)
        if rng.random() < p:
            answers[record["id"]] = value
        else:
            wrong = _record_answer(rng, task_type, record, value, task.get("config") or {})
            if wrong is not None:
                answers[record["id"]] = wrong
    return answers


# Sittings --------------------------------------------------------------------------------------

def _past_sitting(exam: ExamDefinition, title: str, days_ago: int, admin: User | None) -> Sitting:
    closes = now_utc() - timedelta(days=days_ago)
    return create_sitting(SittingData(exam=exam, title=title, location="Exam centre, room 2",
                                      opens_dt=closes - timedelta(hours=4), closes_dt=closes),
                          actor=admin)


def _sit(rng: random.Random, sitting: Sitting, candidate: User, ability: float,
         admin: User | None) -> Attempt:
    """Draw a form as the exam pages do, answer it as ``ability`` allows, submit and grade it."""
    enrolment = enrol_candidate(sitting, candidate.email, actor=admin)
    seed = rng.getrandbits(62)
    form = draw_form(seed, enrolment)
    versions = {v.id: v for v in db.session.scalars(
        sa.select(ItemVersion).where(ItemVersion.id.in_([f.version_id for f in form])))}
    started = sitting.opens_dt + timedelta(minutes=rng.randint(0, 20))
    exam = sitting.exam
    attempt = Attempt(enrolment=enrolment, seed=seed, started_dt=started,
                      deadline_dt=timing.deadline(started, exam.duration_minutes),
                      state=AttemptState.SUBMITTED.value,
                      submitted_dt=started + timedelta(minutes=exam.duration_minutes - 10),
                      submit_reason="candidate",
                      script_number=f"DM{secrets.token_hex(3).upper()}")
    db.session.add(attempt)
    db.session.flush()
    seq = 0
    for position, drawn in enumerate(form, start=1):
        version = versions[drawn.version_id]
        item = AttemptItem(position=position, item_version_id=version.id,
                           option_order=list(drawn.option_order) if drawn.option_order else None,
                           points=version.points, opened_dt=started,
                           last_saved_dt=started + timedelta(minutes=rng.randint(5, 25)))
        attempt.items.append(item)
        p = max(0.05, min(0.98, ability - (version.difficulty - 3) * 0.08))
        if version.item.type == "practical":
            values = _practical(rng, version, p)
        else:
            values = {"": _objective(rng, version, p)}
        for record, value in values.items():
            seq += 1
            item.responses.append(Response(attempt_id=attempt.id, record_key=record, value=value,
                                           answered=True, seq=seq, saved_dt=item.last_saved_dt))
    attempt.last_seq = seq
    db.session.flush()
    grade_attempt(attempt.id, actor=admin)
    return attempt


def _mark_all(rng: random.Random, sitting: Sitting, abilities: dict[int, float]) -> None:
    """The demo examiners mark every script item of a sitting that waits for them."""
    examiners = list(db.session.scalars(sa.select(User).where(User.email.in_(
        [a.email for a in DEMO_ACCOUNTS if Role.EXAMINER in a.roles])).order_by(User.email)))
    if not examiners:
        return
    examiner = examiners[0]
    for entry in marking.queue(examiner):
        if entry.sitting.id != sitting.id:
            continue
        while (attempt_item_id := marking.next_script(examiner, sitting.id,
                                                      entry.item.id)) is not None:
            task = marking.marking_task(examiner, attempt_item_id)
            ability = abilities.get(task.attempt_item.attempt_id, 0.5)
            points = [round(2 * min(1.0, max(0.0, rng.gauss(ability, 0.15)))
                            * float(cp.get("points", 0))) / 2 for cp in task.rubric]
            marking.submit_mark(examiner, attempt_item_id, points, ["" for _ in task.rubric],
                                "Marked for the demo.")


def load(echo: Callable[[str], None]) -> None:
    admin = _admin()
    rng = random.Random(20250601)
    people = _simulated_candidates(30)
    demo_people = _demo_candidates()
    made = []
    for component in ("theory", "skills"):
        exam = _exam(f"Level 4 {component} exam (demo)")
        if exam is None:
            echo(f"  grading: no demo level 4 {component} exam; no past sitting made")
            continue
        sitting = _past_sitting(exam, f"Level 4 {component}: last week's sitting (results)", 7,
                                admin)
        abilities: dict[int, float] = {}
        for n, person in enumerate(people):
            ability = 0.35 + 0.6 * n / (len(people) - 1)
            abilities[_sit(rng, sitting, person, ability, admin).id] = ability
        for person in demo_people:
            ability = 0.97 if "张" in person.name else 0.5
            abilities[_sit(rng, sitting, person, ability, admin).id] = ability
        db.session.flush()
        _mark_all(rng, sitting, abilities)
        publish_results(sitting, actor=admin)
        made.append(sitting.title)
    # Theory papers have no short answers (official formats): the level 3 skills exam's rubric
    # tasks are what waits for the demo examiners.
    exam = _exam("Level 3 skills exam (demo)")
    if exam is not None:
        sitting = _past_sitting(exam, "Level 3 skills: yesterday's sitting (being marked)", 1,
                                admin)
        for n, person in enumerate(people[:12]):
            _sit(rng, sitting, person, 0.4 + 0.5 * n / 11, admin)
        made.append(sitting.title)
    db.session.flush()
    echo(f"  grading: {len(made)} past sittings with simulated results ({'; '.join(made)})")


def init_app(app: Flask) -> None:
    add_loader(app, DemoLoader("grading", load, order=50))
