"""Per-candidate samples of a task's pool: seeded, stratified, difficulty-balanced (issue 16 §1)."""

from __future__ import annotations

from collections import Counter

import pytest

from certify.tasks import TaskSpec, validate_task
from certify.tasks.sampling import draw_sample, record_strata, sampled_spec

LABELS = ["positive", "negative", "neutral"]


def pool(n: int = 60) -> TaskSpec:
    """A pool where "neutral" is rare (3 records), two rule cases are rarer still, and difficulty
    runs 1–5."""
    records = [{"id": f"r{i:03}", "text": f"review {i}"} for i in range(n)]
    gold = []
    for i in range(n):
        line = {"id": f"r{i:03}", "label": "neutral" if i in (7, 23, 41) else LABELS[i % 2],
                "difficulty": 1 + i % 5}
        if i in (11, 12):
            line["rule_case"] = "sarcasm"
        if i == 50:
            line["rule_case"] = "system_text"
        gold.append(line)
    return TaskSpec("classification", {"labels": LABELS}, records, gold,
                    sample={"size": 10, "strata": ["label", "rule_case"]})


def test_the_same_seed_draws_the_same_records_and_other_seeds_other_ones():
    spec = pool()
    first = draw_sample(spec, 10, "17:4")
    assert draw_sample(spec, 10, "17:4") == first
    assert len(first) == 10 and len(set(first)) == 10
    assert first == tuple(sorted(first))  # pool order
    others = {draw_sample(spec, 10, f"{attempt}:4") for attempt in range(30)}
    assert len(others) > 20


def test_every_draw_represents_every_label_and_every_rule_case():
    spec = pool()
    tags = record_strata(spec)
    wanted = set().union(*tags.values())
    assert ("label", "neutral") in wanted and ("rule_case", "system_text") in wanted
    for attempt in range(200):
        drawn = draw_sample(spec, 10, f"{attempt}:9")
        assert set().union(*(tags[i] for i in drawn)) == wanted, attempt


def test_every_draw_has_the_same_difficulty_mix():
    spec = pool()
    level = {line["id"]: line["difficulty"] for line in spec.gold}
    mixes = {tuple(sorted(Counter(level[i] for i in draw_sample(spec, 10, f"{a}:1")).items()))
             for a in range(100)}
    assert mixes == {((1, 2), (2, 2), (3, 2), (4, 2), (5, 2))}


def test_records_spread_over_the_pool():
    spec = pool()
    drawn = Counter(i for a in range(300) for i in draw_sample(spec, 10, f"{a}:2"))
    plain = [line["id"] for line in spec.gold if "rule_case" not in line and line["label"] != "neutral"]
    assert all(drawn[i] > 0 for i in plain)  # no record is never drawn


def test_a_size_of_the_whole_pool_or_more_draws_everything():
    spec = pool(12)
    assert draw_sample(spec, 12, "x") == tuple(r["id"] for r in spec.records)
    assert draw_sample(spec, 50, "x") == tuple(r["id"] for r in spec.records)


def test_sampled_spec_keeps_only_the_drawn_records_and_their_gold():
    spec = pool()
    drawn = draw_sample(spec, 10, "1:1")
    small = sampled_spec(spec, drawn)
    assert [r["id"] for r in small.records] == list(drawn)
    assert [g["id"] for g in small.gold] == list(drawn)
    assert small.sample is None and validate_task(small) == []
    assert sampled_spec(spec, None) is spec


@pytest.mark.parametrize(("sample", "field", "words"), [
    ({"size": 0}, "sample.size", "at least 1"),
    ({"size": 61}, "sample.size", "only 60 records"),
    ({"size": 5, "strata": ["colour"]}, "sample.strata[0]", "label, rule_case"),
    ({"size": 5, "difficulty_balance": "yes"}, "sample.difficulty_balance", "true or false"),
    ({"size": 5, "seed": 3}, "sample.seed", "not a field"),
    ([5], "sample", "mapping"),
])
def test_a_bad_sample_is_reported_by_field(sample, field, words):
    base = pool()
    spec = TaskSpec(base.task_type, base.config, base.records, base.gold, sample=sample)
    problems = validate_task(spec)
    assert problems, sample
    assert any(p.field.startswith(field) and words in p.message for p in problems), problems
