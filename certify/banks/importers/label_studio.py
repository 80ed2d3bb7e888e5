"""Label Studio JSON exports (a list of tasks with ``annotations``) → a practical item with gold.

``choices`` results become classification (multilabel when a task has several choices, or when the
import asks for multilabel), ``labels`` over text become NER, and ``rectanglelabels`` become bounding
boxes (Label Studio's percentages converted to pixels of the original image). The gold of a task is its
annotation marked ``ground_truth``, else its first annotation that was not cancelled. Label Studio
counts text offsets in UTF-16 code units (JavaScript strings); they are converted to code points and
checked against the annotated text. Images are matched by file name among the uploaded files (or, on the
command line, next to the JSON file).
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _

from certify.banks.importers.common import ImportOptions, Media, Parsed
from certify.banks.importers.foreign import finish, load_image
from certify.banks.spec import BankError, Problem

KINDS = {"choices": "classification", "labels": "ner", "rectanglelabels": "bbox"}


def load_json(data: bytes, filename: str) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise BankError([Problem(_("%(name)s is not UTF-8 text", name=filename))]) from exc
    except json.JSONDecodeError as exc:
        raise BankError([Problem(_("%(name)s is not valid JSON: %(error)s at line %(line)s, column "
                                   "%(column)s", name=filename, error=exc.msg, line=exc.lineno,
                                   column=exc.colno))]) from exc


def utf16_to_codepoints(text: str, offset: int) -> int | None:
    """The code-point index of a UTF-16 offset into ``text`` (None when it splits a character)."""
    units = 0
    for index, char in enumerate(text):
        if units == offset:
            return index
        units += 2 if ord(char) > 0xFFFF else 1
    return len(text) if units == offset else None


def _objects(value: Any) -> list[dict]:
    """The JSON objects of what should be a list of them (a file may hold anything there)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _value(result: dict) -> dict:
    value = result.get("value")
    return value if isinstance(value, dict) else {}


