"""The syllabus: the bundled standard, the file format, weight rules, the editor and the pages."""

from __future__ import annotations

import copy
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa
import yaml

from certify.db import db
from certify.demo import BANK_DIR
from certify.syllabus import operations
from certify.syllabus.models import Component, Unit, Weight
from certify.syllabus.spec import SyllabusError, dump_yaml, load_yaml, parse_syllabus, spec_to_dict

BUNDLED = BANK_DIR / "syllabus" / "ai-trainer.yaml"


@pytest.fixture
def bundled_data():
    return yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))


@pytest.fixture
def loaded(app, bundled_data):
    operations.import_syllabus(parse_syllabus(bundled_data))
    db.session.commit()
    return operations.get_occupation()


def test_bundled_syllabus_covers_five_levels_with_valid_weights(bundled_data):
    spec = parse_syllabus(bundled_data)
    assert spec.code == "4-04-05-05"
    assert [lv.number for lv in spec.levels] == [5, 4, 3, 2, 1]
    for level in spec.levels:
        assert level.name_zh and level.name_en
        for component in ("theory", "skills"):
            assert sum(level.weights[component].values()) == 100, (level.number, component)
        kinds = {unit.kind for unit, _parent in level.walk()}
        assert kinds == {"function", "work_content", "skill", "knowledge"}
    level3 = next(lv for lv in spec.levels if lv.number == 3)
    titles = {unit.code: unit.title_zh for unit, _p in level3.walk()}
    assert titles["2.2"] == "算法测试" and titles["3.2"] == "人机交互流程设计"


def test_weights_that_do_not_sum_to_100_are_rejected_with_a_message(bundled_data):
    data = copy.deepcopy(bundled_data)
    level4 = next(lv for lv in data["levels"] if lv["number"] == 4)
    largest = max(level4["weights"]["theory"], key=level4["weights"]["theory"].get)
    level4["weights"]["theory"][largest] -= 5
    with pytest.raises(SyllabusError) as info:
        parse_syllabus(data)
    assert info.value.problems == ["Level 4, theory weights: the percentages sum to 95, not 100."]


def test_every_problem_of_a_file_is_reported_with_its_level_and_unit(bundled_data):
    data = copy.deepcopy(bundled_data)
    level5 = next(lv for lv in data["levels"] if lv["number"] == 5)
    level5["weights"]["skills"]["9.9"] = 1
    level5["units"][1]["children"][0]["code"] = "7.1"
    level5["units"][1]["kind"] = "skill"
    with pytest.raises(SyllabusError) as info:
        parse_syllabus(data)
    text = "\n".join(info.value.problems)
    assert "Level 5, skills weights: unit 9.9 does not exist in level 5." in text
    assert "Level 5, unit 7.1: the code must start with its parent's code" in text
    assert "a skill cannot be placed here" in text
    assert "sum to 101, not 100" in text


def test_a_unit_weighted_with_its_parent_is_double_counting(bundled_data):
    data = copy.deepcopy(bundled_data)
    level3 = next(lv for lv in data["levels"] if lv["number"] == 3)
    table = level3["weights"]["theory"]
    table["2"] = table.pop("2.1")
    with pytest.raises(SyllabusError, match=r"unit 2\.2 is weighted together with its parent unit 2\b"):
        parse_syllabus(data)


def test_import_then_export_round_trips(loaded, bundled_data):
    exported = dump_yaml(operations.export_syllabus(loaded))
    again = load_yaml(exported)
    assert spec_to_dict(again) == spec_to_dict(parse_syllabus(bundled_data))
    assert "人工智能训练师" in exported  # readable, not escaped


def test_reimporting_the_same_file_changes_nothing(loaded, bundled_data):
    summary = operations.import_syllabus(parse_syllabus(bundled_data))
    assert not summary.changed


def test_dry_run_reports_changes_and_changes_nothing(loaded, bundled_data):
    data = copy.deepcopy(bundled_data)
    level4 = next(lv for lv in data["levels"] if lv["number"] == 4)
    level4["units"][1]["title_en"] = "Renamed function"
    summary = operations.import_syllabus(parse_syllabus(data), dry_run=True)
    assert summary.updated == ["unit L4:1 (title_en)"]
    db.session.commit()
    assert operations.find_unit("L4:1").title_en != "Renamed function"


