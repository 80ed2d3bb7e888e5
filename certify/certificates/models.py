"""Certificate models: issued certificates and the gap-free number sequences."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.auth.models import User
from certify.clock import now_utc
from certify.db import UTCDateTime, db
from certify.exams.models import Sitting
from certify.grading.models import LevelPass
from certify.syllabus.models import Level


class CertificateStatus(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    #: Reissued (e.g. after a name correction): ``replaced_by`` is the new certificate.
    REPLACED = "replaced"


class Certificate(db.Model):
    """A certificate for one level pass. Its printed fields are copied here when it is issued, so
    a later change of the candidate's account never changes what the certificate says."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. ``AIT-L3-2026-000123``.
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    level_pass_id: Mapped[int] = mapped_column(sa.ForeignKey("level_pass.id", ondelete="RESTRICT"),
                                               index=True)
    candidate_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="RESTRICT"),
                                              index=True)
    level_id: Mapped[int] = mapped_column(sa.ForeignKey("level.id", ondelete="RESTRICT"))
    sitting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sitting.id",
                                                                 ondelete="SET NULL"), index=True)
    holder_name: Mapped[str] = mapped_column(sa.String(100))
    holder_id_number: Mapped[str] = mapped_column(sa.String(32))
    issue_date: Mapped[date]
    #: Last day of validity; ``None`` when the level's certificates do not expire (validity 0).
    expiry_date: Mapped[date | None]
    issued_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: HMAC-SHA256 of the number and printed fields (see ``certificates.verification``): the
    #: 20-symbol compact form, shown grouped (``format_code``).
    verification_code: Mapped[str] = mapped_column(sa.String(40))
    status: Mapped[str] = mapped_column(sa.String(20), default=CertificateStatus.VALID.value,
                                        index=True)
    revoked_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoke_reason: Mapped[str | None] = mapped_column(sa.Text)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id",
                                                                    ondelete="SET NULL"))
    #: The certificate this one replaces (a reissue points back at the one it replaced).
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("certificate.id",
                                                                  ondelete="RESTRICT"))
    #: Why it was reissued (e.g. "name corrected"), on the new certificate.
    reissue_reason: Mapped[str | None] = mapped_column(sa.Text)

    level_pass: Mapped[LevelPass] = relationship()
    candidate: Mapped[User] = relationship(foreign_keys=[candidate_id])
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])
    level: Mapped[Level] = relationship()
    sitting: Mapped[Sitting | None] = relationship()
    replaces: Mapped[Certificate | None] = relationship(remote_side=[id],
                                                        back_populates="replaced_by")
    replaced_by: Mapped[Certificate | None] = relationship(back_populates="replaces",
                                                           uselist=False)

    @property
    def level_number(self) -> int:
        return self.level.number

    @property
    def level_labels(self) -> tuple[str, str]:
        """The level as printed: (English, Chinese)."""
        from certify.certificates.numbers import level_labels

        return level_labels(self.level.number)

    @property
    def is_expired(self) -> bool:
        """Whether the validity ended before today (in the examining body's time zone)."""
        from certify.certificates.operations import today

        return self.expiry_date is not None and self.expiry_date < today()

    @property
    def display_status(self) -> str:
        """``valid``, ``expired``, ``revoked`` or ``replaced``: what verification says."""
        if self.status == CertificateStatus.VALID.value and self.is_expired:
            return "expired"
        return self.status

    __table_args__ = (
        sa.CheckConstraint("status IN ('valid', 'revoked', 'replaced')", name="status_known"),
        # At most one valid certificate per level pass, however often "issue" is pressed.
        sa.Index("uq_certificate_valid_pass", "level_pass_id", unique=True,
                 sqlite_where=sa.text("status = 'valid'"),
                 postgresql_where=sa.text("status = 'valid'")),
        # One valid certificate per person and level (issue 12 §14): a new one supersedes it.
        sa.Index("uq_certificate_valid_person_level", "candidate_id", "level_id", unique=True,
                 sqlite_where=sa.text("status = 'valid'"),
                 postgresql_where=sa.text("status = 'valid'")),
    )


class CertificateSequence(db.Model):
    """The last number used per (occupation, level, year): locked while a number is taken, so that
    concurrent issuance makes neither duplicates nor gaps."""

    __tablename__ = "certificate_sequence"

    prefix: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    level_number: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_value: Mapped[int] = mapped_column(default=0)
