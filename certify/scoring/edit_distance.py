"""Levenshtein distance (unit-cost insertions, deletions and substitutions) between token sequences.

:func:`levenshtein` is the textbook dynamic programme for one pair. :func:`levenshtein_many`
computes the distances of many pairs at once with the bit-parallel algorithm of Myers (1999) in the
multi-word form of Hyyrö (2003), as in edlib: each reference is a bit-vector pattern of 64-bit
words, and one step consumes one hypothesis token for every pair in a numpy array, so the Python
loop runs once per hypothesis position instead of once per pair and cell.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["levenshtein", "levenshtein_many"]

_WORD = 64
_ONE = np.uint64(1)
_HIGH_SHIFT = np.uint64(_WORD - 1)
_CHUNK_PAIRS = 1 << 13  # pairs per pass: 64 KiB per state array, which stays in cache
_DENSE_LIMIT = (
    0x110000  # token codes below this are looked up in a table (every Unicode code point)
)


def levenshtein(a: Sequence, b: Sequence) -> int:
    """Edit distance between two sequences of comparable tokens (characters, words, ints)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, token_a in enumerate(a, start=1):
        current = [i]
        for j, token_b in enumerate(b, start=1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (token_a != token_b))
            )
        previous = current
    return previous[-1]


def levenshtein_many(
    ref_tokens: np.ndarray,
    ref_lengths: np.ndarray,
    hyp_tokens: np.ndarray,
    hyp_lengths: np.ndarray,
    pair_ref: np.ndarray,
) -> np.ndarray:
    """Edit distance of many (reference, hypothesis) pairs; references are shared between pairs.

    Sequences are given flat: ``ref_tokens`` is every reference's tokens one after another (integer
    codes, any non-negative values), split by ``ref_lengths``; the same for hypotheses. Pair ``i``
    compares hypothesis ``i`` with reference ``pair_ref[i]``.

    :return: int64 array with one distance per hypothesis.
    """
    ref_lengths = np.asarray(ref_lengths, dtype=np.int64)
    hyp_lengths = np.asarray(hyp_lengths, dtype=np.int64)
    pair_ref = np.asarray(pair_ref, dtype=np.int64)
    ref_tokens = np.asarray(ref_tokens)
    hyp_tokens = np.asarray(hyp_tokens)
    m = ref_lengths[pair_ref]
    distance = np.where(m == 0, hyp_lengths, m)  # final for empty references and empty hypotheses
    alphabet = np.unique(ref_tokens)
    ref_codes = np.searchsorted(alphabet, ref_tokens) + 1
    hyp_codes = _codes(alphabet, hyp_tokens)  # 0: a token no reference contains
    ref_starts = np.concatenate(([0], np.cumsum(ref_lengths)[:-1]))
    hyp_starts = np.concatenate(([0], np.cumsum(hyp_lengths)[:-1]))
    blocks = (ref_lengths + _WORD - 1) // _WORD
    pair_blocks = blocks[pair_ref]
    for n_blocks in np.unique(pair_blocks[(m > 0) & (hyp_lengths > 0)]):
        refs = np.flatnonzero(blocks == n_blocks)
        peq = _pattern_bits(
            refs, ref_codes, ref_starts, ref_lengths, int(n_blocks), alphabet.size + 1
        )
        pairs = np.flatnonzero((pair_blocks == n_blocks) & (m > 0) & (hyp_lengths > 0))
        pairs = pairs[np.argsort(-hyp_lengths[pairs], kind="stable")]
        local_ref = np.searchsorted(refs, pair_ref[pairs])
        # Chunks of pairs keep every temporary array small: in cache, and no fresh pages.
        for part in (slice(i, i + _CHUNK_PAIRS) for i in range(0, pairs.size, _CHUNK_PAIRS)):
            distance[pairs[part]] = _run_group(
                peq, local_ref[part], hyp_codes, hyp_starts[pairs[part]], hyp_lengths[pairs[part]],
                m[pairs[part]],
            )
    return distance


def _codes(alphabet: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """Position + 1 of each token in the sorted ``alphabet``, or 0 for a token not in it."""
    if alphabet.size == 0:
        return np.zeros(tokens.size, dtype=np.int64)
    if alphabet[0] >= 0 and alphabet[-1] < _DENSE_LIMIT:  # code points, small vocabularies
        table = np.zeros(int(alphabet[-1]) + 2, dtype=np.int32)
        table[alphabet] = np.arange(1, alphabet.size + 1)
        if tokens.size and tokens.min() < 0:
            tokens = np.where(tokens < 0, alphabet[-1] + 1, tokens)
        return table[np.minimum(tokens, alphabet[-1] + 1)]
    position = np.minimum(np.searchsorted(alphabet, tokens), alphabet.size - 1)
    return np.where(alphabet[position] == tokens, position + 1, 0)


def _pattern_bits(refs, ref_codes, ref_starts, ref_lengths, n_blocks: int, n_codes: int):
    """``peq[r, b, code]``: bit ``i`` is set where token ``64 b + i`` of ``refs[r]`` is ``code``."""
    peq = np.zeros((refs.size, n_blocks, n_codes), dtype=np.uint64)
    lengths = ref_lengths[refs]
    local = np.repeat(np.arange(refs.size), lengths)
    position = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    codes = ref_codes[np.repeat(ref_starts[refs], lengths) + position]
    bits = np.left_shift(_ONE, (position % _WORD).astype(np.uint64))
    np.bitwise_or.at(peq, (local, position // _WORD, codes), bits)
    return peq


def _run_group(peq, local_ref, hyp_codes, starts, lengths, m) -> np.ndarray:
    """Myers/Hyyrö over pairs whose references all have ``peq.shape[1]`` blocks.

    Pairs are sorted by hypothesis length, longest first, so the pairs still reading a token at step
    ``j`` are a prefix of the arrays and every operation works on a view.
    """
    n_pairs, n_blocks = lengths.size, peq.shape[1]
    flat_peq = peq.reshape(-1, peq.shape[2])
    row = local_ref * n_blocks
    pv = np.full((n_pairs, n_blocks), np.iinfo(np.uint64).max, dtype=np.uint64)
    mv = np.zeros((n_pairs, n_blocks), dtype=np.uint64)
    score = m.copy()
    last_bit = np.left_shift(_ONE, ((m - 1) % _WORD).astype(np.uint64))
    active = np.searchsorted(-lengths, -np.arange(int(lengths[0])), side="left")
    for j, k in enumerate(active):
        codes = hyp_codes[starts[:k] + j]
        hin_pos = np.ones(k, dtype=np.uint64)
        hin_neg = np.zeros(k, dtype=np.uint64)
        for b in range(n_blocks):
            eq = flat_peq[row[:k] + b, codes]
            p, n = pv[:k, b], mv[:k, b]
            xv = eq | n
            eq |= hin_neg
            xh = (((eq & p) + p) ^ p) | eq
            ph = n | ~(xh | p)
            mh = p & xh
            if b == n_blocks - 1:
                score[:k] += (ph & last_bit[:k]) != 0
                score[:k] -= (mh & last_bit[:k]) != 0
            else:
                hout_pos, hout_neg = ph >> _HIGH_SHIFT, mh >> _HIGH_SHIFT
            ph = (ph << _ONE) | hin_pos
            mh = (mh << _ONE) | hin_neg
            pv[:k, b] = mh | ~(xv | ph)
            mv[:k, b] = ph & xv
            if b < n_blocks - 1:
                hin_pos, hin_neg = hout_pos, hout_neg
    return score
