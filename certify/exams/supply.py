"""What the approved bank offers an exam: candidates for the draw, and shortfalls in words.

An item can be drawn when it is approved, its live version is tagged to a unit of the exam's level
(or below one), its type is allowed by the blueprint (and by the row's section) and, when the
blueprint names a language, it is written in that language. Nothing here reads an item's key.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from certify.banks.models import Item, ItemStatus, ItemVersion, item_version_unit
from certify.db import db
from certify.exams.blueprint import FormBlueprint, PoolItem, Shortfall, check_supply
from certify.exams.forms import ITEM_TYPE_LABELS
from certify.i18n import localised
from certify.syllabus.models import Level, Unit


def pool(level: Level, item_types: tuple[str, ...] | list[str],
               language: str | None = None) -> list[PoolItem]:
    """The approved live versions of ``item_types`` tagged to units of ``level`` (only those in
    ``language`` when it is given; each candidate carries its item's language either way)."""
    query = (
        sa.select(item_version_unit.c.version_id, Unit.code)
        .join(Unit, Unit.id == item_version_unit.c.unit_id)
        .join(Item, Item.live_version_id == item_version_unit.c.version_id)
        .where(Unit.level_id == level.id, Item.status == ItemStatus.APPROVED.value,
               Item.type.in_(list(item_types))))
    if language:
        query = query.where(Item.language == language)
    tags = db.session.execute(query).all()
    units: dict[int, list[str]] = defaultdict(list)
    for version_id, code in tags:
        units[version_id].append(f"L{level.number}:{code}")
    if not units:
        return []
    # Only the two parts of the content the draw needs: every candidate start runs this query,
    # and a practical task's content carries its whole dataset.
    rows = db.session.execute(
        sa.select(ItemVersion.id, Item.type, ItemVersion.difficulty,
                  ItemVersion.content["options"], ItemVersion.content["shuffle"], Item.language)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(ItemVersion.id.in_(list(units)))
    ).all()
    out = []
    for version_id, item_type, difficulty, option_list, shuffle, item_language in rows:
        options = tuple(str(o["id"]) for o in option_list or [] if isinstance(o, dict) and "id" in o)
        out.append(PoolItem(version_id=version_id, item_type=item_type,
                             units=tuple(sorted(units[version_id])), difficulty=difficulty,
                             option_ids=options,
                             shuffle_options=bool(True if shuffle is None else shuffle),
                             language=item_language))
    return sorted(out, key=lambda c: c.version_id)


@dataclass
class SupplyReport:
    """The bank against a blueprint: eligible items per row and every shortfall, in words."""

    shortfalls: list[Shortfall]
    messages: list[str]
    available: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.shortfalls


def unit_title(level: Level, ref: str) -> str:
    """``L4:2.1 Data classification and definition`` (the unit's title in the user's language)."""
    code = ref.partition(":")[2]
    unit = level.unit_by_code(code)
    return f"{ref} {localised(unit, 'title')}" if unit is not None else ref


def band_title(band: str) -> str:
    return {"easy": _("easy (difficulty 1–2)"), "medium": _("medium (difficulty 3)"),
            "hard": _("hard (difficulty 4–5)")}.get(band, band)


def _noun(blueprint: FormBlueprint, shortfall: Shortfall) -> str:
    """``items``, ``practical tasks``, ``true/false items``, ``items in zh`` …"""
    if blueprint.component == "skills":
        return _("practical tasks")
    label = ITEM_TYPE_LABELS.get(shortfall.item_type) if shortfall.item_type else None
    noun = _("%(type)s items", type=label) if label else _("items")
    if blueprint.language:
        noun = _("%(items)s in %(language)s", items=noun, language=blueprint.language)
    return noun


def describe(level: Level, blueprint: FormBlueprint, shortfall: Shortfall) -> str:
    """One shortfall as a sentence an administrator can act on."""
    noun = _noun(blueprint, shortfall)
    if shortfall.kind == "unit":
        return _("%(unit)s needs %(needed)s approved %(noun)s but the bank has %(available)s "
                 "(%(missing)s short).", unit=unit_title(level, shortfall.key),
                 needed=shortfall.needed, noun=noun, available=shortfall.available,
                 missing=shortfall.missing)
    if shortfall.kind == "band":
        return _("The difficulty mix needs %(needed)s %(band)s %(noun)s but the bank has "
                 "%(available)s in the units drawn from (%(missing)s short).",
                 needed=shortfall.needed, band=band_title(shortfall.key), noun=noun,
                 available=shortfall.available, missing=shortfall.missing)
    return _("%(unit)s: only %(available)s of %(needed)s %(noun)s can be drawn once items tagged "
             "to several units are counted once and the difficulty mix is kept.",
             unit=unit_title(level, shortfall.key), available=shortfall.available,
             needed=shortfall.needed, noun=noun)


def report(level: Level, blueprint: FormBlueprint) -> SupplyReport:
    """Check ``blueprint`` against the approved bank of ``level``."""
    offered = pool(level, blueprint.item_types, blueprint.language)
    shortfalls = check_supply(blueprint, offered)
    available = {row.key: sum(1 for c in offered if c.fits(blueprint, row))
                 for row in blueprint.rows}
    return SupplyReport(shortfalls, [describe(level, blueprint, s) for s in shortfalls], available)
