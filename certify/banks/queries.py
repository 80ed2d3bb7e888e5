"""Reading the bank: the filtered list, the review queue, live versions for exams, syllabus units
by reference, and a stored version as :class:`~certify.banks.spec.ItemData`.

The list filters on each item's newest version (its "head"): what an examiner last wrote. Exams draw
from :func:`live_versions`: the approved version of every item that is not retired.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from certify.banks.models import (
    Item,
    ItemStatus,
    ItemType,
    ItemVersion,
    VersionStatus,
    item_version_unit,
)
from certify.banks.spec import ItemData, normal_decimal
from certify.db import contains_pattern, db, like_literal
from certify.parsing import whole_number
from certify.syllabus.models import Component, Level, Unit


def units_by_ref() -> dict[str, Unit]:
    """Every syllabus unit by its reference (``L4:2.1``)."""
    rows = db.session.execute(sa.select(Unit, Level.number).join(Level, Unit.level_id == Level.id))
    return {f"L{number}:{unit.code}": unit for unit, number in rows}


def version_data(version: ItemVersion, *, status: str | None = None) -> ItemData:
    """A stored version as :class:`ItemData` (what exports and edit forms start from)."""
    item = version.item
    if status is None:
        if item.status == ItemStatus.RETIRED.value:
            status = ItemStatus.RETIRED.value
        elif version.status == VersionStatus.SUPERSEDED.value:
            status = ItemStatus.APPROVED.value
        else:
            status = version.status
    return ItemData(
        ref=item.ref, type=item.type, units=[u.ref for u in version.units],
        difficulty=version.difficulty, points=normal_decimal(version.points), stem=version.stem,
        content=version.content or {}, key=version.key or {}, explanation=version.explanation,
        language=item.language, translation=item.translation.ref if item.translation else None,
        status=status, author=item.author.email if item.author else None,
        change_note=version.change_note)


#: Item types each exam component draws.
COMPONENT_TYPES: dict[str, tuple[str, ...]] = {
    Component.THEORY.value: (ItemType.SINGLE.value, ItemType.MULTIPLE.value,
                             ItemType.TRUE_FALSE.value, ItemType.FILL_IN.value,
                             ItemType.SHORT_ANSWER.value),
    Component.SKILLS.value: (ItemType.PRACTICAL.value,),
    Component.REVIEW.value: (),
}


@dataclass
class ItemFilter:
    """The bank list's filters (all optional)."""

    level: int | None = None
    #: a unit reference such as ``L4:2.1``; its sub-units match too
    unit: str | None = None
    type: str | None = None
    #: ``draft`` / ``in_review`` (the newest version is), ``approved`` (has a live version and is
    #: not retired), ``retired``
    status: str | None = None
    difficulty: int | None = None
    q: str | None = None
    author_id: int | None = None


def _unit_condition(version_id, level: int | None, unit: str | None):  # type: ignore[no-untyped-def]
    """EXISTS: the version is tagged to a unit of ``level`` / to ``unit`` or one below it."""
    conditions = [item_version_unit.c.version_id == version_id]
    if unit:
        level_part, _, code = unit.partition(":")
        number = whole_number(level_part[1:], maximum=9)
        number = -1 if number is None else number
        conditions += [Level.number == number,
                       sa.or_(Unit.code == code, Unit.code.like(like_literal(code) + ".%", escape="\\"))]
    elif level is not None:
        conditions.append(Level.number == level)
    return sa.exists(sa.select(1).select_from(item_version_unit)
                     .join(Unit, Unit.id == item_version_unit.c.unit_id)
                     .join(Level, Level.id == Unit.level_id).where(*conditions))


