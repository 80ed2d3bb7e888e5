"""Papers in sections by item type (the official formats) and exams bound to one language (pure)."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction

import pytest

from certify.exams.assembly import AssemblyError, assemble
from certify.exams.blueprint import FormBlueprint, PoolItem, check_supply, derive, problems
from certify.exams.official import THEORY

WEIGHTS = {"L4:1.1": 50, "L4:2.1": 50}
SECTIONS = {"true_false": {"L4:1.1": 2, "L4:2.1": 2}, "single": {"L4:1.1": 3, "L4:2.1": 3}}


def _bank(language="zh", per=6):
    pool, n = [], 0
    for unit in WEIGHTS:
        for item_type in ("true_false", "single"):
            for i in range(per):
                n += 1
                options = ("A", "B", "C", "D") if item_type == "single" else ()
                pool.append(PoolItem(n, item_type, (unit,), 1 + i % 5, options,
                                      language=language))
    return pool


def _blueprint(language="zh"):
    return derive("theory", WEIGHTS, {}, type_counts=SECTIONS, language=language)


def test_a_sectioned_blueprint_has_a_row_per_type_and_unit_and_survives_json():
    blueprint = _blueprint()
    assert [(r.unit, r.item_type, r.count) for r in blueprint.rows] == [
        ("L4:1.1", "true_false", 2), ("L4:2.1", "true_false", 2),
        ("L4:1.1", "single", 3), ("L4:2.1", "single", 3)]
    assert blueprint.sections == {"true_false": 4, "single": 6} and blueprint.total == 10
    assert blueprint.item_types == ("true_false", "single")
    again = FormBlueprint.from_json(blueprint.to_json())
    assert again == blueprint and again.language == "zh"
    assert [r.key for r in again.rows][:1] == ["L4:1.1|true_false"]
    changed = again.with_counts({"L4:1.1|single": 4, "L4:2.1|single": 2})
    assert changed.adjusted and changed.sections == {"true_false": 4, "single": 6}


def test_every_form_keeps_each_section_whole_and_in_paper_order():
    blueprint = _blueprint()
    by_id = {c.version_id: c for c in _bank()}
    orders = set()
    for seed in range(20):
        form = assemble(blueprint, _bank(), seed)
        types = [by_id[f.version_id].item_type for f in form]
        assert types == ["true_false"] * 4 + ["single"] * 6
        assert Counter((blueprint.rows[f.row].unit, by_id[f.version_id].item_type)
                       for f in form) == {(u, t): n for t, per in SECTIONS.items()
                                          for u, n in per.items()}
        orders.add(tuple(f.version_id for f in form))
    assert len(orders) > 10  # shuffled within the sections


def test_a_row_takes_only_its_sections_type():
    blueprint = _blueprint()
    only_single = [c for c in _bank(per=10) if c.item_type == "single"]
    shortfalls = check_supply(blueprint, only_single)
    assert {(s.key, s.item_type, s.needed, s.available) for s in shortfalls} == {
        ("L4:1.1", "true_false", 2, 0), ("L4:2.1", "true_false", 2, 0)}


def test_an_exam_in_one_language_never_draws_another():
    blueprint = _blueprint("zh")
    mixed = _bank("en") + [PoolItem(1000 + c.version_id, c.item_type, c.units, c.difficulty,
                                     c.option_ids, language="zh") for c in _bank("zh")]
    for seed in range(10):
        drawn = {f.version_id for f in assemble(blueprint, mixed, seed)}
        assert all(v > 1000 for v in drawn)
    with pytest.raises(AssemblyError) as info:
        assemble(blueprint, _bank("en"), seed=1)
    assert "true_false" in str(info.value)
    any_language = derive("theory", WEIGHTS, {}, type_counts=SECTIONS)
    assert len(assemble(any_language, _bank("en"), seed=1)) == 10


def test_a_section_of_a_type_the_exam_does_not_allow_is_named():
    blueprint = _blueprint()
    narrowed = FormBlueprint(blueprint.component, blueprint.total, blueprint.rows, ("single",))
    assert ("item_types", "a section draws true_false, which the exam does not allow") in \
        problems(narrowed)


def test_the_official_formats():
    assert THEORY[4].type_counts == {"true_false": 50, "single": 150} and THEORY[4].total == 200
    assert THEORY[3].type_counts == {"true_false": 40, "single": 140, "multiple": 10}
    assert THEORY[5].sections == THEORY[4].sections[:2]
    assert {p.minutes for p in THEORY.values()} == {90} and {p.language for p in THEORY.values()} == {"zh"}
    with pytest.raises(ValueError, match="not a whole number"):
        THEORY[3].scaled(Fraction(1, 4))
