"""``flask --app certify lint-bank``: bank files or the database, a readable report or JSON, and a
non-zero exit on blocking flaws."""

from __future__ import annotations

import json

from certify.db import db
from certify.syllabus import operations as syllabus_operations
from certify.syllabus.spec import load_yaml
from tests.banks.bankfiles import csv_bytes, row
from tests.factories import make_item

QUESTIONS = [
    ("比较预测框与标注框重合程度的指标是（　　）。", ("交并比", "召回率", "精确率", "准确率")),
    ("划分训练集与测试集时固定随机种子，是为了（　　）。",
     ("结果可复现", "提高模型精度", "加快训练速度", "减少内存占用")),
    ("K折交叉验证中，每一折轮流充当（　　）。", ("验证集", "训练集", "标注集", "黄金集")),
    ("Excel中按条件统计单元格个数的函数是（　　）。", ("COUNTIF", "VLOOKUP", "SUMIF", "ROUND")),
]
CLEAN = [row(ref=f"Z-{n:03d}", stem=stem, answer="A", language="zh", option_a=a, option_b=b,
             option_c=c, option_d=d, explanation="见教材相关章节。")
         for n, (stem, (a, b, c, d)) in enumerate(QUESTIONS, start=1)]
FLAWED = row(ref="Z-009", stem="下列不属于分类指标的是（　　）。", answer="A", language="zh",
             option_a="交并比，即预测框与标注框交集面积除以并集面积", option_b="召回率", option_c="精确率",
             option_d="以上都是", explanation="选项A是检测指标。")


def test_a_clean_file_exits_0_and_a_flawed_one_exits_1_naming_the_flaws(app, runner, tmp_path):
    clean = tmp_path / "clean.csv"
    clean.write_bytes(csv_bytes(CLEAN))
    result = runner.invoke(args=["lint-bank", "--path", str(clean), "--forms", "2"])
    assert result.exit_code == 0, result.output
    assert "Level 4 · zh · 4 items" in result.output and "0 blocking finding(s)" in result.output
    flawed = tmp_path / "flawed.csv"
    flawed.write_bytes(csv_bytes([*CLEAN, FLAWED]))
    result = runner.invoke(args=["lint-bank", "--path", str(flawed), "--forms", "2"])
    assert result.exit_code == 1
    for code in ("key_much_longer", "all_or_none", "negative_stem", "explanation_positions"):
        assert f"Z-009 {code}" in result.output
    result = runner.invoke(args=["lint-bank", "--path", str(flawed), "--json", "--forms", "2"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["summary"]["blocking"] >= 4 and data["forms_per_pool"] == 2
    (item,) = data["items"]
    assert item["ref"] == "Z-009" and "blocking" in {f["severity"] for f in item["findings"]}
    (pool,) = data["pools"]
    assert pool["level"] == 4 and pool["language"] == "zh" and pool["items"] == 5
    assert pool["forms"]["definition"] == "50 true_false + 150 single"


def test_the_database_bank_and_filters(app, runner):
    from certify.demo import BANK_DIR

    spec = load_yaml((BANK_DIR / "syllabus" / "ai-trainer.yaml").read_text(encoding="utf-8"))
    syllabus_operations.import_syllabus(spec)
    db.session.commit()
    unit = syllabus_operations.find_unit("L4:2.1")
    for n in range(3):
        make_item("true_false", units=[unit], language="zh", stem=f"第{n}条判断。",
                  key={"correct": True})
    make_item("single", units=[unit], language="en", explanation="Because.")
    make_item("single", units=[unit], language="zh", status="draft")
    result = runner.invoke(args=["lint-bank", "--source", "database", "--json", "--forms", "0"])
    data = json.loads(result.output)
    assert {(p["language"], p["items"]) for p in data["pools"]} == {("zh", 3), ("en", 1)}
    zh = next(p for p in data["pools"] if p["language"] == "zh")
    assert zh["true_false"] == {"true": 3, "of": 3, "share": 1.0}
    assert zh["testwise"]["pct"] == 100.0 and result.exit_code == 1  # always-true scores 100 %
    result = runner.invoke(args=["lint-bank", "--source", "database", "--all-versions",
                                 "--language", "zh", "--json", "--forms", "0"])
    assert {p["items"] for p in json.loads(result.output)["pools"]} == {4}


def test_the_bundled_bank_is_checked_level_by_level(app, runner):
    result = runner.invoke(args=["lint-bank", "--json", "--forms", "3"])
    data = json.loads(result.output)
    assert {p["level"] for p in data["pools"]} >= {5, 4, 3}
    for pool in data["pools"]:
        assert pool["forms"]["drawn"] in (0, 3)
        assert pool["testwise"]["chance_pct"] > 0
    assert result.exit_code == (1 if data["summary"]["blocking"] else 0)