def filtered(f: ItemFilter) -> sa.Select:
    """A ``select(Item)`` for the filters, ordered by ref."""
    head = aliased(ItemVersion)
    newest = (sa.select(sa.func.max(ItemVersion.number))
              .where(ItemVersion.item_id == Item.id).correlate(Item).scalar_subquery())
    stmt = sa.select(Item).join(head, sa.and_(head.item_id == Item.id, head.number == newest))
    if f.type:
        stmt = stmt.where(Item.type == f.type)
    if f.difficulty:
        stmt = stmt.where(head.difficulty == f.difficulty)
    if f.level is not None or f.unit:
        stmt = stmt.where(_unit_condition(head.id, f.level, f.unit))
    if f.status in (VersionStatus.DRAFT.value, VersionStatus.IN_REVIEW.value):
        stmt = stmt.where(head.status == f.status, Item.status != ItemStatus.RETIRED.value)
    elif f.status == ItemStatus.APPROVED.value:
        stmt = stmt.where(Item.live_version_id.is_not(None),
                          Item.status != ItemStatus.RETIRED.value)
    elif f.status == ItemStatus.RETIRED.value:
        stmt = stmt.where(Item.status == ItemStatus.RETIRED.value)
    if f.author_id is not None:
        stmt = stmt.where(Item.author_id == f.author_id)
    if f.q and f.q.strip():
        needle = contains_pattern(f.q.strip().lower())
        stmt = stmt.where(sa.or_(head.search_text.like(needle, escape="\\"),
                                 sa.func.lower(Item.ref).like(needle, escape="\\")))
    return stmt.order_by(Item.ref).options(
        selectinload(Item.versions).selectinload(ItemVersion.units).selectinload(Unit.level))


def find_item(ref_or_id: str | int) -> Item | None:
    if isinstance(ref_or_id, int):
        return db.session.get(Item, ref_or_id)
    return db.session.scalar(sa.select(Item).where(Item.ref == ref_or_id))


def review_queue() -> list[ItemVersion]:
    """Versions waiting for review, oldest submission first."""
    return list(db.session.scalars(
        sa.select(ItemVersion).join(Item, Item.id == ItemVersion.item_id)
        .where(ItemVersion.status == VersionStatus.IN_REVIEW.value,
               Item.status != ItemStatus.RETIRED.value)
        .order_by(ItemVersion.submitted_dt, ItemVersion.id)
        .options(selectinload(ItemVersion.units), selectinload(ItemVersion.item))))


def live_versions(level: int | None = None, *, component: str | None = None,
                  types: Iterable[str] | None = None, unit: str | None = None,
                  difficulty: int | Iterable[int] | None = None,
                  language: str | None = None) -> list[ItemVersion]:
    """Approved live versions of items that are not retired — what exams may draw.

    :param level: only versions tagged to a unit of this level.
    :param component: ``theory`` (objective and short-answer types) or ``skills`` (practical).
    :param types: only these item types (intersected with the component's).
    :param unit: only versions tagged to this unit (``L4:2.1``) or a unit below it.
    :param difficulty: one difficulty or several.
    :param language: only items written in this language (``zh``, ``en`` …).
    :return: versions with ``units`` and ``item`` loaded, ordered by item ref.
    """
    stmt = (sa.select(ItemVersion).join(Item, Item.live_version_id == ItemVersion.id)
            .where(Item.status != ItemStatus.RETIRED.value,
                   ItemVersion.status == VersionStatus.APPROVED.value))
    wanted = set(types) if types is not None else None
    if component is not None:
        allowed = set(COMPONENT_TYPES.get(component, ()))
        wanted = allowed if wanted is None else wanted & allowed
    if wanted is not None:
        stmt = stmt.where(Item.type.in_(sorted(wanted)))
    if level is not None or unit:
        stmt = stmt.where(_unit_condition(ItemVersion.id, level, unit))
    if difficulty is not None:
        values = [difficulty] if isinstance(difficulty, int) else list(difficulty)
        stmt = stmt.where(ItemVersion.difficulty.in_(values))
    if language:
        stmt = stmt.where(Item.language == language)
    stmt = stmt.order_by(Item.ref).options(selectinload(ItemVersion.units).selectinload(Unit.level),
                                           selectinload(ItemVersion.item))
    return list(db.session.scalars(stmt))


def status_counts(author_id: int | None = None) -> dict[str, int]:
    """Items per ``Item.status`` (optionally only ``author_id``'s)."""
    stmt = sa.select(Item.status, sa.func.count()).group_by(Item.status)
    if author_id is not None:
        stmt = stmt.where(Item.author_id == author_id)
    counts = dict.fromkeys((s.value for s in ItemStatus), 0)
    counts.update(dict(db.session.execute(stmt).all()))
    return counts


def export_data(items: Iterable[Item], *, live: bool = False) -> tuple[list, list[str]]:
    """:class:`ItemData` of each item's newest version (or live one), and refs that have no live one."""
    data, skipped = [], []
    for item in items:
        version = item.live_version if live else item.head
        if version is None:
            skipped.append(item.ref)
            continue
        data.append(version_data(version))
    return data, skipped
