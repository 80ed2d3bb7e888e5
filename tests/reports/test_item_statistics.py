"""Item statistics on small fixed data sets, against values computed by hand."""

from __future__ import annotations

import math
import random

import pytest

from certify.reports.item_analysis import (
    ItemInfo,
    RecordAnswer,
    analyse,
    group_size,
    reliability,
)

#: Five candidates × four one-point items (rows: candidates; totals 4, 3, 2, 2, 0).
MATRIX = {
    "c1": {"i1": 1, "i2": 1, "i3": 1, "i4": 1},
    "c2": {"i1": 1, "i2": 1, "i3": 1, "i4": 0},
    "c3": {"i1": 1, "i2": 1, "i3": 0, "i4": 0},
    "c4": {"i1": 1, "i2": 0, "i3": 0, "i4": 1},
    "c5": {"i1": 0, "i2": 0, "i3": 0, "i4": 0},
}
ITEMS = [ItemInfo(f"i{n}", f"Item {n}", "true_false", 1.0) for n in range(1, 5)]


def test_facility_is_the_mean_share_of_points():
    stats = analyse(MATRIX, ITEMS).items
    assert [s.facility for s in stats] == pytest.approx([0.8, 0.6, 0.4, 0.4])
    assert [s.n for s in stats] == [5, 5, 5, 5]


def test_discrimination_is_the_corrected_item_total_point_biserial():
    stats = {s.key: s for s in analyse(MATRIX, ITEMS).items}
    # i1 = (1,1,1,1,0) against the rest (3,2,1,1,0):
    # Σdxdr = 1.4, Σdx² = 0.8, Σdr² = 5.2 → r = 1.4 / √4.16
    assert stats["i1"].discrimination == pytest.approx(1.4 / math.sqrt(4.16))
    # i4 = (1,0,0,1,0) against (3,3,2,1,0): Σdxdr = 0.4, Σdx² = 1.2, Σdr² = 6.8
    assert stats["i4"].discrimination == pytest.approx(0.4 / math.sqrt(1.2 * 6.8))
    assert stats["i4"].flags == ["low"]


def test_cronbachs_alpha_kr20_and_sem_by_hand():
    rel = analyse(MATRIX, ITEMS).reliability
    # item variances (n − 1): 0.2, 0.3, 0.3, 0.3 → 1.1; total variance 8.8 / 4 = 2.2
    # α = 4/3 × (1 − 1.1/2.2) = 2/3
    assert rel.alpha == pytest.approx(2 / 3)
    # KR-20: Σpq = 0.16 + 3 × 0.24 = 0.88, population variance 8.8 / 5 = 1.76 → 2/3 as well
    assert rel.kr20 == pytest.approx(2 / 3)
    # SEM = SD × √(1 − α) = √2.2 × √(1/3)
    assert rel.sd == pytest.approx(math.sqrt(2.2))
    assert rel.sem == pytest.approx(math.sqrt(2.2 / 3))
    assert rel.sem_percent == pytest.approx(math.sqrt(2.2 / 3) / 4 * 100)
    assert (rel.items, rel.candidates) == (4, 5)


def test_kr20_needs_items_scored_nothing_or_everything():
    scores = {c: dict(row) for c, row in MATRIX.items()}
    scores["c3"]["i3"] = 0.5
    rel = analyse(scores, ITEMS).reliability
    assert rel.kr20 is None and rel.alpha is not None


def test_items_not_on_every_form_count_only_where_they_were_given():
    scores = {c: dict(row) for c, row in MATRIX.items()}
    del scores["c5"]["i4"]
    del scores["c4"]["i4"]
    result = analyse(scores, ITEMS)
    i4 = result.items[3]
    assert i4.n == 3 and i4.facility == pytest.approx(1 / 3)
    assert result.reliability.items == 3  # α over the items everyone had


def test_reliability_is_undefined_for_a_total_that_does_not_vary():
    import pandas as pd

    flat = pd.DataFrame({"i1": [1.0, 1.0], "i2": [0.0, 0.0]})
    rel = reliability(flat, ITEMS[:2])
    assert rel.alpha is None and rel.sem is None


def test_groups_are_27_percent_rounded_half_up():
    assert [group_size(n, 0.27) for n in (1, 2, 5, 10, 100)] == [0, 1, 1, 3, 27]


