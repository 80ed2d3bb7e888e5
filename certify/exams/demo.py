"""Demo exams (``flask load-demo``, order 40): a theory and a skills exam for levels 5, 4 and 3,
each with a sitting open now for a week and the demo candidates enrolled.

**Theory** follows the official paper formats (:mod:`certify.exams.official`): levels 5 and 4
50 true/false + 150 single choice, level 3 40 true/false + 140 single + 10 multiple choice, 90
minutes, pass mark 60, in sections by item type, each section apportioned over the weight table.
Two kinds of definition are made per level:

- ``Level N theory exam (official format, zh)``: the full paper in Chinese, the exam's language.
  It is defined only when the approved Chinese bank can supply it (at least one complete form);
  until then the loader prints how many unit slots are short, and the definition appears on the
  first ``load-demo`` after the bank is complete.
- ``Level N theory exam (demo)``: the same paper scaled to the largest of 1, ½, ⅕ and ⅒ that the
  bundled bank supplies, in the language most of the level's approved items are in (the bundled
  bank today: English, ⅕ — 10 true/false + 30 single choice at level 4). It keeps the demo usable
  while the bank grows; its instructions say how it differs from the official paper.

**Skills**: 3 practical tasks, 120 minutes. Blueprints are derived from the bundled weight tables
exactly as an administrator's would be, and every definition made is supplied by the bundled bank
(loaded at order 30); a skills exam the bank cannot supply stops the loading with the shortfalls.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from certify.auth.demo import DEMO_ACCOUNTS
from certify.auth.models import User
from certify.clock import now_utc
from certify.db import db
from certify.exams import operations, supply
from certify.exams.official import FRACTIONS, PaperFormat, theory_format
from certify.exams.operations import DefinitionData, ExamError, SittingData
from certify.syllabus.models import Level
from certify.syllabus.operations import get_level

#: Extra time of the demo candidates, to show accommodations (e-mail → percent).
EXTRA_TIME = {"candidate2@demo.certify.example.org": 25}

TYPE_WORDS = {"en": {"true_false": "true/false", "single": "single-choice",
                     "multiple": "multiple-choice"},
              "zh": {"true_false": "判断题", "single": "单选题", "multiple": "多选题"}}

THEORY_INSTRUCTIONS = {
    "en": """\
This is a **closed-book** theory exam of {n} questions in sections: {sections}. Each question is
worth the points shown beside it; there is no penalty for a wrong answer. For multiple-choice
questions, choose every option that applies.
{note}""",
    "zh": """\
本场为**闭卷**理论知识考试，共 {n} 题，按题型分部分：{sections}。每题分值见题旁；答错不扣分。
多选题须选出全部正确选项。
{note}""",
}
SCALED_NOTE = {
    "en": "\n*Demo:* the official level {level} paper has {official}; this demo paper keeps its "
          "sections and their proportions at {size}, drawn from the bundled bank.\n",
    "zh": "\n*演示：*官方试卷为 {official_zh}；本演示卷保持各题型的比例，题量为官方试卷的 {size_zh}。\n",
}
SKILLS_INSTRUCTIONS = """\
This practical exam has {n} labeling tasks. Read each task's guideline before you start it: the
work is scored against expert labels with the metric named in the task. Each task shows the time
it is planned for; the exam's clock is the one that counts.
"""


def _admin() -> User | None:
    email = next(a.email for a in DEMO_ACCOUNTS if "admin" in {r.value for r in a.roles})
    return db.session.scalar(db.select(User).where(User.email == email))


def _sections_text(paper: PaperFormat, language: str) -> str:
    words = TYPE_WORDS.get(language, TYPE_WORDS["en"])
    if language == "zh":
        return "，".join(f"{words[t]} {n} 题" for t, n in paper.sections)
    return ", ".join(f"{n} {words[t]}" for t, n in paper.sections)


def _main_language(level: Level, paper: PaperFormat, besides: str | None) -> str | None:
    """The language most of the level's approved items of the paper's types are in (other than
    ``besides``, whose paper exists already)."""
    languages = Counter(c.language for c in supply.pool(level, list(paper.type_counts))
                        if c.language != besides)
    return languages.most_common(1)[0][0] if languages else None


def _theory(level: Level, paper: PaperFormat, language: str, title: str, note: str,
            admin: User | None):  # type: ignore[no-untyped-def]
    blueprint = operations.derive_blueprint(level, "theory", paper.total,
                                            type_counts=paper.type_counts, language=language)
    template = THEORY_INSTRUCTIONS.get(language, THEORY_INSTRUCTIONS["en"])
    instructions = template.format(n=paper.total, sections=_sections_text(paper, language),
                                   note=note)
    return operations.create_definition(DefinitionData(
        title=title, level=level, component="theory", duration_minutes=paper.minutes,
        pass_mark=Decimal(paper.pass_mark), blueprint=blueprint, instructions=instructions),
        actor=admin)


def _theory_exams(level: Level, admin: User | None, echo: Callable[[str], None]) -> list:
    paper = theory_format(level.number)
    if paper is None:
        return []
    made = []
    try:
        made.append(_theory(level, paper, paper.language,
                            f"Level {level.number} theory exam (official format, {paper.language})",
                            "", admin))
    except ExamError as exc:
        echo(f"  exams: level {level.number} official theory paper ({paper.describe()}, "
             f"{paper.language}) not defined yet: {len(exc.problems)} slots short in the approved "
             "bank")
    language = _main_language(level, paper, paper.language if made else None)
    if language is None:
        return made
    for fraction in FRACTIONS:
        scaled = paper.scaled(fraction)
        size = "its full size" if fraction == 1 else f"{fraction} of its size"
        note = SCALED_NOTE.get(language, SCALED_NOTE["en"]).format(
            level=level.number, official=_sections_text(paper, "en"),
            official_zh=_sections_text(paper, "zh"), size=size,
            size_zh="全部" if fraction == 1 else str(fraction))
        try:
            made.append(_theory(level, scaled, language, f"Level {level.number} theory exam (demo)",
                                note, admin))
        except ExamError:
            continue
        break
    else:
        echo(f"  exams: level {level.number}: the bundled bank cannot supply even "
             f"{FRACTIONS[-1]} of the official theory paper; no demo theory exam")
    return made


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
        exams = _theory_exams(level, admin, echo)
        skills = operations.derive_blueprint(level, "skills", 3)
        exams.append(operations.create_definition(DefinitionData(
            title=f"Level {number} skills exam (demo)", level=level, component="skills",
            duration_minutes=120, pass_mark=Decimal(60), blueprint=skills,
            instructions=SKILLS_INSTRUCTIONS.format(n=3)), actor=admin))
        for exam in exams:
            sitting = operations.create_sitting(SittingData(
                exam=exam, title=f"{exam.title}: open practice sitting", location="Online",
                opens_dt=now - timedelta(minutes=5), closes_dt=now + timedelta(days=7)),
                actor=admin)
            for candidate in candidates:
                if candidate is not None:
                    operations.enrol_candidate(sitting, candidate.email,
                                               EXTRA_TIME.get(candidate.email, 0), actor=admin)
            made.append(exam.title)
    db.session.flush()
    echo(f"  exams: {len(made)} definitions, each with a sitting open for a week "
         f"and {len([c for c in candidates if c])} demo candidates enrolled")
