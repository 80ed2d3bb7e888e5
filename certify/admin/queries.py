"""The administrators' searches: accounts by text and role, the audit log by action."""

from __future__ import annotations

import sqlalchemy as sa

from certify.audit import AuditEvent
from certify.auth.models import Role, User, UserRole
from certify.db import contains_pattern, like_literal


def users(text: str = "", role: str | None = None) -> sa.Select:
    """Accounts whose name, e-mail or ID number contains ``text``, holding ``role``, by name."""
    query = sa.select(User).order_by(User.name)
    if text:
        like = contains_pattern(text.lower())
        query = query.where(sa.or_(sa.func.lower(User.name).like(like, escape="\\"),
                                   sa.func.lower(User.email).like(like, escape="\\"),
                                   User.candidate_id.like(like.upper(), escape="\\")))
    if role in {r.value for r in Role}:
        query = query.where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)))
    return query


def audit_events(action: str = "") -> sa.Select:
    """Audit events whose action starts with ``action``, newest first."""
    query = sa.select(AuditEvent).order_by(AuditEvent.created_dt.desc(), AuditEvent.id.desc())
    if action:
        query = query.where(AuditEvent.action.like(like_literal(action) + "%", escape="\\"))
    return query