def test_distractors_are_counted_in_the_top_and_bottom_groups():
    scores = {f"c{n}": {"q": 1.0 if n <= 4 else 0.0} for n in range(1, 11)}
    totals = {f"c{n}": 100 - n for n in range(1, 11)}  # c1 best … c10 worst
    picks = {"c1": ["B"], "c2": ["B"], "c3": ["B"], "c4": ["B"], "c5": ["A"], "c6": ["A"],
             "c7": ["C"], "c8": ["A"], "c9": ["C"], "c10": []}
    item = ItemInfo("q", "Q", "single", 1.0, options=("A", "B", "C", "D"), correct=("B",))
    block = analyse(scores, [item], totals=totals, choices={"q": picks}).distractors[0]
    shares = {o.option: (o.all, o.top, o.bottom) for o in block.options}
    assert (block.n_top, block.n_bottom) == (3, 3)           # 27 % of 10, rounded
    assert shares["B"] == pytest.approx((0.4, 1.0, 0.0))
    assert shares["A"] == pytest.approx((0.3, 0.0, 1 / 3))  # c8 in the bottom group
    assert shares["C"] == pytest.approx((0.2, 0.0, 1 / 3))
    assert shares["D"] == (0.0, 0.0, 0.0)
    assert shares[""] == pytest.approx((0.1, 0.0, 1 / 3))   # c10 left it unanswered
    assert [o.is_key for o in block.options] == [False, True, False, False, False]
    stats = analyse(scores, [item], totals=totals).items[0]
    assert stats.upper_lower == pytest.approx(1.0)


def simulate(n_candidates: int = 40, n_records: int = 12, wrong_gold: str = "r07", seed: int = 7):
    """Simulated labeling: candidates of spread ability label records whose true labels are known;
    the gold is the truth except one planted wrong label."""
    rng = random.Random(seed)
    labels = ["positive", "negative", "neutral"]
    truth = {f"r{i:02d}": rng.choice(labels) for i in range(1, n_records + 1)}
    gold = dict(truth)
    gold[wrong_gold] = next(label for label in labels if label != truth[wrong_gold])
    answers: dict[str, dict[str, RecordAnswer]] = {rid: {} for rid in truth}
    totals = {}
    for c in range(n_candidates):
        ability = 0.35 + 0.6 * c / (n_candidates - 1)
        right = 0
        for rid, label in truth.items():
            given = label if rng.random() < ability else rng.choice(
                [x for x in labels if x != label])
            answers[rid][f"cand{c:02d}"] = RecordAnswer(given, given == gold[rid])
            right += given == gold[rid]
        totals[f"cand{c:02d}"] = 100 * right / n_records
    return answers, totals


def test_the_suspect_gold_detector_finds_a_planted_wrong_label():
    answers, totals = simulate()
    scores = {c: {"task": t} for c, t in totals.items()}
    item = ItemInfo("task", "L4-sentiment", "practical", 100.0)
    result = analyse(scores, [item], totals=totals, records={"task": answers})
    assert [s.record_id for s in result.suspects] == ["r07"]
    suspect = result.suspects[0]
    assert suspect.top_n == 11 and suspect.top_share > 0.5 and suspect.top_gold_share < 0.5
    rows = {row.record_id: row for row in result.agreement["task"]}
    assert rows["r07"].suspect and not any(r.suspect for k, r in rows.items() if k != "r07")
    assert rows["r07"].agreement < rows["r01"].agreement


def test_no_suspects_when_the_gold_is_right():
    answers, totals = simulate(wrong_gold="r07")
    # Put the truth back: answers equal to the truth count as agreeing with gold.
    fixed = {rid: {c: RecordAnswer(a.answer, a.correct if rid != "r07" else None)
                   for c, a in by_c.items()} for rid, by_c in answers.items()}
    truth07 = max({a.answer for a in answers["r07"].values()},
                  key=lambda label: sum(a.answer == label for a in answers["r07"].values()))
    fixed["r07"] = {c: RecordAnswer(a.answer, a.answer == truth07)
                    for c, a in answers["r07"].items()}
    scores = {c: {"task": t} for c, t in totals.items()}
    item = ItemInfo("task", "T", "practical", 100.0)
    assert analyse(scores, [item], totals=totals, records={"task": fixed}).suspects == []
