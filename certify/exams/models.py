"""Exam models.

ExamDefinition (level + component + blueprint) → Sitting (a window with enrolled candidates) →
Enrolment (candidate, accommodations) → Attempt (the candidate's form, clock and state) →
AttemptItem (one item version of the form, in order) → Response (one saved answer: one per item,
or one per dataset record for practical tasks).

Time is the server's (:func:`certify.clock.now_utc`): an attempt's deadline is stored when it starts
(started + duration × (1 + extra %) + minutes added by an invigilator) and only the server moves it.
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
from certify.exams import timing
from certify.syllabus.models import Level


class ReviewPolicy(enum.StrEnum):
    """What a candidate may see of a marked attempt once results are published."""

    #: Scores and pass/fail, per unit and per task metric; no answers, keys or gold.
    SCORES = "scores"
    #: Also their own answers and which were right (still no keys or gold).
    RESPONSES = "responses"
    #: Also the keys, explanations and gold labels.
    FULL = "full"


class AttemptState(enum.StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    VOIDED = "voided"


class SubmitReason(enum.StrEnum):
    CANDIDATE = "candidate"  # pressed "submit"
    DEADLINE = "deadline"  # the page submitted itself at the deadline
    SERVER = "server"  # found past its deadline when touched, or by sweep-expired


class ExamDefinition(db.Model):
    """A component exam of a level: duration, pass mark and a blueprint of what to draw.

    Once any attempt exists, what decides a candidate's form, clock or result (level, component,
    blueprint, duration, pass mark, shuffling) is locked; title, instructions and review policy stay
    editable. See :mod:`certify.exams.blueprint` for the blueprint's JSON.
    """

    __tablename__ = "exam_definition"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    level_id: Mapped[int] = mapped_column(sa.ForeignKey("level.id", ondelete="RESTRICT"))
    #: ``theory``, ``skills`` or ``review`` (see :class:`certify.syllabus.models.Component`).
    component: Mapped[str] = mapped_column(sa.String(20))
    duration_minutes: Mapped[int]
    pass_mark: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal(60))
    #: What to draw, e.g. ``{"rows": [{"unit": "L4:2.1", "count": 6}], "difficulty": {...},
    #: "item_types": [...]}``; derived from the level's weight table and checked against the bank.
    blueprint: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    #: Rules shown on the start page (Markdown).
    instructions: Mapped[str] = mapped_column(sa.Text, default="")
    review_policy: Mapped[str] = mapped_column(sa.String(20), default=ReviewPolicy.SCORES.value)
    shuffle_items: Mapped[bool] = mapped_column(default=True)
    shuffle_options: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    archived_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    level: Mapped[Level] = relationship()
    sittings: Mapped[list[Sitting]] = relationship(back_populates="exam")

    @property
    def item_count(self) -> int:
        """Items (theory) or tasks (skills) on every form."""
        return int(self.blueprint.get("total") or sum(
            int(r.get("count", 0)) for r in self.blueprint.get("rows", [])))

    @property
    def is_archived(self) -> bool:
        return self.archived_dt is not None

    __table_args__ = (
        sa.CheckConstraint("duration_minutes > 0", name="duration_positive"),
        sa.CheckConstraint("pass_mark >= 0 AND pass_mark <= 100", name="pass_mark_range"),
    )


class Sitting(db.Model):
    """A scheduled exam session: a window in which enrolled candidates may start."""

    __tablename__ = "sitting"

    id: Mapped[int] = mapped_column(primary_key=True)
    exam_id: Mapped[int] = mapped_column(sa.ForeignKey("exam_definition.id", ondelete="RESTRICT"),
                                         index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    opens_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Optional code the invigilator announces in the room; needed to start.
    access_code: Mapped[str | None] = mapped_column(sa.String(32))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    #: Set when an administrator publishes the results; until then candidates see "being marked".
    results_published_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    results_published_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"))

    exam: Mapped[ExamDefinition] = relationship(back_populates="sittings")
    enrolments: Mapped[list[Enrolment]] = relationship(back_populates="sitting",
                                                       cascade="all, delete-orphan")

    __table_args__ = (sa.CheckConstraint("closes_dt > opens_dt", name="window_order"),)

    @property
    def is_open(self) -> bool:
        return self.opens_dt <= now_utc() < self.closes_dt

    @property
    def window_state(self) -> str:
        """``upcoming``, ``open`` or ``closed`` (see :func:`certify.exams.timing.window_state`)."""
        return timing.window_state(now_utc(), self.opens_dt, self.closes_dt).value

    @property
    def results_published(self) -> bool:
        return self.results_published_dt is not None


class Enrolment(db.Model):
    """A candidate enrolled in a sitting, with their accommodations."""

    __tablename__ = "enrolment"

    id: Mapped[int] = mapped_column(primary_key=True)
    sitting_id: Mapped[int] = mapped_column(sa.ForeignKey("sitting.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="RESTRICT"),
                                              index=True)
    #: Extra time as a percentage of the duration (e.g. 25 for 25 %).
    extra_time_pct: Mapped[int] = mapped_column(default=0)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    sitting: Mapped[Sitting] = relationship(back_populates="enrolments")
    candidate: Mapped[User] = relationship()
    attempt: Mapped[Attempt | None] = relationship(back_populates="enrolment", uselist=False)

    __table_args__ = (
        sa.UniqueConstraint("sitting_id", "candidate_id"),
        sa.CheckConstraint("extra_time_pct >= 0 AND extra_time_pct <= 200", name="extra_range"),
    )


class Attempt(db.Model):
    """A candidate's sitting of an exam: their drawn form, their clock and their state."""

    __tablename__ = "attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(sa.ForeignKey("enrolment.id", ondelete="RESTRICT"),
                                              unique=True)
    #: Seed of the form draw: the same seed and bank rebuild the same form.
    seed: Mapped[int] = mapped_column(sa.BigInteger)
    state: Mapped[str] = mapped_column(sa.String(20), default=AttemptState.IN_PROGRESS.value,
                                       index=True)
    started_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    deadline_dt: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: Minutes an invigilator added after the start (already included in ``deadline_dt``).
    added_minutes: Mapped[int] = mapped_column(default=0)
    submitted_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submit_reason: Mapped[str | None] = mapped_column(sa.String(20))
    voided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    void_reason: Mapped[str | None] = mapped_column(sa.Text)
    voided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: Highest client sequence number received for this attempt (saves are ordered by it).
    last_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Blind number shown to markers instead of the candidate's name.
    script_number: Mapped[str] = mapped_column(sa.String(20), unique=True)

    enrolment: Mapped[Enrolment] = relationship(back_populates="attempt")
    items: Mapped[list[AttemptItem]] = relationship(back_populates="attempt",
                                                    order_by="AttemptItem.position",
                                                    cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("state IN ('in_progress', 'submitted', 'voided')", name="state_known"),
    )

    @property
    def candidate(self) -> User:
        return self.enrolment.candidate

    @property
    def is_in_progress(self) -> bool:
        return self.state == AttemptState.IN_PROGRESS.value

    @property
    def sitting(self) -> Sitting:
        return self.enrolment.sitting


