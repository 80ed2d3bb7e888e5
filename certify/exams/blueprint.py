"""Exam blueprints: what a form must contain, derived from a level's weight table (pure).

A blueprint says how many items to draw from each weighted syllabus unit, optionally a difficulty
mix, and which item types may be drawn. It is derived from the weight table and checked against the
approved bank before a definition is saved, so an exam that cannot be drawn is never scheduled.

**Counts per unit** come from :func:`certify.banks.coverage.required_counts` (largest-remainder
apportionment of the weight table, ties to the unit first in the syllabus), the same function the
banks' coverage view uses, so "no gap in the coverage view" and "the exam can be drawn" agree. The
caller passes them in (this module imports no database code).

**Skills exams** (e.g. 3 practical tasks) apportion the tasks over the same weighted work contents.
One rule is added, because so few tasks can miss a whole occupational function: the function with
the largest total weight always gets at least one task (see :func:`top_function_rule`). With the
bundled weight tables the apportionment already does so and the rule changes nothing; it only moves
a task for unusual tables (e.g. two tasks over a function split into many small work contents). A
task tagged to a unit counts for every weighted unit it lies under.

An administrator may change the counts of the derived rows (the derived count is kept beside the
chosen one and shown, so a deviation from the weight table is always visible and explained in the
blueprint's note).

**Sections by item type** (optional): official papers are sections of one type each (level 4:
50 true/false + 150 single choice). A blueprint derived with ``type_counts`` has one row per unit
*and* type: each section's items are apportioned over the weight table on their own, and a row takes
only items of its type. Without sections a row takes any allowed type, as before.

**Language** (optional): a blueprint may name the language of its items (``zh``, ``en``); only
items of that language fill it. ``None`` draws from every language.

**Difficulty mix** (optional): percentages for three bands, easy (difficulty 1–2), medium (3) and
hard (4–5), turned into item counts the same way when the blueprint is derived. The unit counts and
the band counts must hold *at the same time*, and an item tagged to several units counts once;
:func:`match` solves this as a maximum flow (source → band → item → row → sink), so a blueprint is
reported feasible exactly when some form satisfies every count.

Units are named by their references (``L4:2.1``); a unit's descendants (``L4:2.1.3``) count for it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _

#: Difficulty bands of the mix, in order, and the difficulties (1–5) in each.
BANDS: dict[str, tuple[int, ...]] = {"easy": (1, 2), "medium": (3,), "hard": (4, 5)}
#: Item types a theory exam may draw by default (short answers need examiners: opt in).
DEFAULT_THEORY_TYPES = ("single", "multiple", "true_false", "fill_in")
THEORY_TYPES = ("single", "multiple", "true_false", "fill_in", "short_answer")
SKILLS_TYPES = ("practical",)
BLUEPRINT_VERSION = 1

Number = int | float | Decimal | Fraction


def band_of(difficulty: int) -> str:
    """The band (``easy``, ``medium``, ``hard``) of a difficulty 1–5."""
    for band, levels in BANDS.items():
        if difficulty in levels:
            return band
    raise ValueError(f"difficulty must be 1–5, not {difficulty!r}")


def is_under(unit: str, row_unit: str) -> bool:
    """Whether ``unit`` is ``row_unit`` or one of its descendants (``L4:2.1`` is under ``L4:2``)."""
    return unit == row_unit or unit.startswith(row_unit + ".")


def function_of(unit: str) -> str:
    """The occupational function a unit belongs to: ``L4:2.1.3`` → ``L4:2``."""
    prefix, sep, code = unit.rpartition(":")
    return f"{prefix}{sep}{code.split('.')[0]}"


def top_function_rule(weights: Mapping[str, Number], counts: Mapping[str, int]) -> dict[str, int]:
    """Give the top-weighted occupational function at least one task (skills exams).

    When no unit of the function with the largest total weight got a task, one task moves to that
    function's largest unit from the lowest-weighted unit that has one (the later one on ties).

    :param weights: unit ref → weight, in syllabus order.
    :param counts: unit ref → tasks apportioned.
    """
    counts = dict(counts)
    if sum(counts.values()) < 1:
        return counts
    by_function: dict[str, Fraction] = {}
    for unit, weight in weights.items():
        by_function[function_of(unit)] = by_function.get(function_of(unit), Fraction(0)) + \
            Fraction(str(weight))
    order = list(weights)
    top = max(by_function, key=lambda f: (by_function[f], -list(by_function).index(f)))
    members = [u for u in order if function_of(u) == top]
    if any(counts.get(u, 0) for u in members):
        return counts
    donors = [u for u in order if counts.get(u, 0) > 0]
    donor = min(reversed(donors), key=lambda u: Fraction(str(weights[u])))
    receiver = max(members, key=lambda u: (Fraction(str(weights[u])), -order.index(u)))
    counts[donor] -= 1
    counts[receiver] = counts.get(receiver, 0) + 1
    return counts


@dataclass(frozen=True)
class BlueprintRow:
    """Draw ``count`` items from ``unit`` (the weight table suggests ``derived``); with ``item_type``
    only items of that type (a section of the paper)."""

    unit: str
    weight: Decimal
    count: int
    derived: int
    item_type: str | None = None

    @property
    def key(self) -> str:
        """The row's name in forms and reports: ``L4:2.1``, or ``L4:2.1|single`` in a section."""
        return f"{self.unit}|{self.item_type}" if self.item_type else self.unit


