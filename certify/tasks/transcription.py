"""Transcription: typing the text of an image (OCR lines) or an audio clip (speech)."""

from __future__ import annotations

import unicodedata

import numpy as np
from flask_babel import lazy_gettext as _l

from certify.scoring.batch import TextBatch
from certify.tasks.base import BatchScores, TaskType
from certify.tasks.fields import check_shown_fields


def normalise(text: str, unit: str) -> str:
    """What is compared: Unicode NFC, and for words every run of whitespace as one space.

    NFC only merges encodings that look identical (e.g. a precomposed é and e + combining accent);
    case, punctuation and full-width/half-width forms are compared as typed, as task instructions
    such as "full-width Chinese punctuation" require. Counting then follows jiwer: CER strips the ends
    and counts every other character, spaces included; WER splits at spaces.
    """
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.split()) if unit == "word" else text


class TranscriptionTask(TaskType):
    """Records show an ``image`` or ``audio`` (and optional ``text`` context); gold ``{"id",
    "text"}``; a response is the typed text.

    Config ``unit``: ``char`` (default; metric ``cer``) or ``word`` (metric ``wer``). The policy
    uses ``1 - rate`` clipped at 0. Per record: the rate (``cer`` or ``wer``) and ``errors`` (edits).
    """

    name = "transcription"
    label = _l("Transcription")
    record_fields = ("image", "audio", "text")
    gold_field = "text"
    metrics = ("cer", "wer")

    #: longest text accepted, in characters (gold or response)
    max_chars = 10_000

    def _check_config(self, config, problems):
        problems.keys(config, ("unit",), prefix="config.", kind="the config")
        unit = config.get("unit", "char")
        if unit not in ("char", "word"):
            problems.add("config.unit", f"must be 'char' or 'word', not {unit!r}")
        return {"unit": unit}

    def _check_record(self, record, problems):
        check_shown_fields(problems, record, ("image", "audio"))
        if "text" in record:
            problems.text("text", record["text"], empty=True)

    def _check_value(self, value, record, config, problems, where):
        return problems.text(where, value, empty=True, max_length=self.max_chars)

    def default_metric(self, config):
        return "wer" if config.get("unit") == "word" else "cer"

    def _check_task(self, task, problems):
        unit = task.config["unit"]
        if task.metric != self.default_metric(task.config):
            problems.add("metric", f"{task.metric!r} does not match config unit {unit!r} "
                                   f"(use {self.default_metric(task.config)}, or change the unit)")

    def _score(self, task, answers):
        unit = task.config["unit"]
        refs = [normalise(text, unit) for text in task.gold]
        rows = [[None if a is None else normalise(a, unit) for a in row] for row in answers]
        scores = TextBatch(refs, rows, unit=unit)
        return BatchScores(
            metrics={task.metric: scores.rates()},
            answered=scores.answered,
            correct=scores.distances == 0,
            detail={task.metric: scores.record_rates(), "errors": scores.distances.astype(np.int64)},
        )
