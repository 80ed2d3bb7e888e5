"""What a candidate sees of an item version: a JSON-safe dict without any key (contracts §2).

:func:`candidate_item` is the only way item content reaches a candidate's page (the exam pages and the
examiners' preview both use it with ``templates/items/_candidate_item.html``): Markdown is rendered and
sanitised here, options are put in the order the attempt stored, practical records are reduced to the
fields their task type shows and asset references become URLs. It reads ``version.content`` and never
``version.key`` — the answer key, rubric, model answer and gold labels stay on the server.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from certify.banks import assets
from certify.banks.markup import blank_numbers, render_markdown
from certify.banks.models import ItemVersion
from certify.tasks import get_task_type

#: Record fields that hold a file reference (``asset:<sha256>`` once imported).
MEDIA_FIELDS = ("image", "audio", "attachment")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _options(content: dict[str, Any], option_order: Sequence[str] | None) -> list[dict[str, str]]:
    options = {o["id"]: o for o in content.get("options") or []}
    order = [oid for oid in (option_order or []) if oid in options]
    # Ids the stored order lacks (none in practice) still appear, after the others.
    order += [oid for oid in options if oid not in order]
    return [{"id": oid, "label": LETTERS[i], "html": render_markdown(options[oid].get("text", ""),
                                                                     inline=True)}
            for i, oid in enumerate(order)]


def candidate_record(task_type: str, record: dict[str, Any]) -> dict[str, Any]:
    """A practical record as a candidate's browser may have it: shown fields, asset URLs."""
    try:

        shown = get_task_type(task_type).candidate_record(record)
    except (ImportError, LookupError):
        # Unknown type (never for a validated item): show only the id and text-like fields.
        shown = {k: v for k, v in record.items() if k in ("id", "text", "prompt", "reply",
                                                          *MEDIA_FIELDS)}
    shown = {name: assets.url_or_value(value) if name in MEDIA_FIELDS else value
             for name, value in shown.items()}
    if task_type == "rubric":
        # A rubric task's scenario is bank Markdown: the widget shows it rendered (issue 12 §10).
        for name in ("prompt", "text"):
            if isinstance(shown.get(name), str):
                shown[f"{name}_html"] = render_markdown(shown[name])
    return shown


def candidate_task(task: dict[str, Any]) -> dict[str, Any]:
    """The candidate's view of a practical task (no gold, rubric, metric or policy)."""
    task_type = task.get("task_type", "")
    return {
        "task_type": task_type,
        "title": task.get("title", ""),
        "instructions_html": render_markdown(task.get("instructions", "")),
        "config": task.get("config") or {},
        "records": [candidate_record(task_type, r) for r in task.get("records") or []],
        "time_limit_minutes": task.get("time_limit_minutes"),
        "overtime": task.get("overtime"),
    }


def candidate_item(version: ItemVersion, option_order: Sequence[str] | None = None,
                   records: Sequence[dict[str, Any]] | None = None) -> dict:
    """Render ``version`` for a candidate (docs/contracts.md §2); never includes the key.

    :param version: the item version on the candidate's form.
    :param option_order: option ids in the order this attempt shows them (``AttemptItem.option_order``);
        ``None`` keeps the authored order.
    :param records: a practical task's records this candidate labels (the sample drawn from its
        pool); ``None``: all of them.
    :return: ``{"type", "stem_html", "options": [{"id", "label", "html"}], "blanks", "points",
        "task"}`` — ``task`` is ``None`` except for practical items.
    """
    content = version.content or {}
    item_type = version.type.value
    blanks = 0
    if item_type == "fill_in":
        blanks = int(content.get("blanks") or len(blank_numbers(version.stem)))
    return {
        "type": item_type,
        "stem_html": render_markdown(version.stem),
        "options": _options(content, option_order) if item_type in ("single", "multiple") else [],
        "blanks": blanks,
        "points": float(version.points),
        "task": (candidate_task(content["task"] if records is None
                                else {**content["task"], "records": list(records)})
                 if item_type == "practical" else None),
    }
