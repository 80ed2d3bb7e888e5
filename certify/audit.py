"""The audit log: who did what to what, and when.

Every security-relevant or exam-integrity action calls :func:`audit` inside the same transaction as
the change it records, so the log and the data never disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.auth.models import User
from certify.clock import now_utc
from certify.db import JSONType, UTCDateTime, db


class AuditEvent(db.Model):
    """One audited action."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    #: Dotted name, e.g. ``auth.login``, ``auth.login_failed``, ``exam.attempt_voided``.
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(sa.String(40))
    target_id: Mapped[str | None] = mapped_column(sa.String(64))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)

    actor: Mapped[User | None] = relationship()

    __table_args__ = (sa.Index("ix_audit_event_target", "target_type", "target_id"),)


def audit(
    action: str,
    target: Any = None,
    *,
    actor: User | None = None,
    **details: Any,
) -> AuditEvent:
    """Record ``action`` in the audit log (added to the session; committed with the request).

    :param action: dotted action name.
    :param target: the object acted on (its class name and ``id`` are stored), or ``None``.
    :param actor: who acted; defaults to the logged-in user.
    :param details: JSON-serialisable facts worth keeping (never passwords or tokens).
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user._get_current_object()  # type: ignore[attr-defined]
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        target_type=type(target).__name__ if target is not None else None,
        target_id=str(getattr(target, "id", "")) if target is not None else None,
        ip=request.remote_addr if has_request_context() else None,
        details=details,
    )
    db.session.add(event)
    return event
