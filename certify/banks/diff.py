"""Field-by-field differences between two versions of an item (what an examiner reviews).

Values are shown as text: options by letter, keys in the bank file's notation, practical records and
gold by record id (only the records that differ are listed, so a corrected gold label stands out).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml

from certify.banks.practical import gold_lines
from certify.banks.spec import ItemData, format_blank, format_number, format_rubric


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _yaml(value: Any) -> str:
    if value in (None, {}, []):
        return ""
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=True, default_flow_style=True).strip()


def _key_text(data: ItemData) -> str:
    key = data.key
    if data.type == "single":
        return str(key.get("correct", ""))
    if data.type == "multiple":
        return ";".join(key.get("correct", []))
    if data.type == "true_false":
        return "true" if key.get("correct") else "false"
    if data.type == "fill_in":
        return " || ".join(format_blank(b) for b in key.get("blanks", []))
    return ""


def fields(data: ItemData) -> dict[str, str]:
    """Every field of a version as text, in display order."""
    out = {"units": "; ".join(data.units), "difficulty": str(data.difficulty),
           "points": format_number(data.points), "question": data.stem}
    content = data.content
    for option in content.get("options") or []:
        out[f"option {option['id']}"] = option.get("text", "")
    if data.type in ("single", "multiple", "true_false", "fill_in"):
        out["key"] = _key_text(data)
    if "shuffle" in content:
        out["shuffle"] = "true" if content.get("shuffle") else "false"
    if content.get("scoring"):
        out["scoring"] = _yaml(content["scoring"])
    if data.type == "fill_in":
        out["case sensitive"] = "true" if any(b.get("case_sensitive")
                                              for b in data.key.get("blanks", [])) else "false"
    if data.key.get("rubric") is not None:
        out["rubric"] = format_rubric(data.key.get("rubric") or [])
    if data.key.get("model_answer"):
        out["model answer"] = data.key["model_answer"]
    task = content.get("task")
    if task:
        for name in ("task_type", "title", "instructions", "metric", "time_limit_minutes"):
            out[name.replace("_", " ")] = "" if task.get(name) is None else str(task[name])
        out["config"] = _yaml(task.get("config"))
        out["policy"] = _yaml(task.get("policy"))
        out["overtime"] = _yaml(task.get("overtime"))
        out["records"] = str(len(task.get("records") or []))
    out["explanation"] = data.explanation
    return out


def _by_id(lines: list[dict]) -> dict[str, str]:
    return {str(line.get("id")): _json(line) for line in lines if isinstance(line, dict)}


def version_diff(before: ItemData, after: ItemData) -> list[Change]:
    """Each field of two versions, before and after (unchanged fields included, in order)."""
    a, b = fields(before), fields(after)
    names = list(a) + [n for n in b if n not in a]
    changes = [Change(name, a.get(name, ""), b.get(name, "")) for name in names]
    task_a, task_b = before.content.get("task"), after.content.get("task")
    if task_a or task_b:
        for label, left, right in (
                ("record", _by_id((task_a or {}).get("records") or []),
                 _by_id((task_b or {}).get("records") or [])),
                ("gold", _by_id(gold_lines(before.key)), _by_id(gold_lines(after.key)))):
            for rid in list(left) + [r for r in right if r not in left]:
                if left.get(rid) != right.get(rid):
                    changes.append(Change(f"{label} {rid}", left.get(rid, ""), right.get(rid, "")))
    return changes
