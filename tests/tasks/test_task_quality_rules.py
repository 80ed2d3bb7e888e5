"""Scoring rules that follow a labeling job's quality bar, and the validity report (issue 16 §2, §3, §5)."""

from __future__ import annotations

import json

import pytest

from certify.tasks import TaskSpec, load_task_folder, score, validate_task
from certify.tasks.validity import validity_report

LABELS = ["positive", "negative", "neutral"]


def boxes_task(**config) -> TaskSpec:
    return TaskSpec("bbox", {"labels": ["car"], **config},
                    [{"id": "r1", "image": "a.png", "width": 200, "height": 200}],
                    [{"id": "r1", "boxes": [[50, 50, 100, 100, "car"]]}])


def test_a_box_40_percent_oversized_no_longer_counts_as_found():
    oversized = [[40, 40, 118, 118, "car"]]  # IoU 0.72 ≥ 0.7 would pass; 140 % of the area …
    much_bigger = [[30, 30, 130, 130, "car"]]  # IoU 0.59: accepted at 0.5, not at 0.7
    assert score(boxes_task(), {"r1": much_bigger}).metrics["box_f1"] == 0.0
    assert score(boxes_task(iou_threshold=0.5), {"r1": much_bigger}).metrics["box_f1"] == 1.0
    loose = score(boxes_task(), {"r1": oversized})
    assert loose.metrics["box_f1"] == 1.0 and loose.score < 100  # tightness costs


def test_box_quality_mixes_f1_and_the_tightness_of_matched_boxes():
    result = score(boxes_task(tightness=0.5), {"r1": [[50, 50, 100, 90, "car"]]})  # IoU 0.9
    assert result.metric == "box_quality"
    assert result.metrics["tightness"] == pytest.approx(0.9)
    assert result.metrics["box_quality"] == pytest.approx(0.5 * 1 + 0.5 * 0.9)
    assert score(boxes_task(), {"r1": [[50, 50, 100, 100, "car"]]}).score == 100


def transcription(normalise=None, unit="char") -> TaskSpec:
    config = {"unit": unit} | ({"normalise": normalise} if normalise is not None else {})
    return TaskSpec("transcription", config,
                    [{"id": "r1", "image": "a.png"}, {"id": "r2", "image": "b.png"}],
                    [{"id": "r1", "text": "请问退款多久到账"},
                     {"id": "r2", "text": "订单号：A12，金额：35元。"}],
                    metric="wer" if unit == "word" else None)


def test_declared_normalisation_makes_formatting_cost_nothing():
    typed = {"r1": "请问退款多久到账。", "r2": "订单号:A12, 金额:35元."}
    assert score(transcription(), typed).score < 95
    assert score(transcription(["width", "punctuation", "whitespace"]), typed).score == 100
    assert score(transcription(["width", "punctuation"]), {"r1": "请问退款多久", "r2": ""}).score < 60


def test_case_and_whitespace_normalise_english_words():
    spec = TaskSpec("transcription", {"unit": "word", "normalise": ["case", "punctuation"]},
                    [{"id": "r1", "audio": "a.wav"}], [{"id": "r1", "text": "i want a refund"}],
                    metric="wer")
    assert score(spec, {"r1": "I want a refund."}).score == 100
    assert score(spec, {"r1": "I want a fund."}).score < 100


def test_unknown_normalisation_and_whitespace_by_words_are_reported():
    problems = validate_task(transcription(["emoji"]))
    assert [p.field for p in problems] == ["config.normalise[0]"]
    problems = validate_task(transcription(["whitespace"], unit="word"))
    assert [p.field for p in problems] == ["config.normalise"]


def rating(**config) -> TaskSpec:
    return TaskSpec("rating", {"scale": {"min": 1, "max": 4}, **config},
                    [{"id": f"r{i}", "reply": "…"} for i in range(1, 5)],
                    [{"id": "r1", "rating": 1}, {"id": "r2", "rating": 2}, {"id": "r3", "rating": 3},
                     {"id": "r4", "rating": 4}], metric="agreement")


def test_missing_a_harmful_reply_costs_more_than_an_off_by_one():
    spec = rating(critical=[1], critical_weight=3)
    off_by_one = score(spec, {"r1": 1, "r2": 3, "r3": 4, "r4": 3})  # every non-critical off by one
    missed_harm = score(spec, {"r1": 2, "r2": 2, "r3": 3, "r4": 4})  # only the harmful reply missed
    assert missed_harm.score < off_by_one.score
    assert missed_harm.metrics["agreement"] == pytest.approx(3 / 6)  # weight 3 of 6 lost
    assert off_by_one.metrics["agreement"] == pytest.approx((3 + 3 * (2 / 3)) / 6)


def test_exact_agreement_gives_no_credit_for_near_misses():
    assert score(rating(agreement="exact"), {"r1": 1, "r2": 3, "r3": 3, "r4": 4}).metrics[
        "agreement"] == pytest.approx(3 / 4)
    assert validate_task(rating(agreement="close"))[0].field == "config.agreement"


