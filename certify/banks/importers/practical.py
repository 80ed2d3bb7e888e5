"""Practical task folders (docs/formats.md §3): ``task.yaml``, ``records.jsonl``, ``gold.jsonl`` and
media, read from a folder on disk or from an uploaded zip of one or more such folders.

Media named by records (``images/r01.png``) are checked by content (see :mod:`certify.banks.assets`)
and carried in ``ItemData.media`` until the import stores them; the records then refer to them as
``asset:<sha256>``. Problems name the file, the line or record and the field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import yaml
from flask_babel import gettext as _

from certify.banks.assets import AssetError, check_media
from certify.banks.importers.common import Parsed, check_zip
from certify.banks.practical import MEDIA_FIELDS, TASK_KEYS, build_item, validate_practical
from certify.banks.spec import BankError, Problem, parse_units
from certify.yamlinput import safe_load

Reader = Callable[[str], bytes | None]


def parse_jsonl(text: str, name: str, source: str, problems: list[Problem]) -> list[dict]:
    """The objects of a JSON-lines file; bad lines are reported with their line number."""
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(Problem(_("line %(n)s is not valid JSON: %(error)s (column %(column)s)",
                                      n=number, error=exc.msg, column=exc.colno), row=number,
                                    column=name, source=source))
            continue
        if not isinstance(value, dict):
            problems.append(Problem(_("line %(n)s must be a JSON object", n=number), row=number,
                                    column=name, source=source))
            continue
        lines.append(value)
    return lines


def _text(read: Reader, name: str, source: str, problems: list[Problem],
          required: bool = True) -> str | None:
    data = read(name)
    if data is None:
        if required:
            problems.append(Problem(_("is missing"), column=name, source=source))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(Problem(_("is not UTF-8 text"), column=name, source=source))
        return None


def store_media(records: list[dict], read: Reader, source: str, ref: str,
                 problems: list[Problem]) -> dict[str, Any]:
    media: dict[str, Any] = {}
    for record in records:
        for name in MEDIA_FIELDS:
            path = record.get(name)
            if not isinstance(path, str) or path.startswith("asset:"):
                continue
            parts = PurePosixPath(path).parts
            if path.startswith("/") or ".." in parts or "\\" in path:
                continue  # reported by the task type's checks
            if path in media:
                record[name] = media[path].ref
                continue
            data = read(path)
            where = {"column": "records.jsonl", "ref": ref, "record": str(record.get("id")),
                     "field": name, "source": source}
            if data is None:
                problems.append(Problem(_('file "%(path)s" is not in the task folder', path=path),
                                        **where))
                continue
            try:
                kind = "audio" if name == "audio" else "image" if name == "image" else None
                checked = check_media(data, path, kind)
            except AssetError as exc:
                problems.append(Problem(str(exc), **where))
                continue
            media[path] = checked
            record[name] = checked.ref
    return media


def read_task(read: Reader, source: str) -> Parsed:
    """Read one task folder through ``read(relative path) -> bytes | None``."""
    parsed = Parsed(formats=["practical"])
    problems = parsed.problems
    text = _text(read, "task.yaml", source, problems)
    if text is None:
        return parsed
    try:
        meta = safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(Problem(_("is not valid YAML: %(error)s",
                                  error=str(getattr(exc, "problem", exc))),
                                row=mark.line + 1 if mark else None, column="task.yaml",
                                source=source))
        return parsed
    if not isinstance(meta, Mapping):
        problems.append(Problem(_("must be a YAML mapping of task fields"), column="task.yaml",
                                source=source))
        return parsed
    ref = str(meta.get("ref") or "")
    for key in meta:
        if key not in TASK_KEYS:
            problems.append(Problem(_('unknown field "%(key)s" (fields: %(fields)s)', key=key,
                                      fields=", ".join(TASK_KEYS)),
                                    column="task.yaml", ref=ref, source=source))
    if meta.get("type", "practical") != "practical":
        problems.append(Problem(_('type must be "practical" in a task folder'), column="task.yaml",
                                ref=ref, source=source))
    records_text = _text(read, "records.jsonl", source, problems)
    records = parse_jsonl(records_text or "", "records.jsonl", source, problems)
    gold_text = _text(read, "gold.jsonl", source, problems, required=False)
    gold = parse_jsonl(gold_text or "", "gold.jsonl", source, problems) if gold_text else []
    units_value = meta.get("units") or []
    if not isinstance(units_value, list):
        units_value = [units_value]
    units, bad = parse_units("; ".join(str(u) for u in units_value))
    for message in bad:
        problems.append(Problem(message, column="units", ref=ref, source=source))
    media = store_media(records, read, source, ref, problems)
    overtime = meta.get("overtime")
    if overtime is not None and not isinstance(overtime, Mapping):
        # build_item copies it as a mapping; say here what its check would say
        problems.append(Problem(_("must be a mapping such as {allowed: true, per_minute: 1, "
                                  "stop_after_minutes: 5}"), column="task.yaml", ref=ref,
                                field="overtime", source=source))
        overtime = None
    item = build_item(
        ref=ref, task_type=str(meta.get("task_type") or ""), title=str(meta.get("title") or ""),
        units=units, records=records, gold=gold, config=meta.get("config"),
        instructions=meta.get("instructions") or "", difficulty=meta.get("difficulty", 3),
        points=meta.get("points", 100), time_limit_minutes=meta.get("time_limit_minutes", 20),
        overtime=overtime, metric=meta.get("metric"), policy=meta.get("policy"),
        rubric=meta.get("rubric"), explanation=meta.get("explanation") or "",
        language=str(meta.get("language") or ""), status=meta.get("status"),
        author=meta.get("author"), change_note=meta.get("change_note") or "", source=source,
        media=media, sample=meta.get("sample"))
    found = validate_practical(item)
    problems += found
    if not problems:
        parsed.items.append(item)
    return parsed


def read_folder(path: Path) -> Parsed:
    """Read a task folder on disk (files outside it are never read)."""
    root = path.resolve()

    def read(name: str) -> bytes | None:
        target = (root / name).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            return None
        return target.read_bytes()

    return read_task(read, path.name)


def read_zip(data: bytes, filename: str) -> Parsed:
    """Read every task folder (a folder holding ``task.yaml``) inside an uploaded zip."""
    archive = check_zip(data, filename)
    names = {info.filename: info for info in archive.infolist() if not info.is_dir()}
    roots = sorted(str(PurePosixPath(n).parent) for n in names
                   if PurePosixPath(n).name == "task.yaml" and "__MACOSX" not in n)
    if not roots:
        raise BankError([Problem(_("%(name)s holds no task.yaml: zip one practical task folder (or "
                                   "several) as described in docs/formats.md §3", name=filename))])
    parsed = Parsed(formats=["practical"])
    for root in roots:
        prefix = "" if root == "." else root + "/"

        def read(name: str, prefix: str = prefix) -> bytes | None:
            info = names.get(prefix + name)
            return archive.read(info) if info is not None else None

        parsed.extend(read_task(read, f"{filename}:{root if root != '.' else ''}".rstrip(":")))
    return parsed
