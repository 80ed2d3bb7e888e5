"""What Label Studio, COCO and CoNLL imports share: turning records and gold into a practical item.

These formats carry data and labels but none of a bank item's metadata; the import form (or the CLI's
options) gives the ref, title, units and time limit, and an examiner edits the guideline before the
draft goes to review.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from flask_babel import gettext as _

from certify.banks.assets import AssetError, CheckedFile, check_image, check_media
from certify.banks.importers.common import ImportOptions, Media, Parsed
from certify.banks.practical import build_item, validate_practical
from certify.banks.spec import REF, Problem

#: Guideline written into an imported task until the examiner replaces it.
DEFAULT_INSTRUCTIONS = {
    "classification": "Choose the one label that fits each record best. Labels: {labels}.",
    "multilabel": "Choose every label that applies to each record (possibly none). Labels: {labels}.",
    "ner": "Select every entity in each text and give it its type ({labels}). Spans must not "
           "overlap; leave punctuation outside the span.",
    "bbox": "Draw a tight box around every visible object of the classes {labels}, one box per "
            "object.",
    "transcription": "Type exactly what is said or written in each record.",
    "rating": "Rate each reply on the scale given.",
    "ranking": "Order the candidates of each record from best to worst.",
}
#: Task types whose labels are configured, and the gold field that must not be empty everywhere.
LABELLED = ("classification", "multilabel", "ner", "bbox")
EMPTY_GOLD = {"multilabel": "labels", "ner": "spans", "bbox": "boxes"}
EMPTY_GOLD_WORDS = {"multilabel": lambda: _("labels"), "ner": lambda: _("entities"),
                    "bbox": lambda: _("boxes")}


def load_image(media: Media, name: str, record: str, parsed: Parsed,
               source: str) -> CheckedFile | None:
    """The checked image a record names, or ``None`` after reporting why it cannot be used."""
    content = media.get(name) if isinstance(name, str) and name else None
    if content is None:
        parsed.problems.append(Problem(_('image "%(name)s" was not uploaded with the JSON file',
                                         name=name),
                                       record=record, field="image", source=source))
        return None
    try:
        return check_image(content, name)
    except AssetError as exc:
        parsed.problems.append(Problem(str(exc), record=record, field="image", source=source))
        return None


def load_media(media: Media, name: str, record: str, parsed: Parsed, source: str,
               kind: str = "image") -> CheckedFile | None:
    """The checked image or audio clip a record names, or ``None`` after reporting why not."""
    if kind == "image":
        return load_image(media, name, record, parsed, source)
    content = media.get(name) if isinstance(name, str) and name else None
    if content is None:
        parsed.problems.append(Problem(_('audio "%(name)s" was not uploaded with the JSON file',
                                         name=name), record=record, field="audio", source=source))
        return None
    try:
        return check_media(content, name, kind)
    except AssetError as exc:
        parsed.problems.append(Problem(str(exc), record=record, field="audio", source=source))
        return None


def default_ref(filename: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", PurePosixPath(filename).stem).strip("-.")
    return (stem or "imported-task")[:64] if len(stem) >= 3 else f"task-{stem or 'import'}"


def finish(parsed: Parsed, *, filename: str, options: ImportOptions, task_type: str,
           records: list[dict], gold: list[dict], labels: list[str], media: dict[str, Any],
           extra_config: dict | None = None) -> Parsed:
    """Build, validate and add the practical item (problems name record and field)."""
    ref = options.ref or default_ref(filename)
    if not REF.match(ref):
        parsed.problems.append(Problem(_('"%(ref)s" is not a valid ref; give one on the import form',
                                         ref=ref), column="ref", source=filename))
        return parsed
    if not options.units:
        parsed.problems.append(Problem(_("choose the syllabus units this task assesses (the file "
                                         "does not say)"), column="units", source=filename))
    if task_type in EMPTY_GOLD and gold and not any(line.get(EMPTY_GOLD[task_type])
                                                    for line in gold):
        parsed.problems.append(Problem(_(
            "the gold of every record is empty (no %(what)s at all): such a task cannot be "
            "scored, since a blank answer would score 100 and a correct one 0; nothing is "
            "created", what=EMPTY_GOLD_WORDS[task_type]()), field="gold", source=filename))
        return parsed
    labels = list(options.labels) or labels
    config = {**({"labels": labels} if task_type in LABELLED else {}), **(extra_config or {})}
    instructions = options.instructions or DEFAULT_INSTRUCTIONS[task_type].format(
        labels=", ".join(labels))
    item = build_item(ref=ref, task_type=task_type, title=options.title or ref,
                      units=list(options.units), records=records, gold=gold, config=config,
                      instructions=instructions, difficulty=options.difficulty,
                      points=options.points, time_limit_minutes=options.time_limit_minutes,
                      source=filename, media=media)
    problems = validate_practical(item)
    parsed.problems += problems
    if not problems and options.units:
        parsed.items.append(item)
    return parsed
