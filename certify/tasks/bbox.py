"""Bounding boxes: labelled rectangles drawn on an image."""

from __future__ import annotations

import math

import numpy as np
from flask_babel import lazy_gettext as _l

from certify.scoring.batch import BoxBatch
from certify.tasks.base import BatchScores, TaskType
from certify.tasks.fields import check_labels, check_shown_fields
from certify.tasks.problems import NUMBERS, PLAIN_NUMBERS, PLAIN_SEQUENCES, SEQUENCES, describe

#: how far (in pixels) a box may reach past the image edge, for floating-point rounding in browsers
EDGE_TOLERANCE = 1e-6
#: a box counts as found from this IoU with a gold box of its label (a labeling job's "tight box")
DEFAULT_IOU = 0.7
#: share of ``box_quality`` that is tightness (the mean IoU of the matched boxes)
DEFAULT_TIGHTNESS = 0.3


class BboxTask(TaskType):
    """Records show an ``image`` of ``width`` × ``height`` pixels; gold ``{"id", "boxes": [[x, y,
    w, h, "label"], …]}``; a response is such a list of boxes.

    ``x, y`` is the top-left corner in the image's pixel coordinates, ``w, h > 0``, and a box lies
    inside the image. Boxes are matched one to one per image (same label, IoU ≥ the config's
    ``iou_threshold``, default 0.7). Metrics: ``box_quality`` (default: ``(1 - t) · box_f1 + t ·
    tightness``, tightness the mean IoU of the matched boxes, ``t`` the config's ``tightness``,
    default 0.3), ``box_f1`` and ``mean_iou`` (matched IoU over the number of distinct boxes, so
    extra boxes cost); ``box_precision``/``box_recall``/``tightness`` are reported too. Per record: ``f1``,
    ``mean_iou``, ``matched``, ``missed``, ``extra``.
    """

    name = "bbox"
    label = _l("Bounding boxes")
    record_fields = ("image", "width", "height")
    gold_field = "boxes"
    metrics = ("box_quality", "box_f1", "mean_iou")

    #: most boxes accepted in one record's response
    max_boxes = 500

    def _check_config(self, config, problems):
        problems.keys(config, ("labels", "iou_threshold", "tightness"), prefix="config.",
                      kind="the config")
        tightness = problems.number("config.tightness", config.get("tightness", DEFAULT_TIGHTNESS),
                                    minimum=0, maximum=1)
        threshold = config.get("iou_threshold", DEFAULT_IOU)
        checked = problems.number("config.iou_threshold", threshold, minimum=0, maximum=1)
        if checked == 0:
            problems.add("config.iou_threshold", "must be above 0: every pair of boxes has IoU ≥ 0")
        return {"labels": check_labels(problems, config), "iou_threshold": checked,
                "tightness": tightness}

    def _check_record(self, record, problems):
        check_shown_fields(problems, record, (), required=("image",))
        for name in ("width", "height"):
            if name not in record:
                problems.add(name, "is required but missing")
            else:
                problems.integer(name, record[name], minimum=1)

    def _check_value(self, value, record, config, problems, where):
        if problems.sequence(where, value, max_length=self.max_boxes) is None:
            return None
        before, boxes = len(problems.found), []
        right, bottom = record["width"] + EDGE_TOLERANCE, record["height"] + EDGE_TOLERANCE
        labels = config["labels"]
        for i, box in enumerate(value):
            # Fast path for the usual valid box of plain JSON numbers (grading checks every box of
            # every candidate); anything else is checked by _check_box, which explains problems.
            if type(box) in PLAIN_SEQUENCES and len(box) == 5:
                x, y, w, h, label = box
                if (type(x) in PLAIN_NUMBERS and type(y) in PLAIN_NUMBERS
                        and type(w) in PLAIN_NUMBERS and type(h) in PLAIN_NUMBERS
                        and x >= 0 and y >= 0 and w > 0 and h > 0 and x + w <= right
                        and y + h <= bottom and label in labels and math.isfinite(x + y + w + h)):
                    boxes.append([float(x), float(y), float(w), float(h), label])
                    continue
            boxes.append(self._check_box(box, record, config, problems, f"{where}[{i}]"))
        return None if len(problems.found) > before else boxes

    def _check_box(self, box, record, config, problems, where):
        if not isinstance(box, SEQUENCES) or len(box) != 5:
            return problems.add(where, f'must be [x, y, w, h, "label"], not {describe(box)}')
        for name, number in zip(("x", "y", "width", "height"), box, strict=False):
            if not isinstance(number, NUMBERS) or isinstance(number, bool):
                return problems.add(where, f"box {name} must be a number, not {describe(number)}")
            if not math.isfinite(number):
                return problems.add(where, f"box {name} must be a finite number, not {number}")
        x, y, w, h, label = box
        for name, size in (("width", w), ("height", h)):
            if size <= 0:
                return problems.add(where, f"box {name} must be greater than 0, not {size}")
        if x < 0 or y < 0:
            return problems.add(where, f"box corner ({x}, {y}) is outside the image: x and y "
                                       "must not be negative")
        for name, far, limit in (("right", x + w, record["width"]), ("bottom", y + h, record["height"])):
            if far > limit + EDGE_TOLERANCE:
                size = "width" if name == "right" else "height"
                return problems.add(where, f"box {name} edge {far:g} is past the image {size} "
                                           f"({limit} pixels)")
        if problems.label(where, label, config["labels"]) is None:
            return None
        return [float(x), float(y), float(w), float(h), label]

    def _score(self, task, answers):
        scores = BoxBatch(task.gold, answers, iou_threshold=task.config["iou_threshold"])
        totals, per_record = scores.prf(), scores.record_prf()
        missed = scores.n_gold - scores.hits
        extra = scores.n_pred - scores.hits
        hits = scores.hits.sum(axis=1)
        tight = np.divide(scores.iou_sum.sum(axis=1), hits, out=np.ones(hits.shape, dtype=float),
                          where=hits > 0)
        share = task.config["tightness"]
        return BatchScores(
            metrics={"box_quality": (1 - share) * totals["f1"] + share * tight * (totals["f1"] > 0),
                     "box_f1": totals["f1"], "mean_iou": scores.mean_iou(), "tightness": tight,
                     "box_precision": totals["precision"], "box_recall": totals["recall"]},
            answered=scores.answered,
            correct=(missed == 0) & (extra == 0),
            detail={"f1": per_record["f1"], "mean_iou": scores.record_mean_iou(),
                    "matched": scores.hits, "missed": missed, "extra": extra},
        )
