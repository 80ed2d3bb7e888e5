"""Shared helpers for the practical-task generators (see ../README.md).

Every generator writes records.jsonl and gold.jsonl (and images/ or audio/) into its task folder;
task.yaml and LICENSE.md in each folder are written by hand and are not touched by the generators.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

PRACTICAL = Path(__file__).resolve().parent.parent


def task_dir(ref: str) -> Path:
    d = PRACTICAL / ref
    d.mkdir(parents=True, exist_ok=True)
    return d


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, separators=(", ", ": ")) + "\n")


def write_task(ref: str, records: list[dict], gold: list[dict] | None) -> Path:
    """Write records.jsonl and (unless gold is None, as for rubric tasks) gold.jsonl."""
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), f"{ref}: duplicate record ids"
    assert gold is None or ids == [g["id"] for g in gold], f"{ref}: gold ids differ from record ids"
    d = task_dir(ref)
    write_jsonl(d / "records.jsonl", records)
    if gold is not None:
        write_jsonl(d / "gold.jsonl", gold)
    print(f"{ref}: {len(records)} records")
    return d


def shuffled(items: list, seed: int) -> list:
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


def spans(text: str, entities: list[tuple[str, str]]) -> list[list]:
    """Code-point offsets for entities given in reading order as (surface string, LABEL).

    Searches with a cursor so a repeated string is found at its next occurrence; asserts the result.
    """
    out, cursor = [], 0
    for surface, label in entities:
        start = text.find(surface, cursor)
        assert start >= 0, f"entity {surface!r} not found after {cursor} in {text!r}"
        end = start + len(surface)
        assert text[start:end] == surface
        out.append([start, end, label])
        cursor = end
    return out


def fresh_media_dir(ref: str, name: str) -> Path:
    """The task folder, with its media subfolder ``name`` (images/, audio/) created and emptied."""
    folder = task_dir(ref)
    (folder / name).mkdir(exist_ok=True)
    for old in (folder / name).glob("*"):
        old.unlink()
    return folder


def difficulty_levels(raw: list[float]) -> list[int]:
    """Difficulty 1-5 per record: the quintile of its raw difficulty score within the pool (ties by order)."""
    order = sorted(range(len(raw)), key=lambda i: raw[i])
    levels = [0] * len(raw)
    for rank, i in enumerate(order):
        levels[i] = 1 + rank * 5 // len(raw)
    return levels
