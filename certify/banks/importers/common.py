"""What every bank file reader shares: options, the parse result, media lookup, size limits."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from flask_babel import gettext as _

from certify.banks.spec import BankError, ItemData, Problem
from certify.settings import setting


def limit(name: str) -> int:
    """One of the ``BANK_MAX_*`` settings (certify/config.py)."""
    return int(setting(name))


@dataclass
class ImportOptions:
    """What a file may not say itself (foreign formats), given on the import form or the CLI."""

    units: list[str] = field(default_factory=list)
    ref: str | None = None
    title: str | None = None
    task_type: str | None = None
    labels: list[str] = field(default_factory=list)
    difficulty: int = 3
    points: int = 100
    time_limit_minutes: int = 20
    instructions: str = ""


@dataclass
class Parsed:
    """What a reader found: items, problems (row/column/record located) and notes for the report."""

    items: list[ItemData] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)

    def extend(self, other: Parsed) -> None:
        self.items += other.items
        self.problems += other.problems
        self.notes += other.notes
        self.formats += [f for f in other.formats if f not in self.formats]


class Media:
    """Files a foreign format's records refer to, found by name (uploads, a folder or a zip)."""

    def __init__(self, files: dict[str, bytes] | None = None, folder: Path | None = None):
        self.files = dict(files or {})
        self.folder = folder

    def get(self, name: str) -> bytes | None:
        """The file called ``name`` (a path or URL: its last part is what counts), else None."""
        base = PurePosixPath(name.replace("\\", "/").split("?")[0]).name
        candidates = [base]
        # Label Studio prefixes uploaded files with 8 hex digits and a dash.
        if len(base) > 9 and base[8] == "-" and all(c in "0123456789abcdef" for c in base[:8]):
            candidates.append(base[9:])
        for candidate in candidates:
            if candidate in self.files:
                return self.files[candidate]
            if self.folder is not None:
                for where in (self.folder, self.folder / "images", self.folder / "audio"):
                    path = where / candidate
                    if path.is_file() and path.resolve().is_relative_to(self.folder.resolve()):
                        return path.read_bytes()
        return None


def check_zip(data: bytes, what: str) -> zipfile.ZipFile:
    """Open a zip (an XLSX or an uploaded task folder) only if it cannot expand into a bomb.

    :raise BankError: when it is not a zip, has too many entries or would expand past the limit.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise BankError([Problem(_("%(name)s is not a valid zip/XLSX file", name=what))]) from exc
    entries = archive.infolist()
    if len(entries) > limit("BANK_MAX_ZIP_ENTRIES"):
        raise BankError([Problem(_("%(name)s holds %(n)s files; at most %(max)s are accepted",
                                   name=what, n=len(entries), max=limit("BANK_MAX_ZIP_ENTRIES")))])
    total = sum(e.file_size for e in entries)
    if total > limit("BANK_MAX_UNCOMPRESSED_BYTES"):
        raise BankError([Problem(_(
            "%(name)s would expand to %(size)s MB; at most %(max)s MB are accepted (a zip bomb is "
            "refused before it is opened)", name=what, size=round(total / 1024 / 1024),
            max=round(limit("BANK_MAX_UNCOMPRESSED_BYTES") / 1024 / 1024)))])
    return archive
