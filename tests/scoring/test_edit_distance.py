"""The batched bit-parallel edit distance equals the textbook one and rapidfuzz's."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import Levenshtein

from certify.scoring.edit_distance import levenshtein, levenshtein_many

tokens = st.lists(st.integers(0, 6), max_size=20) | st.lists(st.integers(0, 3), max_size=210)


@settings(max_examples=60, deadline=None)
@given(st.lists(tokens, min_size=1, max_size=6), st.lists(st.tuples(st.integers(0, 5), tokens), max_size=12))
def test_levenshtein_many_equals_rapidfuzz(refs, pairs):
    """References up to 210 tokens exercise one to four 64-bit blocks; hypotheses may be empty."""
    pairs = [(i % len(refs), hyp) for i, hyp in pairs]
    distances = levenshtein_many(
        np.array([t for r in refs for t in r], dtype=np.int64),
        [len(r) for r in refs],
        np.array([t for _, h in pairs for t in h], dtype=np.int64),
        [len(h) for _, h in pairs],
        [i for i, _ in pairs],
    )
    expected = [Levenshtein.distance(refs[i], hyp) for i, hyp in pairs]
    assert distances.tolist() == expected


@settings(max_examples=60, deadline=None)
@given(st.text("abc你好 ", max_size=15), st.text("abc你好 ", max_size=15))
def test_levenshtein_equals_rapidfuzz(a, b):
    assert levenshtein(a, b) == Levenshtein.distance(a, b)


def test_tokens_outside_every_reference_and_large_codes():
    distances = levenshtein_many(
        np.array([2**40, 5]), [2], np.array([2**40, 5, 7, 2**41]), [2, 2], [0, 0]
    )
    assert distances.tolist() == [0, 2]
