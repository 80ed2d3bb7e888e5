"""COCO instances JSON (``images``, ``annotations``, ``categories``) → a bounding-box task with gold.

One record per image (its id is the image's id), gold boxes from the annotations' ``bbox`` (already
``[x, y, w, h]`` in pixels), labels from the categories in id order. Crowd annotations
(``iscrowd: 1``) describe a region, not an object, and are left out (the report says how many).
Images are matched by ``file_name`` among the uploaded files or next to the JSON file.
"""

from __future__ import annotations

from typing import Any

from certify.banks.importers import ImportOptions, Media, Parsed
from certify.banks.importers.foreign import finish, load_image
from certify.banks.spec import Problem


def read_coco(document: dict, filename: str, options: ImportOptions, media: Media) -> Parsed:
    parsed = Parsed(formats=["coco"])

    def problem(record: str | None, field: str | None, message: str) -> None:
        parsed.problems.append(Problem(message, record=record, field=field, source=filename))

    categories = {}
    for c in sorted((c for c in document.get("categories") or [] if isinstance(c, dict)),
                    key=lambda c: c.get("id", 0)):
        if not isinstance(c.get("name"), str):
            problem(None, "categories", f"category {c.get('id')} has no name")
            continue
        categories[c.get("id")] = c["name"]
    records: list[dict[str, Any]] = []
    boxes: dict[str, list] = {}
    files: dict[str, Any] = {}
    for image in document.get("images") or []:
        rid = str(image.get("id"))
        checked = load_image(media, image.get("file_name") or "", rid, parsed, filename)
        if checked is None:
            continue
        if (image.get("width"), image.get("height")) != (checked.width, checked.height):
            problem(rid, "width", f"the JSON says {image.get('width')} × {image.get('height')} "
                                  f"pixels but the file is {checked.width} × {checked.height}")
            continue
        files[checked.ref] = checked
        records.append({"id": rid, "image": checked.ref, "width": checked.width,
                        "height": checked.height})
        boxes[rid] = []
    crowd = 0
    for ann in document.get("annotations") or []:
        rid = str(ann.get("image_id"))
        if ann.get("iscrowd"):
            crowd += 1
            continue
        if ann.get("category_id") not in categories:
            problem(rid, "category_id", f"annotation {ann.get('id')} names category "
                                        f"{ann.get('category_id')}, which is not in categories")
            continue
        if rid not in boxes:
            if not any(r["id"] == rid for r in records):
                problem(rid, "image_id", f"annotation {ann.get('id')} is for an image that is not "
                                         "in images (or could not be read)")
            continue
        bbox = ann.get("bbox")
        if not isinstance(bbox, list) or len(bbox) != 4:
            problem(rid, "bbox", f"annotation {ann.get('id')} has no [x, y, w, h] bbox")
            continue
        boxes[rid].append([*bbox, categories[ann["category_id"]]])
    if crowd:
        parsed.notes.append(f"{filename}: {crowd} crowd annotation(s) (iscrowd: 1) were left out")
    gold = [{"id": r["id"], "boxes": boxes[r["id"]]} for r in records]
    return finish(parsed, filename=filename, options=options, task_type="bbox", records=records,
                  gold=gold, labels=list(categories.values()), media=files)
