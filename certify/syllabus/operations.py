"""Syllabus use cases: import and export the file, edit units and weight tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from certify.audit import audit
from certify.auth.models import User
from certify.db import db
from certify.parsing import whole_number
from certify.syllabus.models import (
    CHILD_KINDS,
    Component,
    Level,
    Occupation,
    Unit,
    UnitKind,
    Weight,
)
from certify.syllabus.spec import (
    LevelSpec,
    SyllabusError,
    SyllabusSpec,
    UnitSpec,
    check_weights,
)

DEFAULT_OCCUPATION_CODE = "4-04-05-05"


@dataclass
class ImportSummary:
    """What an import changed (or, in a dry run, would change)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)


def get_occupation(code: str = DEFAULT_OCCUPATION_CODE) -> Occupation | None:
    return db.session.scalar(sa.select(Occupation).where(Occupation.code == code))


def get_level(number: int, occupation_code: str = DEFAULT_OCCUPATION_CODE) -> Level | None:
    return db.session.scalar(
        sa.select(Level).join(Occupation)
        .where(Occupation.code == occupation_code, Level.number == number)
    )


def levels(occupation_code: str = DEFAULT_OCCUPATION_CODE) -> list[Level]:
    """Return the levels of the occupation, 5 (junior) first."""
    return list(db.session.scalars(
        sa.select(Level).join(Occupation)
        .where(Occupation.code == occupation_code).order_by(Level.number.desc())
    ))


def find_unit(ref: str) -> Unit | None:
    """Return the unit named by a reference such as ``L4:2.1`` (or ``None``)."""
    level_part, _sep, code = ref.strip().partition(":")
    number = whole_number(level_part[1:], maximum=9)
    if not level_part.upper().startswith("L") or number is None or not code:
        return None
    return db.session.scalar(
        sa.select(Unit).join(Level)
        .where(Level.number == number, Unit.code == code.strip())
    )


def _set(obj: object, attr: str, value: object, changes: list[str]) -> None:
    if getattr(obj, attr) != value:
        setattr(obj, attr, value)
        changes.append(attr)


def _import_units(level: Level, spec: LevelSpec, summary: ImportSummary) -> dict[str, Unit]:
    existing = {u.code: u for u in level.units}
    by_code: dict[str, Unit] = {}
    for position, (unit_spec, parent_spec) in enumerate(spec.walk()):
        unit = existing.get(unit_spec.code)
        ref = f"L{spec.number}:{unit_spec.code}"
        if unit is None:
            unit = Unit(level=level, code=unit_spec.code)
            db.session.add(unit)
            summary.created.append(_("unit %(ref)s", ref=ref))
            changes: list[str] = []
        else:
            changes = []
        for attr in ("kind", "title_en", "title_zh", "description_en", "description_zh",
                     "source"):
            _set(unit, attr, getattr(unit_spec, attr), changes)
        _set(unit, "position", position, [])
        parent = by_code[parent_spec.code] if parent_spec else None
        if unit.parent is not parent:
            unit.parent = parent
            changes.append("parent")
        if changes and unit.id is not None:
            summary.updated.append(_("unit %(ref)s (%(fields)s)", ref=ref,
                                     fields=", ".join(changes)))
        by_code[unit_spec.code] = unit
    for code, unit in existing.items():
        if code not in by_code:
            summary.removed.append(_("unit %(ref)s", ref=f"L{spec.number}:{code}"))
            level.units.remove(unit)
            db.session.delete(unit)
    return by_code


def _import_weights(level: Level, spec: LevelSpec, units: dict[str, Unit],
                    summary: ImportSummary) -> None:
    for component in Component:
        old = {w.unit.code: w.percent for w in level.weights if w.component == component.value}
        new = spec.weights.get(component.value, {})
        if old == new:
            continue
        for row in [w for w in level.weights if w.component == component.value]:
            level.weights.remove(row)
            db.session.delete(row)
        for code, percent in new.items():
            level.weights.append(Weight(component=component.value, unit=units[code],
                                        percent=percent))
        summary.updated.append(_("level %(level)s %(component)s weights", level=spec.number,
                                 component=component.value))


def import_syllabus(spec: SyllabusSpec, *, actor: User | None = None,
                    dry_run: bool = False) -> ImportSummary:
    """Create or update the occupation, levels, units and weights from ``spec``.

    Units are matched by level and code; a unit missing from the file is removed, which fails when
    bank items are tagged to it. All or nothing: on any problem nothing is changed.

    :raise SyllabusError: a unit to remove is still in use.
    """
    summary = ImportSummary()
    savepoint = db.session.begin_nested()
    try:
        occupation = get_occupation(spec.code)
        if occupation is None:
            occupation = Occupation(code=spec.code)
            db.session.add(occupation)
            summary.created.append(_("occupation %(code)s", code=spec.code))
        for attr in ("name_en", "name_zh", "standard", "notes"):
            _set(occupation, attr, getattr(spec, attr), [])
        existing_levels = {lv.number: lv for lv in occupation.levels}
        for level_spec in spec.levels:
            level = existing_levels.get(level_spec.number)
            if level is None:
                level = Level(number=level_spec.number)
                occupation.levels.append(level)
                summary.created.append(_("level %(level)s", level=level_spec.number))
            changes: list[str] = []
            for attr in ("name_en", "name_zh", "training_hours", "required_components",
                         "certificate_validity_years"):
                _set(level, attr, getattr(level_spec, attr), changes)
            if changes and level.id is not None:
                summary.updated.append(_("level %(level)s (%(fields)s)", level=level_spec.number,
                                         fields=", ".join(changes)))
            units = _import_units(level, level_spec, summary)
            _import_weights(level, level_spec, units, summary)
        db.session.flush()
    except IntegrityError as exc:
        savepoint.rollback()
        raise SyllabusError([_("A unit that is no longer in the file is still used by bank "
                               "items or exams; retag those items first. (%(detail)s)",
                               detail=str(exc.orig).splitlines()[0])]) from exc
    except Exception:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
        audit("syllabus.imported", occupation, actor=actor,
              created=len(summary.created), updated=len(summary.updated),
              removed=len(summary.removed))
    return summary


