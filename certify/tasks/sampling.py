"""Per-candidate samples of a task's pool of records: seeded, stratified, difficulty-balanced.

A task may hold a pool of records larger than one candidate labels; its task.yaml then says how
many each candidate draws (docs/formats.md §3)::

    sample: {size: 30, strata: [label, rule_case], difficulty_balance: true}

:func:`draw_sample` is a pure function of the task, the size and a seed text (the exams package
uses ``f"{attempt.id}:{item_version.id}"`` and stores the drawn ids with the attempt item):

- every value of every stratum is represented (each gold label — each label of a multi-label task,
  each rating — and each documented ``rule_case`` of the gold lines), as long as the size allows;
- with ``difficulty_balance`` every draw has the same number of records of each ``difficulty``
  (the pool's proportions, by largest remainder), so no candidate gets an easier paper;
- the rest is filled at random, spread over the strata in proportion to the pool.

The drawn ids are returned in pool order.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from certify.tasks.data import TaskSpec
from certify.tasks.problems import Problems

__all__ = ["STRATA", "SampleConfig", "check_sample", "draw_sample", "record_strata", "sampled_spec"]

#: what a sample may be stratified by
STRATA = ("label", "rule_case")
#: the gold key of each type's label-like value (types not named have no label stratum)
LABEL_FIELDS = {"classification": "label", "multilabel": "labels", "rating": "rating"}
#: difficulty of a record without a ``difficulty`` tag
DEFAULT_DIFFICULTY = 3


class SampleConfig(dict):
    """The checked ``sample`` of a task: ``{"size", "strata", "difficulty_balance"}``."""


def check_sample(sample: Any, n_records: int, problems: Problems) -> SampleConfig | None:
    """The checked sample config (``None`` when the task has none or it has problems)."""
    if sample is None:
        return None
    if problems.mapping("sample", sample) is None:
        return None
    before = len(problems.found)
    problems.keys(sample, ("size", "strata", "difficulty_balance"), ("size",), prefix="sample.",
                  kind="a sample")
    size = problems.integer("sample.size", sample.get("size"), minimum=1)
    if size is not None and n_records and size > n_records:
        problems.add("sample.size", f"is {size}, but the pool has only {n_records} records")
    strata = sample.get("strata", list(STRATA))
    if problems.sequence("sample.strata", strata) is not None:
        for i, name in enumerate(strata):
            if name not in STRATA:
                problems.add(f"sample.strata[{i}]", f"must be one of {', '.join(STRATA)}, "
                                                    f"not {name!r}")
    balance = sample.get("difficulty_balance", True)
    if not isinstance(balance, bool):
        problems.add("sample.difficulty_balance", f"must be true or false, not {balance!r}")
    if len(problems.found) > before:
        return None
    return SampleConfig(size=size, strata=list(strata), difficulty_balance=balance)


def record_strata(spec: TaskSpec, strata: Sequence[str] = STRATA) -> dict[str, set[tuple[str, str]]]:
    """Every record id → the stratum values it represents, e.g. ``{("label", "neutral")}``."""
    gold = {str(line.get("id")): line for line in spec.gold if isinstance(line, Mapping)}
    field = LABEL_FIELDS.get(spec.task_type)
    out: dict[str, set[tuple[str, str]]] = {}
    for record in spec.records:
        record_id = str(record.get("id"))
        line = gold.get(record_id, {})
        values: set[tuple[str, str]] = set()
        if "label" in strata and field and field in line:
            value = line[field]
            for one in (value if isinstance(value, list) else [value]):
                values.add(("label", str(one)))
        if "rule_case" in strata and line.get("rule_case"):
            values.add(("rule_case", str(line["rule_case"])))
        out[record_id] = values
    return out


def _difficulty(spec: TaskSpec) -> dict[str, int]:
    gold = {str(line.get("id")): line for line in spec.gold if isinstance(line, Mapping)}
    return {str(r.get("id")): int(gold.get(str(r.get("id")), {}).get("difficulty")
                                  or DEFAULT_DIFFICULTY) for r in spec.records}


def _rng(seed: str | int) -> random.Random:
    digest = hashlib.sha256(str(seed).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def draw_sample(spec: TaskSpec, n: int, seed: str | int, *, strata: Sequence[str] = STRATA,
                difficulty_balance: bool = True) -> tuple[str, ...]:
    """The ids of the ``n`` records drawn with ``seed`` from ``spec``'s pool, in pool order.

    The same spec, size and seed always give the same sample. ``n`` at least the pool size gives
    the whole pool.
    """
    ids = [str(r.get("id")) for r in spec.records]
    if n >= len(ids):
        return tuple(ids)
    rng = _rng(seed)
    tags = record_strata(spec, strata)
    level = _difficulty(spec)
    chosen: set[str] = set()
    # 1. Coverage: one record for every stratum value, rarest values first.
    by_value: dict[tuple[str, str], list[str]] = defaultdict(list)
    for record_id in ids:
        for value in tags[record_id]:
            by_value[value].append(record_id)
    levels = sorted(set(level.values()))
    counts = [sum(1 for i in ids if level[i] == lv) for lv in levels]
    target = dict(zip(levels, _largest_remainder(counts, n), strict=True))
    for value in sorted(by_value, key=lambda v: (len(by_value[v]), v)):
        if len(chosen) >= n or any(value in tags[c] for c in chosen):
            continue
        candidates = by_value[value]
        if difficulty_balance:  # from a level whose quota is not yet full, when there is one
            open_levels = {lv for lv in levels
                           if sum(1 for c in chosen if level[c] == lv) < target[lv]}
            candidates = [c for c in candidates if level[c] in open_levels] or candidates
        chosen.add(rng.choice(candidates))
    # 2. Quotas per difficulty level (the pool's proportions), less what coverage took.
    remaining = n - len(chosen)
    if difficulty_balance:
        taken = {lv: sum(1 for c in chosen if level[c] == lv) for lv in levels}
        need = {lv: max(0, target[lv] - taken[lv]) for lv in levels}
        while sum(need.values()) > remaining:  # coverage overshot a level: trim the largest
            largest = max(levels, key=lambda lv: (need[lv], lv))
            need[largest] -= 1
        groups = [(need[lv], [i for i in ids if level[i] == lv and i not in chosen])
                  for lv in levels]
        short = remaining - sum(need.values())
    else:
        groups, short = [], remaining
    for count, pool in groups:
        chosen.update(_spread(pool, count, tags, rng))
    if short:
        chosen.update(_spread([i for i in ids if i not in chosen], short, tags, rng))
    return tuple(i for i in ids if i in chosen)


def _largest_remainder(counts: list[int], total: int) -> list[int]:
    """Whole numbers proportional to ``counts`` summing to ``total`` (ties: the earlier one)."""
    whole = sum(counts)
    quotas = [total * c / whole for c in counts]
    out = [int(q) for q in quotas]
    order = sorted(range(len(counts)), key=lambda i: (-(quotas[i] - out[i]), i))
    for i in order[:total - sum(out)]:
        out[i] += 1
    return out


def _spread(pool: list[str], count: int, tags, rng: random.Random) -> list[str]:
    """``count`` records of ``pool`` at random, taking the strata in turn (proportional on average)."""
    if count <= 0:
        return []
    groups: dict[tuple, list[str]] = defaultdict(list)
    for record_id in pool:
        groups[tuple(sorted(tags[record_id]))].append(record_id)
    order = sorted(groups)
    for key in order:
        rng.shuffle(groups[key])
    # Interleave by each record's relative position in its stratum: proportional representation.
    keyed = []
    for key in order:
        size = len(groups[key])
        for rank, record_id in enumerate(groups[key]):
            keyed.append(((rank + rng.random()) / size, record_id))
    keyed.sort()
    return [record_id for _position, record_id in keyed[:count]]


def sampled_spec(spec: TaskSpec, record_ids: Sequence[str] | None) -> TaskSpec:
    """``spec`` reduced to the drawn records and their gold (``None``: the whole pool)."""
    if record_ids is None:
        return spec
    keep = set(record_ids)
    return TaskSpec(task_type=spec.task_type, config=spec.config,
                    records=[r for r in spec.records if str(r.get("id")) in keep],
                    gold=[g for g in spec.gold if str(g.get("id")) in keep],
                    metric=spec.metric, policy=spec.policy, rubric=spec.rubric, sample=None)
