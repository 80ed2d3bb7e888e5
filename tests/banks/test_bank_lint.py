"""Item-writing checks (pure): hand-made flawed items are each caught, a clean item passes, and the
test-wise score is what a knowledge-free candidate earns, on a pool and on drawn forms."""

from __future__ import annotations

from fractions import Fraction

import pytest

from certify.banks.lint import check_item
from certify.banks.lint import pool as pool_checks
from certify.banks.lint.items import ItemView
from certify.banks.lint.strategies import chance
from certify.exams.official import THEORY
from certify.reports.bank_lint import LevelSyllabus, lint_bank
from certify.reports.bank_lint.forms import draw

CLEAN_OPTIONS = ["交并比（IoU）", "召回率（Recall）", "精确率（Precision）", "准确率（Accuracy）"]


def single(ref="Z-001", options=None, key="A", stem="比较预测框与标注框重合程度的指标是（　　）。",
           explanation="IoU 是两框交集面积与并集面积之比。", shuffle=True, units=("L4:2.2",),
           language="zh", item_type="single"):
    options = options or CLEAN_OPTIONS
    return {"ref": ref, "type": item_type, "units": list(units), "language": language,
            "stem": stem, "content": {"options": [{"id": "ABCDEFGH"[i], "text": t}
                                                  for i, t in enumerate(options)],
                                      "shuffle": shuffle},
            "key": {"correct": key}, "explanation": explanation, "points": 1, "difficulty": 3}


def true_false(ref="T-001", correct=True, stem="交叉验证可以更稳定地估计模型的泛化能力。",
               units=("L4:2.1",), language="zh"):
    return {"ref": ref, "type": "true_false", "units": list(units), "language": language,
            "stem": stem, "content": {}, "key": {"correct": correct},
            "explanation": "多次划分取平均，估计更稳定。", "points": 1, "difficulty": 2}


def multiple(ref="M-001", options=None, keys=("A", "B"), mode="all_or_nothing"):
    item = single(ref, options or ["数据去重", "缺失值处理", "调大学习率", "增加网络层数"],
                  list(keys), stem="下列属于数据清洗步骤的有（　　）。")
    item["type"] = "multiple"
    item["content"]["scoring"] = {"mode": mode, "penalty": 1.0}
    return item


def codes(item):
    return {(f.code, f.severity, f.option) for f in check_item(item)}


def test_a_clean_chinese_item_passes():
    assert check_item(single()) == []


@pytest.mark.parametrize(("options", "expected"), [
    (["交并比，即预测框与标注框的交集面积除以并集面积", "召回率", "精确率", "准确率"],
     ("key_much_longer", "blocking", "A")),
    (["交并比（IoU）值", "召回率（Rec）", "精确率（Pre）", "准确率（Acc）"],
     ("key_longest", "warning", "A")),
])
def test_a_long_key_is_caught(options, expected):
    assert expected in codes(single(options=options))


def test_multiple_choice_keys_that_are_all_longer_than_every_distractor():
    item = multiple(options=["对重复记录进行去重处理", "按规则填补缺失值", "学习率", "层数"])
    assert ("key_much_longer", "blocking", "A,B") in codes(item)
    assert ("every_option_keyed", "blocking", None) in codes(multiple(keys=("A", "B", "C", "D")))


@pytest.mark.parametrize("phrase", ["以上都是", "以上说法均正确", "以上皆非", "All of the above",
                                    "None of these"])
def test_all_or_none_of_the_above(phrase):
    item = single(options=["交并比", "召回率", "精确率", phrase])
    assert ("all_or_none", "blocking", "D") in codes(item)


def test_an_option_that_only_mentions_all_of_them_is_not_all_of_the_above():
    item = single(options=["Delete them", "Convert them", "Keep all of them as they are",
                           "Sort them"], stem="What should be done?", explanation="Because.",
                  language="en")
    assert not {c for c in codes(item) if c[0] == "all_or_none"}


def test_duplicate_and_near_identical_options():
    assert ("duplicate_options", "blocking", "A,C") in codes(
        single(options=["交并比（IoU）", "召回率", "交并比 (IoU)。", "准确率"]))
    similar = single(options=["保留原始数据并记录处理步骤", "删除原始数据", "保留原始数据但记录处理步骤",
                              "只保留处理结果"])
    assert ("similar_options", "warning", "A,C") in codes(similar)
    # Numbers and code keep their punctuation: 2.5 % and 25 % are different answers.
    assert not codes(single(options=["0.025 %", "2.5 %", "4 %", "25 %"], key="B"))


def test_absolute_words_and_unequal_lengths():
    item = single(options=["必须删除所有缺失值", "用均值填补", "按业务规则填补或标记", "保留原值并记录"],
                  key="C")
    assert ("absolute_word", "warning", "A") in codes(item)
    statement = true_false(stem="数据清洗后一定不会再出现异常值。")
    assert ("absolute_word", "warning", None) in codes(statement)
    unequal = single(options=["是", "否", "视情况而定，需按数据来源、采集方式和业务规则综合判断是否保留",
                              "不确定"], key="B")
    assert ("unequal_lengths", "warning", None) in codes(unequal)


