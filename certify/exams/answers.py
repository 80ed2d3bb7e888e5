"""Checking a candidate's answer against its item's type before it is saved (contracts §1, §3).

A save whose value has the wrong shape is refused as a whole with a message naming the position,
the record and the field (HTTP 422); nothing of it is stored. ``None`` always means "no answer" and
is accepted for every type, so a candidate can clear an answer.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from certify.tasks import TaskValidationError, UnknownTaskTypeError, get_task_type

#: Longest text kept for one short answer, one blank, and one saved value as JSON.
MAX_ANSWER_CHARS = 20_000
MAX_BLANK_CHARS = 500
MAX_VALUE_BYTES = 256 * 1024


class AnswerError(ValueError):
    """An answer of the wrong shape; ``message`` names position, record and field."""

    def __init__(self, message: str, *, position: int | None = None, record: str | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position
        self.record = record
        self.field = field

    def to_json(self) -> dict[str, Any]:
        return {"error": self.message, "position": self.position, "record": self.record,
                "field": self.field}


@dataclass(frozen=True)
class CheckedAnswer:
    """A valid answer, normalised, with whether it counts as answered."""

    value: Any
    answered: bool


def _where(position: int, record: str | None, field: str) -> str:
    if record is None:
        return _("Question %(position)s, field %(field)s", position=position, field=field)
    return _("Question %(position)s, record %(record)s, field %(field)s", position=position,
             record=record, field=field)


def _fail(position: int, record: str | None, field: str, problem: str) -> AnswerError:
    return AnswerError(f"{_where(position, record, field)}: {problem}", position=position,
                       record=record, field=field)


def is_answered(item_type: str, value: Any) -> bool:
    """Whether a stored value counts as an answer (practical: any value, even "no entities")."""
    if value is None:
        return False
    if item_type == "practical":
        return True
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        if item_type == "fill_in":
            return any(isinstance(v, str) and v.strip() for v in value)
        return bool(value)
    return True


def check_answer(item_type: str, content: Mapping[str, Any], option_ids: list[str] | None,
                 value: Any, *, position: int, record: str | None) -> CheckedAnswer:
    """Check ``value`` for an item of ``item_type`` and return it normalised.

    :param content: the item version's ``content`` (never its key).
    :param option_ids: the item's option ids (choice items).
    :param record: the record id for practical tasks (required there, forbidden elsewhere).
    :raise AnswerError: naming position, record and field.
    """
    if len(json.dumps(value, ensure_ascii=False).encode()) > MAX_VALUE_BYTES:
        raise _fail(position, record, "value", _("the answer is too large to save"))
    if item_type == "practical":
        return _check_practical(content, value, position=position, record=record)
    if record is not None:
        raise _fail(position, record, "record", _("this question has no records"))
    if value is None:
        return CheckedAnswer(None, False)
    ids = option_ids or []
    if item_type == "single":
        if not isinstance(value, str) or value not in ids:
            raise _fail(position, None, "value", _("choose one of the options %(ids)s",
                                                   ids=", ".join(ids)))
    elif item_type == "multiple":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _fail(position, None, "value", _("send a list of option ids"))
        unknown = [v for v in value if v not in ids]
        if unknown:
            raise _fail(position, None, "value", _("%(ids)s is not an option of this question",
                                                   ids=", ".join(unknown)))
        if len(set(value)) != len(value):
            raise _fail(position, None, "value", _("an option is chosen twice"))
        value = [i for i in ids if i in value]  # authored order, so equal sets are equal values
    elif item_type == "true_false":
        if not isinstance(value, bool):
            raise _fail(position, None, "value", _("send true or false"))
    elif item_type == "fill_in":
        blanks = int(content.get("blanks") or 0)
        if not isinstance(value, list) or len(value) != blanks:
            raise _fail(position, None, "value", _("send a list of %(n)s answers, one per blank",
                                                   n=blanks))
        for i, text in enumerate(value):
            if not isinstance(text, str):
                raise _fail(position, None, f"value[{i}]", _("each blank's answer is text"))
            if len(text) > MAX_BLANK_CHARS:
                raise _fail(position, None, f"value[{i}]", _(
                    "at most %(n)s characters per blank", n=MAX_BLANK_CHARS))
    elif item_type == "short_answer":
        if not isinstance(value, str):
            raise _fail(position, None, "value", _("the answer is text"))
        if len(value) > MAX_ANSWER_CHARS:
            raise _fail(position, None, "value", _("at most %(n)s characters",
                                                   n=MAX_ANSWER_CHARS))
    else:
        raise _fail(position, None, "type", _("this question cannot be answered here"))
    return CheckedAnswer(value, is_answered(item_type, value))


def _check_practical(content: Mapping[str, Any], value: Any, *, position: int,
                     record: str | None) -> CheckedAnswer:

    task = content.get("task") or {}
    if not isinstance(record, str) or not record:
        raise _fail(position, None, "record", _("name the record this answer is for"))
    stored = next((r for r in task.get("records") or [] if str(r.get("id")) == record), None)
    if stored is None:
        raise _fail(position, record, "record", _("this task has no such record"))
    if value is None:
        return CheckedAnswer(None, False)
    try:
        checked = get_task_type(task.get("task_type", "")).validate_response(
            stored, value, task.get("config"))
    except UnknownTaskTypeError as exc:
        raise _fail(position, record, "task_type", str(exc)) from exc
    except TaskValidationError as exc:
        first = exc.problems[0] if exc.problems else None
        field = first.field if first is not None else "value"
        detail = "; ".join(p.message for p in exc.problems) or str(exc)
        raise _fail(position, record, field, detail) from exc
    return CheckedAnswer(checked, checked is not None)
