"""Marking objective items from their key: pure functions, no Flask, no database.

:func:`score_objective` is what grading calls for single, multiple, true/false and fill-in items
(docs/contracts.md §2). Rules:

- **single / true_false**: full points for the keyed answer, else 0.
- **multiple**, ``scoring.mode``:
  ``all_or_nothing`` (default) — full points only for exactly the keyed set;
  ``partial`` — each correct pick earns ``points / len(correct)``, each wrong pick loses ``penalty``
  (default 1.0) times that value; the result is clipped to ``[0, points]``. With penalty 1 and the key
  ``A, C``: ``A`` → ½, ``A, C`` → 1, ``A, B`` → 0, ``A, B, C`` → ½, every option → 0 (with 4 options).
- **fill_in**: each blank is matched after normalising both sides — Unicode NFKC (full-width letters,
  digits and punctuation fold to half-width), surrounding whitespace removed, inner runs of whitespace
  collapsed to one space, and case folded unless the blank is ``case_sensitive``. A numeric blank
  accepts any number within ``tolerance`` (absolute) of the key; ``1,234.5`` and ``+3`` are read as
  numbers, ``3.5%`` as 3.5. ``scoring.mode`` ``partial`` (default) gives each blank an equal share,
  ``all_or_nothing`` only full points.

An answer of the wrong shape (a list for a single-choice item, a word for a numeric blank …) is wrong,
never an error: the exam page validated its shape on save, and a bad stored value must not stop a
whole sitting from being marked. ``detail`` tells the candidate's result (what was right), never the
key.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

#: Item types this module marks.
OBJECTIVE = ("single", "multiple", "true_false", "fill_in")
_SPACE = re.compile(r"\s+")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
#: Rounding of awarded points (sub-point shares such as 1/3 of a point).
PLACES = 6


@dataclass(frozen=True)
class ObjectiveScore:
    """The mark of one objective item.

    :param points: points awarded, ``0 ≤ points ≤ max_points``.
    :param max_points: the item's points.
    :param detail: JSON-safe facts about the candidate's answer: ``answered``, ``correct`` (full
        marks), and per type ``hits``/``wrong`` (multiple) or ``blanks`` (one bool per blank). Never
        the key.
    """

    points: float
    max_points: float
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def correct(self) -> bool:
        return bool(self.detail.get("correct"))


def normalise_text(value: str, case_sensitive: bool = False) -> str:
    """Fold a fill-in answer for comparison: NFKC, trimmed, whitespace collapsed, case folded."""
    text = _SPACE.sub(" ", unicodedata.normalize("NFKC", value)).strip()
    return text if case_sensitive else text.casefold()


def parse_number(value: Any) -> float | None:
    """Read a candidate's numeric answer; ``None`` when it is not a finite number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    text = normalise_text(value).replace(" ", "").replace("−", "-")
    if text.endswith("%"):
        text = text[:-1]
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        number = float(text)
    except ValueError:
        return None
    # float() accepts "nan" and "inf"; they are not answers.
    return number if math.isfinite(number) else None


def _round(points: float) -> float:
    return round(points + 0.0, PLACES)


def score_objective(type: str, content: Mapping[str, Any], key: Mapping[str, Any],
                    points: float | Decimal, answer: Any) -> ObjectiveScore:
    """Mark an objective item (see the module docstring for the rules).

    :param type: ``single``, ``multiple``, ``true_false`` or ``fill_in``.
    :param content: the version's ``content`` (scoring mode, blank count).
    :param key: the version's ``key``.
    :param points: what the item is worth on this form.
    :param answer: the candidate's ``Response.value``; ``None`` when unanswered.
    :raise ValueError: for a type that is not marked from a key (short answer, practical).
    """
    max_points = float(points)
    if type not in OBJECTIVE:
        raise ValueError(f"{type!r} items are not marked from a key "
                         f"(objective types: {', '.join(OBJECTIVE)})")
    scorer = {"single": _single, "true_false": _true_false, "multiple": _multiple,
              "fill_in": _fill_in}[type]
    fraction, detail = scorer(content, key, answer)
    fraction = min(1.0, max(0.0, fraction))
    detail.setdefault("correct", fraction >= 1.0)
    return ObjectiveScore(_round(max_points * fraction), max_points, detail)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _single(content, key, answer) -> tuple[float, dict]:
    if _blank(answer):
        return 0.0, {"answered": False}
    return (1.0 if isinstance(answer, str) and answer == key.get("correct") else 0.0), \
        {"answered": True}


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _true_false(content, key, answer) -> tuple[float, dict]:
    if _blank(answer):
        return 0.0, {"answered": False}
    value = _as_bool(answer)
    return (1.0 if value is not None and value == key.get("correct") else 0.0), {"answered": True}


def _multiple(content, key, answer) -> tuple[float, dict]:
    if _blank(answer):
        return 0.0, {"answered": False, "hits": 0, "wrong": 0}
    if isinstance(answer, str):
        answer = [answer]
    if not isinstance(answer, list | tuple) or not all(isinstance(a, str) for a in answer):
        return 0.0, {"answered": True, "hits": 0, "wrong": 0}
    correct = set(key.get("correct") or [])
    picked = set(answer)
    hits, wrong = len(picked & correct), len(picked - correct)
    detail = {"answered": True, "hits": hits, "wrong": wrong}
    scoring = content.get("scoring") or {}
    if not correct:
        return 0.0, detail
    if scoring.get("mode", "all_or_nothing") != "partial":
        return (1.0 if picked == correct else 0.0), detail
    penalty = float(scoring.get("penalty", 1.0))
    return (hits - penalty * wrong) / len(correct), detail


def _blank_right(spec: Mapping[str, Any], value: Any) -> bool:
    if _blank(value):
        return False
    if "numeric" in spec:
        number = parse_number(value)
        if number is None:
            return False
        tolerance = float(spec.get("tolerance") or 0.0)
        # A hair of slack so that 0.1 + 0.2 style float noise never costs a point.
        return abs(number - float(spec["numeric"])) <= tolerance + 1e-9 * max(1.0, abs(number))
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return False
    case = bool(spec.get("case_sensitive", False))
    given = normalise_text(str(value), case)
    return any(given == normalise_text(str(accepted), case) for accepted in spec.get("accepted", []))


def _fill_in(content, key, answer) -> tuple[float, dict]:
    blanks = list(key.get("blanks") or [])
    if isinstance(answer, str):
        answer = [answer]
    if not isinstance(answer, list | tuple):
        answer = []
    answered = any(not _blank(a) for a in answer)
    results = [_blank_right(spec, answer[i] if i < len(answer) else None)
               for i, spec in enumerate(blanks)]
    detail = {"answered": answered, "blanks": results}
    if not blanks:
        return 0.0, detail
    if (content.get("scoring") or {}).get("mode", "partial") == "all_or_nothing":
        return (1.0 if all(results) else 0.0), detail
    return sum(results) / len(blanks), detail
