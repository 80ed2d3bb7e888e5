"""Grading models.

Result (one per attempt: the component score out of 100) ← ItemScore (one per attempt item, with
metrics and per-record detail) ← Mark (an examiner's rubric marking of one attempt item: first,
second or adjudicating). ResultRevision keeps every earlier state of a result, so a regrade never
overwrites silently; Regrade records each regrade run and its report. ComponentPass and LevelPass
record what a candidate has passed. MarkingPlan holds a sitting's double-marking settings.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.auth.models import User
from certify.banks.models import ItemVersion
from certify.clock import now_utc
from certify.db import JSONType, UTCDateTime, db
from certify.exams.models import Attempt, AttemptItem, Sitting
from certify.syllabus.models import Level


class ResultStatus(enum.StrEnum):
    #: Some items wait for examiners; the score so far is not final.
    AWAITING_MARKING = "awaiting_marking"
    #: Every item is marked; pass/fail is decided (published separately, per sitting).
    COMPLETE = "complete"


class MarkRole(enum.StrEnum):
    FIRST = "first"
    SECOND = "second"
    ADJUDICATOR = "adjudicator"


class Result(db.Model):
    """The marked outcome of one attempt (one exam component)."""

    __tablename__ = "result"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id", ondelete="CASCADE"),
                                            unique=True)
    status: Mapped[str] = mapped_column(sa.String(20), index=True)
    #: Points scored and possible on the form, and the component score out of 100.
    points: Mapped[Decimal] = mapped_column(sa.Numeric(10, 3), default=Decimal(0))
    max_points: Mapped[Decimal] = mapped_column(sa.Numeric(10, 3), default=Decimal(0))
    score: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2), default=Decimal(0))
    #: ``None`` until every item is marked.
    passed: Mapped[bool | None]
    #: ``{unit ref: {"points": …, "max": …}}`` for the breakdown by syllabus unit.
    by_unit: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: Increases with every regrade; earlier states are in ResultRevision.
    revision: Mapped[int] = mapped_column(default=1)
    graded_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    attempt: Mapped[Attempt] = relationship()
    item_scores: Mapped[list[ItemScore]] = relationship(back_populates="result",
                                                        cascade="all, delete-orphan")
    revisions: Mapped[list[ResultRevision]] = relationship(
        back_populates="result", order_by="ResultRevision.revision", cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("status IN ('awaiting_marking', 'complete')", name="status_known"),
    )


class ItemScore(db.Model):
    """The score of one attempt item, with how it was reached."""

    __tablename__ = "item_score"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("result.id", ondelete="CASCADE"),
                                           index=True)
    attempt_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attempt_item.id", ondelete="CASCADE"), unique=True)
    #: ``None`` while the item waits for rubric marking.
    points: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 3))
    max_points: Mapped[Decimal] = mapped_column(sa.Numeric(10, 3))
    needs_marking: Mapped[bool] = mapped_column(default=False, index=True)
    #: Task metrics, e.g. ``{"span_f1": 0.82}`` (practical tasks), and the task score out of 100.
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: Per-record detail from the task scorer (never gold values).
    per_record: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    #: How objective items were marked, e.g. ``{"right": ["A"], "wrong": ["C"]}`` (no key).
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: Minutes over a skills task's time limit that were charged, and the item points deducted.
    overtime_minutes: Mapped[int] = mapped_column(default=0)
    deduction: Mapped[Decimal] = mapped_column(sa.Numeric(10, 3), default=Decimal(0))
    #: The version whose key, gold or rubric scored this item: the version the candidate was shown
    #: (``AttemptItem.version``, which never changes) unless a regrade adopted a corrected one.
    scored_version_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("item_version.id", ondelete="RESTRICT"))

    result: Mapped[Result] = relationship(back_populates="item_scores")
    attempt_item: Mapped[AttemptItem] = relationship()
    scored_version: Mapped[ItemVersion | None] = relationship()


class ResultRevision(db.Model):
    """An earlier state of a result, kept when it is regraded."""

    __tablename__ = "result_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("result.id", ondelete="CASCADE"),
                                           index=True)
    revision: Mapped[int]
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: The result and its item scores as they were.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONType)
    #: The regrade run that replaced this state (``None`` for other changes, e.g. a revised mark).
    regrade_id: Mapped[int | None] = mapped_column(sa.ForeignKey("regrade.id",
                                                                 ondelete="SET NULL"))

    result: Mapped[Result] = relationship(back_populates="revisions")
    actor: Mapped[User | None] = relationship()

    __table_args__ = (sa.UniqueConstraint("result_id", "revision"),)


class Mark(db.Model):
    """An examiner's rubric marking of one attempt item (blind: they see the script number)."""

    __tablename__ = "mark"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attempt_item.id", ondelete="CASCADE"), index=True)
    examiner_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="RESTRICT"))
    role: Mapped[str] = mapped_column(sa.String(20))
    #: ``[{"checkpoint": index, "points": …, "comment": "…"}]`` in rubric order.
    checkpoints: Mapped[list[Any]] = mapped_column(JSONType, default=list)
    total: Mapped[Decimal] = mapped_column(sa.Numeric(10, 3))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: Set when the examiner revised the mark (allowed until the sitting's results are published).
    updated_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attempt_item: Mapped[AttemptItem] = relationship()
    examiner: Mapped[User] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("attempt_item_id", "role"),
        sa.UniqueConstraint("attempt_item_id", "examiner_id"),
        sa.CheckConstraint("role IN ('first', 'second', 'adjudicator')", name="role_known"),
    )


