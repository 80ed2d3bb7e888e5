"""Syllabus models: Occupation → Level → Unit tree, and per-level weight tables."""

from __future__ import annotations

import enum
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.db import JSONType, db


class Component(enum.StrEnum):
    """An examined component of a level."""

    THEORY = "theory"
    SKILLS = "skills"
    #: The comprehensive review (综合评审) of levels 2 and 1.
    REVIEW = "review"


class UnitKind(enum.StrEnum):
    """The four layers of the standard's unit tree."""

    FUNCTION = "function"  # 职业功能
    WORK_CONTENT = "work_content"  # 工作内容
    SKILL = "skill"  # 技能要求
    KNOWLEDGE = "knowledge"  # 相关知识要求


#: Which kind of unit may sit under which.
CHILD_KINDS: dict[UnitKind | None, frozenset[UnitKind]] = {
    None: frozenset({UnitKind.FUNCTION}),
    UnitKind.FUNCTION: frozenset({UnitKind.WORK_CONTENT}),
    UnitKind.WORK_CONTENT: frozenset({UnitKind.SKILL, UnitKind.KNOWLEDGE}),
    UnitKind.SKILL: frozenset(),
    #: An element range of an official element table holds its element points (``2.1.2`` →
    #: ``2.1.2.4``), both knowledge.
    UnitKind.KNOWLEDGE: frozenset({UnitKind.KNOWLEDGE}),
}


class Occupation(db.Model):
    __tablename__ = "occupation"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Code in the national classification of occupations, e.g. ``4-04-05-05``.
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name_en: Mapped[str] = mapped_column(sa.String(200))
    name_zh: Mapped[str] = mapped_column(sa.String(200))
    standard: Mapped[str] = mapped_column(sa.Text, default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    levels: Mapped[list[Level]] = relationship(
        back_populates="occupation", order_by="Level.number.desc()", cascade="all, delete-orphan"
    )


class Level(db.Model):
    """A skill level: 5 (junior) … 1 (senior technician)."""

    __tablename__ = "level"

    id: Mapped[int] = mapped_column(primary_key=True)
    occupation_id: Mapped[int] = mapped_column(sa.ForeignKey("occupation.id", ondelete="CASCADE"))
    number: Mapped[int]
    name_en: Mapped[str] = mapped_column(sa.String(100))
    name_zh: Mapped[str] = mapped_column(sa.String(100))
    training_hours: Mapped[int | None]
    #: Components a candidate must pass for the level, e.g. ``["theory", "skills"]``.
    required_components: Mapped[list[str]] = mapped_column(JSONType, default=list)
    certificate_validity_years: Mapped[int] = mapped_column(default=2)

    occupation: Mapped[Occupation] = relationship(back_populates="levels")
    units: Mapped[list[Unit]] = relationship(
        back_populates="level", order_by="Unit.position", cascade="all, delete-orphan"
    )
    weights: Mapped[list[Weight]] = relationship(
        back_populates="level", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("occupation_id", "number"),
        sa.CheckConstraint("number BETWEEN 1 AND 5", name="number_range"),
    )

    @property
    def components(self) -> list[Component]:
        return [Component(c) for c in self.required_components]

    def top_units(self) -> list[Unit]:
        return [u for u in self.units if u.parent_id is None]

    def unit_by_code(self, code: str) -> Unit | None:
        return next((u for u in self.units if u.code == code), None)

    def weight_table(self, component: Component | str) -> dict[str, Decimal]:
        """Return ``{unit code: percent}`` for ``component`` in syllabus order."""
        rows = [w for w in self.weights if w.component == Component(component).value]
        rows.sort(key=lambda w: w.unit.position)
        return {w.unit.code: w.percent for w in rows}


class Unit(db.Model):
    """A node of the unit tree with a stable code, unique within its level (e.g. ``2.1``)."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    level_id: Mapped[int] = mapped_column(sa.ForeignKey("level.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(sa.String(20))
    kind: Mapped[str] = mapped_column(sa.String(20))
    title_en: Mapped[str] = mapped_column(sa.String(300))
    title_zh: Mapped[str] = mapped_column(sa.String(300))
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    description_zh: Mapped[str] = mapped_column(sa.Text, default="")
    #: Where the text comes from: ``firm``/``reported`` (the standard) or ``written`` (certify).
    source: Mapped[str] = mapped_column(sa.String(20), default="written")
    #: Depth-first order within the level, for display and export.
    position: Mapped[int] = mapped_column(default=0)

    level: Mapped[Level] = relationship(back_populates="units")
    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.position")

    __table_args__ = (
        sa.UniqueConstraint("level_id", "code"),
        sa.CheckConstraint(
            "kind IN ('function', 'work_content', 'skill', 'knowledge')", name="kind_known"
        ),
    )

    @property
    def ref(self) -> str:
        """The reference used in bank files, e.g. ``L4:2.1``."""
        return f"L{self.level.number}:{self.code}"

    @property
    def depth(self) -> int:
        return self.code.count(".")

    def ancestors(self) -> list[Unit]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out


class Weight(db.Model):
    """One row of a weight table: the percentage of ``unit`` in ``component`` at ``level``."""

    __tablename__ = "weight"

    id: Mapped[int] = mapped_column(primary_key=True)
    level_id: Mapped[int] = mapped_column(sa.ForeignKey("level.id", ondelete="CASCADE"))
    component: Mapped[str] = mapped_column(sa.String(20))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"))
    percent: Mapped[Decimal] = mapped_column(sa.Numeric(7, 3))

    level: Mapped[Level] = relationship(back_populates="weights")
    unit: Mapped[Unit] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("level_id", "component", "unit_id"),
        sa.CheckConstraint("percent > 0 AND percent <= 100", name="percent_range"),
        sa.CheckConstraint("component IN ('theory', 'skills', 'review')", name="component_known"),
    )
