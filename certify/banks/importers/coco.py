"""COCO instances JSON (``images``, ``annotations``, ``categories``) → a bounding-box task with gold.

One record per image (its id is the image's id), gold boxes from the annotations' ``bbox`` (already
``[x, y, w, h]`` in pixels). The labels are the categories the boxes use, in category id order (a
COCO file often lists all 80 COCO categories for a task that uses five); the import form or
``--labels`` can give the label set instead. Crowd annotations describe a region, not an object, and
are left out (the report says how many): ``iscrowd`` is crowd only when it is true, 1, ``"1"`` or
``"true"`` — COCO Annotator writes ``"false"``, which is not crowd — and any other value is reported.
Images are matched by ``file_name`` (a path such as ``a/0001.jpg`` is kept) among the uploaded files
or next to the JSON file. A task whose gold has no box at all is never created.
"""

from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _

from certify.banks.importers.common import ImportOptions, Media, Parsed
from certify.banks.importers.foreign import finish, load_image
from certify.banks.spec import Problem


def _objects(value: Any) -> list[dict]:
    """The JSON objects of what should be a list of them (a file may hold anything there)."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _id(value: Any) -> str:
    """A category id as a key, whatever JSON value the file gives (ids are usually numbers)."""
    return json.dumps(value, sort_keys=True)


def _order(category: dict) -> tuple:
    """Categories in id order: numbers by value, then any other id by its JSON text."""
    value = category.get("id", 0)
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return (0, value, "") if number else (1, 0, _id(value))


#: ``iscrowd`` values (``True == 1`` and ``False == 0`` in Python, so the numbers are covered).
_CROWD = {True: True, "1": True, "true": True, False: False, "0": False, "false": False,
          None: False}


def _crowd(value: Any) -> bool | None:
    """Whether ``iscrowd`` says crowd; ``None`` for a value that is neither yes nor no."""
    key = value.strip().lower() if isinstance(value, str) else value
    if isinstance(key, float) and key in (0.0, 1.0):
        key = int(key)
    try:
        return _CROWD.get(key)  # type: ignore[arg-type]
    except TypeError:  # a list or an object
        return None


def read_coco(document: dict, filename: str, options: ImportOptions, media: Media) -> Parsed:
    parsed = Parsed(formats=["coco"])

    def problem(record: str | None, field: str | None, message: str) -> None:
        parsed.problems.append(Problem(message, record=record, field=field, source=filename))

    categories = {}
    for c in sorted(_objects(document.get("categories")), key=_order):
        if not isinstance(c.get("name"), str):
            problem(None, "categories", _("category %(id)s has no name", id=c.get("id")))
            continue
        categories[_id(c.get("id"))] = c["name"]
    records: list[dict[str, Any]] = []
    boxes: dict[str, list] = {}
    files: dict[str, Any] = {}
    for image in _objects(document.get("images")):
        rid = str(image.get("id"))
        checked = load_image(media, image.get("file_name") or "", rid, parsed, filename)
        if checked is None:
            continue
        if (image.get("width"), image.get("height")) != (checked.width, checked.height):
            problem(rid, "width", _("the JSON says %(w)s × %(h)s pixels but the file is %(fw)s × "
                                    "%(fh)s", w=image.get("width"), h=image.get("height"),
                                    fw=checked.width, fh=checked.height))
            continue
        files[checked.ref] = checked
        records.append({"id": rid, "image": checked.ref, "width": checked.width,
                        "height": checked.height})
        boxes[rid] = []
    crowd = 0
    used: set[str] = set()
    for ann in _objects(document.get("annotations")):
        rid = str(ann.get("image_id"))
        is_crowd = _crowd(ann.get("iscrowd"))
        if is_crowd is None:
            problem(rid, "iscrowd", _('annotation %(id)s has iscrowd "%(value)s"; use true/1 for a '
                                      'crowd region or false/0 for an object', id=ann.get("id"),
                                      value=str(ann.get("iscrowd"))[:20]))
            continue
        if is_crowd:
            crowd += 1
            continue
        if _id(ann.get("category_id")) not in categories:
            problem(rid, "category_id", _("annotation %(id)s names category %(category)s, which is "
                                          "not in categories", id=ann.get("id"),
                                          category=ann.get("category_id")))
            continue
        if rid not in boxes:
            if not any(r["id"] == rid for r in records):
                problem(rid, "image_id", _("annotation %(id)s is for an image that is not in images "
                                           "(or could not be read)", id=ann.get("id")))
            continue
        bbox = ann.get("bbox")
        if not isinstance(bbox, list) or len(bbox) != 4:
            problem(rid, "bbox", _("annotation %(id)s has no [x, y, w, h] bbox", id=ann.get("id")))
            continue
        boxes[rid].append([*bbox, categories[_id(ann["category_id"])]])
        used.add(categories[_id(ann["category_id"])])
    if crowd:
        parsed.notes.append(_("%(name)s: %(n)s crowd annotation(s) (iscrowd true) were left out",
                              name=filename, n=crowd))
    labels = [name for name in categories.values() if name in used]
    unused = [name for name in categories.values() if name not in used]
    if unused and not options.labels:
        shown = ", ".join(unused[:10]) + (" …" if len(unused) > 10 else "")
        parsed.notes.append(_("%(name)s: %(n)s categories no box uses are not labels of the task "
                              "(%(names)s); give the label set on the import form to keep them",
                              name=filename, n=len(unused), names=shown))
    gold = [{"id": r["id"], "boxes": boxes[r["id"]]} for r in records]
    return finish(parsed, filename=filename, options=options, task_type="bbox", records=records,
                  gold=gold, labels=labels, media=files)
