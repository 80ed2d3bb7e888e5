"""``flask task-validity``: the validity report of every bundled practical task (issue 16 §3)."""

from __future__ import annotations

import json
from pathlib import Path

from certify.demo import BANK_DIR


def test_task_validity_json_reports_every_bundled_task(runner):
    result = runner.invoke(args=["task-validity", "--json"])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.output)
    folders = sorted(p.name for p in (BANK_DIR / "practical").iterdir() if (p / "task.yaml").is_file())
    assert sorted(r["ref"] for r in reports) == folders
    for report in reports:
        assert isinstance(report["exam_ready"], bool)
        if report.get("auto_scored"):
            assert set(report["wrong"]) == {"5", "10", "20"}
            assert "se_at_cut" in report and "chance" in report and "rule_cases" in report
            assert report["exam_ready"] == (not report["problems"])


def test_task_validity_prints_a_table_for_one_folder(runner, tmp_path: Path):
    folder = BANK_DIR / "practical" / "L5-sentiment-reviews-zh"
    result = runner.invoke(args=["task-validity", "--path", str(folder)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("| task | type | pool | n | chance | 5 % wrong")
    assert lines[2].startswith("| L5-sentiment-reviews-zh | classification |")
