"""The audit log: who did what to what, and when.

Every security-relevant or exam-integrity action calls :func:`audit` inside the same transaction as
the change it records, so the log and the data never disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certify.clock import now_utc
from certify.db import JSONType, UTCDateTime, db

if TYPE_CHECKING:  # annotations only: the audit log sits below the packages whose acts it records
    from certify.auth.models import User


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

    actor: Mapped[User | None] = relationship("User")

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


def events_for(target: Any, *, as_actor: bool = False, oldest_first: bool = False,
               limit: int | None = None) -> list[AuditEvent]:
    """The audit events about ``target`` (any model with an ``id``), newest first.

    :param as_actor: also the events ``target`` (a user) did themselves.
    :param oldest_first: in the order they happened (a timeline) instead.
    :param limit: at most this many.
    """
    about = sa.and_(AuditEvent.target_type == type(target).__name__,
                    AuditEvent.target_id == str(target.id))
    query = sa.select(AuditEvent).where(
        sa.or_(about, AuditEvent.actor_id == target.id) if as_actor else about)
    order = (AuditEvent.created_dt, AuditEvent.id)
    query = query.order_by(*(order if oldest_first else (c.desc() for c in order)))
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))
