"""Item analysis: classical test statistics of a sitting's items, computed from plain data.

Pure (pandas and the standard library; no Flask, no database). :func:`analyse` takes

- ``scores``: candidate → {item key: points}. An item missing from a candidate's mapping was not on
  their form (forms are drawn per candidate); it is not a zero.
- ``items``: the items (:class:`ItemInfo`), in the order to report them.
- ``totals`` (optional): candidate → the score that ranks candidates (e.g. the component score out
  of 100, comparable across forms); default: the sum of their item points.
- ``choices``: item key → {candidate: option ids chosen} for choice items (``()``: unanswered).
- ``records``: item key → {record id: {candidate: :class:`RecordAnswer`}} for practical tasks.

Definitions (n = candidates who had the item):

facility
    mean item score / item points.
discrimination
    the corrected item–total point-biserial: the Pearson correlation between the item's score and
    the candidate's total *without that item* (the sum of their other items' points); ``None``
    when either side does not vary or n < 3.
upper–lower index
    facility in the top group minus facility in the bottom group.
top / bottom groups
    the ``group_fraction`` (27 %) best and worst of the candidates who had the item, ranked by
    ``totals`` (ties broken by candidate key, so the groups are reproducible); at least one each.
Cronbach's α, KR-20, SEM
    over the items every candidate had (with different forms, the common part). α =
    k/(k−1)·(1 − Σ var(item)/var(total)); KR-20 = k/(k−1)·(1 − Σ p·q / var(total)) on items scored
    0 or full points, with p the share of full marks and population variances (so KR-20 equals α
    when every item is dichotomous with equal points); SEM = SD(total)·√(1 − α) with the sample SD
    (n − 1), in points of that total and as a percentage of its maximum. ``None`` with fewer than
    two items or candidates, or a total that does not vary.
per-record agreement with gold
    for a practical task's record: the share of the n candidates whose answer equals the gold
    (unanswered counts as disagreeing), and the share giving the most common answer.
suspect gold
    a record where more than ``majority`` (half) of the top group — at least ``min_group``
    candidates — give the same answer and that answer is not the gold: the strongest candidates
    agree with each other against the gold label, which is more often a wrong gold label than a
    hard record.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

#: Flags for items worth a look (thresholds of common practice). With forms drawn per candidate
#: an item may have few takers; below ``MIN_CANDIDATES`` it is flagged ``few`` instead.
MIN_CANDIDATES = 5
EASY_ABOVE = 0.9
HARD_BELOW = 0.2
LOW_DISCRIMINATION = 0.2

CHOICE_TYPES = frozenset({"single", "multiple", "true_false"})
#: The "option" under which distractor tables count unanswered items.
NO_ANSWER = ""


@dataclass(frozen=True)
class ItemInfo:
    """An item as the analysis needs it.

    :param options: a choice item's option ids in authored order (true/false: ``true``,
        ``false``).
    :param correct: the keyed option ids (shown to examiners in the distractor table).
    """

    key: str
    label: str
    type: str
    max_points: float
    options: tuple[str, ...] = ()
    correct: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordAnswer:
    """A candidate's answer to one record of a practical task.

    :param answer: the answer in a canonical text form (equal answers, equal texts); ``None`` when
        unanswered.
    :param correct: whether it equals the gold (``None`` for examiner-marked tasks).
    """

    answer: str | None
    correct: bool | None


@dataclass
class ItemStats:
    key: str
    label: str
    type: str
    n: int
    max_points: float
    mean: float | None
    facility: float | None
    discrimination: float | None
    upper_lower: float | None
    flags: list[str] = field(default_factory=list)


@dataclass
class OptionShare:
    option: str
    is_key: bool
    all: float
    top: float
    bottom: float


@dataclass
class Distractors:
    key: str
    label: str
    n: int
    n_top: int
    n_bottom: int
    options: list[OptionShare]


@dataclass
class RecordAgreement:
    key: str
    record_id: str
    n: int
    answered: int
    agreement: float
    modal_share: float
    suspect: bool = False


@dataclass
class SuspectGold:
    key: str
    label: str
    record_id: str
    top_n: int
    top_agreeing: int
    top_share: float
    top_gold_share: float
    all_gold_share: float


@dataclass
class Reliability:
    items: int
    candidates: int
    alpha: float | None
    kr20: float | None
    sd: float | None
    sem: float | None
    max_total: float
    sem_percent: float | None


@dataclass
class Analysis:
    candidates: int
    items: list[ItemStats]
    reliability: Reliability
    distractors: list[Distractors]
    agreement: dict[str, list[RecordAgreement]]
    suspects: list[SuspectGold]
    totals: list[float]


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def group_size(n: int, fraction: float) -> int:
    """How many candidates a top or bottom group holds (half-up rounding, at least 1)."""
    return max(1, math.floor(n * fraction + 0.5)) if n >= 2 else 0


def ranked(candidates: Sequence[Hashable], totals: Mapping[Hashable, float]) -> list[Hashable]:
    """Candidates best first; ties broken by the candidate key's text."""
    return sorted(candidates, key=lambda c: (-float(totals[c]), str(c)))


