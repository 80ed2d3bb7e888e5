"""Reading bank files: CSV/XLSX, practical task folders (or zips of them), Moodle XML, Label Studio
JSON, COCO JSON and CoNLL — each into :class:`~certify.banks.spec.ItemData` plus located problems.

:func:`read_file` picks the reader from the file's name and content; :func:`read_path` also reads a
practical task folder, or a folder of task folders and bank files (the bundled ``question_banks``).
Readers never touch the database: :func:`certify.banks.imports.import_items` checks what needs it
(units, authors, existing items) and applies everything or nothing.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from certify.banks.importers import coco, conll, csv_xlsx, label_studio, moodle, practical
from certify.banks.importers.common import ImportOptions, Media, Parsed, Skipped, limit
from certify.banks.spec import BankError, Problem

__all__ = ["ImportOptions", "Media", "Parsed", "Skipped", "read_file", "read_path"]


def read_file(data: bytes, filename: str, options: ImportOptions | None = None,
              media: Media | None = None) -> Parsed:
    """Read an uploaded bank file of any supported format (chosen by name, then content).

    :raise BankError: when the file as a whole cannot be read (size, encoding, not the format).
    """
    options = options or ImportOptions()
    media = media or Media()
    if len(data) > limit("BANK_MAX_FILE_BYTES"):
        raise BankError([Problem(_("%(name)s is %(size)s MB; bank files may be at most %(max)s MB",
                                   name=filename, size=round(len(data) / 1024 / 1024, 1),
                                   max=round(limit("BANK_MAX_FILE_BYTES") / 1024 / 1024)))])
    name = filename.lower()
    if name.endswith(".tsv") and not _bank_header(data) and conll.looks_like_conll(data):
        return conll.read_conll(data, filename, options)  # GermEval's NER-de-train.tsv
    if name.endswith(".csv") or name.endswith(".tsv"):
        return csv_xlsx.read_csv(data, filename)
    if name.endswith(".xlsx"):
        return csv_xlsx.read_xlsx(data, filename)
    if name.endswith(".xml"):
        return moodle.read_moodle(data, filename, options)
    if name.endswith((".conll", ".conllu", ".iob", ".bio", ".bmes", ".bioes", ".iobes", ".txt")):
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
    if conll.looks_like_conll(data):
        # CoNLL files come with any name: eng.testa, train.char.bmes, emerging.test.annotated …
        return conll.read_conll(data, filename, options)
    raise BankError([Problem(_("%(name)s: unsupported file type; upload CSV, XLSX, Moodle XML, Label "
                               "Studio or COCO JSON, CoNLL, or a zipped practical task folder",
                               name=filename))])


def _bank_header(data: bytes) -> bool:
    """Whether the first line of a .tsv names certify's bank columns (``ref`` and ``type``)."""
    first = data[:4096].decode("utf-8-sig", errors="replace").splitlines()[:1]
    columns = {c.strip().lower() for c in first[0].replace(";", "\t").replace(",", "\t")
               .split("\t")} if first else set()
    return {"ref", "type"} <= columns


def read_path(path: Path, options: ImportOptions | None = None, *, top: bool = True) -> Parsed:
    """Read a file, a practical task folder, or a folder of those (recursively, sorted by name)."""
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
