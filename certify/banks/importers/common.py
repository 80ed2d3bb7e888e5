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
    #: Label Studio: the project's labeling config (XML), which names the data field and the labels.
    label_config: bytes | None = None
    #: The labeling config's file name, for messages.
    label_config_name: str = "labeling config"
    #: Label Studio without a config: the ``data`` field that holds the text (or image, audio).
    text_field: str | None = None


@dataclass
class Skipped:
    """A part of a file that is not imported (a Moodle question, a Label Studio task) and why."""

    what: str
    reason: str
    source: str | None = None

    def __str__(self) -> str:
        where = f"{self.source}, " if self.source else ""
        return f"{where}{self.what}: {self.reason}"


@dataclass
class Parsed:
    """What a reader found: items, problems (row/column/record located) and notes for the report."""

    items: list[ItemData] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    #: What the file holds that certify does not import, each with its reason (never silent).
    skipped: list[Skipped] = field(default_factory=list)

    def extend(self, other: Parsed) -> None:
        self.items += other.items
        self.problems += other.problems
        self.notes += other.notes
        self.skipped += other.skipped
        self.formats += [f for f in other.formats if f not in self.formats]


class Media:
    """Files a foreign format's records refer to, found by name (uploads, a folder or a zip).

    A record may name a file by a relative path (COCO's ``a/0001.jpg``), by a URL or an absolute path
    whose last part is the file name (Label Studio's ``/data/upload/3/8f3a2b1c-street.png``), or by a
    name without extension (``/image1``). :meth:`get` tries, in order: the path as given, the file
    name, the file name without Label Studio's 8-hex upload prefix, and a unique file whose name
    without extension matches. Files are read from the uploads (a zip of images counts as its
    files, with their folders) or, on the command line, from the folder of the JSON file and its
    ``images/`` and ``audio/`` folders, never from outside that folder.
    """

    def __init__(self, files: dict[str, bytes] | None = None, folder: Path | None = None):
        self.files: dict[str, bytes] = {}
        for name, data in (files or {}).items():
            self.files[name.replace("\\", "/").lstrip("/")] = data
        self.folder = folder

    @classmethod
    def from_uploads(cls, uploads: list[tuple[str, bytes]]) -> Media:
        """Uploaded files by name; a ``.zip`` among them is opened (checked against bombs) and
        its files are added with their paths.

        :raise BankError: for a zip that is not one or would expand too far.
        """
        files: dict[str, bytes] = {}
        for name, data in uploads:
            if name.lower().endswith(".zip"):
                archive = check_zip(data, name)
                for entry in archive.infolist():
                    path = entry.filename.replace("\\", "/")
                    if entry.is_dir() or path.startswith(("__MACOSX/", "/")) or ".." in \
                            PurePosixPath(path).parts:
                        continue
                    files[path] = archive.read(entry)
            else:
                files[PurePosixPath(name.replace("\\", "/")).name] = data
        return cls(files)

    def _by_path(self, path: str) -> bytes | None:
        if path in self.files:
            return self.files[path]
        matches = [name for name in self.files if name.endswith("/" + path)]
        if len(matches) == 1:
            return self.files[matches[0]]
        if self.folder is not None:
            for where in (self.folder, self.folder / "images", self.folder / "audio"):
                candidate = where / path
                if candidate.is_file() and candidate.resolve().is_relative_to(
                        self.folder.resolve()):
                    return candidate.read_bytes()
        return None

    def get(self, name: str) -> bytes | None:
        """The file ``name`` refers to (see the class docstring), else None."""
        clean = name.replace("\\", "/").split("?")[0]
        relative = clean.split("://", 1)[-1] if "://" in clean else clean
        parts = [p for p in PurePosixPath(relative).parts if p not in ("/", ".", "..")]
        base = parts[-1] if parts else ""
        candidates = []
        if len(parts) > 1 and "://" not in clean:
            candidates.append("/".join(parts))
        candidates.append(base)
        # Label Studio prefixes uploaded files with 8 hex digits and a dash.
        if len(base) > 9 and base[8] == "-" and all(c in "0123456789abcdef" for c in base[:8]):
            candidates.append(base[9:])
        for candidate in candidates:
            if candidate and (found := self._by_path(candidate)) is not None:
                return found
        if base and "." not in base:
            stems = [n for n in self.files if PurePosixPath(n).stem == base]
            if len(stems) == 1:
                return self.files[stems[0]]
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
