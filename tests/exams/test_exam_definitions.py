"""Exam definitions: derived blueprints, the bank's shortfalls, and the locks after attempts."""

from __future__ import annotations

import sqlalchemy as sa

from certify.db import db
from certify.exams import operations
from certify.exams.blueprint import FormBlueprint
from certify.exams.models import ExamDefinition
from certify.exams.operations import DefinitionData, ExamError
from tests.exams.exam_helpers import make_definition, start, stock_bank
from tests.factories import make_item, make_practical_item, make_syllabus


def _form(level, **changes):
    data = {"title": "Level 4 theory", "level": level.id, "component": "theory",
            "item_count": 8, "duration_minutes": 60, "pass_mark": "60",
            "item_types": ["single", "multiple", "true_false"], "review_policy": "scores",
            "shuffle_items": "y", "shuffle_options": "y", "instructions": "", "note": "",
            "action": "save"}
    data.update(changes)
    return data


def test_checking_shows_the_derived_blueprint_and_what_the_bank_has(app, admin, login_as):
    level = make_syllabus(4)
    stock_bank(level, per_unit=2)
    page = login_as(admin).post("/admin/exams/new", data=_form(level, action="check"))
    assert page.status_code == 200
    for code in ("1.1", "1.2", "2.1", "2.2"):
        assert f'name="count-L4:{code}" value="2"' in page.text
    assert "The approved bank can supply this blueprint." in page.text
    assert db.session.scalar(sa.select(ExamDefinition)) is None


def test_saving_lists_every_shortfall_by_unit_and_band_and_saves_nothing(app, admin, login_as):
    level = make_syllabus(4)
    make_item("single", units=[level.unit_by_code("1.1")], difficulty=2)
    make_item("single", units=[level.unit_by_code("2.1")], difficulty=2)
    make_item("single", units=[level.unit_by_code("2.1")], difficulty=5)
    page = login_as(admin).post("/admin/exams/new", data=_form(
        level, item_count=8, easy_pct="50", medium_pct="25", hard_pct="25"))
    assert page.status_code == 200
    text = page.text
    assert "The exam was not saved" in text
    assert ("L4:1.1 Work content 1.1 needs 2 approved items but the bank has 1 (1 short)."
            in text)
    assert "L4:1.2 Work content 1.2 needs 2 approved items but the bank has 0 (2 short)." in text
    assert "L4:2.2 Work content 2.2 needs 2 approved items but the bank has 0 (2 short)." in text
    assert "L4:2.1" not in text.split("The exam was not saved")[1].split("</ul>")[0]
    assert ("The difficulty mix needs 2 medium (difficulty 3) items but the bank has 0" in text)
    assert db.session.scalar(sa.select(ExamDefinition)) is None


def test_a_definition_is_saved_with_adjusted_counts_and_the_reason(app, admin, login_as):
    level = make_syllabus(4)
    stock_bank(level, per_unit=3)
    client = login_as(admin)
    basis = f"{level.id}:theory:8"
    response = client.post("/admin/exams/new", data=_form(
        level, basis=basis, note="More data quality items this year",
        **{"count-L4:1.1": "3", "count-L4:1.2": "1", "count-L4:2.1": "2", "count-L4:2.2": "2"}))
    assert response.status_code == 302
    exam = db.session.scalar(sa.select(ExamDefinition))
    blueprint = FormBlueprint.from_json(exam.blueprint)
    assert {r.unit: (r.count, r.derived) for r in blueprint.rows} == {
        "L4:1.1": (3, 2), "L4:1.2": (1, 2), "L4:2.1": (2, 2), "L4:2.2": (2, 2)}
    assert blueprint.note == "More data quality items this year"
    page = client.get(response.location)
    assert "adjusted" in page.text and "More data quality items this year" in page.text


def test_counts_that_do_not_add_up_are_refused(app, admin, login_as):
    level = make_syllabus(4)
    stock_bank(level, per_unit=3)
    page = login_as(admin).post("/admin/exams/new", data=_form(
        level, basis=f"{level.id}:theory:8", **{"count-L4:1.1": "3"}))
    assert "Items per unit: the counts sum to 9, not 8" in page.text
    assert db.session.scalar(sa.select(ExamDefinition)) is None


def test_a_changed_number_of_items_derives_the_counts_again(app, admin, login_as):
    level = make_syllabus(4)
    stock_bank(level, per_unit=3)
    page = login_as(admin).post("/admin/exams/new", data=_form(
        level, item_count=12, action="check", basis=f"{level.id}:theory:8",
        **{"count-L4:1.1": "5"}))
    assert "were derived again" in page.text
    assert 'name="count-L4:1.1" value="3"' in page.text


