"""Every practical task shipped in question_banks/practical/ satisfies its type's contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from certify.tasks import TaskSpec, get_task_type, validate_task

PRACTICAL = Path(__file__).resolve().parents[2] / "question_banks" / "practical"
FOLDERS = sorted(p.parent for p in PRACTICAL.glob("*/task.yaml"))


def load(folder: Path) -> TaskSpec:
    meta = yaml.safe_load((folder / "task.yaml").read_text(encoding="utf-8"))

    def lines(name):
        path = folder / name
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]

    return TaskSpec(meta["task_type"], meta.get("config"), lines("records.jsonl"),
                    lines("gold.jsonl"), meta.get("metric"), meta.get("policy"), meta.get("rubric"))


def test_there_are_bundled_tasks():
    assert len(FOLDERS) >= 8


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_bundled_task_is_valid_and_its_gold_scores_full_marks(folder):
    task = load(folder)
    assert [str(p) for p in validate_task(task)] == []
    task_type = get_task_type(task.task_type)
    for record in task.records:
        for field in ("image", "audio", "attachment"):
            if field in record:
                assert (folder / record[field]).is_file(), f"{record['id']}: {record[field]}"
    if not task_type.auto_scored:
        assert task_type.score(task, {}).needs_marking
        return
    perfect = {line["id"]: line[task_type.gold_field] for line in task.gold}
    assert task_type.score(task, perfect).score == 100.0
    assert task_type.score(task, {}).score == 0.0
