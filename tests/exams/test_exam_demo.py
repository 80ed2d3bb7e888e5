"""The demo exams: the official paper formats in Chinese where the Chinese bank supplies them (level 4),
and scaled to the bundled English bank; every definition is supplied by the bundled bank and open to
the demo candidates."""

from __future__ import annotations

from collections import Counter

import sqlalchemy as sa

from certify import demo
from certify.auth.models import User
from certify.banks.models import ItemVersion
from certify.db import db
from certify.exams import demo as exams_demo
from certify.exams import supply
from certify.exams.attempts import reading, starting
from certify.exams.blueprint import FormBlueprint
from certify.exams.models import Enrolment, ExamDefinition
from certify.exams.official import FRACTIONS, THEORY
from tests.factories import make_item, make_syllabus


def test_every_bundled_exam_is_supplied_by_the_bundled_bank_and_open_to_the_demo_candidates(app):
    said = []
    for loader in demo.loaders(app):
        if loader.order <= 40:
            loader.load(said.append)
    db.session.commit()
    exams = db.session.scalars(sa.select(ExamDefinition).order_by(ExamDefinition.id)).all()
    # Level 4's Chinese bank (question_banks/theory/level4-zh.csv) supplies the official paper; a
    # level whose Chinese bank is not complete waits for it, and the loader says so.
    official_levels = {e.level.number for e in exams if "official format" in e.title}
    assert 4 in official_levels
    assert [(e.level.number, e.component) for e in exams if "official format" not in e.title] == [
        (5, "theory"), (5, "skills"), (4, "theory"), (4, "skills"), (3, "theory"), (3, "skills")]
    for number in {5, 4, 3} - official_levels:
        assert any(f"level {number} official theory paper" in line and "not defined yet" in line
                   for line in said)
    candidate = db.session.scalar(sa.select(User).where(
        User.email == "candidate@demo.certify.example.org"))
    for exam in exams:
        blueprint = FormBlueprint.from_json(exam.blueprint)
        assert not blueprint.adjusted
        assert supply.report(exam.level, blueprint).ok, exam.title
        if exam.component == "theory" and "official format" in exam.title:
            official = THEORY[exam.level.number]
            assert exam.title == f"Level {exam.level.number} theory exam (official format, zh)"
            assert (exam.item_count, exam.duration_minutes) == (official.total, 90)
            assert blueprint.sections == official.type_counts and blueprint.language == "zh"
        elif exam.component == "theory":
            official = THEORY[exam.level.number]
            assert exam.title == f"Level {exam.level.number} theory exam (demo)"
            assert exam.duration_minutes == 90 and blueprint.language == "en"
            assert any(blueprint.sections == official.scaled(f).type_counts for f in FRACTIONS)
            assert "fill_in" not in blueprint.item_types and "short_answer" not in blueprint.item_types
        (sitting,) = exam.sittings
        assert sitting.window_state == "open" and len(sitting.enrolments) == 2
        enrolment = db.session.scalar(sa.select(Enrolment).where(
            Enrolment.sitting_id == sitting.id, Enrolment.candidate_id == candidate.id))
        attempt = starting.start_attempt(enrolment, None)
        drawn = reading.attempt_items(attempt)
        assert len(drawn) == exam.item_count
        if exam.component == "theory":
            types = [db.session.get(ItemVersion, a.item_version_id).item.type for a in drawn]
            assert Counter(types) == blueprint.sections
    db.session.rollback()


def test_the_official_paper_is_defined_once_the_chinese_bank_can_supply_it(app):
    level = make_syllabus(4)
    units = [u for u in level.units if u.kind == "work_content"]
    # 15 true/false and 40 single-choice Chinese items per work content: a 50 + 150 paper spread
    # over four equal units needs 13 and 38.
    for unit in units:
        for n in range(15):
            make_item("true_false", units=[unit], language="zh", stem=f"判断 {unit.code}-{n}")
        for n in range(40):
            make_item("single", units=[unit], language="zh", stem=f"单选 {unit.code}-{n}")
    make_item("single", units=[units[0]], language="en", stem="An English item")
    said = []
    made = exams_demo._theory_exams(level, None, said.append)
    official = next(e for e in made if "official format" in e.title)
    blueprint = FormBlueprint.from_json(official.blueprint)
    assert (official.item_count, official.duration_minutes) == (200, 90)
    assert blueprint.sections == {"true_false": 50, "single": 150} and blueprint.language == "zh"
    counts = {(r.unit, r.item_type): r.count for r in blueprint.rows}
    assert counts[("L4:1.1", "true_false")] == 13 and counts[("L4:2.2", "single")] == 37
    # The demo paper is the other language's (here one English item: not even a tenth).
    assert [e.title for e in made] == [official.title]
    assert any("cannot supply even 1/10" in line for line in said)
    pool = supply.pool(level, ["true_false", "single"], "zh")
    assert len(pool) == 4 * 55 and {c.language for c in pool} == {"zh"}
