"""Per-item checks: cues that let a candidate who knows nothing find the key, and defects.

An item is a plain mapping in the shape of docs/contracts.md §1 (what
:class:`certify.banks.spec.ItemData` holds): ``ref``, ``type``, ``units``, ``language``, ``stem``,
``content`` (``options`` as ``[{id, text}]``, ``shuffle``, ``scoring``), ``key`` (``correct``),
``explanation``, ``points``, ``difficulty``. :func:`check_item` returns its findings.

The checks and why (question_banks/theory/WRITING.md gives the rules to writers):

==========================  ========  =====================================================
code                        severity  finding
==========================  ========  =====================================================
``key_much_longer``         blocking  the key is at least 30 % longer than every distractor
``key_longest``             warning   the key is the uniquely longest option
``keys_longest``            warning   (multiple choice) every key is longer than every distractor
``all_or_none``             blocking  an option says "all / none of the above" (以上都是 …)
``duplicate_options``       blocking  two options read the same
``similar_options``         warning   two options differ in a few characters only
``absolute_word``           warning   an option (or a true/false statement) says always, never,
                                      一定, 必须 … — absolute options are usually wrong
``unequal_lengths``         warning   the longest option is 2.5 times the shortest
``negative_stem``           blocking  a negative question (不属于, NOT …) without emphasis
``explanation_positions``   blocking  the explanation names options by letter or position while
                                      the options are shuffled
``every_option_keyed``      blocking  (multiple choice) every option is a key
``few_options``             warning   a single-choice item with fewer than four options
``no_explanation``          warning   the item has no explanation
==========================  ========  =====================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from difflib import SequenceMatcher
from typing import Any

from certify.banks.lint import text
from certify.banks.lint.findings import BLOCKING, WARNING, Finding, _l

#: A key this much longer than the longest distractor is a blocking cue.
MUCH_LONGER = 1.3
#: Longest / shortest option at or above which lengths are "very unequal" (and at least
#: ``UNEQUAL_MIN_GAP`` characters apart, so that 是/不是 pass).
UNEQUAL_RATIO = 2.5
UNEQUAL_MIN_GAP = 10
#: Options at least this similar (difflib ratio, folded text of 6+ characters) are near-identical.
SIMILAR_OPTIONS = 0.9


class ItemView:
    """Read access to one item mapping, tolerant of missing parts (a draft may lack them)."""

    def __init__(self, item: Mapping[str, Any]) -> None:
        self.raw = item
        self.ref: str = str(item.get("ref") or "?")
        self.type: str = str(item.get("type") or "")
        self.language: str = str(item.get("language") or "")
        self.stem: str = str(item.get("stem") or "")
        self.explanation: str = str(item.get("explanation") or "")
        self.units: tuple[str, ...] = tuple(item.get("units") or ())
        content = item.get("content") or {}
        key = item.get("key") or {}
        self.content: Mapping[str, Any] = content
        self.key: Mapping[str, Any] = key
        self.options: list[tuple[str, str]] = [
            (str(o.get("id")), str(o.get("text") or "")) for o in content.get("options") or []
            if isinstance(o, Mapping)]
        self.shuffle: bool = bool(content.get("shuffle", True))
        try:
            self.points = float(item.get("points") or 1)
        except (TypeError, ValueError):
            self.points = 1.0
        self.difficulty = item.get("difficulty") or 3

    @property
    def keys(self) -> set[str]:
        """The keyed option ids (single and multiple choice)."""
        correct = self.key.get("correct")
        if self.type == "single":
            return {str(correct)} if correct else set()
        if self.type == "multiple":
            return {str(c) for c in correct or []}
        return set()

    @property
    def lengths(self) -> dict[str, int]:
        return {oid: text.length(t) for oid, t in self.options}

    def text(self) -> str:
        """Stem and options, for the language of cue words."""
        return " ".join([self.stem, *(t for _oid, t in self.options)])


def _f(code: str, severity: str, template: str, item: ItemView, option: str | None = None,
       **params: Any) -> Finding:
    extra = {"option": option} if option else {}
    return Finding(code, severity, template, {"ref": item.ref, **extra, **params}, ref=item.ref,
                   option=option)


def _length_cues(item: ItemView) -> list[Finding]:
    lengths, keys = item.lengths, item.keys
    distractors = [n for oid, n in lengths.items() if oid not in keys]
    if not keys or not distractors or not all(k in lengths for k in keys):
        return []
    key_lengths = [lengths[k] for k in keys]
    longest_distractor = max(distractors)
    if min(key_lengths) <= longest_distractor:
        return []
    ratio = min(key_lengths) / max(1, longest_distractor)
    letters = ",".join(sorted(keys))
    if item.type == "single":
        if ratio >= MUCH_LONGER:
            return [_f("key_much_longer", BLOCKING, _l(
                "%(ref)s: the key %(option)s is %(pct)s %% longer than the longest distractor; a "
                "candidate who knows nothing picks it. Lengthen the distractors or shorten the key."),
                item, option=letters, pct=round(100 * (ratio - 1)))]
        return [_f("key_longest", WARNING, _l(
            "%(ref)s: the key %(option)s is the longest option. Keep such items to at most 30 %% "
            "of a level's single-choice items."), item, option=letters)]
    if len(keys) < len(lengths):
        severity = BLOCKING if ratio >= MUCH_LONGER else WARNING
        return [_f("key_much_longer" if severity == BLOCKING else "keys_longest", severity, _l(
            "%(ref)s: every key (%(option)s) is longer than every distractor; choosing the long "
            "options finds them."), item, option=letters)]
    return []


def _options(item: ItemView) -> list[Finding]:
    found = []
    for oid, option_text in item.options:
        phrase = text.all_or_none(option_text)
        if phrase:
            found.append(_f("all_or_none", BLOCKING, _l(
                "%(ref)s: option %(option)s says \"%(phrase)s\". \"All / none of the above\" "
                "options test reading, not knowledge, and break when options are shuffled."),
                item, option=oid, phrase=phrase))
    seen: dict[str, str] = {}
    pairs = []
    for oid, option_text in item.options:
        fold = text.folded(option_text)
        if fold in seen:
            found.append(_f("duplicate_options", BLOCKING, _l(
                "%(ref)s: options %(option)s read the same."), item,
                option=f"{seen[fold]},{oid}"))
        else:
            for earlier, other in seen.items():
                if min(len(fold), len(earlier)) >= 6 and \
                        SequenceMatcher(None, fold, earlier).ratio() >= SIMILAR_OPTIONS:
                    pairs.append((other, oid))
            seen[fold] = oid
    for a, b in pairs:
        found.append(_f("similar_options", WARNING, _l(
            "%(ref)s: options %(option)s differ in a few characters only; make sure the "
            "difference is the point being tested."), item, option=f"{a},{b}"))
    for oid, option_text in item.options:
        words = text.absolute_words(option_text)
        if words:
            found.append(_f("absolute_word", WARNING, _l(
                "%(ref)s: option %(option)s says \"%(word)s\"; absolute words mark an option as "
                "wrong to a test-wise candidate."), item, option=oid, word=words[0]))
    lengths = [n for n in item.lengths.values() if n > 0]
    if len(lengths) >= 2 and max(lengths) >= UNEQUAL_RATIO * min(lengths) and \
            max(lengths) - min(lengths) >= UNEQUAL_MIN_GAP:
        found.append(_f("unequal_lengths", WARNING, _l(
            "%(ref)s: the options run from %(short)s to %(long)s characters; options of similar "
            "length give no hint."), item, short=min(lengths), long=max(lengths)))
    if item.type == "single" and len(item.options) < 4:
        found.append(_f("few_options", WARNING, _l(
            "%(ref)s: %(n)s options; official single-choice items have four (fewer raise the "
            "score of guessing)."), item, n=len(item.options)))
    if item.type == "multiple" and item.options and len(item.keys) >= len(item.options):
        found.append(_f("every_option_keyed", BLOCKING, _l(
            "%(ref)s: every option is a key; choosing all options scores full marks."), item))
    return found


def check_item(raw: Mapping[str, Any]) -> list[Finding]:
    """Every finding of one item (an empty list for a clean item)."""
    item = ItemView(raw)
    found: list[Finding] = []
    if item.type in ("single", "multiple"):
        found += _length_cues(item)
        found += _options(item)
        for word, emphasised in text.negatives(item.stem):
            if not emphasised:
                found.append(_f("negative_stem", BLOCKING, _l(
                    "%(ref)s: the question turns on \"%(word)s\" without emphasis; write it in "
                    "bold (**%(word)s**) or 【%(word)s】 so that no candidate misreads it."), item,
                    word=word))
                break
        position = text.position_words(item.explanation)
        if position and item.shuffle:
            found.append(_f("explanation_positions", BLOCKING, _l(
                "%(ref)s: the explanation says \"%(words)s\", but the options are shuffled, so "
                "candidates see other letters and another order. Name the options by their "
                "content."), item, words=position))
    if item.type == "true_false":
        words = text.absolute_words(item.stem)
        if words:
            found.append(_f("absolute_word", WARNING, _l(
                "%(ref)s: the statement says \"%(word)s\"; absolute statements are usually false, "
                "which a test-wise candidate knows."), item, word=words[0]))
    if item.type in ("single", "multiple", "true_false", "fill_in") and \
            not item.explanation.strip():
        found.append(_f("no_explanation", WARNING, _l(
            "%(ref)s: no explanation; every item explains why its key is right."), item))
    return found
