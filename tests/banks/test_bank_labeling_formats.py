"""Practical tasks from labeling tools and folders: Label Studio, COCO, CoNLL, task folders and zips,
imported with their gold; problems name the record and the field."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import sqlalchemy as sa
import yaml
from PIL import Image

from certify.banks.importers import ImportOptions, Media, read_file
from certify.banks.models import Item
from certify.banks.practical import task_spec
from certify.banks.spec import BankError
from certify.db import db
from certify.tasks import get_task_type

OPTIONS = ImportOptions(units=["L4:2.1"], ref="LS-task-001", title="Imported task")


def png(width: int = 200, height: int = 100) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (230, 230, 230)).save(buffer, "PNG")
    return buffer.getvalue()


def stored(ref: str = "LS-task-001"):
    return db.session.scalar(sa.select(Item).where(Item.ref == ref)).head


def test_label_studio_choices_become_classification_with_gold(app, level4, import_bytes):
    export = [
        {"id": 1, "data": {"text": "Great phone, fast delivery"}, "annotations": [
            {"id": 11, "was_cancelled": True, "result": [
                {"type": "choices", "value": {"choices": ["negative"]}}]},
            {"id": 12, "result": [{"type": "choices", "from_name": "s", "to_name": "text",
                                   "value": {"choices": ["positive"]}}]}]},
        {"id": 2, "data": {"text": "Broke after a day"}, "annotations": [
            {"id": 21, "result": [{"type": "choices", "value": {"choices": ["negative"]}}]},
            {"id": 22, "ground_truth": True, "result": [
                {"type": "choices", "value": {"choices": ["neutral"]}}]}]},
    ]
    import_bytes(json.dumps(export).encode(), "ls.json", options=OPTIONS)
    version = stored()
    task = version.content["task"]
    assert task["task_type"] == "classification"
    assert task["config"] == {"labels": ["positive", "neutral"]}
    assert task["records"] == [{"id": "1", "text": "Great phone, fast delivery"},
                               {"id": "2", "text": "Broke after a day"}]
    assert version.key["gold"] == {"1": {"id": "1", "label": "positive"},
                                   "2": {"id": "2", "label": "neutral"}}


def test_label_studio_ner_offsets_are_converted_from_utf16(app, level4, import_bytes):
    text = "😀 李明 joined Acme"  # the emoji takes two UTF-16 units, one code point
    export = [{"id": 7, "data": {"text": text}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 3, "end": 5, "text": "李明", "labels": ["PER"]}},
        {"type": "labels", "value": {"start": 13, "end": 17, "text": "Acme", "labels": ["ORG"]}},
    ]}]}]
    import_bytes(json.dumps(export, ensure_ascii=False).encode(), "ner.json", options=OPTIONS)
    version = stored()
    spans = version.key["gold"]["7"]["spans"]
    assert spans == [[2, 4, "PER"], [12, 16, "ORG"]]
    assert [text[s:e] for s, e, _ in spans] == ["李明", "Acme"]


def test_label_studio_rectangles_become_pixel_boxes(app, level4, import_bytes):
    export = [{"id": 3, "data": {"image": "/data/upload/1/8f3a2b1c-street.png"}, "annotations": [
        {"result": [{"type": "rectanglelabels", "original_width": 200, "original_height": 100,
                     "value": {"x": 10, "y": 20, "width": 25, "height": 50, "rotation": 0,
                               "rectanglelabels": ["car"]}}]}]}]
    import_bytes(json.dumps(export).encode(), "boxes.json", options=OPTIONS,
                 media=Media({"street.png": png()}))
    version = stored()
    record = version.content["task"]["records"][0]
    assert record["image"].startswith("asset:") and (record["width"], record["height"]) == (200, 100)
    assert version.key["gold"]["3"]["boxes"] == [[20.0, 20.0, 50.0, 50.0, "car"]]
    assert len(version.assets) == 1


def test_label_studio_problems_name_record_and_field(app, level4):
    export = [{"id": 5, "data": {"text": "Hello Ann"}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": 6, "end": 9, "text": "Bob", "labels": ["PER"]}}]}]},
        {"id": 6, "data": {"text": "No annotation"}, "annotations": []}]
    parsed = read_file(json.dumps(export).encode(), "bad.json", OPTIONS)
    located = {(p.record, p.field) for p in parsed.problems}
    assert ("5", "spans") in located
    # A task nobody annotated is not an error: it is skipped and listed.
    assert [(s.what, s.reason) for s in parsed.skipped] == [
        ("task 6", "it has no annotation, so no gold")]
    assert not parsed.items


def test_coco_instances_import_as_boxes_with_gold(app, level4, import_bytes):
    coco = {"images": [{"id": 1, "file_name": "a.png", "width": 200, "height": 100},
                       {"id": 2, "file_name": "b.png", "width": 200, "height": 100}],
            "categories": [{"id": 2, "name": "pedestrian"}, {"id": 1, "name": "car"}],
            "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [5, 5, 40, 30]},
                            {"id": 2, "image_id": 1, "category_id": 2, "bbox": [60, 10, 10, 40]},
                            {"id": 3, "image_id": 2, "category_id": 1, "bbox": [0, 0, 9, 9],
                             "iscrowd": 1}]}
    report = import_bytes(json.dumps(coco).encode(), "coco.json", options=OPTIONS,
                          media=Media({"a.png": png(), "b.png": png()}))
    version = stored()
    task = version.content["task"]
    assert task["task_type"] == "bbox" and task["config"]["labels"] == ["car", "pedestrian"]
    assert version.key["gold"]["1"]["boxes"] == [[5, 5, 40, 30, "car"], [60, 10, 10, 40,
                                                                         "pedestrian"]]
    assert version.key["gold"]["2"]["boxes"] == []
    assert any("crowd" in n for n in report.notes)
    # The same image twice is stored once.
    assert len({r["image"] for r in task["records"]}) == 1


def test_coco_box_outside_the_image_is_reported(app, level4):
    coco = {"images": [{"id": 1, "file_name": "a.png", "width": 200, "height": 100}],
            "categories": [{"id": 1, "name": "car"}],
            "annotations": [{"id": 9, "image_id": 1, "category_id": 1, "bbox": [180, 5, 40, 30]}]}
    parsed = read_file(json.dumps(coco).encode(), "coco.json", OPTIONS, Media({"a.png": png()}))
    assert [(p.record, p.field) for p in parsed.problems] == [("1", "boxes[0]")]


CONLL = """-DOCSTART- O

