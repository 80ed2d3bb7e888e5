"""Transcription: typing the text of an image (OCR lines) or an audio clip (speech)."""

from __future__ import annotations

import unicodedata

import numpy as np
from flask_babel import lazy_gettext as _l

from certify.scoring.batch import TextBatch
from certify.tasks.base import BatchScores, TaskType
from certify.tasks.fields import check_shown_fields

#: formatting a task may declare irrelevant (config ``normalise``), applied to gold and answers alike
NORMALISATIONS = ("width", "case", "punctuation", "whitespace")


def normalise_format(text: str, steps) -> str:
    """``text`` with the declared formatting differences removed, in this order: ``width``
    (full-width and half-width forms made the same, NFKC), ``case`` (case-folded), ``punctuation``
    (every Unicode punctuation character removed) and ``whitespace`` (all whitespace removed)."""
    if "width" in steps:
        text = unicodedata.normalize("NFKC", text)
    if "case" in steps:
        text = text.casefold()
    if "punctuation" in steps:
        text = "".join(c for c in text if not unicodedata.category(c).startswith("P"))
    if "whitespace" in steps:
        text = "".join(text.split())
    return text


def normalise(text: str, unit: str, steps=()) -> str:
    """What is compared: Unicode NFC, and for words every run of whitespace as one space.

    NFC only merges encodings that look identical (e.g. a precomposed é and e + combining accent);
    case, punctuation and full-width/half-width forms are compared as typed, as task instructions
    such as "full-width Chinese punctuation" require. Counting then follows jiwer: CER strips the ends
    and counts every other character, spaces included; WER splits at spaces.
    """
    text = normalise_format(unicodedata.normalize("NFC", text), steps)
    return " ".join(text.split()) if unit == "word" else text


class TranscriptionTask(TaskType):
    """Records show an ``image`` or ``audio`` (and optional ``text`` context); gold ``{"id",
    "text"}``; a response is the typed text.

    Config ``unit``: ``char`` (default; metric ``cer``) or ``word`` (metric ``wer``); ``normalise``:
    the formatting differences that do not count (:data:`NORMALISATIONS`, none by default), applied
    to both gold and answer before counting. The policy
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
        problems.keys(config, ("unit", "normalise"), prefix="config.", kind="the config")
        unit = config.get("unit", "char")
        if unit not in ("char", "word"):
            problems.add("config.unit", f"must be 'char' or 'word', not {unit!r}")
        steps = config.get("normalise", [])
        if problems.sequence("config.normalise", steps) is not None:
            for i, step in enumerate(steps):
                if step not in NORMALISATIONS:
                    problems.add(f"config.normalise[{i}]", f"must be one of "
                                                           f"{', '.join(NORMALISATIONS)}, not {step!r}")
            if unit == "word" and "whitespace" in steps:
                problems.add("config.normalise", "cannot remove whitespace when words are counted "
                                                 "(unit: word)")
        else:
            steps = []
        return {"unit": unit, "normalise": [s for s in NORMALISATIONS if s in steps]}

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
        steps = task.config.get("normalise", ())
        refs = [normalise(text, unit, steps) for text in task.gold]
        rows = [[None if a is None else normalise(a, unit, steps) for a in row] for row in answers]
        scores = TextBatch(refs, rows, unit=unit)
        return BatchScores(
            metrics={task.metric: scores.rates()},
            answered=scores.answered,
            correct=scores.distances == 0,
            detail={task.metric: scores.record_rates(), "errors": scores.distances.astype(np.int64)},
        )
