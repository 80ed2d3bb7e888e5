"""Checks shared by several task types: label sets and records showing text or media."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from certify.tasks.problems import Problems, describe

__all__ = ["check_labels", "check_shown_fields", "check_single_gold_value"]

#: fields that name a file in the task's folder (the others are text)
MEDIA_FIELDS = frozenset({"image", "audio", "attachment"})


def check_labels(problems: Problems, config: Mapping[str, Any], key: str = "labels") -> tuple[str, ...]:
    """``config[key]``: a non-empty list of distinct, non-empty string labels, as a tuple."""
    field = f"config.{key}"
    if key not in config:
        problems.add(field, "is required but missing")
        return ()
    value = config[key]
    if problems.sequence(field, value, min_length=1) is None:
        return ()
    labels: list[str] = []
    for i, label in enumerate(value):
        where = f"{field}[{i}]"
        if isinstance(label, bool):
            problems.add(where, f"must be a string, not {describe(label)}; YAML reads unquoted "
                                "yes/no/on/off/true/false as booleans, so quote the label")
        elif problems.text(where, label) is None:
            continue
        elif label in labels:
            problems.add(where, f'label "{label}" is listed twice')
        else:
            labels.append(label)
    return tuple(labels)


class LabelsConfig:
    """Mixin for task types whose config is just ``labels`` (a list of label strings)."""

    def _check_config(self, config: Mapping[str, Any], problems: Problems) -> dict[str, Any]:
        problems.keys(config, ("labels",), prefix="config.", kind="the config")
        return {"labels": check_labels(problems, config)}


def check_shown_fields(problems: Problems, record: Mapping[str, Any], fields: tuple[str, ...],
                       required: tuple[str, ...] = ()) -> None:
    """Check what a record shows: text fields are non-empty strings, media fields relative paths.

    :param fields: the fields of which at least one must be present.
    :param required: fields that must all be present.
    """
    for name in required:
        if name not in record:
            problems.add(name, "is required but missing")
    if fields and not any(name in record for name in fields):
        problems.add(fields[0], f"is missing: a record needs {' or '.join(fields)}")
    for name in sorted(record.keys() & {*fields, *required}):
        if name in MEDIA_FIELDS:
            problems.asset(name, record[name])
        else:
            problems.text(name, record[name])


def check_single_gold_value(problems: Problems, metric: str | None, gold, kappas) -> None:
    """Reject a kappa metric when every gold value is the same: kappa then cannot grade.

    With one gold value, kappa is 1.0 for a perfect response and 0.0 for any other, however close.
    """
    values = set(gold)
    if metric in kappas and len(values) == 1:
        problems.add("metric", f"{metric} cannot tell candidates apart when every gold value is "
                               f"{next(iter(values))!r}: it is 1 for a perfect response and 0 for "
                               "any other; choose accuracy or vary the gold")