def classification(n=30, **config) -> TaskSpec:
    records = [{"id": f"r{i}", "text": "x"} for i in range(n)]
    gold = [{"id": f"r{i}", "label": LABELS[i % 3], **({"rule_case": "sarcasm"} if i < 6 else {})}
            for i in range(n)]
    return TaskSpec("classification", {"labels": LABELS, **config}, records, gold, metric="accuracy")


def test_chance_zero_gives_a_labeler_who_ignores_the_records_nothing():
    always_positive = {f"r{i}": "positive" for i in range(30)}
    assert score(classification(), always_positive).score == pytest.approx(100 / 3)
    rescaled = score(classification(chance_zero=True), always_positive)
    assert rescaled.score == 0 and rescaled.metrics["chance"] >= 1 / 3
    perfect = {f"r{i}": LABELS[i % 3] for i in range(30)}
    assert score(classification(chance_zero=True), perfect).score == 100


def test_chance_zero_for_multilabel_counts_ticking_one_tag_everywhere_as_chance():
    labels = ["price", "bug", "ui", "service"]
    gold = [{"id": f"r{i}", "labels": [labels[i % 4]] + ([labels[(i + 1) % 4]] if i % 2 else [])}
            for i in range(20)]
    spec = TaskSpec("multilabel", {"labels": labels, "chance_zero": True},
                    [{"id": f"r{i}", "text": "x"} for i in range(20)], gold)
    one_tag = {f"r{i}": ["price"] for i in range(20)}
    assert score(spec, one_tag).score == 0
    assert score(spec, {g["id"]: g["labels"] for g in gold}).score == 100


def test_rule_case_records_may_weigh_more():
    perfect = {f"r{i}": LABELS[i % 3] for i in range(30)}
    misses_rules = {**perfect, **{f"r{i}": LABELS[(i + 1) % 3] for i in range(6)}}
    plain = score(classification(), misses_rules)
    weighted = score(classification(rule_case_weight=3), misses_rules)
    assert plain.metrics["accuracy"] == pytest.approx(24 / 30)
    assert weighted.metrics["weighted_quality"] == pytest.approx(24 / (24 + 18))
    assert weighted.score < plain.score
    problems = validate_task(TaskSpec("ranking", {"rule_case_weight": 2}, [], []))
    assert any(p.field == "config.rule_case_weight" for p in problems)


def write_folder(tmp_path, n=150, sample=30, policy=None, chance_zero=True):
    folder = tmp_path / "task"
    folder.mkdir()
    meta = {"ref": "T-1", "task_type": "classification",
            "config": {"labels": LABELS, "chance_zero": chance_zero},
            "metric": "accuracy",
            "policy": policy or {"kind": "linear", "zero_at": 0.6, "full_at": 0.95},
            "sample": {"size": sample}}
    (folder / "task.yaml").write_text(json.dumps(meta), "utf-8")
    (folder / "records.jsonl").write_text("\n".join(
        json.dumps({"id": f"r{i}", "text": f"t{i}"}) for i in range(n)), "utf-8")
    (folder / "gold.jsonl").write_text("\n".join(
        json.dumps({"id": f"r{i}", "label": LABELS[i % 3], "difficulty": 1 + i % 3,
                    **({"rule_case": "sarcasm"} if i % 10 == 0 else {})}) for i in range(n)), "utf-8")
    return folder


def test_load_task_folder_reads_the_whole_pool(tmp_path):
    spec = load_task_folder(write_folder(tmp_path))
    assert len(spec.records) == 150 and len(spec.gold) == 150
    assert spec.sample == {"size": 30} and validate_task(spec) == []


def test_validity_report_of_a_task_that_separates_careful_from_careless_labelers(tmp_path):
    # With right/wrong records, SE ≤ 5 points at the cut needs some 300 records per candidate.
    policy = {"kind": "linear", "zero_at": 0.52, "full_at": 1}
    report = validity_report(load_task_folder(write_folder(tmp_path, n=1000, sample=350,
                                                           policy=policy, chance_zero=False)))
    assert report["wrong"]["20"] < 60 <= report["wrong"]["5"]
    assert report["chance"] == 0 and report["pool"] == 1000 and report["sample_size"] == 350
    assert set(report["rule_cases"]) == {"sarcasm"} and report["rule_cases"]["sarcasm"] < 100
    assert report["se_at_cut"] <= 5 and report["exam_ready"] is True and report["problems"] == []


def test_a_lenient_task_and_a_small_sample_are_not_exam_ready(tmp_path):
    lenient = validity_report(load_task_folder(write_folder(
        tmp_path, sample=10, policy={"kind": "linear", "zero_at": 0.3, "full_at": 0.9})))
    assert lenient["exam_ready"] is False
    assert {"careless_passes", "se_too_large"} <= set(lenient["problems"])
    again = tmp_path / "again"
    again.mkdir()
    assert validity_report(load_task_folder(write_folder(  # seeded: the same figures every time
        again, sample=10, policy={"kind": "linear", "zero_at": 0.3, "full_at": 0.9}))) == lenient


def test_formatting_only_differences_are_checked_for_transcription():
    report = validity_report(transcription())
    assert report["formatting"] < 100 and "formatting_costs" in report["problems"]
    assert validity_report(transcription(["width", "punctuation", "whitespace"]))["formatting"] == 100
