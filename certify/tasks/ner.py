"""Named-entity recognition: labelled character spans in a text."""

from __future__ import annotations

from itertools import pairwise

from flask_babel import lazy_gettext as _l

from certify.scoring.batch import SpanBatch
from certify.tasks.base import BatchScores, TaskType
from certify.tasks.fields import LabelsConfig, check_shown_fields
from certify.tasks.problems import PLAIN_SEQUENCES, SEQUENCES, describe


class NerTask(LabelsConfig, TaskType):
    """Records show ``text``; gold ``{"id", "spans": [[start, end, "LABEL"], …]}``; a response is
    such a list of spans.

    Offsets are Unicode code points (Python ``str`` indices), end exclusive, so
    ``text[start:end]`` is the entity. Spans are flat: they may touch but not overlap (the same
    spans could not be written as IOB2 tags otherwise). Metric: ``span_f1``, exact-match micro F1
    (``span_precision`` and ``span_recall`` are reported too). Per record: ``f1``, ``matched``,
    ``missed``, ``extra``.
    """

    name = "ner"
    label = _l("Named-entity recognition")
    record_fields = ("text",)
    gold_field = "spans"
    metrics = ("span_f1",)

    #: most spans accepted in one record's response
    max_spans = 1000

    def _check_record(self, record, problems):
        check_shown_fields(problems, record, (), required=("text",))

    def _check_value(self, value, record, config, problems, where):
        if problems.sequence(where, value, max_length=self.max_spans) is None:
            return None
        before, spans = len(problems.found), []
        text_length, labels = len(record["text"]), config["labels"]
        for i, span in enumerate(value):
            # fast path for the usual valid span; _check_span explains anything else
            if type(span) in PLAIN_SEQUENCES and len(span) == 3:
                start, end, label = span
                if (type(start) is int and type(end) is int and 0 <= start < end <= text_length
                        and label in labels):
                    spans.append(([start, end, label], i))
                    continue
            checked = self._check_span(span, text_length, config, problems, f"{where}[{i}]")
            if checked is not None:
                spans.append((checked, i))
        spans.sort()
        for (previous, _), (span, i) in pairwise(spans):
            if span[0] < previous[1]:
                problems.add(f"{where}[{i}]", f"span {_show(span)} overlaps span {_show(previous)} "
                                              "(spans may touch but not overlap)")
        return None if len(problems.found) > before else [span for span, _ in spans]

    def _check_span(self, span, text_length, config, problems, where):
        if not isinstance(span, SEQUENCES) or len(span) != 3:
            return problems.add(where, f'must be [start, end, "LABEL"], not {describe(span)}')
        start, end, label = span
        for name, offset in (("start", start), ("end", end)):
            if not isinstance(offset, int) or isinstance(offset, bool):
                return problems.add(where, f"span {name} must be a whole number, not "
                                           f"{describe(offset)}")
        if start < 0:
            return problems.add(where, f"span start {start} is before the start of the text")
        if end > text_length:
            return problems.add(where, f"span end {end} is past the end of the text "
                                       f"({text_length} characters)")
        if end <= start:
            return problems.add(where, f"span end {end} must be after its start {start}")
        if problems.label(where, label, config["labels"]) is None:
            return None
        return [start, end, label]

    def _score(self, task, answers):
        scores = SpanBatch(task.gold, answers)
        totals, per_record = scores.prf(), scores.record_prf()
        missed = scores.n_gold - scores.hits
        extra = scores.n_pred - scores.hits
        return BatchScores(
            metrics={"span_f1": totals["f1"], "span_precision": totals["precision"],
                     "span_recall": totals["recall"]},
            answered=scores.answered,
            correct=(missed == 0) & (extra == 0),
            detail={"f1": per_record["f1"], "matched": scores.hits, "missed": missed,
                    "extra": extra},
        )


def _show(span) -> str:
    return f'[{span[0]}, {span[1]}, "{span[2]}"]'