class AttemptItem(db.Model):
    """One item of an attempt's form, pinned to the version that was drawn."""

    __tablename__ = "attempt_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id", ondelete="CASCADE"))
    #: 1-based order on the candidate's form.
    position: Mapped[int]
    item_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("item_version.id", ondelete="RESTRICT"), index=True)
    #: Option ids in the order shown to this candidate (choice items), else ``None``.
    option_order: Mapped[list[str] | None] = mapped_column(JSONType)
    #: Points this item is worth on this form.
    points: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    flagged: Mapped[bool] = mapped_column(default=False)
    #: Client sequence number of the save that set ``flagged`` (older flag changes are ignored).
    flag_seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: First time the candidate opened it and last time an answer to it was saved (overtime rule).
    opened_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the candidate pressed "Start this task" (a skills task with its own time limit: its
    #: clock and the overtime rule count from here, not from a glance at the task).
    started_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_saved_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A practical task with a ``sample``: the ids of the records this candidate drew from its pool
    #: (seeded with ``f"{attempt.id}:{item_version.id}"``, drawn once at start); ``None``: all records.
    sample: Mapped[list[str] | None] = mapped_column(JSONType)

    attempt: Mapped[Attempt] = relationship(back_populates="items")
    version: Mapped[ItemVersion] = relationship()
    responses: Mapped[list[Response]] = relationship(back_populates="attempt_item",
                                                     cascade="all, delete-orphan")

    __table_args__ = (sa.UniqueConstraint("attempt_id", "position"),)


class Response(db.Model):
    """A saved answer: the newest value the candidate's browser sent, by client sequence number.

    ``record_key`` is ``""`` for an item answered as a whole and the record id for each dataset
    record of a practical task, so labeling work is saved record by record.
    """

    __tablename__ = "response"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id", ondelete="CASCADE"),
                                            index=True)
    attempt_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attempt_item.id", ondelete="CASCADE"))
    record_key: Mapped[str] = mapped_column(sa.String(64), default="")
    value: Mapped[Any] = mapped_column(JSONType)
    #: Client sequence number of the save that wrote ``value``; older saves never overwrite it.
    seq: Mapped[int] = mapped_column(sa.BigInteger)
    #: Whether ``value`` is an answer at all (``False`` for a cleared answer: null, "", [] …).
    answered: Mapped[bool] = mapped_column(default=True)
    saved_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    attempt_item: Mapped[AttemptItem] = relationship(back_populates="responses")

    __table_args__ = (sa.UniqueConstraint("attempt_item_id", "record_key"),)


class LateAnswerStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class LateAnswer(db.Model):
    """An answer the candidate entered before the deadline that reached the server only after the
    attempt was submitted (a network or server outage across the deadline).

    It never counts on its own: an invigilator accepts it (it then becomes the item's
    :class:`Response` and the attempt is regraded) or rejects it; both are audited. One per answer
    (item and record): a later delivery of the same answer, entered later, replaces a pending one.
    """

    __tablename__ = "late_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(sa.ForeignKey("attempt.id", ondelete="CASCADE"),
                                            index=True)
    attempt_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attempt_item.id", ondelete="CASCADE"))
    record_key: Mapped[str] = mapped_column(sa.String(64), default="")
    value: Mapped[Any] = mapped_column(JSONType)
    answered: Mapped[bool] = mapped_column(default=True)
    #: When the candidate's browser says the answer was entered (the server's time as the page
    #: knew it); always before the attempt's deadline, or it is not accepted for delivery.
    entered_dt: Mapped[datetime] = mapped_column(UTCDateTime)
    received_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    status: Mapped[str] = mapped_column(sa.String(20), default=LateAnswerStatus.PENDING.value)
    decided_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    attempt_item: Mapped[AttemptItem] = relationship()
    decided_by: Mapped[User | None] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("attempt_item_id", "record_key"),
        sa.CheckConstraint("status IN ('pending', 'accepted', 'rejected')",
                           name="late_status_known"),
    )
