"""Reading bank files: CSV/XLSX, practical task folders (or zips of them), Moodle XML, Label Studio
JSON, COCO JSON and CoNLL — each into :class:`~certify.banks.spec.ItemData` plus located problems.

:func:`read_file` picks the reader from the file's name and content; :func:`read_path` also reads a
practical task folder, or a folder of task folders and bank files (the bundled ``question_banks``).
Readers never touch the database: :func:`certify.banks.operations.import_items` checks what needs it
(units, authors, existing items) and applies everything or nothing.
"""

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


def read_file(data: bytes, filename: str, options: ImportOptions | None = None,
              media: Media | None = None) -> Parsed:
    """Read an uploaded bank file of any supported format (chosen by name, then content).

    :raise BankError: when the file as a whole cannot be read (size, encoding, not the format).
    """
    from certify.banks.importers import coco, conll, csv_xlsx, label_studio, moodle, practical

    options = options or ImportOptions()
    media = media or Media()
    if len(data) > limit("BANK_MAX_FILE_BYTES"):
        raise BankError([Problem(_("%(name)s is %(size)s MB; bank files may be at most %(max)s MB",
                                   name=filename, size=round(len(data) / 1024 / 1024, 1),
                                   max=round(limit("BANK_MAX_FILE_BYTES") / 1024 / 1024)))])
    name = filename.lower()
    if name.endswith(".csv") or name.endswith(".tsv"):
        return csv_xlsx.read_csv(data, filename)
    if name.endswith(".xlsx"):
        return csv_xlsx.read_xlsx(data, filename)
    if name.endswith(".xml"):
        return moodle.read_moodle(data, filename, options)
    if name.endswith((".conll", ".conllu", ".iob", ".bio", ".txt")):
        return conll.read_conll(data, filename, options)
    if name.endswith(".zip"):
        return practical.read_zip(data, filename)
    if name.endswith(".json"):
        document = label_studio.load_json(data, filename)
        if isinstance(document, dict) and {"images", "annotations", "categories"} <= set(document):
            return coco.read_coco(document, filename, options, media)
        return label_studio.read_label_studio(document, filename, options, media)
    if name.endswith((".xls", ".ods", ".numbers")):
        raise BankError([Problem(_("%(name)s: save the sheet as .xlsx (Excel 2007 or later) or as "
                                   "CSV UTF-8 and upload that", name=filename))])
    raise BankError([Problem(_("%(name)s: unsupported file type; upload CSV, XLSX, Moodle XML, Label "
                               "Studio or COCO JSON, CoNLL, or a zipped practical task folder",
                               name=filename))])


def read_path(path: Path, options: ImportOptions | None = None, *, top: bool = True) -> Parsed:
    """Read a file, a practical task folder, or a folder of those (recursively, sorted by name)."""
    from certify.banks.importers import practical

    if path.is_file():
        return read_file(path.read_bytes(), path.name, options, Media(folder=path.parent))
    if (path / "task.yaml").is_file():
        return practical.read_folder(path)
    parsed = Parsed()
    children = sorted(p for p in path.iterdir() if not p.name.startswith(("_", ".")))
    for child in children:
        if child.is_dir() or child.suffix.lower() in (".csv", ".xlsx", ".xml"):
            try:
                parsed.extend(read_path(child, options, top=False))
            except BankError as exc:
                parsed.problems += [p if p.source else Problem(p.message, p.row, p.column, p.ref,
                                                               p.record, p.field, child.name)
                                    for p in exc.problems]
    if top and not parsed.items and not parsed.problems:
        parsed.problems.append(Problem(_("%(path)s: no bank files or task folders found",
                                         path=str(path))))
    return parsed
