"""Reading a bundled task folder (docs/formats.md §3) into a :class:`TaskSpec`, without the app.

Anyone can re-check a task's scoring and its validity figures from the folder alone::

    from certify.tasks import load_task_folder, score
    from certify.tasks.validity import validity_report
    spec = load_task_folder("question_banks/practical/L5-sentiment-reviews-zh")
    print(validity_report(spec))

Media paths stay as written in records.jsonl (nothing is stored). The bank importer
(``certify.banks.importers.practical``) reads the same files, checks the item's metadata too and
stores the media.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from certify.tasks.data import TaskSpec

__all__ = ["TaskFolder", "TaskFolderError", "load_task_folder", "read_task_folder"]


class TaskFolderError(ValueError):
    """A task folder cannot be read (a file is missing or not valid YAML/JSON); names the file."""


@dataclass(frozen=True)
class TaskFolder:
    """A task folder's spec and the task.yaml fields scoring does not use (ref, title, …)."""

    spec: TaskSpec
    meta: dict[str, Any]

    @property
    def ref(self) -> str:
        return str(self.meta.get("ref") or "")


def _jsonl(path: Path) -> list[dict]:
    lines = []
    for number, line in enumerate(path.read_text("utf-8-sig").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            lines.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise TaskFolderError(f"{path}: line {number} is not valid JSON: {exc.msg}") from exc
    return lines


def read_task_folder(path: str | Path) -> TaskFolder:
    """The spec (whole pool: every record and gold line) and metadata of the task folder ``path``.

    :raise TaskFolderError: naming the file that is missing or cannot be parsed.
    """
    root = Path(path)
    task_file = root / "task.yaml"
    if not task_file.is_file():
        raise TaskFolderError(f"{task_file} is missing")
    try:
        meta = yaml.safe_load(task_file.read_text("utf-8-sig"))
    except yaml.YAMLError as exc:
        raise TaskFolderError(f"{task_file} is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise TaskFolderError(f"{task_file} must be a YAML mapping of task fields")
    if not (root / "records.jsonl").is_file():
        raise TaskFolderError(f"{root / 'records.jsonl'} is missing")
    records = _jsonl(root / "records.jsonl")
    gold = _jsonl(root / "gold.jsonl") if (root / "gold.jsonl").is_file() else []
    spec = TaskSpec(task_type=meta.get("task_type"), config=meta.get("config"), records=records,
                    gold=gold, metric=meta.get("metric"), policy=meta.get("policy"),
                    rubric=meta.get("rubric"), sample=meta.get("sample"))
    return TaskFolder(spec, meta)


def load_task_folder(path: str | Path) -> TaskSpec:
    """The :class:`TaskSpec` of a task folder, with its whole pool (see :func:`read_task_folder`)."""
    return read_task_folder(path).spec
