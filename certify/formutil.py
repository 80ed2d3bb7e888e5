"""Helpers shared by the WTForms forms of every domain."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms.fields.choices import SelectChoice


def choices(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """Return ``(value, label)`` pairs as WTForms choices (tuples are deprecated since 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]
