"""The rebuilt syllabus: the official element points of levels 4 and 3, the four functions of levels 2 and 1,
and theory weights that are the work contents' shares of the element points."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
import yaml

from certify.db import db
from certify.demo import BANK_DIR
from certify.syllabus import operations
from certify.syllabus.spec import SyllabusError, parse_syllabus

BUNDLED = BANK_DIR / "syllabus" / "ai-trainer.yaml"


@pytest.fixture(scope="module")
def spec():
    return parse_syllabus(yaml.safe_load(BUNDLED.read_text(encoding="utf-8")))


def _level(spec, number):
    return next(lv for lv in spec.levels if lv.number == number)


def _points(level):
    """Element points: knowledge units whose parent is a knowledge unit (an element range)."""
    return [(u, p) for u, p in level.walk() if u.kind == "knowledge" and p and p.kind == "knowledge"]


@pytest.mark.parametrize(("number", "count"), [(4, 250), (3, 300)])
def test_levels_4_and_3_hold_every_official_element_point(spec, number, count):
    points = _points(_level(spec, number))
    assert len(points) == count
    for unit, parent in points:
        assert unit.source == "firm" and unit.title_zh and unit.title_en
        assert unit.code.startswith(parent.code + ".") and unit.code.count(".") == 3


def test_the_issues_examples_sit_where_the_element_tables_put_them(spec):
    level4 = {u.code: u for u, _p in _level(spec, 4).walk()}
    assert level4["2.1.2.4"].title_zh == "支持向量机的相关知识"
    assert level4["2.1.2.18"].title_zh == "迁移学习的概念"
    assert level4["2.1.1.19"].title_zh == "K-Means聚类算法的概念"
    assert level4["3.2.1.3"].title_zh == "固定随机种子的概念"
    assert level4["3.1.4.1"].title_zh == "智能数据平台的理解"
    assert level4["0.2.2.8"].title_zh == "专利申请权主体的明确界定"
    level3 = {u.code: u for u, _p in _level(spec, 3).walk()}
    assert level3["1.1.1.5"].title_zh == "ETL工具的基本原理和使用方法"
    assert level3["3.2.2.13"].title_zh == "Figma的设计系统支持"
    assert level3["3.1.1.14"].title_zh == "机器学习特征工程的分类"


@pytest.mark.parametrize("number", [4, 3])
def test_theory_weights_are_the_work_contents_shares_of_the_element_points(spec, number):
    level = _level(spec, number)
    points = _points(level)
    share = {}
    for unit, _parent in points:
        work_content = ".".join(unit.code.split(".")[:2])
        share[work_content] = share.get(work_content, 0) + 1
    expected = {code: Decimal(100 * n / len(points)).quantize(Decimal("0.001"))
                for code, n in share.items()}
    assert {c: w.quantize(Decimal("0.001")) for c, w in level.weights["theory"].items()} == expected


def test_level_3_function_shares_are_the_reported_15_20_30_30_5(spec):
    theory = _level(spec, 3).weights["theory"]
    by_function = {}
    for code, weight in theory.items():
        by_function[code[0]] = by_function.get(code[0], 0) + weight
    assert {f: round(w) for f, w in by_function.items()} == {"0": 15, "1": 20, "2": 30, "3": 30, "4": 5}


@pytest.mark.parametrize("number", [2, 1])
def test_levels_2_and_1_have_four_functions_numbered_as_at_level_3(spec, number):
    functions = {u.code: u.title_zh for u in _level(spec, number).units}
    assert functions == {"0": "基本要求", "1": "业务分析", "2": "智能训练", "3": "智能系统设计",
                         "4": "培训与指导"}
    assert _level(spec, number).required_components == ["theory", "skills", "review"]


def test_every_level_names_skills_with_the_s_scheme(spec):
    for level in spec.levels:
        skills = [u.code for u, _p in level.walk() if u.kind == "skill"]
        assert skills and all(".S" in code for code in skills), level.number


def test_a_range_holds_knowledge_points_but_not_skills(spec):
    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    level4 = next(lv for lv in data["levels"] if lv["number"] == 4)
    work_content = level4["units"][2]["children"][0]  # 2.1
    element_range = next(c for c in work_content["children"] if c["code"] == "2.1.2")
    broken = copy.deepcopy(data)
    target = next(lv for lv in broken["levels"] if lv["number"] == 4)
    rng = next(c for c in target["units"][2]["children"][0]["children"] if c["code"] == "2.1.2")
    rng["children"].append({"code": "2.1.2.99", "kind": "skill", "title_en": "x", "title_zh": "x"})
    with pytest.raises(SyllabusError, match=r"unit 2\.1\.2\.99: a skill cannot be placed here"):
        parse_syllabus(broken)
    assert element_range["children"][3]["code"] == "2.1.2.4"


def test_the_level_page_marks_element_points(app, client):
    operations.import_syllabus(parse_syllabus(yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))))
    db.session.commit()
    page = client.get("/syllabus/level/4").get_data(as_text=True)
    assert "Element point" in page and "Support vector machines" in page and "2.1.2.4" in page
