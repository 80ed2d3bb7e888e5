"""Helpers of the resilience tests: a small exam to sit, what a candidate may answer, the
acknowledgements a client collects, and checking the database against them.

The seeding and the checks run inside an app context of the database under test; they work the same
on SQLite and PostgreSQL, in-process (the replay test) and beside a gunicorn server (the crash test).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from certify.audit import AuditEvent
from certify.auth.models import Role, User
from certify.clock import now_utc
from certify.db import db
from certify.exams.answers import check_answer
from certify.exams.models import Attempt, AttemptItem, Response, Sitting
from certify.grading.models import Result
from tests.exams.exam_helpers import make_definition, stock_bank
from tests.factories import enrol, make_practical_item, make_sitting, make_syllabus

#: Password of every seeded candidate.
PASSWORD = "resilience candidate password"

#: An answer's key: (position, record id or "" for an item answered as a whole).
Key = tuple[int, str]
#: What a candidate may answer: (position, record id or None, [possible values]).
Choice = tuple[int, str | None, list[Any]]


@dataclass
class Seeded:
    """The sittings and candidates :func:`seed_exam` made."""

    sittings: dict[str, int]
    #: (e-mail, sitting id) per candidate.
    candidates: list[tuple[str, int]]


def seed_exam(candidates: int) -> Seeded:
    """Seed a small exam day (needs an app context).

    Level 4 with a theory exam (8 items: single, multiple, true/false and fill-in) and a skills exam
    (one 4-record classification task), a sitting of each open now, and ``candidates`` candidates
    enrolled alternately in the theory and the skills sitting, all with :data:`PASSWORD`.
    """
    level = make_syllabus(4)
    stock_bank(level, types=("single", "multiple", "true_false", "fill_in"))
    for unit in (u for u in level.units if u.kind == "work_content"):
        make_practical_item("classification", units=[unit])
    sittings: dict[str, int] = {}
    for component, total in (("theory", 8), ("skills", 1)):
        exam = make_definition(level, component=component, total=total)
        sittings[component] = make_sitting(exam, opens=now_utc() - timedelta(minutes=5),
                                           closes=now_utc() + timedelta(hours=4)).id
    made = []
    for n in range(candidates):
        user = User(name=f"考生 {n:02d}", email=f"sitter{n:02d}@resilience.example.org",
                    candidate_id=f"C{n:08d}")
        user.set_password(PASSWORD)
        user.set_roles({Role.CANDIDATE})
        db.session.add(user)
        db.session.commit()
        sitting_id = sittings["theory" if n % 2 == 0 else "skills"]
        enrol(db.session.get(Sitting, sitting_id), user)
        made.append((user.email, sitting_id))
    return Seeded(sittings, made)


def answer_choices(attempt_id: int) -> list[Choice]:
    """Every answer a candidate of this attempt may save, with a few values for each."""
    choices: list[Choice] = []
    for ai in db.session.scalars(sa.select(AttemptItem).where(AttemptItem.attempt_id == attempt_id)
                                 .order_by(AttemptItem.position)):
        kind, content = ai.version.item.type, ai.version.content or {}
        options = [o["id"] for o in content.get("options", [])]
        if kind == "single":
            choices.append((ai.position, None, options))
        elif kind == "multiple":
            # Not in the order shown: the server stores them normalised, the check must too.
            choices.append((ai.position, None, [options[2::-1], options[:2], [options[-1]], []]))
        elif kind == "true_false":
            choices.append((ai.position, None, [True, False, None]))
        elif kind == "fill_in":
            blanks = content.get("blanks", 1)
            choices.append((ai.position, None, [[f"第{k}稿 draft {k}"] * blanks for k in range(4)]))
        elif kind == "practical":
            task = content["task"]
            for record in task["records"]:
                choices.append((ai.position, str(record["id"]), list(task["config"]["labels"])))
    return choices


def make_save(rng: random.Random, choices: list[Choice], seq: int) -> dict[str, Any]:
    """One autosave body (contracts §3) with one or two answers picked by ``rng``."""
    picked = rng.sample(choices, k=min(len(choices), rng.choice((1, 1, 2))))
    return {"seq": seq, "answers": [{"position": p, "record": r, "value": rng.choice(values)}
                                    for p, r, values in picked]}


@dataclass
class Acks:
    """What the server acknowledged to one candidate: the newest (seq, value) of every answer."""

    attempt_id: int
    newest: dict[Key, tuple[int, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def record(self, body: dict[str, Any], reply: dict[str, Any]) -> None:
        """Note an acknowledged save: ``body`` as sent, ``reply`` the server's 200 answer.

        :raise AssertionError: the reply does not acknowledge exactly what was sent.
        """
        assert reply.get("ok") is True and reply.get("seq") == body["seq"], reply
        sent = [(a["position"], a["record"] or "") for a in body["answers"]]
        said = [(s["position"], s["record"] or "") for s in reply["saved"]]
        assert sorted(said) == sorted(sent), (body, reply)
        with self.lock:
            for answer in body["answers"]:
                key = (answer["position"], answer["record"] or "")
                if body["seq"] > self.newest.get(key, (0, None))[0]:
                    self.newest[key] = (body["seq"], answer["value"])


def answer_discrepancies(acks: Acks) -> list[str]:
    """Every acknowledged answer the database lacks, holds older, or holds with another value.

    The server stores answers normalised (e.g. a multiple choice in the order its options were
    shown); the acknowledged value is normalised the same way before comparing. Needs an app and a
    request context (the normaliser's messages are translated).
    """
    forms = {ai.position: ai for ai in db.session.scalars(
        sa.select(AttemptItem).where(AttemptItem.attempt_id == acks.attempt_id))}
    stored = stored_answers(acks.attempt_id)
    problems = []
    for key, (seq, value) in sorted(acks.newest.items()):
        ai = forms[key[0]]
        expected = check_answer(ai.version.item.type, ai.version.content or {}, ai.option_order,
                                value, position=key[0], record=key[1] or None).value
        have = stored.get(key)
        if have != (seq, expected):
            problems.append(f"attempt {acks.attempt_id} answer {key}: acknowledged seq {seq} "
                            f"{expected!r}, database has {have!r}")
    return problems


def stored_answers(attempt_id: int) -> dict[Key, tuple[int, Any]]:
    """The attempt's saved answers as {(position, record): (seq, value)}."""
    return {(p, r): (seq, value) for p, r, seq, value in db.session.execute(
        sa.select(AttemptItem.position, Response.record_key, Response.seq, Response.value)
        .join(AttemptItem, AttemptItem.id == Response.attempt_item_id)
        .where(Response.attempt_id == attempt_id))}


def response_rows(attempt_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Response)
                             .where(Response.attempt_id == attempt_id))


