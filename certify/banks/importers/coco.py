"""COCO instances JSON (``images``, ``annotations``, ``categories``) → a bounding-box task with gold.

One record per image (its id is the image's id), gold boxes from the annotations' ``bbox`` (already
``[x, y, w, h]`` in pixels), labels from the categories in id order. Crowd annotations
(``iscrowd: 1``) describe a region, not an object, and are left out (the report says how many).
Images are matched by ``file_name`` among the uploaded files or next to the JSON file.
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
    for ann in _objects(document.get("annotations")):
        rid = str(ann.get("image_id"))
        if ann.get("iscrowd"):
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
    if crowd:
        parsed.notes.append(_("%(name)s: %(n)s crowd annotation(s) (iscrowd: 1) were left out",
                              name=filename, n=crowd))
    gold = [{"id": r["id"], "boxes": boxes[r["id"]]} for r in records]
    return finish(parsed, filename=filename, options=options, task_type="bbox", records=records,
                  gold=gold, labels=list(categories.values()), media=files)
