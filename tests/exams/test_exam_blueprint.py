"""Blueprints: rows from the weight table, the skills rule, and shortfalls of the bank (pure)."""

from __future__ import annotations

from decimal import Decimal

from certify.exams.blueprint import (
    FormBlueprint,
    PoolItem,
    Shortfall,
    band_of,
    check_supply,
    derive,
    function_of,
    is_under,
    problems,
    top_function_rule,
)

#: Level 4's bundled theory weights (docs/formats.md).
L4_THEORY = {"L4:0.1": 5, "L4:0.2": 15, "L4:1.1": 15, "L4:1.2": 10, "L4:2.1": 15, "L4:2.2": 20,
             "L4:3.1": 10, "L4:3.2": 10}
L4_SKILLS = {"L4:1.1": 15, "L4:1.2": 15, "L4:2.1": 20, "L4:2.2": 25, "L4:3.1": 15, "L4:3.2": 10}


def _counts(table, total):
    """The coverage view's apportionment (largest remainder, ties to the earlier unit)."""
    from certify.apportion import apportion

    return apportion({u: Decimal(w) for u, w in table.items()}, total)


def test_theory_rows_are_the_weighted_units_with_the_coverage_counts():
    blueprint = derive("theory", L4_THEORY, _counts(L4_THEORY, 50))
    assert [r.unit for r in blueprint.rows] == list(L4_THEORY)
    assert {r.unit: r.count for r in blueprint.rows} == {
        "L4:0.1": 3, "L4:0.2": 8, "L4:1.1": 7, "L4:1.2": 5, "L4:2.1": 7, "L4:2.2": 10,
        "L4:3.1": 5, "L4:3.2": 5}
    assert blueprint.total == 50 and not blueprint.adjusted
    assert blueprint.item_types == ("single", "multiple", "true_false", "fill_in")


def test_skills_tasks_go_to_the_largest_weighted_work_contents():
    blueprint = derive("skills", L4_SKILLS, _counts(L4_SKILLS, 3))
    assert {r.unit: r.count for r in blueprint.rows if r.count} == {
        "L4:1.1": 1, "L4:2.1": 1, "L4:2.2": 1}
    assert blueprint.item_types == ("practical",) and blueprint.total == 3


def test_the_top_weighted_function_always_gets_a_task():
    # Function 1 weighs 45 % in five small work contents; 2 and 3 weigh 30 and 25 in one each.
    # Two tasks by largest remainder go to 2.1 and 3.1 and miss function 1 altogether.
    table = {"L3:1.1": 9, "L3:1.2": 9, "L3:1.3": 9, "L3:1.4": 9, "L3:1.5": 9, "L3:2.1": 30,
             "L3:3.1": 25}
    assert {u: n for u, n in _counts(table, 2).items() if n} == {"L3:2.1": 1, "L3:3.1": 1}
    blueprint = derive("skills", table, _counts(table, 2))
    counts = {r.unit: r.count for r in blueprint.rows if r.count}
    assert counts == {"L3:1.1": 1, "L3:2.1": 1}
    assert {r.unit: r.derived for r in blueprint.rows if r.derived} == counts
    # When the top function has a task already, nothing moves.
    assert top_function_rule(L4_SKILLS, _counts(L4_SKILLS, 3)) == _counts(L4_SKILLS, 3)


def test_units_and_functions():
    assert function_of("L4:2.1.3") == "L4:2"
    assert is_under("L4:2.1.3", "L4:2") and is_under("L4:2.1", "L4:2.1")
    assert not is_under("L4:2.10", "L4:2.1") and not is_under("L4:21", "L4:2")
    assert [band_of(d) for d in (1, 2, 3, 4, 5)] == ["easy", "easy", "medium", "hard", "hard"]


def test_round_trip_through_json_and_adjusted_counts():
    mix = {"easy": 50, "medium": 35, "hard": 15}
    blueprint = derive("theory", L4_THEORY, _counts(L4_THEORY, 50), difficulty=mix,
                       difficulty_counts=_counts(mix, 50))
    again = FormBlueprint.from_json(blueprint.to_json())
    assert again == blueprint
    moved = blueprint.with_counts({"L4:0.1": 2, "L4:0.2": 9}, note="one more knowledge item")
    assert moved.adjusted and moved.note == "one more knowledge item"
    # 17.5 and 7.5 items: the tie of remainders goes to the earlier band.
    assert moved.band_targets() == {"easy": 25, "medium": 18, "hard": 7}
    assert FormBlueprint.from_json({"rows": [{"unit": "L4:1.1", "count": 2}]}).total == 2


