"""Does the bank hold enough approved items for a level's exams? Counts per unit against the weights.

:func:`required_counts` turns a level's weight table into whole item counts for an exam of a given
size (largest-remainder apportionment, ties to the unit that comes first in the syllabus); the exam
blueprint uses the same function, so the coverage view and the exams always agree.

An item counts for the weighted unit it is tagged to, or for the weighted unit above the unit it is
tagged to (an item on element point ``2.1.2.4`` counts for ``2.1``). With ``language`` only items
written in that language count, as for an exam bound to one language. An item tagged to several
weighted units can fill only one place on a form, so besides the per-unit counts the view checks
that all places can be filled at once (a bipartite matching).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa

from certify.apportion import apportion
from certify.banks.models import Item, ItemStatus, ItemVersion, VersionStatus
from certify.banks.queries import COMPONENT_TYPES, live_versions
from certify.db import db
from certify.syllabus.models import Component, Level, Unit
from certify.syllabus.operations import get_level

#: Size of the bundled default exams: theory papers of 50 items, skills exams of 3 tasks.
DEFAULT_TOTALS = {Component.THEORY.value: 50, Component.SKILLS.value: 3}


def _level(level: Level | int) -> Level:
    if isinstance(level, Level):
        return level

    found = get_level(level)
    if found is None:
        raise LookupError(f"there is no level {level} in the syllabus")
    return found


def required_counts(level: Level | int, component: str, total_items: int) -> dict[str, int]:
    """How many items each weighted unit needs on an exam of ``total_items`` items.

    :param level: a :class:`Level` or its number.
    :param component: ``theory`` or ``skills``.
    :return: ``{unit ref ("L4:2.1"): count}`` in syllabus order, every weighted unit included
        (0 where the apportionment gives it nothing); the counts sum to ``total_items``.
    """
    lv = _level(level)
    counts = apportion(lv.weight_table(Component(component)), total_items)
    return {f"L{lv.number}:{code}": n for code, n in counts.items()}


def weighted_unit_of(unit: Unit, weighted: dict[int, Unit]) -> Unit | None:
    """The weighted unit that ``unit`` is, or lies under; ``None`` when it is above or outside."""
    node: Unit | None = unit
    while node is not None:
        if node.id in weighted:
            return weighted[node.id]
        node = node.parent
    return None


def pool(level: Level | int, component: str, **filters) -> dict[str, list[ItemVersion]]:  # type: ignore[no-untyped-def]
    """Live versions an exam of ``level`` and ``component`` may draw, by weighted unit ref.

    A version tagged to several weighted units appears under each. ``filters`` go to
    :func:`certify.banks.queries.live_versions` (``types``, ``difficulty``, ``language``).
    """
    lv = _level(level)
    weighted = {w.unit_id: w.unit for w in lv.weights if w.component == Component(component).value}
    out: dict[str, list[ItemVersion]] = {f"L{lv.number}:{u.code}": [] for u in sorted(
        weighted.values(), key=lambda u: u.position)}
    for version in live_versions(lv.number, component=component, **filters):
        seen = set()
        for unit in version.units:
            if unit.level_id != lv.id:
                continue
            target = weighted_unit_of(unit, weighted)
            if target is not None and target.id not in seen:
                seen.add(target.id)
                out[f"L{lv.number}:{target.code}"].append(version)
    return out


@dataclass
class CoverageRow:
    unit: Unit
    ref: str
    weight: Decimal
    needed: int
    available: int
    pending: int

    @property
    def gap(self) -> int:
        return max(0, self.needed - self.available)


@dataclass
class Coverage:
    level: Level
    component: str
    total: int
    rows: list[CoverageRow] = field(default_factory=list)
    #: places that cannot all be filled at once although every unit has enough (shared items)
    unfillable: int = 0

    @property
    def gaps(self) -> list[CoverageRow]:
        return [r for r in self.rows if r.gap]

    @property
    def ok(self) -> bool:
        return not self.gaps and not self.unfillable


def _pending_counts(level: Level, component: str, weighted: dict[int, Unit],
                    language: str | None = None) -> dict[int, int]:
    """Items with a version in review or draft (not yet live) per weighted unit id."""
    types = COMPONENT_TYPES.get(component, ())
    stmt = (sa.select(ItemVersion).join(Item, Item.id == ItemVersion.item_id)
            .where(ItemVersion.status.in_([VersionStatus.DRAFT.value,
                                           VersionStatus.IN_REVIEW.value]),
                   Item.live_version_id.is_(None), Item.status != ItemStatus.RETIRED.value,
                   Item.type.in_(types)))
    if language:
        stmt = stmt.where(Item.language == language)
    versions = db.session.scalars(stmt)
    counts: dict[int, int] = {}
    for version in versions:
        targets = {weighted_unit_of(u, weighted) for u in version.units if u.level_id == level.id}
        for target in targets - {None}:
            counts[target.id] = counts.get(target.id, 0) + 1
    return counts


def max_matching(slots: list[str], candidates: dict[str, list[int]]) -> int:
    """How many ``slots`` (unit refs, repeated per place) distinct items can fill at once."""
    owner: dict[int, int] = {}

    def place(slot: int, seen: set[int]) -> bool:
        for item in candidates.get(slots[slot], []):
            if item in seen:
                continue
            seen.add(item)
            if item not in owner or place(owner[item], seen):
                owner[item] = slot
                return True
        return False

    return sum(place(i, set()) for i in range(len(slots)))


def coverage(level: Level | int, component: str, total: int | None = None, *,
             language: str | None = None) -> Coverage:
    """Approved items per weighted unit against what an exam of ``total`` items needs (of
    ``language`` only, when given)."""
    lv = _level(level)
    total = DEFAULT_TOTALS.get(component, 0) if total is None else total
    needed = required_counts(lv, component, total)
    available = pool(lv, component, language=language)
    weights = lv.weight_table(Component(component))
    weighted = {w.unit_id: w.unit for w in lv.weights if w.component == Component(component).value}
    pending = _pending_counts(lv, component, weighted, language)
    result = Coverage(level=lv, component=component, total=total)
    for unit in sorted(weighted.values(), key=lambda u: u.position):
        ref = f"L{lv.number}:{unit.code}"
        result.rows.append(CoverageRow(unit=unit, ref=ref, weight=weights[unit.code],
                                       needed=needed.get(ref, 0),
                                       available=len(available.get(ref, [])),
                                       pending=pending.get(unit.id, 0)))
    if not result.gaps:
        slots = [ref for ref, n in needed.items() for _ in range(n)]
        candidates = {ref: [v.id for v in versions] for ref, versions in available.items()}
        result.unfillable = len(slots) - max_matching(slots, candidates)
    return result