def groups(candidates: Sequence[Hashable], totals: Mapping[Hashable, float],
           fraction: float) -> tuple[list[Hashable], list[Hashable]]:
    """The top and bottom groups of ``candidates``."""
    order = ranked(candidates, totals)
    size = group_size(len(order), fraction)
    return (order[:size], order[-size:]) if size else ([], [])


def _pearson(x: pd.Series, y: pd.Series) -> float | None:
    if len(x) < 3 or x.std(ddof=0) == 0 or y.std(ddof=0) == 0:
        return None
    return _finite(float(x.corr(y)))


def _flags(n: int, facility: float | None, discrimination: float | None) -> list[str]:
    if n < MIN_CANDIDATES:
        return ["few"]
    flags = []
    if facility is not None and facility > EASY_ABOVE:
        flags.append("easy")
    if facility is not None and facility < HARD_BELOW:
        flags.append("hard")
    if discrimination is not None and discrimination < 0:
        flags.append("negative")
    elif discrimination is not None and discrimination < LOW_DISCRIMINATION:
        flags.append("low")
    return flags


def reliability(matrix: pd.DataFrame, items: Sequence[ItemInfo]) -> Reliability:
    """α, KR-20 and SEM over the items every candidate had (see the module docstring)."""
    common = [i for i in items if i.key in matrix and matrix[i.key].notna().all()]
    k, n = len(common), len(matrix)
    max_total = float(sum(i.max_points for i in common))
    empty = Reliability(k, n, None, None, None, None, max_total, None)
    if k < 2 or n < 2:
        return empty
    data = matrix[[i.key for i in common]].astype(float)
    total = data.sum(axis=1)
    var_total = float(total.var(ddof=1))
    sd = float(total.std(ddof=1))
    if var_total == 0:
        return Reliability(k, n, None, None, sd, None, max_total, None)
    alpha = k / (k - 1) * (1 - float(data.var(ddof=1).sum()) / var_total)
    kr20 = None
    maxima = pd.Series({i.key: i.max_points for i in common})
    dichotomous = all(set(data[i.key].unique()) <= {0.0, float(i.max_points)} for i in common)
    if dichotomous:
        scaled = data / maxima
        p = scaled.mean()
        var01 = float(scaled.sum(axis=1).var(ddof=0))
        if var01 > 0:
            kr20 = k / (k - 1) * (1 - float((p * (1 - p)).sum()) / var01)
    sem = sd * math.sqrt(1 - alpha) if alpha <= 1 else None
    return Reliability(k, n, _finite(alpha), _finite(kr20) if kr20 is not None else None, sd,
                       sem, max_total, sem / max_total * 100 if sem is not None and max_total
                       else None)