def test_problems_of_a_blueprint_are_named():
    blueprint = derive("theory", L4_THEORY, _counts(L4_THEORY, 50)).with_counts({"L4:0.1": 9})
    assert ("rows", "the counts sum to 56, not 50") in problems(blueprint)
    mix = {"easy": 50, "medium": 30, "hard": 10}
    mixed = derive("theory", L4_THEORY, _counts(L4_THEORY, 50), difficulty=mix,
                   difficulty_counts=_counts(mix, 50))
    assert ("difficulty", "the percentages sum to 90, not 100") in problems(mixed)


def _derive(table, total, difficulty=None):
    return derive("theory", table, _counts(table, total), difficulty=difficulty,
                  difficulty_counts=_counts(difficulty, total) if difficulty else None)


def _pool(spec):
    """Pool items from (unit, difficulty, count) triples."""
    out, n = [], 0
    for unit, difficulty, count in spec:
        for _ in range(count):
            n += 1
            out.append(PoolItem(n, "single", (unit,), difficulty, ("A", "B", "C")))
    return out


def test_every_short_unit_is_listed():
    blueprint = _derive({"L4:1.1": 50, "L4:1.2": 25, "L4:2.1": 25}, 8)  # 4, 2, 2
    pool = _pool([("L4:1.1", 3, 1), ("L4:1.2", 3, 2), ("L4:2.1", 3, 0)])
    assert check_supply(blueprint, pool) == [Shortfall("unit", "L4:1.1", 4, 1),
                                             Shortfall("unit", "L4:2.1", 2, 0)]


def test_a_short_difficulty_band_is_listed():
    blueprint = _derive({"L4:1.1": 50, "L4:1.2": 50}, 4,
                        difficulty={"easy": 50, "medium": 0, "hard": 50})
    pool = _pool([("L4:1.1", 1, 3), ("L4:1.2", 2, 3), ("L4:1.2", 5, 1)])
    assert check_supply(blueprint, pool) == [Shortfall("band", "hard", 2, 1)]


def test_items_of_the_wrong_type_or_level_do_not_count():
    blueprint = _derive({"L4:1.1": 100}, 2)
    pool = [PoolItem(1, "short_answer", ("L4:1.1",), 3), PoolItem(2, "single", ("L5:1.1",), 3),
            PoolItem(3, "single", ("L4:1.1.2",), 3)]
    assert check_supply(blueprint, pool) == [Shortfall("unit", "L4:1.1", 2, 1)]


def test_items_shared_between_units_count_once():
    blueprint = _derive({"L4:1.1": 50, "L4:1.2": 50}, 4)  # 2 + 2
    shared = [PoolItem(i, "single", ("L4:1.1", "L4:1.2"), 3) for i in range(1, 4)]
    # Each unit alone has 3 ≥ 2, but 4 distinct items are needed and there are 3.
    shortfalls = check_supply(blueprint, shared)
    assert shortfalls and all(s.kind == "combination" for s in shortfalls)
    assert sum(s.missing for s in shortfalls) == 1


def test_unit_counts_and_the_difficulty_mix_must_hold_together():
    blueprint = _derive({"L4:1.1": 50, "L4:1.2": 50}, 4,
                        difficulty={"easy": 50, "medium": 50, "hard": 0})
    # Both easy items are in 1.1 and both medium ones in 1.2: a fine mix, but 1.1 then needs
    # two easy ones and 1.2 two medium ones — possible. Remove one medium item: impossible.
    pool = _pool([("L4:1.1", 1, 2), ("L4:1.1", 3, 1), ("L4:1.2", 3, 2)])
    assert check_supply(blueprint, pool) == []
    pool = _pool([("L4:1.1", 1, 3), ("L4:1.2", 3, 1), ("L4:1.2", 1, 1)])
    assert check_supply(blueprint, pool) != []
