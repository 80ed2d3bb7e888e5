"""Per-candidate forms: seeded, shuffled, complete, and rebuilt identically (pure)."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from certify.exams.assembly import AssemblyError, assemble
from certify.exams.blueprint import PoolItem, band_of, derive

WEIGHTS = {"L4:1.1": 25, "L4:1.2": 25, "L4:2.1": 25, "L4:2.2": 25}


def _bank(per_unit=6):
    pool, n = [], 0
    for unit in WEIGHTS:
        for i in range(per_unit):
            n += 1
            pool.append(PoolItem(n, "single" if i % 2 else "multiple", (unit,), 1 + i % 5,
                                  ("A", "B", "C", "D"), shuffle_options=i != 3))
    return pool


def _derive(total, **kwargs):
    each = total // len(WEIGHTS)
    return derive("theory", WEIGHTS, dict.fromkeys(WEIGHTS, each), **kwargs)


BLUEPRINT = _derive(12, item_types=("single", "multiple"),
                    difficulty={"easy": 50, "medium": 25, "hard": 25},
                    difficulty_counts={"easy": 6, "medium": 3, "hard": 3})


def test_a_form_meets_every_count_and_the_difficulty_mix():
    form = assemble(BLUEPRINT, _bank(), seed=7)
    by_id = {c.version_id: c for c in _bank()}
    assert len(form) == 12 and len({f.version_id for f in form}) == 12
    assert Counter(BLUEPRINT.rows[f.row].unit for f in form) == dict.fromkeys(WEIGHTS, 3)
    assert Counter(band_of(by_id[f.version_id].difficulty) for f in form) == {
        "easy": 6, "medium": 3, "hard": 3}


def test_the_same_seed_and_bank_rebuild_the_same_form_in_any_listing_order():
    bank = _bank()
    first = assemble(BLUEPRINT, bank, seed=123456789)
    shuffled = list(bank)
    random.Random(1).shuffle(shuffled)
    assert assemble(BLUEPRINT, shuffled, seed=123456789) == first


def test_two_candidates_get_different_forms():
    a = assemble(BLUEPRINT, _bank(), seed=1)
    b = assemble(BLUEPRINT, _bank(), seed=2)
    assert [f.version_id for f in a] != [f.version_id for f in b]


def test_options_are_shuffled_unless_the_item_forbids_it():
    forms = [assemble(BLUEPRINT, _bank(), seed=s) for s in range(40)]
    orders = {f.option_order for form in forms for f in form}
    assert len(orders) > 5
    fixed = [f for form in forms for f in form if f.version_id % 6 == 4]  # i == 3: no shuffle
    assert fixed and all(f.option_order == ("A", "B", "C", "D") for f in fixed)
    plain = assemble(BLUEPRINT, _bank(), seed=3, shuffle_options=False)
    assert all(f.option_order == ("A", "B", "C", "D") for f in plain)


def test_without_item_shuffling_the_form_follows_the_syllabus():
    form = assemble(BLUEPRINT, _bank(), seed=5, shuffle_items=False)
    assert [f.row for f in form] == sorted(f.row for f in form)
    shuffled = assemble(BLUEPRINT, _bank(), seed=5)
    assert [f.row for f in shuffled] != sorted(f.row for f in shuffled)


def test_items_without_options_have_no_option_order():
    pool = [PoolItem(i, "true_false", (unit,), 3) for i, unit in enumerate(WEIGHTS, start=1)]
    form = assemble(_derive(4, item_types=("true_false",)), pool, seed=9)
    assert all(f.option_order is None for f in form)


def test_an_unsuppliable_blueprint_raises_with_the_shortfalls():
    with pytest.raises(AssemblyError) as info:
        assemble(_derive(40), _bank(per_unit=6), seed=1)
    assert {s.key for s in info.value.shortfalls} == set(WEIGHTS)
    assert all(s.needed == 10 and s.available == 6 for s in info.value.shortfalls)
