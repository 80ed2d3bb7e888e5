"""The audit log: who did what to what, and when.

Every security-relevant or exam-integrity action calls :func:`audit` inside the same transaction as
the change it records, so the log and the data never disagree.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
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


#: What each audited action is called on pages (issue 12 §19: never the code alone in Chinese).
ACTION_LABELS: dict[str, Any] = {
    "auth.details_changed": _l("account details changed"),
    "auth.login": _l("logged in"),
    "auth.login_failed": _l("login failed"),
    "auth.logout": _l("logged out"),
    "auth.password_change_failed": _l("password change failed"),
    "auth.password_changed": _l("password changed"),
    "auth.roles_changed": _l("roles changed"),
    "auth.user_deactivated": _l("account deactivated"),
    "auth.user_reactivated": _l("account reactivated"),
    "bank.approved": _l("item approved"),
    "bank.asset_uploaded": _l("media file uploaded"),
    "bank.changes_requested": _l("changes requested"),
    "bank.draft_discarded": _l("draft discarded"),
    "bank.imported": _l("bank file imported"),
    "bank.item_created": _l("item created"),
    "bank.item_updated": _l("item edited"),
    "bank.item_new_version": _l("new item version"),
    "bank.reinstated": _l("item reinstated"),
    "bank.retired": _l("item retired"),
    "bank.submitted": _l("submitted for review"),
    "certificate.issued": _l("certificate issued"),
    "certificate.pass_withdrawn": _l("pass withdrawn"),
    "certificate.reissued": _l("certificate reissued"),
    "certificate.revoked": _l("certificate revoked"),
    "certificate.zip_downloaded": _l("certificates downloaded"),
    "exam.access_code_wrong": _l("wrong access code"),
    "exam.assembly_failed": _l("paper could not be drawn"),
    "exam.attempt_started": _l("attempt started"),
    "exam.attempt_submitted": _l("attempt submitted"),
    "exam.attempt_voided": _l("attempt voided"),
    "exam.candidate_enrolled": _l("candidate enrolled"),
    "exam.candidate_withdrawn": _l("candidate withdrawn"),
    "exam.definition_archived": _l("exam definition archived"),
    "exam.definition_created": _l("exam definition created"),
    "exam.definition_deleted": _l("exam definition deleted"),
    "exam.definition_updated": _l("exam definition changed"),
    "exam.enrolments_imported": _l("enrolment file imported"),
    "exam.extra_time_set": _l("extra time set"),
    "exam.sitting_closed": _l("sitting closed early"),
    "exam.sitting_created": _l("sitting scheduled"),
    "exam.sitting_deleted": _l("sitting deleted"),
    "exam.sitting_updated": _l("sitting changed"),
    "exam.late_answer_accepted": _l("late answer accepted"),
    "exam.late_answer_rejected": _l("late answer rejected"),
    "exam.late_answers_received": _l("answers delivered late"),
    "exam.time_added": _l("time added"),
    "grading.attempt_graded": _l("attempt graded"),
    "grading.mark_revised": _l("mark revised"),
    "grading.marked": _l("script marked"),
    "grading.marking_plan_set": _l("marking plan set"),
    "grading.passes_withdrawn": _l("passes withdrawn"),
    "grading.regraded": _l("sitting regraded"),
    "grading.results_published": _l("results published"),
    "syllabus.imported": _l("syllabus imported"),
    "syllabus.unit_added": _l("unit added"),
    "syllabus.unit_changed": _l("unit changed"),
    "syllabus.unit_deleted": _l("unit deleted"),
    "syllabus.weights_changed": _l("weights changed"),
}


def action_label(action: str) -> str:
    """An audited action as people read it (the code itself when it has no name yet)."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else action