def test_a_skills_exam_draws_practical_tasks_by_the_weight_table(app, admin, login_as):
    level = make_syllabus(4, codes=("1.1", "2.1", "2.2"), components=("theory", "skills"))
    for code in ("1.1", "2.1", "2.2"):
        make_practical_item(units=[level.unit_by_code(code)])
    response = login_as(admin).post("/admin/exams/new", data=_form(
        level, component="skills", item_count=3, duration_minutes=120, item_types=[]))
    assert response.status_code == 302
    blueprint = FormBlueprint.from_json(db.session.scalar(sa.select(ExamDefinition)).blueprint)
    assert [(r.unit, r.count) for r in blueprint.rows] == [("L4:1.1", 1), ("L4:2.1", 1),
                                                           ("L4:2.2", 1)]
    assert blueprint.item_types == ("practical",)


def test_blueprint_counts_are_the_coverage_views_counts(app):
    from certify.banks.coverage import required_counts

    level = make_syllabus(4, codes=("0.1", "1.1", "1.2", "2.1", "2.2", "3.1"))
    for total in (7, 50):
        blueprint = operations.derive_blueprint(level, "theory", total)
        assert {r.unit: r.count for r in blueprint.rows} == required_counts(level, "theory", total)


def test_a_level_without_the_component_is_refused(app, admin):
    level = make_syllabus(4, components=("theory",))
    stock_bank(level)
    try:
        operations.create_definition(DefinitionData(
            title="x", level=level, component="skills", duration_minutes=60, pass_mark=60,
            blueprint=operations.derive_blueprint(level, "theory", 4)), actor=admin)
    except ExamError as exc:
        assert "Level 4 is not examined in skills." in exc.problems
    else:
        raise AssertionError("a skills exam of a theory-only level was saved")


def test_after_an_attempt_only_title_instructions_and_review_policy_change(setup, admin, login_as):
    start(setup.enrolment)
    client = login_as(admin)
    page = client.get(f"/admin/exams/{setup.exam.id}/edit")
    assert "only its title, instructions and review policy can change" in page.text
    assert 'name="duration_minutes"' in page.text and "disabled" in page.text
    response = client.post(f"/admin/exams/{setup.exam.id}/edit", data={
        "title": "Renamed", "review_policy": "responses", "instructions": "Bring a pencil.",
        "duration_minutes": "5", "action": "save"})
    assert response.status_code == 302
    exam = db.session.get(ExamDefinition, setup.exam.id)
    assert (exam.title, exam.review_policy, exam.instructions) == (
        "Renamed", "responses", "Bring a pencil.")
    assert exam.duration_minutes == 60
    try:
        operations.update_definition(exam, DefinitionData(
            title="x", level=exam.level, component="theory", duration_minutes=5,
            pass_mark=exam.pass_mark, blueprint=FormBlueprint.from_json(exam.blueprint)), actor=admin)
    except ExamError as exc:
        assert "cannot change" in exc.problems[0]
    else:
        raise AssertionError("a locked duration changed")


def test_a_definition_with_sittings_is_archived_not_deleted(setup, admin, login_as):
    client = login_as(admin)
    refused = client.post(f"/admin/exams/{setup.exam.id}/delete", follow_redirects=True)
    assert "cannot be deleted" in refused.text
    client.post(f"/admin/exams/{setup.exam.id}/archive", data={"archived": "1"})
    assert db.session.get(ExamDefinition, setup.exam.id).is_archived
    form = client.get("/admin/sittings/new")
    assert f'value="{setup.exam.id}"' not in form.text
    unused = make_definition(setup.level, title="Unused").id
    assert client.post(f"/admin/exams/{unused}/delete").status_code == 302
    assert db.session.get(ExamDefinition, unused) is None


def test_the_definition_page_shows_live_supply(setup, admin, login_as):
    page = login_as(admin).get(f"/admin/exams/{setup.exam.id}")
    assert "The approved bank can supply this blueprint." in page.text
    from certify.banks.models import Item
    for item in db.session.scalars(sa.select(Item)).all()[:2]:
        item.status = "retired"
    db.session.commit()
    page = login_as(admin).get(f"/admin/exams/{setup.exam.id}")
    assert "The approved bank cannot supply this blueprint yet" in page.text
