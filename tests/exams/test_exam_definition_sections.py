"""The definition form: sections by item type and the exam's language, through the admin pages."""

from __future__ import annotations

import sqlalchemy as sa

from certify.db import db
from certify.exams.blueprint import FormBlueprint
from certify.exams.models import ExamDefinition
from tests.factories import make_item, make_syllabus


def _form(level, **changes):
    data = {"title": "Level 4 theory (official format)", "level": level.id, "component": "theory",
            "item_count": 8, "duration_minutes": 90, "pass_mark": "60",
            "item_types": ["single", "true_false"], "review_policy": "scores",
            "shuffle_items": "y", "shuffle_options": "y", "instructions": "", "note": "",
            "count_true_false": "4", "count_single": "4", "language": "zh", "action": "save"}
    data.update(changes)
    return data


def _stock(level, language, per_type=3):
    for unit in (u for u in level.units if u.kind == "work_content"):
        for item_type in ("true_false", "single"):
            for _ in range(per_type):
                make_item(item_type, units=[unit], language=language)


def test_an_exam_in_sections_and_one_language_is_saved_from_the_form(app, admin, login_as):
    level = make_syllabus(4)
    _stock(level, "zh", per_type=1)
    _stock(level, "en", per_type=3)
    client = login_as(admin)
    check = client.post("/admin/exams/new", data=_form(level, action="check"))
    assert 'name="count-L4:1.1|true_false" value="1"' in check.text
    assert "only items in zh" in check.text
    assert "The approved bank can supply this blueprint." in check.text
    saved = client.post("/admin/exams/new", data=_form(level))
    assert saved.status_code == 302
    blueprint = FormBlueprint.from_json(db.session.scalar(sa.select(ExamDefinition)).blueprint)
    assert blueprint.sections == {"true_false": 4, "single": 4} and blueprint.language == "zh"
    edit = client.get(f"{saved.location}/edit")
    assert 'name="count_true_false"' in edit.text and 'value="4"' in edit.text


def test_a_chinese_exam_is_short_when_only_english_items_exist(app, admin, login_as):
    level = make_syllabus(4)
    _stock(level, "en", per_type=3)
    page = login_as(admin).post("/admin/exams/new", data=_form(level))
    assert page.status_code == 200
    assert "needs 1 approved True / false items in zh but the bank has 0" in page.text
    assert db.session.scalar(sa.select(ExamDefinition)) is None


def test_sections_that_do_not_add_up_are_refused(app, admin, login_as):
    level = make_syllabus(4)
    _stock(level, "zh")
    page = login_as(admin).post("/admin/exams/new", data=_form(level, count_single="6"))
    assert "The items per type add up to 10, not to the 8 items of the exam." in page.text
    assert db.session.scalar(sa.select(ExamDefinition)) is None
