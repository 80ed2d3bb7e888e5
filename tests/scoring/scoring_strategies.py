"""Hypothesis strategies and reference-library adapters shared by the scoring tests."""

from __future__ import annotations

import warnings
from itertools import pairwise

import numpy as np
from hypothesis import strategies as st

LABELS = ["PER", "ORG", "LOC"]
BOX_LABELS = ["car", "person"]
# ASCII letters, spaces, a tab, a newline, a full-width space and Chinese characters (CER per 字)
TEXT_ALPHABET = "ab c\t\n\u3000你好世界的"


def reference(function, *args, **kwargs):
    """Call a reference library, returning its value and the warning messages it raised."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = function(*args, **kwargs)
    return value, [str(w.message) for w in caught]


def label_lists(alphabet: list, min_size: int = 1, max_size: int = 25):
    """Pairs (gold, pred) of equal-length label lists; small alphabets make one-class cases common."""
    return st.integers(min_size, max_size).flatmap(
        lambda n: st.tuples(
            st.lists(st.sampled_from(alphabet), min_size=n, max_size=n),
            st.lists(st.sampled_from(alphabet), min_size=n, max_size=n),
        )
    )


@st.composite
def flat_spans(draw, length: int, labels=LABELS):
    """Non-overlapping spans in a text of ``length`` characters; neighbours may touch (adjacent)."""
    points = sorted(draw(st.sets(st.integers(0, length), max_size=8)))
    spans = []
    for start, end in pairwise(points):
        if draw(st.booleans()):
            spans.append((start, end, draw(st.sampled_from(labels))))
    return spans


def drop_overlaps(spans):
    """Keep spans from left to right, dropping any that overlaps one already kept."""
    kept, reach = [], -1
    for start, end, label in sorted(set(spans)):
        if start >= reach:
            kept.append((start, end, label))
            reach = end
    return kept


@st.composite
def predicted_spans(draw, gold, length: int):
    """Spans near the gold ones: kept, shifted by one (partial overlap), relabelled or made up."""
    spans = []
    for start, end, label in gold:
        action = draw(st.sampled_from(["keep", "keep", "shift", "relabel", "drop"]))
        if action == "keep":
            spans.append((start, end, label))
        elif action == "shift":
            delta = draw(st.sampled_from([-1, 1]))
            new_start, new_end = max(0, start + delta), min(length, end + delta)
            if new_start < new_end:
                spans.append((new_start, new_end, label))
        elif action == "relabel":
            spans.append((start, end, draw(st.sampled_from(LABELS))))
    spans += draw(flat_spans(length))
    return drop_overlaps(spans)


@st.composite
def span_records(draw, max_records: int = 6):
    """(text lengths, gold spans, predicted spans) for a few records."""
    lengths = draw(st.lists(st.integers(0, 20), min_size=0, max_size=max_records))
    gold = [draw(flat_spans(n)) for n in lengths]
    pred = [draw(predicted_spans(g, n)) for g, n in zip(gold, lengths, strict=True)]
    return lengths, gold, pred


def to_iob2(length: int, spans) -> list[str]:
    """One IOB2 tag per character, as seqeval reads entities."""
    tags = ["O"] * length
    for start, end, label in spans:
        tags[start] = f"B-{label}"
        for i in range(start + 1, end):
            tags[i] = f"I-{label}"
    return tags


def iob2_records(lengths, gold, pred) -> tuple[list[list[str]], list[list[str]]]:
    """Gold and predicted spans of several records as seqeval's tag sequences."""
    return (
        [to_iob2(n, spans) for n, spans in zip(lengths, gold, strict=True)],
        [to_iob2(n, spans) for n, spans in zip(lengths, pred, strict=True)],
    )


coordinates = st.one_of(st.integers(0, 12), st.floats(0, 12, allow_nan=False, width=32))
sizes = st.one_of(st.integers(1, 6), st.floats(0.5, 6, allow_nan=False, width=32))


@st.composite
def box(draw, labels=BOX_LABELS):
    """A box (x, y, w, h, label) on a small grid, so that boxes often touch or coincide."""
    return (
        float(draw(coordinates)),
        float(draw(coordinates)),
        float(draw(sizes)),
        float(draw(sizes)),
        draw(st.sampled_from(labels)),
    )


@st.composite
def predicted_boxes(draw, gold):
    """Boxes near the gold ones: kept, nudged, duplicated (two claim one gold), relabelled, made up."""
    boxes = []
    for x, y, w, h, label in gold:
        action = draw(st.sampled_from(["keep", "nudge", "duplicate", "relabel", "drop"]))
        if action in ("keep", "duplicate"):
            boxes.append((x, y, w, h, label))
        if action in ("nudge", "duplicate"):
            dx, dy = draw(st.integers(-1, 1)), draw(st.integers(-1, 1))
            boxes.append((x + dx * w / 4, y + dy * h / 4, w, h, label))
        if action == "relabel":
            boxes.append((x, y, w, h, draw(st.sampled_from(BOX_LABELS))))
    boxes += draw(st.lists(box(), max_size=2))
    return draw(st.permutations(boxes))


@st.composite
def box_images(draw, max_images: int = 4):
    """(gold boxes per image, predicted boxes per image)."""
    gold = draw(st.lists(st.lists(box(), max_size=4), min_size=0, max_size=max_images))
    pred = [draw(predicted_boxes(g)) for g in gold]
    return gold, pred


texts = st.text(alphabet=TEXT_ALPHABET, max_size=30)


@st.composite
def text_pairs(draw, max_records: int = 6):
    """(references, hypotheses): hypotheses are edited references or unrelated texts."""
    refs = draw(st.lists(texts, min_size=0, max_size=max_records))
    hyps = []
    for ref in refs:
        if draw(st.booleans()):
            chars = list(ref)
            for _ in range(draw(st.integers(0, 4))):
                i = draw(st.integers(0, len(chars)))
                chars.insert(i, draw(st.sampled_from(TEXT_ALPHABET)))
                if chars and draw(st.booleans()):
                    del chars[draw(st.integers(0, len(chars) - 1))]
            hyps.append("".join(chars))
        else:
            hyps.append(draw(texts))
    return refs, hyps


def assert_close(actual, expected, tolerance: float = 1e-9):
    """Scalars or arrays agree within ``tolerance`` and nothing is NaN."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert not np.isnan(actual).any()
    np.testing.assert_allclose(actual, expected, rtol=0, atol=tolerance)
