"""The units transcriptions are scored in: words and characters, exactly as jiwer's default
transforms cut them (shared by the single-candidate metrics and the batch)."""

from __future__ import annotations

import re

_MULTIPLE_SPACES = re.compile(r"\s\s+")


def words(text: str) -> list[str]:
    """Split a transcription into words exactly as jiwer's default WER transform does.

    Runs of two or more whitespace characters become one space, the ends are stripped, and the text
    is split at spaces (so a lone tab or newline does not separate words, as in jiwer).
    """
    # Fast path: printable text has no whitespace but " " (tabs, newlines, U+3000… are not
    # printable), so without a double space the substitution would change nothing.
    if not text.isprintable() or "  " in text:
        text = _MULTIPLE_SPACES.sub(" ", text)
    text = text.strip()
    return text.split(" ") if text else []


def characters(text: str) -> str:
    """The characters CER counts: the text stripped at both ends (jiwer's default CER transform)."""
    return text.strip()
