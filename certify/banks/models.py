"""Bank models: Item → immutable ItemVersions, reviews, unit tags and assets.

What a candidate may see and what they must never see live in different columns: ``content``
(stem, options, task instructions and records) is rendered for candidates after sanitising;
``key`` (the correct options, accepted answers, rubric, model answer, gold labels) never leaves the
server before results are published.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.auth.models import User
from certify.clock import now_utc
from certify.db import JSONType, UTCDateTime, db
from certify.syllabus.models import Unit


class ItemType(enum.StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    FILL_IN = "fill_in"
    SHORT_ANSWER = "short_answer"
    PRACTICAL = "practical"


class ItemStatus(enum.StrEnum):
    """An item's place in its lifecycle: draft → in review → approved → retired."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    RETIRED = "retired"


class VersionStatus(enum.StrEnum):
    """A version's state. An approved version never changes; editing it makes a new draft."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    #: An approved version replaced by a newer approved one (attempts still point at it).
    SUPERSEDED = "superseded"


item_version_unit = sa.Table(
    "item_version_unit",
    db.metadata,
    sa.Column("version_id", sa.ForeignKey("item_version.id", ondelete="CASCADE"),
              primary_key=True),
    # RESTRICT: a unit that items are tagged to cannot disappear from the syllabus.
    sa.Column("unit_id", sa.ForeignKey("unit.id", ondelete="RESTRICT"), primary_key=True,
              index=True),
)

item_version_asset = sa.Table(
    "item_version_asset",
    db.metadata,
    sa.Column("version_id", sa.ForeignKey("item_version.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("asset_id", sa.ForeignKey("asset.id", ondelete="RESTRICT"), primary_key=True,
              index=True),
)


class Item(db.Model):
    """A bank item: a stable reference with a history of versions."""

    __tablename__ = "item"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable reference used by files and examiners, e.g. ``L4-2.2-007``.
    ref: Mapped[str] = mapped_column(sa.String(64), unique=True)
    type: Mapped[str] = mapped_column(sa.String(20), index=True)
    #: Lifecycle state, kept in step with the versions by the bank operations.
    status: Mapped[str] = mapped_column(sa.String(20), default=ItemStatus.DRAFT.value, index=True)
    #: Language of the item's text (``zh``, ``en`` …); an exam bound to a language draws only its
    #: items (``FormBlueprint.language``).
    language: Mapped[str] = mapped_column(sa.String(10), default="en", index=True)
    #: The same item in another language (a translated pair names each other; see
    #: :mod:`certify.banks.translations`).
    translation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("item.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, onupdate=now_utc)
    retired_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The approved version exams draw from now (``None`` until the first approval).
    live_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("item_version.id", use_alter=True, ondelete="SET NULL"))

    author: Mapped[User | None] = relationship()
    versions: Mapped[list[ItemVersion]] = relationship(
        back_populates="item", order_by="ItemVersion.number", foreign_keys="ItemVersion.item_id",
        cascade="all, delete-orphan")
    live_version: Mapped[ItemVersion | None] = relationship(foreign_keys=[live_version_id],
                                                            post_update=True)
    translation: Mapped[Item | None] = relationship(remote_side=[id],
                                                    foreign_keys=[translation_id],
                                                    post_update=True)

    __table_args__ = (
        sa.CheckConstraint(
            "type IN ('single', 'multiple', 'true_false', 'fill_in', 'short_answer', 'practical')",
            name="type_known"),
        sa.CheckConstraint("status IN ('draft', 'in_review', 'approved', 'retired')",
                           name="status_known"),
    )

    @property
    def head(self) -> ItemVersion:
        """The newest version (the one being edited or reviewed, or the live one)."""
        return self.versions[-1]


class ItemVersion(db.Model):
    """One immutable-once-approved version of an item. Attempts point at versions."""

    __tablename__ = "item_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(20), default=VersionStatus.DRAFT.value)
    #: Question text, Markdown subset (see ``certify.banks.markup``).
    stem: Mapped[str] = mapped_column(sa.Text, default="")
    #: What a candidate may see besides the stem, per type: ``options`` ([{id, text}]),
    #: ``shuffle``, ``scoring``, ``blanks`` (count), or for practical tasks ``task``
    #: (task_type, title, instructions, config, metric, policy, time limits, records).
    content: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: What a candidate must never see: ``correct``, ``blanks`` (accepted answers), ``rubric``,
    #: ``model_answer``, ``gold`` ({record id: gold line}).
    key: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    explanation: Mapped[str] = mapped_column(sa.Text, default="")
    points: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2), default=Decimal(1))
    difficulty: Mapped[int] = mapped_column(default=3)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    submitted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: Why this version was made (e.g. "gold label of r07 corrected").
    change_note: Mapped[str] = mapped_column(sa.Text, default="")
    #: Everyone who wrote this version (its creator and anyone who edited it while a draft): none
    #: of them may approve it (four-eyes rule, enforced in ``certify.banks.reviewing``).
    contributor_ids: Mapped[list[int]] = mapped_column(JSONType, default=list)
    #: Lower-cased plain text of the stem, options and task title for the bank's text search
    #: (JSON columns cannot be searched alike on SQLite and PostgreSQL).
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    item: Mapped[Item] = relationship(back_populates="versions", foreign_keys=[item_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    units: Mapped[list[Unit]] = relationship(secondary=item_version_unit, order_by=Unit.position)
    assets: Mapped[list[Asset]] = relationship(secondary=item_version_asset)
    reviews: Mapped[list[ItemReview]] = relationship(back_populates="version",
                                                     order_by="ItemReview.created_dt",
                                                     cascade="all, delete-orphan")

    __table_args__ = (
        sa.UniqueConstraint("item_id", "number"),
        sa.CheckConstraint("difficulty BETWEEN 1 AND 5", name="difficulty_range"),
        sa.CheckConstraint("points > 0", name="points_positive"),
        sa.CheckConstraint("status IN ('draft', 'in_review', 'approved', 'superseded')",
                           name="status_known"),
        # Four eyes, also in the database: nobody approves a version they created.
        sa.CheckConstraint("approved_by_id IS NULL OR created_by_id IS NULL "
                           "OR approved_by_id <> created_by_id", name="four_eyes"),
    )

    @property
    def type(self) -> ItemType:
        return ItemType(self.item.type)

    @property
    def is_frozen(self) -> bool:
        """Approved and superseded versions never change."""
        return self.status in (VersionStatus.APPROVED.value, VersionStatus.SUPERSEDED.value)


class ItemReview(db.Model):
    """A reviewer's decision on a version: approve, or send back with comments."""

    __tablename__ = "item_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("item_version.id", ondelete="CASCADE"),
                                            index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="RESTRICT"))
    #: ``approved`` or ``changes_requested``.
    decision: Mapped[str] = mapped_column(sa.String(20))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    version: Mapped[ItemVersion] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship()

    __table_args__ = (
        sa.CheckConstraint("decision IN ('approved', 'changes_requested')", name="decision_known"),
    )


class Asset(db.Model):
    """An uploaded file (image or audio), stored under ``instance/assets`` by its SHA-256."""

    __tablename__ = "asset"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    mime: Mapped[str] = mapped_column(sa.String(50))
    size: Mapped[int]
    width: Mapped[int | None]
    height: Mapped[int | None]
    #: The name it was uploaded under (shown to examiners only).
    filename: Mapped[str] = mapped_column(sa.String(255), default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