EU\tB-ORG
rejects\tO
German\tB-MISC
call\tO

李\tB-PER
明\tI-PER
在\tO
杭\tB-LOC
州\tI-LOC
"""


def test_conll_imports_as_ner_with_gold(app, level4, import_bytes):
    import_bytes(CONLL.encode(), "news.conll", options=OPTIONS)
    version = stored()
    records = version.content["task"]["records"]
    assert records == [{"id": "s001", "text": "EU rejects German call"},
                       {"id": "s002", "text": "李明在杭州"}]
    assert version.key["gold"]["s001"]["spans"] == [[0, 2, "ORG"], [11, 17, "MISC"]]
    assert version.key["gold"]["s002"]["spans"] == [[0, 2, "PER"], [3, 5, "LOC"]]
    assert version.content["task"]["config"]["labels"] == ["ORG", "MISC", "PER", "LOC"]


def test_conll_bad_tag_is_reported_with_its_line(app, level4):
    parsed = read_file(b"EU\tB-ORG\nsays\tX-Y\n", "bad.conll", OPTIONS)
    assert [(p.row, p.record) for p in parsed.problems] == [(2, "s001")]


def task_folder(files: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


TASK = {"ref": "Z-bbox-001", "type": "practical", "task_type": "bbox", "title": "Boxes",
        "units": ["L4:2.1"], "difficulty": 2, "points": 100, "time_limit_minutes": 10,
        "instructions": "Box every car.", "config": {"labels": ["car"]},
        "policy": {"kind": "linear", "zero_at": 0.5, "full_at": 0.95}}


def test_a_zipped_task_folder_imports_with_media_and_gold(app, level4, import_bytes):
    content = task_folder({
        "Z-bbox-001/task.yaml": yaml.safe_dump(TASK),
        "Z-bbox-001/records.jsonl": '{"id": "r1", "image": "images/r1.png", "width": 200, '
                                    '"height": 100}\n',
        "Z-bbox-001/gold.jsonl": '{"id": "r1", "boxes": [[10, 10, 50, 40, "car"]]}\n',
        "Z-bbox-001/images/r1.png": png()})
    import_bytes(content, "task.zip")
    version = stored("Z-bbox-001")
    assert version.content["task"]["records"][0]["image"].startswith("asset:")
    spec = task_spec(version.content, version.key)
    assert get_task_type("bbox").validate_task(spec) == []
    score = get_task_type("bbox").score(spec, {"r1": [[10, 10, 50, 40, "car"]]})
    assert score.score == 100


def test_bad_gold_in_a_task_folder_names_record_and_field(app, level4):
    content = task_folder({
        "t/task.yaml": yaml.safe_dump({**TASK, "colour": "red"}),
        "t/records.jsonl": '{"id": "r1", "image": "images/r1.png", "width": 200, "height": 100}\n'
                           'not json\n',
        "t/gold.jsonl": '{"id": "r1", "boxes": [[190, 10, 50, 40, "car"]]}\n',
        "t/images/r1.png": b"GIF89a not really an image"})
    parsed = read_file(content, "task.zip")
    located = {(p.column, p.row, p.record, p.field) for p in parsed.problems}
    assert ("records.jsonl", 2, None, None) in located  # the line that is not JSON
    assert ("records.jsonl", None, "r1", "image") in located  # the fake image
    assert ("gold.jsonl", None, "r1", "boxes[0]") in located  # box past the right edge
    assert any("colour" in p.message for p in parsed.problems)


def test_a_zip_without_a_task_is_refused(app):
    with pytest.raises(BankError, match=r"no task\.yaml"):
        read_file(task_folder({"readme.txt": "hello"}), "empty.zip")


@pytest.mark.parametrize("overtime", [False, "5 minutes", [1, 5]])
def test_a_practical_item_with_an_overtime_that_is_not_a_mapping_is_reported_not_a_crash(
        app, overtime):
    from certify.banks.practical import build_item, validate_practical

    item = build_item(ref="T-OVERTIME", task_type="classification", title="t", units=["L4:2.1"],
                      records=[{"id": "r1", "text": "good"}], gold=[{"id": "r1", "label": "pos"}],
                      config={"labels": ["pos", "neg"]}, overtime=overtime)
    problems = validate_practical(item)
    assert any("must be a mapping" in p.message for p in problems), problems
