"""Checking an item before it is stored: the item's own rules, plus what needs the database
(units in the syllabus, assets in the bank), all found before anything is created, so that a
refusal leaves nothing behind.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _

from certify.banks import assets
from certify.banks.markup import asset_refs
from certify.banks.practical import media_refs, validate_practical
from certify.banks.spec import LANGUAGE, ItemData, Problem, validate_item
from certify.syllabus.models import Unit


def _nul_at(value: Any, where: str) -> str | None:
    """Where in ``value`` a string holds a NUL character (no database text can), else ``None``."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, child in items:
        found = _nul_at(key, where) or _nul_at(
            child, f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}".lstrip("."))
        if found:
            return found
    return None


def check_data(data: ItemData, units: dict[str, Unit]) -> list[Problem]:
    """Every problem of ``data`` including units that are not in the syllabus and assets that are
    not in the bank (found before anything is created, so that a refusal leaves nothing behind)."""
    problems = validate_practical(data) if data.type == "practical" else validate_item(data)
    if data.type == "practical" and not LANGUAGE.match(data.language or "en"):
        problems.append(Problem(_('"%(text)s" is not a language code such as en or zh',
                                  text=data.language), row=data.row, column="language",
                                ref=data.ref, source=data.source))
    nul = _nul_at({"ref": data.ref, "units": data.units, "stem": data.stem,
                   "explanation": data.explanation, "change_note": data.change_note,
                   **data.content, **data.key}, "")
    if nul:
        problems.append(Problem(_("holds a NUL character, which text cannot hold (was the file "
                                  "saved as UTF-16, or is it not text?)"), row=data.row,
                                ref=data.ref, field=nul, source=data.source))
    for ref in data.units:
        if ref not in units:
            problems.append(Problem(_("unit %(ref)s is not in the syllabus", ref=ref),
                                    row=data.row, column="units", ref=data.ref,
                                    source=data.source))
    if not problems:
        brought = {c.sha256 for c in data.media.values()}
        for sha in sorted(used_assets(data) - brought):
            if assets.find_asset(sha) is None:
                problems.append(Problem(_("asset:%(sha)s is not in the bank; upload the file first",
                                          sha=sha[:12] + "…"), row=data.row, ref=data.ref,
                                        source=data.source))
    return problems


def search_text(data: ItemData) -> str:
    parts = [data.ref, data.stem]
    parts += [o.get("text", "") for o in data.content.get("options") or []]
    task = data.content.get("task") or {}
    parts += [task.get("title", ""), task.get("task_type", "")]
    return re.sub(r"\s+", " ", " ".join(p for p in parts if p)).lower()[:20000]


def used_assets(data: ItemData) -> set[str]:
    """The SHA-256 of every asset ``data`` refers to (Markdown and practical records)."""
    shas = set(asset_refs(data.stem)) | set(asset_refs(data.explanation))
    for option in data.content.get("options") or []:
        shas |= asset_refs(option.get("text"))
    return shas | media_refs(data.content)