@pytest.mark.parametrize(("text", "words"), [
    # Terms that contain an absolute word but assert nothing absolute are not cues ...
    ("唯一性校验", []), ("主键唯一标识一条记录", []), ("数据所有者", []), ("著作权的所有权人", []),
    ("单元格的绝对引用$A$1", []), ("平均绝对误差（MAE）", []), ("取绝对值", []), ("绝对零点", []),
    ("统一定价", []), ("在一定程度上", []), ("间距不一定相等", []),
    # ... while the real cues around them still are.
    ("所有缺失值必须删除", ["所有", "必须"]), ("绝对不会出错", ["绝对"]), ("唯一的办法", ["唯一"]),
    ("结果一定正确", ["一定"]), ("所有者必须签字", ["必须"]),
])
def test_absolute_words_inside_longer_terms(text, words):
    from certify.banks.lint.text import absolute_words
    assert absolute_words(text) == words


@pytest.mark.parametrize(("stem", "flagged"), [
    ("下列不属于监督学习算法的是（　　）。", True),
    ("下列关于交叉验证的说法中，不正确的是（　　）。", True),
    ("下列**不属于**监督学习算法的是（　　）。", False),
    ("下列【不属于】监督学习算法的是（　　）。", False),
    ("当模型不能收敛时，应首先检查哪项？", False),
    ("Which of the following is not a supervised method?", True),
    ("Which of the following is NOT a supervised method?", False),
    ("Which of the following is **not** a supervised method?", False),
    ("What is the principle that classes must not overlap called?", False),
])
def test_an_unemphasised_negative_stem_blocks(stem, flagged):
    found = {c[0] for c in codes(single(stem=stem))}
    assert ("negative_stem" in found) is flagged


@pytest.mark.parametrize(("explanation", "shuffle", "flagged"), [
    ("选项C错误，因为精确率只看预测为正的样本。", True, True),
    ("The first two sets cover every age exactly once.", True, True),
    ("答案为A：IoU 衡量两框重合程度。", True, True),
    ("选项C错误，因为精确率只看预测为正的样本。", False, False),
    ("IoU 是两框交集面积与并集面积之比。", True, False),
])
def test_an_explanation_that_names_shuffled_options_blocks(explanation, shuffle, flagged):
    found = {c[0] for c in codes(single(explanation=explanation, shuffle=shuffle))}
    assert ("explanation_positions" in found) is flagged


def test_few_options_and_a_missing_explanation():
    assert ("few_options", "warning", None) in codes(single(options=CLEAN_OPTIONS[:3]))
    assert ("no_explanation", "warning", None) in codes(single(explanation=""))


def test_the_test_wise_score_on_a_small_pool():
    pool = [
        single("S1", ["交并比即交集除以并集", "召回率", "精确率", "准确率"], key="A"),  # longest key: 1
        single("S2", ["交并比", "召回率指标值", "精确率指标值", "准确率指标值"], key="A"),  # shortest: 0
        single("S3", ["交并比的值", "召回率的值", "精确", "准确"], key="A"),  # tied with B: 1/2
        true_false("T1", correct=True),  # always true: 1
        true_false("T2", correct=False),  # 0
        multiple("M1", ["数据去重处理", "缺失值的处理", "调参", "加层"], keys=("A", "B")),  # long two: 1
    ]
    stats = pool_checks.stats([ItemView(i) for i in pool], "L4 zh")
    assert stats.testwise_pct == pytest.approx(100 * 3.5 / 6)
    # Guessing: ¼ on each single, ½ on each true/false, 1 of the 15 non-empty sets of the four
    # options on the all-or-nothing multiple choice.
    assert stats.chance_pct == pytest.approx(100 * (3 / 4 + 1 + 1 / 15) / 6)
    assert stats.key_longest == 1 and stats.single == 3 and stats.true_keys == 1


def test_partial_credit_multiple_choice_under_guessing():
    item = ItemView(multiple(keys=("A", "B"), mode="partial"))

    # With penalty 1 (clipped at 0): A or B alone ½, A+B 1, A+B with one distractor ½, every other
    # set 0 — the mean over the 15 non-empty sets.
    expected = (0.5 + 0.5 + 1 + 0.5 + 0.5) / 15
    assert chance(item) == pytest.approx(expected)