def submissions(attempt_id: int) -> dict[str, Any]:
    """How often the attempt was submitted, by every trace a submission leaves."""
    attempt = db.session.get(Attempt, attempt_id)
    return {
        "state": attempt.state,
        "audit_entries": db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditEvent)
            .where(AuditEvent.action == "exam.attempt_submitted",
                   AuditEvent.target_type == "Attempt", AuditEvent.target_id == str(attempt_id))),
        "results": db.session.scalar(sa.select(sa.func.count()).select_from(Result)
                                     .where(Result.attempt_id == attempt_id)),
    }


def state_answers(state: dict[str, Any]) -> dict[Key, tuple[int, Any]]:
    """The answers of a ``GET /attempts/<id>/state`` reply as {(position, record): (seq, value)}."""
    return {(a["position"], a["record"] or ""): (a["seq"], a["value"]) for a in state["answers"]}


def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll ``predicate`` until it holds; fail naming ``what`` after ``timeout`` seconds.

    Used to wait for events (saves acknowledged, a request blocked, a worker restarted), never as
    a delay that correctness depends on.
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting until {what}")
        time.sleep(0.02)


def run_together(calls: list[Callable[[], Any]], timeout: float = 120) -> list[Any]:
    """Run each call in its own thread, all released at the same instant; return their results
    in order (an exception a call raised is returned in its place, for the test to check)."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout)
            results[i] = call()
        except Exception as exc:  # handed back to the test, which fails on it
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, c), daemon=True) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), f"a call did not finish in {timeout:g} s"
    return results
