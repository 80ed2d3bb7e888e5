"""Validation problems of practical tasks, and the small checks every task type builds on.

Validation never stops at the first problem: checks add :class:`ValidationProblem` entries to a
:class:`Problems` collector and return ``None`` for a value they reject, so that an examiner importing a
task, or a client saving a response, sees everything that is wrong at once. Messages are English
sentences that name the record and the field, e.g.
``record "r017", field "spans[2]": span end 48 is past the end of the text (45 characters)``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from certify.errors import ProblemsError

__all__ = [
    "NUMBERS",
    "PLAIN_NUMBERS",
    "PLAIN_SEQUENCES",
    "SEQUENCES",
    "Problems",
    "TaskValidationError",
    "ValidationProblem",
    "describe",
]

#: where a problem was found
SOURCES = ("config", "records", "gold", "response", "task")
#: A file stored in the bank by content hash (``asset:<sha256>``), as imported records refer to media.
STORED_ASSET = re.compile(r"asset:[0-9a-f]{64}")
#: JSON numbers and lists as Python reads them (for isinstance; bool is excluded separately)
NUMBERS = (int, float)
SEQUENCES = (list, tuple)
#: the exact types of plain JSON numbers and lists, for fast paths that accept the usual valid
#: answer before the checks that explain problems (bool, a subclass of int, is not among them)
PLAIN_NUMBERS = frozenset({int, float})
PLAIN_SEQUENCES = frozenset({list, tuple})


@dataclass(frozen=True, slots=True)
class ValidationProblem:
    """One thing wrong with a task or a response.

    :param source: ``config``, ``records``, ``gold``, ``response`` or ``task`` (metric, policy,
        rubric): the file or part of task.yaml to fix.
    :param field: the field, as a path inside the record, gold line or response (``spans[2]``,
        ``response[0]``, ``config.labels``, ``policy.full_at``).
    :param message: what is wrong, as a sentence.
    :param record_id: the record concerned, if any.
    :param candidate: the candidate concerned, when many candidates' responses were validated.
    """

    source: str
    field: str
    message: str
    record_id: str | None = None
    candidate: str | None = None

    def __str__(self) -> str:
        where = [f'field "{self.field}"']
        if self.record_id is not None:
            where.insert(0, f'record "{self.record_id}"')
        if self.candidate is not None:
            where.insert(0, f'candidate "{self.candidate}"')
        return f"{', '.join(where)}: {self.message}"

    def to_dict(self) -> dict[str, str | None]:
        """The problem as plain JSON-ready data."""
        return {
            "source": self.source,
            "field": self.field,
            "message": self.message,
            "record_id": self.record_id,
            "candidate": self.candidate,
        }


class TaskValidationError(ProblemsError):
    """A task or a response is not valid; ``problems`` lists every problem found, in order."""

    shown = 20
    problems: tuple[ValidationProblem, ...]

    def collect(self, problems: Iterable[ValidationProblem]) -> tuple[ValidationProblem, ...]:
        return tuple(problems)

    def summary(self) -> str:
        count = len(self.problems)
        more = f" (and {count - 20} more)" if count > 20 else ""
        return f"{count} problem{'s' if count != 1 else ''}: {super().summary()}{more}"


class Problems:
    """Collects problems for one source, optionally about one record and one candidate.

    :meth:`about` gives a collector with another context that adds to the same list.
    """

    def __init__(self, source: str, record_id: str | None = None, candidate: str | None = None,
                 found: list[ValidationProblem] | None = None):
        if source not in SOURCES:
            raise ValueError(f"unknown problem source {source!r}")
        self.source, self.record_id, self.candidate = source, record_id, candidate
        self.found: list[ValidationProblem] = [] if found is None else found

    def about(self, record_id: str | None = None, source: str | None = None,
              candidate: str | None = None) -> Problems:
        """A collector for another record (and source or candidate) sharing this one's list."""
        return Problems(source or self.source, record_id,
                        self.candidate if candidate is None else candidate, self.found)

    def add(self, field: str, message: str) -> None:
        """Record that ``field`` has the problem ``message``."""
        self.found.append(
            ValidationProblem(self.source, field, message, self.record_id, self.candidate)
        )

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_if_any(self) -> None:
        """:raise TaskValidationError: if any problem was found."""
        if self.found:
            raise TaskValidationError(self.found)

    # -- checks: each adds a problem and returns None when the value is unusable ---------------

    def text(self, field: str, value: Any, *, empty: bool = False, max_length: int | None = None):
        """A string (non-empty unless ``empty``), at most ``max_length`` characters."""
        if not isinstance(value, str):
            return self.add(field, f"must be a string, not {describe(value)}")
        if not empty and not value.strip():
            return self.add(field, "must not be empty")
        if max_length is not None and len(value) > max_length:
            return self.add(field, f"is {len(value)} characters long; at most {max_length} are accepted")
        return value

    def integer(self, field: str, value: Any, minimum: int | None = None,
                maximum: int | None = None):
        """A whole number (not a boolean, not ``4.0``) within the bounds given."""
        if not isinstance(value, int) or isinstance(value, bool):
            return self.add(field, f"must be a whole number, not {describe(value)}")
        return self._within(field, value, minimum, maximum)

    def number(self, field: str, value: Any, minimum: float | None = None,
               maximum: float | None = None):
        """A finite number (not a boolean) within the bounds given, as a float."""
        if not isinstance(value, NUMBERS) or isinstance(value, bool):
            return self.add(field, f"must be a number, not {describe(value)}")
        if not math.isfinite(value):
            return self.add(field, f"must be a finite number, not {value}")
        checked = self._within(field, value, minimum, maximum)
        return None if checked is None else float(checked)

    def _within(self, field, value, minimum, maximum):
        if minimum is not None and value < minimum:
            return self.add(field, f"must be at least {minimum}, not {value}")
        if maximum is not None and value > maximum:
            return self.add(field, f"must be at most {maximum}, not {value}")
        return value

    def sequence(self, field: str, value: Any, *, min_length: int = 0, max_length: int | None = None):
        """A JSON list (a Python list or tuple) with a length within the bounds given."""
        if not isinstance(value, SEQUENCES):
            return self.add(field, f"must be a list, not {describe(value)}")
        if len(value) < min_length:
            return self.add(field, f"must have at least {min_length} item{'s' * (min_length != 1)}, "
                                   f"not {len(value)}")
        if max_length is not None and len(value) > max_length:
            return self.add(field, f"has {len(value)} items; at most {max_length} are accepted")
        return value

    def label(self, field: str, value: Any, labels: Mapping[str, Any] | Iterable[str]):
        """One of the task's labels."""
        if not isinstance(value, str):
            return self.add(field, f"must be a label (a string), not {describe(value)}")
        if value not in labels:
            return self.add(field, f'label "{value}" is not one of the task\'s labels '
                                   f"({', '.join(labels)})")
        return value

    def asset(self, field: str, value: Any):
        """A relative path inside the task's folder, e.g. ``images/r01.png``, or a file stored in the
        bank (``asset:<sha256>``), which is how a task's records refer to media once imported."""
        path = self.text(field, value)
        if path is None:
            return None
        if STORED_ASSET.fullmatch(path):
            return path
        parts = PurePosixPath(path).parts
        if "\\" in path or path.startswith("/") or ".." in parts or ":" in path:
            return self.add(field, f'"{path}" must be a relative path inside the task\'s folder, '
                                   "such as images/r01.png")
        return path

    def keys(self, value: Mapping, allowed: Iterable[str], required: Iterable[str] = (),
             prefix: str = "", kind: str = "") -> None:
        """Report required keys that are missing and keys that are not allowed."""
        allowed = tuple(allowed)
        listed = f" (allowed: {', '.join(allowed)})" if allowed else ""
        for key in required:
            if key not in value:
                self.add(prefix + key, "is required but missing")
        for key in value:
            if key not in allowed:
                self.add(prefix + str(key), f"is not a field of {kind}{listed}")

    def mapping(self, field: str, value: Any):
        """A JSON object."""
        if not isinstance(value, Mapping):
            return self.add(field, f"must be an object (a mapping), not {describe(value)}")
        return value


def describe(value: Any) -> str:
    """A value as a user sees it in JSON or YAML, with its type: ``42 (a number)``, ``a list``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, int | float):
        return f"{value} (a number)"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'"{shown}" (a string)'
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"