class ComponentPass(db.Model):
    """A candidate passed one component of a level (kept for the retake period)."""

    __tablename__ = "component_pass"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="RESTRICT"),
                                              index=True)
    level_id: Mapped[int] = mapped_column(sa.ForeignKey("level.id", ondelete="RESTRICT"))
    component: Mapped[str] = mapped_column(sa.String(20))
    result_id: Mapped[int] = mapped_column(sa.ForeignKey("result.id", ondelete="CASCADE"),
                                           unique=True)
    score: Mapped[Decimal] = mapped_column(sa.Numeric(6, 2))
    passed_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    #: A passed component counts towards the level until then (retakes of the other components).
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set when a regrade turns the pass into a fail.
    withdrawn_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    candidate: Mapped[User] = relationship()
    level: Mapped[Level] = relationship()
    result: Mapped[Result] = relationship()


class LevelPass(db.Model):
    """A candidate passed every required component of a level: eligible for a certificate."""

    __tablename__ = "level_pass"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="RESTRICT"),
                                              index=True)
    level_id: Mapped[int] = mapped_column(sa.ForeignKey("level.id", ondelete="RESTRICT"))
    passed_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The component passes it was made of, ``{component: ComponentPass id}``.
    components: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: The sitting of the last component passed (certificates are issued per sitting).
    sitting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sitting.id",
                                                                 ondelete="SET NULL"))
    #: Set when a regrade withdraws one of its component passes.
    withdrawn_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    candidate: Mapped[User] = relationship()
    level: Mapped[Level] = relationship()


class MarkingPlan(db.Model):
    """How a sitting's rubric items are marked: single or double marking, and when to adjudicate.

    A sitting without a plan uses the app config ``GRADING_DOUBLE_MARKING`` and
    ``GRADING_ADJUDICATION_THRESHOLD``. The plan can change only until the first mark is given.
    """

    __tablename__ = "marking_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(sa.ForeignKey("sitting.id", ondelete="CASCADE"),
                                            unique=True)
    double_marking: Mapped[bool] = mapped_column(default=False)
    #: A third examiner adjudicates when the two totals differ by more than this percentage of the
    #: item's rubric points; otherwise the final mark is the mean of the two.
    adjudication_threshold: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal(10))
    updated_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id",
                                                                    ondelete="SET NULL"))

    sitting: Mapped[Sitting] = relationship()

    __table_args__ = (
        sa.CheckConstraint("adjudication_threshold >= 0 AND adjudication_threshold <= 100",
                           name="threshold_range"),
    )


class Regrade(db.Model):
    """One regrade run: what was rescored, why, by whom, and the report of what changed."""

    __tablename__ = "regrade"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The sitting regraded, or ``None`` for every attempt that used an item (``item_ref``).
    sitting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sitting.id",
                                                                 ondelete="SET NULL"), index=True)
    item_ref: Mapped[str | None] = mapped_column(sa.String(64))
    #: Whether attempts adopted the newest approved version of corrected items.
    adopt_corrections: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: Attempts rescored, and the report (see :class:`certify.grading.regrading.RegradeReport`).
    attempts: Mapped[int] = mapped_column(default=0)
    report: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    actor: Mapped[User | None] = relationship()
    sitting: Mapped[Sitting | None] = relationship()
