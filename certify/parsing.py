"""Whole numbers typed by people or found in files, parsed without surprises.

``str.isdigit()`` accepts ``"²"`` and ``"١٢"``, and ``int()`` refuses the first and turns a
5,000-digit string into a ValueError (Python's conversion limit); a number bigger than the database's
INTEGER fails only when PostgreSQL sees it. :func:`whole_number` takes ASCII digits only, of a
bounded length, so a query string, a filter or a file's key is either a usable number or ``None``.
"""

from __future__ import annotations

#: The largest id a table holds (PostgreSQL INTEGER).
MAX_ID = 2**31 - 1


def whole_number(text: object, *, signed: bool = False, maximum: int = MAX_ID) -> int | None:
    """``int(text)`` when ``text`` is a string of ASCII digits (with a leading ``-`` when
    ``signed``) whose value is at most ``maximum`` in size; otherwise ``None``."""
    if not isinstance(text, str):
        return None
    digits = text[1:] if signed and text.startswith("-") else text
    if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > len(str(maximum)):
        return None
    value = int(text)
    return value if abs(value) <= maximum else None



def utf8_text(data: bytes) -> str | None:
    """The text of an uploaded file saved as UTF-8 (a byte-order mark is dropped), or ``None`` when
    it is not: invalid bytes, or NUL characters, which mean UTF-16 without a byte-order mark or a
    binary file (PostgreSQL cannot store NUL in text either)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return None if "\x00" in text else text
