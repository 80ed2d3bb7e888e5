"""Demo exams (``flask load-demo``, order 40): a theory and a skills exam for levels 5, 4 and 3,
each with a sitting open now for a week and the demo candidates enrolled.

Theory: 50 items, 90 minutes; skills: 3 practical tasks, 120 minutes; pass mark 60. Blueprints are
derived from the bundled weight tables exactly as an administrator's would be, and every one must be
supplied by the bundled bank (loaded at order 30): otherwise loading stops with the shortfalls.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from certify.auth.demo import DEMO_ACCOUNTS
from certify.auth.models import User
from certify.clock import now_utc
from certify.db import db
from certify.exams import operations
from certify.exams.operations import DefinitionData, SittingData
from certify.syllabus.operations import get_level

#: Difficulty mix per level (easy / medium / hard percent): junior levels are easier.
THEORY_MIX = {5: {"easy": 60, "medium": 30, "hard": 10},
              4: {"easy": 50, "medium": 35, "hard": 15},
              3: {"easy": 40, "medium": 45, "hard": 15}}
#: Level 3 theory includes short answers marked by examiners, as the standard's level 3 does.
THEORY_TYPES = {5: ["single", "multiple", "true_false", "fill_in"],
                4: ["single", "multiple", "true_false", "fill_in"],
                3: ["single", "multiple", "true_false", "fill_in", "short_answer"]}
#: Extra time of the demo candidates, to show accommodations (e-mail → percent).
EXTRA_TIME = {"candidate2@demo.certify.example.org": 25}

THEORY_INSTRUCTIONS = """\
This is a **closed-book** theory exam of {n} questions. Each question is worth the points shown
beside it; there is no penalty for a wrong answer to a single-choice or true/false question.
For multiple-choice questions, choose every option that applies.
"""
SKILLS_INSTRUCTIONS = """\
This practical exam has {n} labeling tasks. Read each task's guideline before you start it: the
work is scored against expert labels with the metric named in the task. Each task shows the time
it is planned for; the exam's clock is the one that counts.
"""


def _admin() -> User | None:
    email = next(a.email for a in DEMO_ACCOUNTS if "admin" in {r.value for r in a.roles})
    return db.session.scalar(db.select(User).where(User.email == email))


def load(echo: Callable[[str], None]) -> None:
    admin = _admin()
    now = now_utc()
    candidates = [db.session.scalar(db.select(User).where(User.email == a.email))
                  for a in DEMO_ACCOUNTS if "candidate" in {r.value for r in a.roles}]
    made = []
    for number in (5, 4, 3):
        level = get_level(number)
        if level is None:
            raise RuntimeError(f"the demo exams need level {number} of the syllabus")
        for component, total, minutes in (("theory", 50, 90), ("skills", 3, 120)):
            if component == "theory":
                blueprint = operations.derive_blueprint(
                    level, component, total, item_types=THEORY_TYPES[number],
                    difficulty=THEORY_MIX[number])
                instructions = THEORY_INSTRUCTIONS.format(n=total)
            else:
                blueprint = operations.derive_blueprint(level, component, total)
                instructions = SKILLS_INSTRUCTIONS.format(n=total)
            title = f"Level {number} {component} exam (demo)"
            exam = operations.create_definition(DefinitionData(
                title=title, level=level, component=component, duration_minutes=minutes,
                pass_mark=Decimal(60), blueprint=blueprint, instructions=instructions),
                actor=admin)
            sitting = operations.create_sitting(SittingData(
                exam=exam, title=f"{title}: open practice sitting", location="Online",
                opens_dt=now - timedelta(minutes=5), closes_dt=now + timedelta(days=7)),
                actor=admin)
            for candidate in candidates:
                if candidate is not None:
                    operations.enrol_candidate(sitting, candidate.email,
                                               EXTRA_TIME.get(candidate.email, 0), actor=admin)
            made.append(title)
    db.session.flush()
    echo(f"  exams: {len(made)} definitions, each with a sitting open for a week "
         f"and {len([c for c in candidates if c])} demo candidates enrolled")