def _texts(value: Any) -> list[str]:
    """The strings of what should be a list of labels or choices."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _gold_annotation(task: dict) -> dict | None:
    annotations = [a for a in _objects(task.get("annotations")) if not a.get("was_cancelled")]
    truth = [a for a in annotations if a.get("ground_truth")]
    return (truth or annotations or [None])[0]


def read_label_studio(document: Any, filename: str, options: ImportOptions,
                      media: Media) -> Parsed:
    """Read a Label Studio JSON export (the full format, not JSON-MIN)."""
    parsed = Parsed(formats=["label_studio"])
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list) or not document or not all(
            isinstance(t, dict) and "data" in t for t in document):
        raise BankError([Problem(_('%(name)s is not a Label Studio JSON export: expected a list of '
                                   'tasks, each with "data" and "annotations" (use the JSON export, '
                                   'not JSON-MIN or CSV)', name=filename))])

    def problem(record: str | None, field: str | None, message: str) -> None:
        parsed.problems.append(Problem(message, record=record, field=field, source=filename))

    kinds = set()
    for task in document:
        annotation = _gold_annotation(task) or {}
        for result in _objects(annotation.get("result")):
            if isinstance(result.get("type"), str) and result["type"] in KINDS:
                kinds.add(KINDS[result["type"]])
            else:
                problem(str(task.get("id")), "type", _(
                    'result type "%(type)s" is not supported (choices, labels, rectanglelabels)',
                    type=result.get("type")))
    if len(kinds) != 1:
        parsed.problems.append(Problem(
            _("the annotations mix %(kinds)s", kinds=" and ".join(sorted(kinds))) if kinds else
            _("no task has choices, labels or rectanglelabels annotations"), source=filename))
        return parsed
    task_type = kinds.pop()
    multi = options.task_type == "multilabel" or (task_type == "classification" and any(
        len(_texts(_value(r).get("choices"))) > 1
        for t in document for r in _objects((_gold_annotation(t) or {}).get("result"))
        if r.get("type") == "choices"))
    if task_type == "classification" and multi:
        task_type = "multilabel"
    records, gold, labels, files = [], [], [], {}
    for index, task in enumerate(document, start=1):
        rid = str(task.get("id", index))
        data = task["data"] if isinstance(task["data"], dict) else {}
        annotation = _gold_annotation(task)
        if annotation is None:
            problem(rid, "annotations", _("has no annotation that was not cancelled, so no gold"))
            continue
        results = _objects(annotation.get("result"))
        record: dict[str, Any] = {"id": rid}
        if task_type == "bbox" or (task_type != "ner" and "image" in data and "text" not in data):
            name = data.get("image") or next((v for v in data.values() if isinstance(v, str)), "")
            checked = load_image(media, name, rid, parsed, filename)
            if checked is None:
                continue
            files[checked.ref] = checked
            record["image"] = checked.ref
            if task_type == "bbox":
                record["width"], record["height"] = checked.width, checked.height
        else:
            text = data.get("text")
            if not isinstance(text, str):
                text = next((v for v in data.values() if isinstance(v, str)), None)
            if text is None:
                problem(rid, "data", _("has no text"))
                continue
            record["text"] = text
        records.append(record)
        line: dict[str, Any] = {"id": rid}
        if task_type in ("classification", "multilabel"):
            chosen = [c for r in results if r.get("type") == "choices"
                      for c in _texts(_value(r).get("choices"))]
            labels += [c for c in chosen if c not in labels]
            if task_type == "multilabel":
                line["labels"] = chosen
            elif len(chosen) != 1:
                problem(rid, "choices", _("has %(n)s choices; a classification record needs "
                                          "exactly one", n=len(chosen)))
                continue
            else:
                line["label"] = chosen[0]
        elif task_type == "ner":
            spans = []
            for r in results:
                value = _value(r)
                start = utf16_to_codepoints(record["text"], value.get("start", -1))
                end = utf16_to_codepoints(record["text"], value.get("end", -1))
                label = next(iter(_texts(value.get("labels"))), None)
                if start is None or end is None:
                    problem(rid, "spans", _("offsets %(start)s–%(end)s are outside the text",
                                            start=value.get("start"), end=value.get("end")))
                    continue
                if "text" in value and record["text"][start:end] != value["text"]:
                    problem(rid, "spans", _('offsets %(start)s–%(end)s give "%(found)s", but the '
                                            'annotation says "%(text)s"', start=start, end=end,
                                            found=record["text"][start:end], text=value["text"]))
                    continue
                if label is not None and label not in labels:
                    labels.append(label)
                spans.append([start, end, label])
            line["spans"] = sorted(spans, key=lambda s: (s[0], s[1]))
        else:
            boxes = []
            for r in results:
                value = _value(r)
                if value.get("rotation"):
                    problem(rid, "boxes", _("rotated boxes are not supported"))
                    continue
                width = r.get("original_width") or record["width"]
                height = r.get("original_height") or record["height"]
                record["width"], record["height"] = width, height
                label = next(iter(_texts(value.get("rectanglelabels"))), None)
                if label is not None and label not in labels:
                    labels.append(label)
                try:
                    x = round(float(value["x"]) / 100 * width, 2)
                    y = round(float(value["y"]) / 100 * height, 2)
                    w = round(min(float(value["width"]) / 100 * width, width - x), 2)
                    h = round(min(float(value["height"]) / 100 * height, height - y), 2)
                except (KeyError, TypeError, ValueError):
                    problem(rid, "boxes", _("a rectangle lacks x, y, width or height"))
                    continue
                boxes.append([x, y, w, h, label])
            line["boxes"] = boxes
        gold.append(line)
    return finish(parsed, filename=filename, options=options, task_type=task_type,
                  records=records, gold=gold, labels=labels, media=files)
