"""How grading shows answers, keys, gold values and task metrics as short texts.

Used by the candidates' results page (what their review policy allows), the markers' page and the
administrators' result page. Every function returns plain text; templates escape it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l

#: Names of the task metrics, as candidates read them ("span F1 0.82").
METRIC_LABELS = {
    "macro_f1": _l("macro F1"),
    "accuracy": _l("accuracy"),
    "cohen_kappa": _l("Cohen's kappa"),
    "jaccard_samples": _l("Jaccard (mean per record)"),
    "span_f1": _l("span F1"),
    "span_precision": _l("span precision"),
    "span_recall": _l("span recall"),
    "box_f1": _l("box F1"),
    "box_precision": _l("box precision"),
    "box_recall": _l("box recall"),
    "mean_iou": _l("mean IoU"),
    "cer": _l("character error rate"),
    "wer": _l("word error rate"),
    "quadratic_kappa": _l("quadratic-weighted kappa"),
    "linear_kappa": _l("linear-weighted kappa"),
    "spearman": _l("Spearman's ρ"),
    "kendall_tau": _l("Kendall's τ"),
    "rubric_total": _l("rubric points"),
    "rubric_max": _l("rubric points possible"),
    "task_score": _l("task score"),
}

#: Metrics shown to candidates, in this order (``task_score`` is shown separately).
HIDDEN_METRICS = frozenset({"task_score", "rubric_max"})


def points_text(value: Any) -> str:
    """Points without trailing zeros or exponent: 10, 3.5, 0.25 (the ``points`` template filter)."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def metric_label(name: str) -> str:
    return str(METRIC_LABELS.get(name, name.replace("_", " ")))


def metric_lines(metrics: Mapping[str, Any], main: str | None = None) -> list[tuple[str, str]]:
    """``[(label, value)]`` for a task's metrics, the scoring metric first, two decimals."""
    names = [n for n in metrics if n not in HIDDEN_METRICS]
    names.sort(key=lambda n: (n != main, n))
    lines = []
    for name in names:
        value = metrics[name]
        if isinstance(value, int | float):
            text = f"{value:.2f}" if name not in ("rubric_total",) else f"{value:g}"
            if name == "rubric_total" and "rubric_max" in metrics:
                text = f"{value:g} / {metrics['rubric_max']:g}"
            lines.append((metric_label(name), text))
    return lines


def option_labels(option_order: Sequence[str] | None, ids: Sequence[str]) -> str:
    """Option ids as the letters this candidate saw them under (their shuffled order)."""
    order = list(option_order or [])
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    shown = [letters[order.index(i)] if i in order else str(i) for i in ids]
    return ", ".join(sorted(shown))


def answer_text(item_type: str, value: Any, option_order: Sequence[str] | None = None) -> str:
    """A candidate's whole-item answer as text ("" when unanswered)."""
    if value is None or value == "" or value == []:
        return ""
    if item_type == "single":
        return option_labels(option_order, [value])
    if item_type == "multiple":
        return option_labels(option_order, value if isinstance(value, list) else [value])
    if item_type == "true_false":
        return str(_l("True")) if value in (True, "true") else str(_l("False"))
    if item_type == "fill_in":
        values = value if isinstance(value, list) else [value]
        return " | ".join(str(v) for v in values)
    return str(value)


def key_text(item_type: str, key: Mapping[str, Any], option_order: Sequence[str] | None) -> str:
    """The key of an objective item as text (candidates see it only under the ``full`` policy)."""
    correct = key.get("correct")
    if item_type == "single":
        return option_labels(option_order, [correct])
    if item_type == "multiple":
        return option_labels(option_order, list(correct or []))
    if item_type == "true_false":
        return str(_l("True")) if correct else str(_l("False"))
    if item_type == "fill_in":
        parts = []
        for blank in key.get("blanks") or []:
            if "numeric" in blank:
                tolerance = blank.get("tolerance")
                parts.append(f"{blank['numeric']}" + (f" ± {tolerance}" if tolerance else ""))
            else:
                parts.append(" / ".join(str(a) for a in blank.get("accepted") or []))
        return " | ".join(parts)
    return ""


def record_value_text(task_type: str, record: Mapping[str, Any], value: Any) -> str:
    """A practical answer (or gold value) for one record as text."""
    if value is None:
        return ""
    if task_type == "ner" and isinstance(value, list):
        text = str(record.get("text", ""))
        return "; ".join(f"{text[s:e]} [{label}]" for s, e, label in value) or "∅"
    if task_type == "bbox" and isinstance(value, list):
        return "; ".join(f"{b[4]} ({b[0]:g}, {b[1]:g}, {b[2]:g}×{b[3]:g})" for b in value) or "∅"
    if task_type == "multilabel" and isinstance(value, list):
        return ", ".join(str(v) for v in value) or "∅"
    if task_type == "ranking" and isinstance(value, list):
        return " > ".join(str(v) for v in value)
    if isinstance(value, list):  # a rubric task's table
        return " / ".join(" | ".join(str(c) for c in row) if isinstance(row, list) else str(row)
                          for row in value)
    return str(value)


def record_text(record: Mapping[str, Any]) -> str:
    """What identifies a record to a reader: its text, prompt or reply (shortened)."""
    for name in ("text", "prompt", "reply"):
        if record.get(name):
            text = " ".join(str(record[name]).split())
            return text if len(text) <= 120 else text[:119] + "…"
    return ""