def _unit_spec(unit: Unit) -> UnitSpec:
    return UnitSpec(
        code=unit.code, kind=unit.kind, title_en=unit.title_en, title_zh=unit.title_zh,
        description_en=unit.description_en, description_zh=unit.description_zh,
        source=unit.source, children=[_unit_spec(c) for c in unit.children],
    )


def export_syllabus(occupation: Occupation) -> SyllabusSpec:
    """Return the stored syllabus as a :class:`SyllabusSpec` (dump it with ``dump_yaml``)."""
    return SyllabusSpec(
        code=occupation.code, name_en=occupation.name_en, name_zh=occupation.name_zh,
        standard=occupation.standard, notes=occupation.notes,
        levels=[
            LevelSpec(
                number=lv.number, name_en=lv.name_en, name_zh=lv.name_zh,
                training_hours=lv.training_hours,
                required_components=list(lv.required_components),
                certificate_validity_years=lv.certificate_validity_years,
                units=[_unit_spec(u) for u in lv.top_units()],
                weights={c.value: dict(lv.weight_table(c)) for c in Component
                         if lv.weight_table(c)},
            )
            for lv in occupation.levels
        ],
    )


def set_weights(level: Level, component: Component, table: dict[str, Decimal], *,
                actor: User) -> None:
    """Replace one weight table.

    :raise SyllabusError: the table does not sum to 100, names unknown units, or double counts.
    """
    parents = {u.code: (u.parent.code if u.parent else None) for u in level.units}
    table = {code: pct for code, pct in table.items() if pct}
    problems = check_weights(level.number, component.value, table, parents)
    if problems:
        raise SyllabusError(problems)
    before = {c: str(p) for c, p in level.weight_table(component).items()}
    for row in [w for w in level.weights if w.component == component.value]:
        level.weights.remove(row)
        db.session.delete(row)
    db.session.flush()
    units = {u.code: u for u in level.units}
    for code, percent in table.items():
        level.weights.append(Weight(component=component.value, unit=units[code], percent=percent))
    audit("syllabus.weights_changed", level, actor=actor, component=component.value,
          before=before, after={c: str(p) for c, p in table.items()})


def update_unit(unit: Unit, *, title_en: str, title_zh: str, description_en: str,
                description_zh: str, source: str, actor: User) -> None:
    """Change a unit's texts (its code and place in the tree are stable)."""
    changes: list[str] = []
    for attr, value in (("title_en", title_en), ("title_zh", title_zh),
                        ("description_en", description_en), ("description_zh", description_zh),
                        ("source", source)):
        _set(unit, attr, value, changes)
    if changes:
        audit("syllabus.unit_changed", unit, actor=actor, ref=unit.ref, fields=changes)


def add_unit(level: Level, parent: Unit | None, *, code: str, kind: UnitKind, title_en: str,
             title_zh: str, description_en: str = "", description_zh: str = "",
             actor: User) -> Unit:
    """Add a unit under ``parent`` (or at the top).

    :raise SyllabusError: the code is taken, does not extend the parent's, or the kind cannot go here.
    """
    problems = []
    if level.unit_by_code(code) is not None:
        problems.append(_("Level %(level)s already has a unit %(code)s.", level=level.number,
                          code=code))
    if parent is not None and not code.startswith(parent.code + "."):
        problems.append(_("The code must start with %(prefix)s.", prefix=parent.code + "."))
    allowed = CHILD_KINDS[UnitKind(parent.kind) if parent else None]
    if kind not in allowed:
        problems.append(_("A %(kind)s cannot be placed here.", kind=kind.value))
    if problems:
        raise SyllabusError(problems)
    siblings = parent.children if parent else level.top_units()
    after = max([u.position for u in siblings] + [parent.position if parent else -1])
    for unit in level.units:
        if unit.position > after:
            unit.position += 1
    unit = Unit(level=level, parent=parent, code=code, kind=kind.value, title_en=title_en,
                title_zh=title_zh, description_en=description_en, description_zh=description_zh,
                source="written", position=after + 1)
    db.session.add(unit)
    db.session.flush()
    audit("syllabus.unit_added", unit, actor=actor, ref=unit.ref)
    return unit


def delete_unit(unit: Unit, *, actor: User) -> None:
    """Delete a leaf unit that nothing refers to.

    :raise SyllabusError: it has children, a weight, or tagged items.
    """
    if unit.children:
        raise SyllabusError([_("Unit %(ref)s has sub-units; delete those first.", ref=unit.ref)])
    if any(w.unit_id == unit.id for w in unit.level.weights):
        raise SyllabusError([_("Unit %(ref)s has a weight; set it to 0 in the weight table "
                               "first.", ref=unit.ref)])
    ref = unit.ref
    savepoint = db.session.begin_nested()
    try:
        db.session.delete(unit)
        db.session.flush()
    except IntegrityError as exc:
        savepoint.rollback()
        raise SyllabusError([_("Unit %(ref)s is used by bank items or exams.", ref=ref)]) from exc
    savepoint.commit()
    audit("syllabus.unit_deleted", None, actor=actor, ref=ref)
