"""Checks and normalisation of what people type about themselves: names, e-mails, ID numbers."""

from __future__ import annotations

import re
import unicodedata

_CN_ID = re.compile(r"^\d{17}[\dX]$")
_DOC_ID = re.compile(r"^[A-Z0-9]{6,32}$")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def normalise_name(value: str) -> str:
    """Return a person's name NFC-normalised with runs of white space folded to one space.

    Names may be in any script (张伟, Zhāng Wěi, Ахмед, O'Brien-Smith). Ideographic spaces and other
    Unicode spaces count as white space.
    """
    value = unicodedata.normalize("NFC", value)
    return " ".join(value.split())


def name_problem(value: str) -> str | None:
    """Return why ``value`` (already normalised) is not a usable name, or ``None``."""
    if not value:
        return "empty"
    if len(value) > 100:
        return "too long"
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Co", "Cs") for ch in value):
        return "control characters"
    if not any(unicodedata.category(ch).startswith("L") for ch in value):
        return "no letters"
    return None


def normalise_candidate_id(value: str) -> str:
    """Return an ID document number upper-cased, half-width, without spaces or dashes."""
    value = unicodedata.normalize("NFKC", value).upper()
    return re.sub(r"[\s\-]", "", value)


def candidate_id_problem(value: str) -> str | None:
    """Return why a normalised ID number is not acceptable, or ``None``.

    Any passport-style number of 6–32 letters and digits is accepted; one shaped like a PRC resident
    identity card number (17 digits and a check character) must carry the right ISO 7064 check
    character, which catches most typing slips.
    """
    if not _DOC_ID.match(value):
        return "format"
    if _CN_ID.match(value):
        total = sum(int(d) * w for d, w in zip(value[:17], _ID_WEIGHTS, strict=True))
        if _ID_CHECK[total % 11] != value[17]:
            return "checksum"
    return None
