"""Account use cases. Each changes data inside the request's transaction and writes the audit log."""

from __future__ import annotations

import functools
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from certify.audit import audit
from certify.auth.models import Role, User, UserSession
from certify.clock import now_utc
from certify.db import db


class AccountError(ValueError):
    """A requested account change is not possible; ``field`` names the form field to blame."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def _check_unique(email: str, candidate_id: str | None, *, exclude: User | None = None) -> None:
    query = sa.select(User).where(User.email == email)
    if exclude is not None:
        query = query.where(User.id != exclude.id)
    if db.session.scalar(query) is not None:
        raise AccountError("email", _("An account with this e-mail address exists already."))
    if candidate_id:
        query = sa.select(User).where(User.candidate_id == candidate_id)
        if exclude is not None:
            query = query.where(User.id != exclude.id)
        if db.session.scalar(query) is not None:
            raise AccountError(
                "candidate_id", _("An account with this ID document number exists already.")
            )


def create_user(
    *,
    name: str,
    email: str,
    password: str,
    roles: set[Role] | frozenset[Role],
    candidate_id: str | None = None,
    actor: User | None = None,
    action: str = "auth.user_created",
) -> User:
    """Create an account with ``roles``.

    :raise AccountError: the e-mail or ID number is taken.
    """
    email = email.strip().lower()
    candidate_id = candidate_id or None
    _check_unique(email, candidate_id)
    user = User(name=name, email=email, candidate_id=candidate_id)
    user.set_password(password)
    user.set_roles(set(roles))
    db.session.add(user)
    db.session.flush()
    audit(action, user, actor=actor, roles=sorted(r.value for r in roles))
    return user


def register_candidate(*, name: str, email: str, candidate_id: str, password: str) -> User:
    """A candidate registers themselves."""
    user = create_user(
        name=name, email=email, password=password, roles={Role.CANDIDATE},
        candidate_id=candidate_id, action="auth.registered",
    )
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or ``None``; failures are audited.

    The password is checked even for unknown addresses, so timing does not reveal who has an account.
    """
    user = find_user_by_email(email)
    # Hashing takes tens of milliseconds: end the read transaction first, so that no transaction
    # (on SQLite: the write lock) is held while it runs. A login storm at an exam's start would
    # otherwise queue every login behind every other one.
    password_hash = user.password_hash if user is not None else _dummy_hash()
    user_id = user.id if user is not None else None
    db.session.rollback()
    password_ok = check_password_hash(password_hash, password)
    if user_id is None:
        audit("auth.login_failed", email=email[:254], reason="unknown")
        return None
    user = db.session.get(User, user_id)
    if user is None:
        return None
    if not password_ok:
        audit("auth.login_failed", user, actor=user, reason="password")
        return None
    if not user.is_active:
        audit("auth.login_failed", user, actor=user, reason="inactive")
        return None
    return user


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))


def start_session(user: User, *, ip: str | None = None,
                  user_agent: str | None = None) -> UserSession:
    """Open a new login session for ``user`` (the caller logs it in with Flask-Login).

    :param ip: the client's address and ``user_agent`` its browser, kept with the session.
    """
    row = UserSession(user_id=user.id, ip=ip, user_agent=user_agent)
    db.session.add(row)
    db.session.flush()
    user.session_token = row.token
    audit("auth.login", user, actor=user)
    return row


def end_session(token: str | None, *, reason: str = "logout") -> None:
    """End the login session ``token`` (idempotent)."""
    if not token:
        return
    row = db.session.get(UserSession, token)
    if row is not None and row.ended_dt is None:
        row.ended_dt = now_utc()
        audit("auth.logout", row.user, actor=row.user, reason=reason)


def load_session_user(token: str) -> User | None:
    """Return the user of an open, unexpired session ``token``, or ``None``."""
    lifetime: timedelta = current_app.config["PERMANENT_SESSION_LIFETIME"]
    row = db.session.execute(
        sa.select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(
            UserSession.token == token,
            UserSession.ended_dt.is_(None),
            UserSession.created_dt > now_utc() - lifetime,
            User.is_active.is_(True),
        )
    ).first()
    if row is None:
        return None
    user = row.User
    user.session_token = token
    return user


def set_roles(user: User, roles: set[Role], *, actor: User) -> None:
    """Change ``user``'s roles (audited). An administrator cannot take away their own admin role."""
    before = sorted(r.value for r in user.roles)
    if user.id == actor.id and Role.ADMIN in user.roles and Role.ADMIN not in roles:
        raise AccountError("is_admin", _("You cannot remove your own administrator role."))
    if Role.CANDIDATE in roles and not user.candidate_id:
        raise AccountError("is_candidate", _("A candidate needs an ID document number first."))
    user.set_roles(roles)
    after = sorted(r.value for r in roles)
    if before != after:
        audit("auth.roles_changed", user, actor=actor, before=before, after=after)


def set_active(user: User, active: bool, *, actor: User) -> None:
    """Deactivate (ending every session) or reactivate ``user`` (audited)."""
    if user.id == actor.id and not active:
        raise AccountError("active", _("You cannot deactivate your own account."))
    if user.is_active == active:
        return
    user.is_active = active
    if active:
        user.deactivated_dt = None
        audit("auth.user_reactivated", user, actor=actor)
        return
    user.deactivated_dt = now_utc()
    db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_dt.is_(None))
        .values(ended_dt=now_utc())
    )
    audit("auth.user_deactivated", user, actor=actor)


def change_password(user: User, current: str, new: str) -> None:
    """Change ``user``'s password after checking the current one; other sessions are ended."""
    if not user.check_password(current):
        audit("auth.password_change_failed", user, actor=user)
        raise AccountError("current", _("The current password is wrong."))
    user.set_password(new)
    db.session.execute(
        sa.update(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.ended_dt.is_(None),
            UserSession.token != (user.session_token or ""),
        )
        .values(ended_dt=now_utc())
    )
    audit("auth.password_changed", user, actor=user)


def update_details(user: User, *, name: str, email: str, candidate_id: str | None, reason: str,
                   actor: User) -> list[str]:
    """Correct a user's name, e-mail or ID document number (audited with the old values).

    Certificates already issued keep the name they were issued with; a reissue prints the new one.

    :return: the names of the fields that changed.
    :raise AccountError: the e-mail or ID number belongs to someone else, or a candidate would be
        left without an ID number.
    """
    email = email.strip().lower()
    candidate_id = candidate_id or None
    if user.has_role(Role.CANDIDATE) and not candidate_id:
        raise AccountError("candidate_id", _("A candidate needs an ID document number."))
    _check_unique(email, candidate_id, exclude=user)
    before = {"name": user.name, "email": user.email, "candidate_id": user.candidate_id}
    after = {"name": name, "email": email, "candidate_id": candidate_id}
    changed = [field for field in before if before[field] != after[field]]
    if changed:
        for field in changed:
            setattr(user, field, after[field])
        audit("auth.details_changed", user, actor=actor, reason=reason,
              before={f: before[f] for f in changed}, after={f: after[f] for f in changed})
    return changed