def test_weight_form_rejects_a_bad_total_and_saves_a_good_one(loaded, admin, login_as):
    client = login_as(admin)
    level = operations.get_level(4)
    table = level.weight_table(Component.THEORY)
    ids = {u.code: u.id for u in level.units}
    form = {f"u{ids[code]}": str(pct) for code, pct in table.items()}
    first = next(iter(table))
    form[f"u{ids[first]}"] = str(table[first] + 3)
    response = client.post("/admin/syllabus/level/4/weights/theory", data=form)
    assert response.status_code == 200
    assert "the percentages sum to 103, not 100" in response.get_data(as_text=True)
    form[f"u{ids[first]}"] = str(table[first])
    assert client.post("/admin/syllabus/level/4/weights/theory", data=form).status_code == 302
    rows = db.session.scalars(sa.select(Weight).where(Weight.level_id == level.id,
                                                      Weight.component == "theory")).all()
    assert sum(r.percent for r in rows) == Decimal(100)


def test_admin_edits_adds_and_deletes_units(loaded, admin, login_as):
    client = login_as(admin)
    unit = operations.find_unit("L4:2.1")
    response = client.post(f"/admin/syllabus/unit/{unit.id}", data={
        "title_en": "Data classification and definition", "title_zh": "数据归类和定义",
        "description_en": "Designing label taxonomies.", "description_zh": "", "source": "firm"})
    assert response.status_code == 302
    assert operations.find_unit("L4:2.1").description_en == "Designing label taxonomies."

    response = client.post("/admin/syllabus/level/4/units/new", data={
        "parent": unit.id, "code": "2.1.K9", "kind": "knowledge", "title_en": "Label hierarchies",
        "title_zh": "层级标签", "source": "written"})
    assert response.status_code == 302
    added = operations.find_unit("L4:2.1.K9")
    assert added.parent_id == unit.id

    bad = client.post("/admin/syllabus/level/4/units/new", data={
        "parent": unit.id, "code": "3.9", "kind": "knowledge", "title_en": "x", "title_zh": "x",
        "source": "written"})
    assert "The code must start with 2.1." in bad.get_data(as_text=True)

    assert client.post(f"/admin/syllabus/unit/{added.id}/delete").status_code == 302
    assert operations.find_unit("L4:2.1.K9") is None
    weighted = operations.find_unit("L4:2.1")
    client.post(f"/admin/syllabus/unit/{weighted.id}/delete")
    assert operations.find_unit("L4:2.1") is not None  # it has children and a weight


def test_admin_uploads_a_file_with_a_dry_run_first(loaded, admin, login_as, bundled_data):
    client = login_as(admin)
    data = copy.deepcopy(bundled_data)
    next(lv for lv in data["levels"] if lv["number"] == 3)["name_en"] = "Level 3 — Senior (new)"
    payload = yaml.safe_dump(data, allow_unicode=True).encode()
    response = client.post("/admin/syllabus/", data={
        "file": (io.BytesIO(payload), "s.yaml"), "dry_run": "y"},
        content_type="multipart/form-data")
    assert "Dry run: nothing was changed." in response.get_data(as_text=True)
    assert operations.get_level(3).name_en != "Level 3 — Senior (new)"
    client.post("/admin/syllabus/", data={"file": (io.BytesIO(payload), "s.yaml")},
                content_type="multipart/form-data")
    assert operations.get_level(3).name_en == "Level 3 — Senior (new)"


def test_a_broken_upload_imports_nothing_and_says_why(loaded, admin, login_as):
    client = login_as(admin)
    response = client.post("/admin/syllabus/", data={
        "file": (io.BytesIO(b"occupation: [unclosed"), "s.yaml")},
        content_type="multipart/form-data")
    assert "The file is not valid YAML (line 1)" in response.get_data(as_text=True)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Unit))
    assert count == len(loaded.levels[0].units) + sum(len(lv.units) for lv in loaded.levels[1:])


def test_public_pages_show_the_syllabus_per_level(loaded, client):
    page = client.get("/syllabus/level/3").get_data(as_text=True)
    assert "Algorithm testing" in page and "2.2" in page
    assert client.get("/syllabus/level/9").status_code == 404
    client.post("/language", data={"locale": "zh"})
    page = client.get("/syllabus/level/3").get_data(as_text=True)
    assert "算法测试" in page
