"""Drawn forms: the test-wise score on papers of the default exam definitions, drawn from a pool by
the exams' own form assembly (:func:`certify.exams.assembly.assemble`), and the pool's supply of
every blueprint slot against the quota (twice what one paper draws from the slot).

The default definition of a level is its official theory paper (:mod:`certify.exams.official`),
sectioned by item type and apportioned over the level's theory weight table, in the pool's language.
When the pool cannot supply one complete paper, forms are drawn from the largest of ½, ⅕ and ⅒ of
it that the pool supplies, and the report says so: the figures then describe smaller papers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from certify.apportion import apportion
from certify.banks.lint import strategies
from certify.banks.lint.items import ItemView
from certify.exams.assembly import assemble
from certify.exams.blueprint import FormBlueprint, PoolItem, check_supply, derive
from certify.exams.official import FRACTIONS, PaperFormat

#: Every slot of the default definitions holds at least this many times what one paper draws.
QUOTA_FACTOR = 2


def blueprint_for(paper: PaperFormat, weights: Mapping[str, Any], language: str | None) -> FormBlueprint:
    """The blueprint of ``paper`` over a theory weight table (unit ref → percent)."""
    typed = {t: apportion(weights, n) for t, n in paper.sections}
    return derive("theory", weights, {}, type_counts=typed, language=language)


def candidates(items: Iterable[ItemView], level: int) -> list[PoolItem]:
    """The pool as the draw sees it (version ids are positions in the pool, from 1)."""
    prefix = f"L{level}:"
    out = []
    for n, item in enumerate(items, start=1):
        out.append(PoolItem(
            version_id=n, item_type=item.type,
            units=tuple(u for u in item.units if u.startswith(prefix)),
            difficulty=int(item.difficulty) if str(item.difficulty).isdigit() else 3,
            option_ids=tuple(oid for oid, _t in item.options), shuffle_options=item.shuffle,
            language=item.language or None))
    return out


@dataclass
class Slot:
    """One blueprint row of the full paper: unit × item type."""

    unit: str
    item_type: str
    per_paper: int
    available: int
    element_points: int = 0
    points_covered: int = 0

    @property
    def quota(self) -> int:
        return QUOTA_FACTOR * self.per_paper

    @property
    def short(self) -> int:
        return max(0, self.quota - self.available)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"unit": self.unit, "type": self.item_type,
                               "per_paper": self.per_paper, "quota": self.quota,
                               "available": self.available, "short": self.short}
        if self.element_points:
            out["element_points"] = self.element_points
            out["points_covered"] = self.points_covered
        return out


@dataclass
class FormsReport:
    """Test-wise and chance scores (percent) on the forms drawn, and the slots of the full paper."""

    definition: str
    language: str | None
    requested: int
    fraction: Fraction | None = None
    testwise: list[float] = field(default_factory=list)
    chance: list[float] = field(default_factory=list)
    #: slots of the full paper with fewer items than one paper draws
    unfillable: int = 0
    slots: list[Slot] = field(default_factory=list)

    @property
    def drawn(self) -> int:
        return len(self.testwise)

    @property
    def margins(self) -> list[float]:
        return [t - c for t, c in zip(self.testwise, self.chance, strict=True)]

    @property
    def worst(self) -> int | None:
        """Index of the form with the largest test-wise margin over chance."""
        return max(range(self.drawn), key=lambda i: self.margins[i]) if self.drawn else None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"definition": self.definition, "language": self.language,
                               "requested": self.requested, "drawn": self.drawn,
                               "fraction": str(self.fraction) if self.fraction else None,
                               "unfillable_slots": self.unfillable,
                               "slots": [s.to_json() for s in self.slots]}
        if self.drawn:
            worst = self.worst or 0
            out.update({
                "testwise": {"mean": round(sum(self.testwise) / self.drawn, 2),
                             "max": round(max(self.testwise), 2)},
                "chance": {"mean": round(sum(self.chance) / self.drawn, 2)},
                "worst": {"form": worst + 1, "testwise": round(self.testwise[worst], 2),
                          "chance": round(self.chance[worst], 2),
                          "margin": round(self.margins[worst], 2)},
            })
        return out


def _element_points(unit: str, all_units: Iterable[str]) -> list[str]:
    """The element points (``L4:2.1.2.4``: four parts) under ``unit``."""
    return [u for u in all_units if u.startswith(unit + ".") and
            u.partition(":")[2].count(".") == 3]


def draw(items: list[ItemView], level: int, paper: PaperFormat, weights: Mapping[str, Any],
         language: str | None, count: int, *, all_units: Iterable[str] = (),
         seed: int = 0) -> FormsReport:
    """Draw ``count`` forms of ``paper`` from ``items`` (or of the largest fraction the pool
    supplies) and report the strategies' scores and the slots of the full paper."""
    pool = candidates(items, level)
    full = blueprint_for(paper, weights, language)
    report = FormsReport(paper.describe(), language, count)
    units = list(all_units)
    for row in full.rows:
        fitting = [c.version_id for c in pool if c.fits(full, row)]
        slot = Slot(row.unit, row.item_type or "", row.count, len(fitting))
        points = _element_points(row.unit, units)
        if points:
            tagged = {u for c in pool if c.version_id in set(fitting) for u in c.units}
            slot.element_points = len(points)
            slot.points_covered = sum(1 for p in points if p in tagged)
        report.slots.append(slot)
    report.unfillable = sum(1 for s in report.slots if s.available < s.per_paper)
    by_id = {c.version_id: items[c.version_id - 1] for c in pool}
    for fraction in FRACTIONS:
        blueprint = full if fraction == 1 else blueprint_for(paper.scaled(fraction), weights,
                                                             language)
        if check_supply(blueprint, pool):
            continue
        report.fraction = Fraction(fraction)
        for n in range(count):
            form = assemble(blueprint, pool, seed + n, shuffle_items=False)
            testwise, chance = strategies.scores([by_id[f.version_id] for f in form])
            report.testwise.append(testwise)
            report.chance.append(chance)
        break
    return report