def analyse(scores: Mapping[Hashable, Mapping[str, float]], items: Sequence[ItemInfo], *,
            totals: Mapping[Hashable, float] | None = None,
            choices: Mapping[str, Mapping[Hashable, Sequence[str]]] | None = None,
            records: Mapping[str, Mapping[str, Mapping[Hashable, RecordAnswer]]] | None = None,
            group_fraction: float = 0.27, majority: float = 0.5,
            min_group: int = 3) -> Analysis:
    """Analyse a sitting's items (see the module docstring for every definition)."""
    candidates = list(scores)
    matrix = pd.DataFrame.from_dict({c: dict(scores[c]) for c in candidates}, orient="index")
    matrix = matrix.reindex(index=candidates, columns=[i.key for i in items]).astype(float)
    row_totals = matrix.sum(axis=1, skipna=True)
    rank_by = {c: float(totals[c]) for c in candidates} if totals is not None else {
        c: float(row_totals[c]) for c in candidates}
    stats = []
    for info in items:
        column = matrix[info.key].dropna()
        takers = list(column.index)
        n = len(column)
        if n == 0:
            stats.append(ItemStats(info.key, info.label, info.type, 0, info.max_points, None, None,
                                   None, None))
            continue
        mean = float(column.mean())
        facility = mean / info.max_points if info.max_points else None
        rest = row_totals[takers] - column
        discrimination = _pearson(column, rest)
        top, bottom = groups(takers, rank_by, group_fraction)
        upper_lower = None
        if top and info.max_points:
            upper_lower = float(column[top].mean() - column[bottom].mean()) / info.max_points
        stats.append(ItemStats(info.key, info.label, info.type, n, info.max_points, mean,
                               facility, discrimination, upper_lower,
                               _flags(n, facility, discrimination)))
    distractors = [_distractors(info, matrix, (choices or {}).get(info.key, {}), rank_by,
                                group_fraction)
                   for info in items if info.type in CHOICE_TYPES]
    agreement: dict[str, list[RecordAgreement]] = {}
    suspects: list[SuspectGold] = []
    labels = {i.key: i.label for i in items}
    for key, by_record in (records or {}).items():
        rows, found = _agreement(key, labels.get(key, key), by_record, rank_by, group_fraction,
                                 majority, min_group)
        agreement[key] = rows
        suspects += found
    suspects.sort(key=lambda s: (-s.top_share, s.key, s.record_id))
    return Analysis(len(candidates), stats, reliability(matrix, items),
                    [d for d in distractors if d is not None], agreement, suspects,
                    [rank_by[c] for c in candidates])


def _distractors(info: ItemInfo, matrix: pd.DataFrame,
                 chosen: Mapping[Hashable, Sequence[str]], rank_by: Mapping[Hashable, float],
                 fraction: float) -> Distractors | None:
    takers = list(matrix[info.key].dropna().index)
    if not takers:
        return None
    top, bottom = groups(takers, rank_by, fraction)
    picks = {c: set(chosen.get(c) or ()) for c in takers}

    def share(group: list[Hashable], option: str) -> float:
        if not group:
            return 0.0
        if option == NO_ANSWER:
            return sum(not picks[c] for c in group) / len(group)
        return sum(option in picks[c] for c in group) / len(group)

    options = [OptionShare(o, o in info.correct, share(takers, o), share(top, o),
                           share(bottom, o)) for o in (*info.options, NO_ANSWER)]
    return Distractors(info.key, info.label, len(takers), len(top), len(bottom), options)


def _agreement(key: str, label: str, by_record: Mapping[str, Mapping[Hashable, RecordAnswer]],
               rank_by: Mapping[Hashable, float], fraction: float, majority: float,
               min_group: int) -> tuple[list[RecordAgreement], list[SuspectGold]]:
    rows, suspects = [], []
    for record_id, answers in by_record.items():
        takers = [c for c in answers if c in rank_by]
        n = len(takers)
        answered = [c for c in takers if answers[c].answer is not None]
        agreeing = sum(answers[c].correct is True for c in takers)
        counts = Counter(answers[c].answer for c in answered)
        modal = counts.most_common(1)[0][1] if counts else 0
        row = RecordAgreement(key, record_id, n, len(answered), agreeing / n if n else 0.0,
                              modal / n if n else 0.0)
        top, _bottom = groups(takers, rank_by, fraction)
        if len(top) >= min_group:
            top_counts = Counter(answers[c].answer for c in top if answers[c].answer is not None)
            if top_counts:
                answer, count = sorted(top_counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
                sample = next(c for c in top if answers[c].answer == answer)
                if count / len(top) > majority and answers[sample].correct is False:
                    row.suspect = True
                    suspects.append(SuspectGold(
                        key, label, record_id, len(top), count, count / len(top),
                        sum(answers[c].correct is True for c in top) / len(top), row.agreement))
        rows.append(row)
    return rows, suspects
