"""A practical version's validity report (:mod:`certify.tasks.validity`) and its records' exposure,
for the item page and the review step.

The report is computed with the grading code from the version's content and key, and kept per
version content (a few seconds for a large pool, so it is cached). Exposure — how many attempts
drew each record of the task's pool — is counted by the exams package, which registers its
counter here from its ``wiring.py`` (banks sits below exams and cannot read attempts itself).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l

from certify.banks.models import Item, ItemVersion
from certify.banks.practical import task_spec
from certify.tasks import get_task_type
from certify.tasks.validity import PROBLEMS, validity_report

EXPOSURE_EXTENSION = "certify.banks.record_exposure"

#: what the exams package registers: item → {version id: {record id: attempts that drew it}}
ExposureCounter = Callable[[Item], Mapping[int, Mapping[str, int]]]


def set_exposure_counter(app, counter: ExposureCounter) -> None:  # type: ignore[no-untyped-def]
    """Register the function that counts how many attempts drew each record (exams' wiring)."""
    app.extensions[EXPOSURE_EXTENSION] = counter


def record_exposure(item: Item, version: ItemVersion) -> dict[str, int] | None:
    """Attempts that drew each record of ``version`` (every record, 0 for the undrawn), or None
    when nothing counts exposure (an app without the exams package)."""
    counter = current_app.extensions.get(EXPOSURE_EXTENSION)
    if counter is None:
        return None
    counts = counter(item).get(version.id, {})
    records = ((version.content or {}).get("task") or {}).get("records") or []
    return {str(r.get("id")): int(counts.get(str(r.get("id")), 0)) for r in records}


#: why a task is not exam-ready, by :data:`certify.tasks.validity.PROBLEMS` code
REASONS = {
    "invalid": _l("the task is not valid"),
    "careless_passes": _l("a labeler who gets one record in five wrong passes"),
    "competent_fails": _l("a labeler who gets one record in twenty wrong fails"),
    "formatting_costs": _l("formatting-only differences cost points"),
    "se_too_large": _l("the standard error of the score at the pass mark is above 5 points"),
}


@lru_cache(maxsize=32)
def _cached(text: str) -> dict[str, Any]:
    data = json.loads(text)
    return validity_report(task_spec(data["content"], data["key"]))


def version_validity(version: ItemVersion) -> dict[str, Any] | None:
    """The validity report of a practical version (None for other items and examiner-marked
    tasks), with ``reasons``: what keeps it from being exam-ready, in words."""
    if version.type.value != "practical":
        return None
    task = (version.content or {}).get("task") or {}
    try:
        if not get_task_type(task.get("task_type")).auto_scored:
            return None
    except LookupError:
        return None
    text = json.dumps({"content": version.content or {}, "key": version.key or {}},
                      sort_keys=True, default=str)
    report = dict(_cached(text))
    report["reasons"] = [REASONS.get(code, PROBLEMS.get(code, code))
                         for code in report.get("problems", [])]
    return report


def needs_reason(version: ItemVersion) -> bool:
    """Whether approving ``version`` needs a recorded reason: an auto-scored task not exam-ready."""
    report = version_validity(version)
    return report is not None and not report["exam_ready"]
