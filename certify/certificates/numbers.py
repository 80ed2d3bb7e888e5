"""Certificate numbers, level labels and candidate-ID masking: pure helpers, no Flask, no database.

A certificate number reads ``AIT-L3-2026-000123``: the occupation prefix (``AIT``, Artificial
Intelligence Trainer), the level (5 junior … 1 senior technician), the year of issue and a
six-digit sequence that the issuing code allocates per (level, year).  :func:`format_number` and
:func:`parse_number` are exact inverses; the database layer owns the sequence itself.
"""

from __future__ import annotations

import re
from typing import NamedTuple

#: Occupation of the whole application (national occupational classification, 2022 edition).
OCCUPATION_CODE = "4-04-05-05"
OCCUPATION_EN = "Artificial Intelligence Trainer"
OCCUPATION_ZH = "人工智能训练师"

#: Prefix of every certificate number: Artificial Intelligence Trainer.
NUMBER_PREFIX = "AIT"

#: Level number → (English, Chinese) label, as printed on the certificate and in the badge.
LEVELS: dict[int, tuple[str, str]] = {
    5: ("Level 5 — Junior", "五级 / 初级工"),
    4: ("Level 4 — Intermediate", "四级 / 中级工"),
    3: ("Level 3 — Senior", "三级 / 高级工"),
    2: ("Level 2 — Technician", "二级 / 技师"),
    1: ("Level 1 — Senior Technician", "一级 / 高级技师"),
}

_MAX_SEQUENCE = 999_999
_NUMBER_RE = re.compile(r"(?P<prefix>[A-Z]{2,8})-L(?P<level>[1-5])-(?P<year>\d{4})-(?P<seq>\d{6})",
                        re.ASCII)


class CertificateNumber(NamedTuple):
    """The parts of a certificate number such as ``AIT-L3-2026-000123``."""

    prefix: str
    level: int
    year: int
    sequence: int

    def __str__(self) -> str:
        return format_number(self.level, self.year, self.sequence, prefix=self.prefix)


def level_labels(level: int) -> tuple[str, str]:
    """Return the (English, Chinese) label of a level.

    :param level: 5 (junior) … 1 (senior technician).
    :raises ValueError: for any other level.
    """
    try:
        return LEVELS[level]
    except (KeyError, TypeError):
        raise ValueError(f"level must be one of 1–5, not {level!r}") from None


def format_number(level: int, year: int, sequence: int, *, prefix: str = NUMBER_PREFIX) -> str:
    """Format a certificate number, e.g. ``format_number(3, 2026, 123) == "AIT-L3-2026-000123"``.

    :param level: 1–5.
    :param year: four-digit year of issue.
    :param sequence: 1–999 999, allocated by the caller per (level, year).
    :param prefix: 2–8 upper-case ASCII letters.
    :raises ValueError: when a part is out of range, so that no number is printed that
        :func:`parse_number` would refuse.
    """
    level_labels(level)
    if not (1000 <= year <= 9999):
        raise ValueError(f"year must have four digits, not {year!r}")
    if not (1 <= sequence <= _MAX_SEQUENCE):
        raise ValueError(f"sequence must be 1–{_MAX_SEQUENCE}, not {sequence!r}")
    if not re.fullmatch(r"[A-Z]{2,8}", prefix):
        raise ValueError(f"prefix must be 2–8 upper-case letters, not {prefix!r}")
    return f"{prefix}-L{level}-{year:04d}-{sequence:06d}"


def parse_number(text: str) -> CertificateNumber:
    """Parse a certificate number as typed by a person (surrounding spaces and case forgiven).

    :return: the parts; ``str()`` of the result is the canonical number.
    :raises ValueError: when *text* is not a well-formed number.
    """
    match = _NUMBER_RE.fullmatch(text.strip().upper())
    if match is None or int(match["seq"]) == 0:
        raise ValueError(f"not a certificate number: {text!r}")
    return CertificateNumber(match["prefix"], int(match["level"]), int(match["year"]),
                             int(match["seq"]))


def mask_candidate_id(candidate_id: str, *, keep: int = 4, mask: str = "*") -> str:
    """Mask the middle of an identity-document number for printing.

    An 18-character resident ID keeps its first and last four characters
    (``11010519491231002X`` → ``1101**********002X``).  Shorter numbers keep proportionally
    less, so that at least half of the characters is always hidden; spaces are dropped first.

    :param candidate_id: the full number.
    :param keep: characters kept at each end for numbers of 16 characters or more.
    :param mask: the replacement character.
    """
    compact = "".join(candidate_id.split())
    shown = min(keep, len(compact) // 4)
    if shown == 0:
        return mask * len(compact)
    return compact[:shown] + mask * (len(compact) - 2 * shown) + compact[-shown:]