def test_pool_balance_and_near_duplicates():
    skewed = [true_false(f"T{n}", correct=n < 15, stem=f"判断题 {n}：关于数据标注的第{n}条说法。")
              for n in range(20)]
    found = {f.code for f in pool_checks.findings(pool_checks.stats(
        [ItemView(i) for i in skewed], "L4 zh", pairs=False))}
    assert "true_false_balance" in found and "testwise" in found
    balanced = [true_false(f"T{n}", correct=n % 2 == 0, stem=f"判断题 {n}") for n in range(20)]
    found = {f.code for f in pool_checks.findings(pool_checks.stats(
        [ItemView(i) for i in balanced], "L4 zh", pairs=False))}
    assert "true_false_balance" not in found and "testwise" not in found
    twins = [true_false("A1", stem="使用MD5哈希可以发现经过缩放和重新压缩的近似重复图片。"),
             true_false("A2", stem="使用MD5哈希可以发现经过缩放和重新压缩的近似重复的图片。"),
             true_false("P1", stem="MD5哈希能够发现缩放并重新压缩后的近似重复图片。"),
             true_false("B1", correct=False, stem="标注规范应包含标签定义、正反例和边界规则。")]
    stats = pool_checks.stats([ItemView(i) for i in twins], "L4 zh")
    assert [(a, b) for a, b, _s in stats.near_duplicates] == [("A1", "A2")]
    # A paraphrase shares less; it is listed for a reviewer to read.
    assert {(a, b) for a, b, _s in stats.overlaps} == {("A1", "P1"), ("A2", "P1")}
    found = pool_checks.findings(stats)
    assert any(f.code == "near_duplicate" and f.blocking and f.ref == "A1" for f in found)
    assert any(f.code == "overlap" and not f.blocking for f in found)


def test_multiple_choice_key_counts_must_vary():
    same = [multiple(f"M{n}", keys=("A", "B", "C")) for n in range(6)]
    stats = pool_checks.stats([ItemView(i) for i in same], "L3 zh", pairs=False)
    assert stats.multiple_key_counts == {3: 6}
    assert "multiple_key_counts" in {f.code for f in pool_checks.findings(stats)}


WEIGHTS = {"L4:1.1": 50, "L4:2.1": 50}


def _paper_pool(per_slot):
    """True/false items keyed true and single-choice items keyed on their longest option."""
    items = []
    for unit in WEIGHTS:
        for n in range(per_slot["true_false"]):
            items.append(true_false(f"T-{unit}-{n}", stem=f"{unit} 判断 {n}", units=(unit,)))
        for n in range(per_slot["single"]):
            items.append(single(f"S-{unit}-{n}", ["最长的那个选项文字", "短一", "短二", "短三"],
                                units=(unit,), stem=f"{unit} 单选 {n}"))
    return items


def test_forms_are_drawn_by_the_exams_assembly_and_scored():
    paper = THEORY[4]
    full = _paper_pool({"true_false": 50, "single": 150})  # 2 × 25 and 2 × 75 needed: twice over
    report = draw([ItemView(i) for i in full], 4, paper, WEIGHTS, "zh", 5)
    assert report.fraction == Fraction(1) and report.drawn == 5
    # Every true/false key is true and every single key the longest: the strategy scores 100 %;
    # guessing earns (50 × ½ + 150 × ¼) / 200.
    assert set(report.testwise) == {100.0}
    assert report.chance == [pytest.approx(100 * (25 + 37.5) / 200)] * 5
    assert {(s.unit, s.item_type, s.per_paper, s.quota, s.available) for s in report.slots} == {
        ("L4:1.1", "true_false", 25, 50, 50), ("L4:2.1", "true_false", 25, 50, 50),
        ("L4:1.1", "single", 75, 150, 150), ("L4:2.1", "single", 75, 150, 150)}
    half = _paper_pool({"true_false": 13, "single": 38})
    report = draw([ItemView(i) for i in half], 4, paper, WEIGHTS, "zh", 3)
    assert report.fraction == Fraction(1, 2) and report.unfillable == 4
    english_only = draw([ItemView(i) for i in full], 4, paper, WEIGHTS, "en", 3)
    assert english_only.drawn == 0 and english_only.fraction is None


def test_lint_bank_reports_items_and_pools_as_json():
    items = [single(), single("Z-002", options=["交并比即交集面积除以并集面积的比值", "召回率", "精确率",
                                                 "准确率"]), true_false()]
    report = lint_bank(items, {4: LevelSyllabus(WEIGHTS)}, forms=2)
    data = report.to_json()
    assert data["summary"]["items"] == 3 and data["summary"]["blocking"] == report.blocking >= 1
    (flawed,) = [i for i in data["items"] if i["ref"] == "Z-002"]
    assert flawed["levels"] == [4] and flawed["language"] == "zh"
    assert flawed["findings"][0]["code"] == "key_much_longer"
    assert flawed["findings"][0]["option"] == "A" and "Z-002" in flawed["findings"][0]["message"]
    (pool,) = data["pools"]
    assert (pool["level"], pool["language"], pool["items"]) == (4, "zh", 3)
    assert pool["forms"]["drawn"] == 0 and pool["forms"]["definition"] == "50 true_false + 150 single"
    assert {"testwise", "key_longest", "true_false", "near_duplicates", "findings"} <= set(pool)
    assert lint_bank(items, {4: LevelSyllabus(WEIGHTS)}, language="en", forms=0).to_json()[
        "summary"]["items"] == 0