@dataclass(frozen=True)
class FormBlueprint:
    """What every form of an exam contains; stored as JSON on the exam definition."""

    component: str
    total: int
    rows: tuple[BlueprintRow, ...]
    item_types: tuple[str, ...]
    #: Band → percent (summing to 100), or ``None`` for no difficulty constraint.
    difficulty: Mapping[str, int] | None = None
    #: Band → items on every form, apportioned from ``difficulty`` when the blueprint was derived.
    difficulty_counts: Mapping[str, int] | None = None
    #: Why the counts differ from the derived ones, when they do.
    note: str = ""
    #: Language every drawn item must be in (``zh``, ``en`` …), or ``None`` for any.
    language: str | None = None

    @property
    def sections(self) -> dict[str, int]:
        """Items per type section, in paper order (empty when rows take any type)."""
        out: dict[str, int] = {}
        for row in self.rows:
            if row.item_type:
                out[row.item_type] = out.get(row.item_type, 0) + row.count
        return out

    @property
    def adjusted(self) -> bool:
        """Whether an administrator changed any count from the weight table's."""
        return any(row.count != row.derived for row in self.rows)

    def band_targets(self) -> dict[str, int] | None:
        """Items per difficulty band, or ``None`` when there is no mix."""
        if not self.difficulty or not self.difficulty_counts:
            return None
        return {band: int(self.difficulty_counts.get(band, 0)) for band in BANDS}

    def to_json(self) -> dict[str, Any]:
        return {
            "version": BLUEPRINT_VERSION,
            "component": self.component,
            "total": self.total,
            "rows": [{"unit": r.unit, "weight": str(r.weight), "count": r.count,
                      "derived": r.derived, **({"item_type": r.item_type} if r.item_type else {})}
                     for r in self.rows],
            "item_types": list(self.item_types),
            "difficulty": dict(self.difficulty) if self.difficulty else None,
            "difficulty_counts": dict(self.difficulty_counts) if self.difficulty_counts else None,
            "note": self.note,
            "language": self.language,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FormBlueprint:
        """Read a stored blueprint (tolerating the minimal ``{"rows": [{"unit", "count"}]}``)."""
        rows = tuple(
            BlueprintRow(unit=str(r["unit"]), weight=Decimal(str(r.get("weight", 0))),
                         count=int(r["count"]), derived=int(r.get("derived", r["count"])),
                         item_type=r.get("item_type") or None)
            for r in data.get("rows", [])
        )
        component = data.get("component", "theory")
        default_types = SKILLS_TYPES if component == "skills" else DEFAULT_THEORY_TYPES
        difficulty = data.get("difficulty") or None
        band_counts = data.get("difficulty_counts") or None
        return cls(
            component=component,
            total=int(data.get("total", sum(r.count for r in rows))),
            rows=rows,
            item_types=tuple(data.get("item_types") or default_types),
            difficulty={k: int(v) for k, v in difficulty.items()} if difficulty else None,
            difficulty_counts={k: int(v) for k, v in band_counts.items()} if band_counts else None,
            note=str(data.get("note", "")),
            language=data.get("language") or None,
        )

    def with_counts(self, counts: Mapping[str, int], note: str = "") -> FormBlueprint:
        """The same blueprint with some rows' counts changed (row key → count, see
        :attr:`BlueprintRow.key`)."""
        rows = tuple(BlueprintRow(r.unit, r.weight, int(counts.get(r.key, r.count)), r.derived,
                                  r.item_type)
                     for r in self.rows)
        return FormBlueprint(self.component, self.total, rows, self.item_types, self.difficulty,
                         self.difficulty_counts, note, self.language)


def derive(component: str, weight_table: Mapping[str, Number], counts: Mapping[str, int], *,
           item_types: Iterable[str] | None = None,
           difficulty: Mapping[str, int] | None = None,
           difficulty_counts: Mapping[str, int] | None = None,
           type_counts: Mapping[str, Mapping[str, int]] | None = None,
           language: str | None = None) -> FormBlueprint:
    """Build the blueprint of a weight table (unit ref → percent, in syllabus order).

    :param counts: unit ref → items, apportioned from the table (``required_counts``).
    :param difficulty: band → percent, or ``None``; ``difficulty_counts`` are its items per band.
    :param type_counts: item type → (unit ref → items) for a paper in sections, in paper order
        (each section apportioned like ``counts``); the rows are then one per type and unit, and
        ``counts`` is not used.
    :param language: the language every item must be in, or ``None``.
    """
    weights = {unit: Decimal(str(percent)) for unit, percent in weight_table.items()}
    if type_counts and component != "skills":
        rows = tuple(BlueprintRow(unit, weight, int(per_unit.get(unit, 0)),
                                  int(per_unit.get(unit, 0)), item_type)
                     for item_type, per_unit in type_counts.items()
                     for unit, weight in weights.items())
        types = tuple(type_counts)
    else:
        counts = {unit: int(counts.get(unit, 0)) for unit in weights}
        if component == "skills":
            counts = top_function_rule(weights, counts)
            types = tuple(item_types or SKILLS_TYPES)
        else:
            types = tuple(item_types or DEFAULT_THEORY_TYPES)
        rows = tuple(BlueprintRow(unit, weight, counts[unit], counts[unit])
                     for unit, weight in weights.items())
    return FormBlueprint(component, sum(row.count for row in rows), rows, types,
                     dict(difficulty) if difficulty else None,
                     dict(difficulty_counts) if difficulty and difficulty_counts else None,
                     language=language or None)


def problems(blueprint: FormBlueprint) -> list[tuple[str, str]]:
    """What is wrong with a blueprint's own numbers, as (field, message) pairs; [] when fine.

    Messages are in the request's language (English outside a request)."""
    found: list[tuple[str, str]] = []
    if blueprint.total < 1:
        found.append(("total", _("must be at least 1")))
    if any(row.count < 0 for row in blueprint.rows):
        found.append(("rows", _("counts must not be negative")))
    if sum(row.count for row in blueprint.rows) != blueprint.total:
        found.append(("rows", _("the counts sum to %(sum)s, not %(total)s",
                                sum=sum(r.count for r in blueprint.rows), total=blueprint.total)))
    if not blueprint.item_types:
        found.append(("item_types", _("choose at least one item type")))
    stray = sorted({r.item_type for r in blueprint.rows if r.item_type} - set(blueprint.item_types))
    if stray:
        found.append(("item_types", _("a section draws %(types)s, which the exam does not allow",
                                      types=", ".join(stray))))
    if blueprint.difficulty:
        unknown = set(blueprint.difficulty) - set(BANDS)
        if unknown:
            found.append(("difficulty", _("unknown bands %(bands)s", bands=sorted(unknown))))
        if any(v < 0 for v in blueprint.difficulty.values()):
            found.append(("difficulty", _("percentages must not be negative")))
        elif sum(blueprint.difficulty.values()) != 100:
            found.append(("difficulty", _("the percentages sum to %(sum)s, not 100",
                                          sum=sum(blueprint.difficulty.values()))))
        elif sum((blueprint.difficulty_counts or {}).values()) != blueprint.total:
            found.append(("difficulty", _("the items per band do not add up to the total")))
    return found


# Supply ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PoolItem:
    """An approved item version the bank offers, as plain data.

    :param units: the refs of the units it is tagged to (only the exam's level matters).
    :param option_ids: choice options in authored order (empty for other types).
    :param shuffle_options: whether the author allows its options to be shuffled.
    :param language: the language of its text (``None``: unknown, fits no language-bound exam).
    """

    version_id: int
    item_type: str
    units: tuple[str, ...]
    difficulty: int
    option_ids: tuple[str, ...] = ()
    shuffle_options: bool = True
    language: str | None = None

    def fits(self, blueprint: FormBlueprint, row: BlueprintRow) -> bool:
        if self.item_type not in blueprint.item_types:
            return False
        if row.item_type is not None and row.item_type != self.item_type:
            return False
        if blueprint.language is not None and self.language != blueprint.language:
            return False
        return any(is_under(u, row.unit) for u in self.units)


@dataclass(frozen=True)
class Shortfall:
    """One way the bank cannot supply a blueprint.

    ``kind`` is ``unit`` (too few eligible items in a unit), ``band`` (too few in a difficulty
    band), or ``combination`` (each count can be met alone, but not all at once, because items are
    shared between units or the difficulty mix pulls elsewhere: ``available`` is what a best draw
    reaches for that row).
    """

    kind: str
    key: str
    needed: int
    available: int
    #: The section (item type) of a ``unit`` or ``combination`` shortfall, when the paper has sections.
    item_type: str | None = None

    @property
    def missing(self) -> int:
        return self.needed - self.available


@dataclass
class Match:
    """A maximum draw: which candidate fills which row (by index), and whether it is complete."""

    chosen: dict[int, int] = field(default_factory=dict)  # candidate index → row index
    complete: bool = False
    per_row: dict[int, int] = field(default_factory=dict)


class _Flow:
    """A small maximum-flow network (Ford–Fulkerson with depth-first augmenting paths)."""

    def __init__(self, size: int) -> None:
        self.edges: list[list[list[int]]] = [[] for _ in range(size)]  # [to, capacity, reverse]

    def add(self, u: int, v: int, capacity: int) -> list[int]:
        forward = [v, capacity, len(self.edges[v])]
        self.edges[u].append(forward)
        self.edges[v].append([u, 0, len(self.edges[u]) - 1])
        return forward

    def _augment(self, u: int, sink: int, seen: set[int]) -> bool:
        if u == sink:
            return True
        seen.add(u)
        for edge in self.edges[u]:
            v, capacity, reverse = edge
            if capacity > 0 and v not in seen and self._augment(v, sink, seen):
                edge[1] -= 1
                self.edges[v][reverse][1] += 1
                return True
        return False

    def run(self, source: int, sink: int) -> int:
        flow = 0
        while self._augment(source, sink, set()):
            flow += 1
        return flow


def match(blueprint: FormBlueprint, candidates: Sequence[PoolItem],
          rng: random.Random | None = None) -> Match:
    """Choose candidates for the rows so that every count (and the difficulty mix) holds.

    With ``rng`` the search visits candidates in a random order, so that different seeds draw
    different (but always complete, when possible) forms; without it, in the order given.
    """
    rows = [i for i, row in enumerate(blueprint.rows) if row.count > 0]
    targets = blueprint.band_targets()
    bands = list(BANDS) if targets else []
    # Nodes: 0 source, 1 sink, then bands, candidates, rows.
    band_node = {band: 2 + i for i, band in enumerate(bands)}
    first_item = 2 + len(bands)
    row_node = {r: first_item + len(candidates) + i for i, r in enumerate(rows)}
    network = _Flow(first_item + len(candidates) + len(rows))
    order = list(range(len(candidates)))
    if rng is not None:
        rng.shuffle(order)
    if targets:
        for band in bands:
            network.add(0, band_node[band], targets[band])
    item_edges: dict[int, list[tuple[int, list[int]]]] = {}
    for c in order:
        candidate = candidates[c]
        fitting = [r for r in rows if candidate.fits(blueprint, blueprint.rows[r])]
        if not fitting:
            continue
        if targets:
            band = band_of(candidate.difficulty)
            network.add(band_node[band], first_item + c, 1)
        else:
            network.add(0, first_item + c, 1)
        if rng is not None:
            rng.shuffle(fitting)
        item_edges[c] = [(r, network.add(first_item + c, row_node[r], 1)) for r in fitting]
    row_edges = {r: network.add(row_node[r], 1, blueprint.rows[r].count) for r in rows}
    flow = network.run(0, 1)
    result = Match(complete=flow == blueprint.total)
    for c, edges in item_edges.items():
        for r, edge in edges:
            if edge[1] == 0:  # the unit of capacity was used: c fills r
                result.chosen[c] = r
    result.per_row = {r: blueprint.rows[r].count - row_edges[r][1] for r in rows}
    return result


def check_supply(blueprint: FormBlueprint, candidates: Sequence[PoolItem]) -> list[Shortfall]:
    """Every shortfall of the bank against ``blueprint``; [] when a complete form can be drawn.

    Unit and band shortfalls compare each count with the eligible items alone; when those all
    pass but no complete form exists, the rows a best draw leaves short are reported instead.
    """
    found: list[Shortfall] = []
    eligible_anywhere: set[int] = set()
    for row in blueprint.rows:
        fitting = [i for i, c in enumerate(candidates) if c.fits(blueprint, row)]
        if row.count > 0:
            eligible_anywhere.update(fitting)
        if len(fitting) < row.count:
            found.append(Shortfall("unit", row.unit, row.count, len(fitting), row.item_type))
    targets = blueprint.band_targets()
    if targets:
        for band, needed in targets.items():
            have = sum(1 for i in eligible_anywhere if band_of(candidates[i].difficulty) == band)
            if have < needed:
                found.append(Shortfall("band", band, needed, have))
    if found:
        return found
    best = match(blueprint, candidates)
    if not best.complete:
        for r, got in best.per_row.items():
            row = blueprint.rows[r]
            if got < row.count:
                found.append(Shortfall("combination", row.unit, row.count, got, row.item_type))
    return found
