"""A small valid task of every type, and a factory for variants of them."""

from __future__ import annotations

import copy
from typing import Any

from certify.tasks import TaskSpec

EXAMPLES: dict[str, dict[str, Any]] = {
    "classification": {
        "config": {"labels": ["positive", "negative", "neutral"]},
        "records": [{"id": "r1", "text": "Great phone"}, {"id": "r2", "image": "images/r2.png"},
                    {"id": "r3", "text": "Meh", "image": "images/r3.png"}],
        "gold": [{"id": "r1", "label": "positive"}, {"id": "r2", "label": "negative"},
                 {"id": "r3", "label": "neutral"}],
    },
    "multilabel": {
        "config": {"labels": ["bug", "ads", "privacy"]},
        "records": [{"id": "r1", "text": "Crashes and shows ads"}, {"id": "r2", "text": "Fine"}],
        "gold": [{"id": "r1", "labels": ["bug", "ads"]}, {"id": "r2", "labels": []}],
    },
    "ner": {
        "config": {"labels": ["PER", "LOC"]},
        "records": [{"id": "r1", "text": "王海燕在杭州"}, {"id": "r2", "text": "Ada met Alan in Paris"}],
        "gold": [{"id": "r1", "spans": [[0, 3, "PER"], [4, 6, "LOC"]]},
                 {"id": "r2", "spans": [[0, 3, "PER"], [8, 12, "PER"], [16, 21, "LOC"]]}],
    },
    "bbox": {
        "config": {"labels": ["car", "sign"], "iou_threshold": 0.5},
        "records": [{"id": "r1", "image": "images/r1.png", "width": 100, "height": 80},
                    {"id": "r2", "image": "images/r2.png", "width": 100, "height": 80}],
        "gold": [{"id": "r1", "boxes": [[10, 10, 20, 20, "car"], [50, 10, 10, 10, "sign"]]},
                 {"id": "r2", "boxes": []}],
    },
    "transcription": {
        "config": {"unit": "char"},
        "records": [{"id": "r1", "image": "images/r1.jpg", "text": "来源：小票"},
                    {"id": "r2", "audio": "audio/r2.wav"}],
        "gold": [{"id": "r1", "text": "合计金额128.50元"}, {"id": "r2", "text": "hello there"}],
    },
    "rating": {
        "config": {"scale": {"min": 1, "max": 5, "labels": {1: "Harmful", 5: "Fully resolves"}}},
        "records": [{"id": "r1", "prompt": "Hours?", "reply": "9 to 5"},
                    {"id": "r2", "text": "A reply"}, {"id": "r3", "reply": "Another"},
                    {"id": "r4", "reply": "Fourth"}],
        "gold": [{"id": "r1", "rating": 4}, {"id": "r2", "rating": 2}, {"id": "r3", "rating": 5},
                 {"id": "r4", "rating": 1}],
    },
    "ranking": {
        "config": None,
        "records": [
            {"id": "r1", "prompt": "15% of 240?",
             "candidates": [{"id": "c1", "text": "32"}, {"id": "c2", "text": "36"},
                            {"id": "c3", "text": "I can't"}]},
            {"id": "r2", "prompt": "Summarise",
             "candidates": [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}]},
        ],
        "gold": [{"id": "r1", "order": ["c2", "c1", "c3"]}, {"id": "r2", "order": ["b", "a"]}],
    },
    "rubric": {
        "config": {"response": "text"},
        "records": [{"id": "r1", "prompt": "Write a labeling guideline", "attachment": "docs/a.pdf"}],
        "gold": [],
        "rubric": [{"points": 60, "checkpoint": "Covers edge cases", "standard": "3 cases"},
                   {"points": 40, "checkpoint": "Clear examples"}],
    },
}


def spec(task_type: str, **changes: Any) -> TaskSpec:
    """The example task of a type (a deep copy), with fields replaced by ``changes``."""
    data = copy.deepcopy(EXAMPLES[task_type])
    data.update(changes)
    return TaskSpec(task_type=task_type, **data)


def gold_responses(task_type: str) -> dict[str, Any]:
    """The example's gold answers as one candidate's responses (a perfect response)."""
    data = EXAMPLES[task_type]
    field = {"classification": "label", "multilabel": "labels", "ner": "spans", "bbox": "boxes",
             "transcription": "text", "rating": "rating", "ranking": "order"}[task_type]
    return {line["id"]: copy.deepcopy(line[field]) for line in data["gold"]}
