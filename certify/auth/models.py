"""Accounts: users, their roles and their login sessions."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from certify.clock import now_utc
from certify.db import UTCDateTime, db


class Role(enum.StrEnum):
    """What a user may do. A user holds one or more roles."""

    CANDIDATE = "candidate"
    EXAMINER = "examiner"
    ADMIN = "admin"


class User(db.Model):
    """A person who signs in: candidate, examiner, administrator, or several of these."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case; the login name.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    #: Full name in any script, NFC-normalised, as printed on certificates.
    name: Mapped[str] = mapped_column(sa.String(100))
    #: Identity document number (resident ID or passport) of a candidate; unique when present.
    candidate_id: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    #: Preferred interface language (``en``/``zh``); ``None`` follows the browser.
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    deactivated_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)

    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    #: Token of the login session this object was loaded for (Flask-Login's id); not a column.
    session_token = None  # type: str | None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"

    # Flask-Login protocol -------------------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str | None:
        """Flask-Login keeps the session token, not the user id, so ending a session ends access."""
        return self.session_token

    # Roles and passwords --------------------------------------------------------------------------
    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(row.role) for row in self.role_rows)

    def has_role(self, *roles: Role | str) -> bool:
        """Return whether the user holds any of ``roles``."""
        mine = {r.value for r in self.roles}
        return any(Role(r).value in mine for r in roles)

    def set_roles(self, roles: set[Role] | frozenset[Role]) -> None:
        keep = {Role(r) for r in roles}
        self.role_rows = [row for row in self.role_rows if Role(row.role) in keep]
        have = {Role(row.role) for row in self.role_rows}
        for role in sorted(keep - have):
            self.role_rows.append(UserRole(role=role.value))

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


class UserRole(db.Model):
    """One role held by one user."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    user: Mapped[User] = relationship(back_populates="role_rows")

    __table_args__ = (
        sa.CheckConstraint("role IN ('candidate', 'examiner', 'admin')", name="role_known"),
    )


def new_session_token() -> str:
    """Return a fresh unguessable session token (256 bits)."""
    return secrets.token_urlsafe(32)


class UserSession(db.Model):
    """A login session. The cookie carries its token; logging out ends the row, so a copied cookie
    stops working too, and deactivating a user ends all of their sessions."""

    __tablename__ = "user_session"

    token: Mapped[str] = mapped_column(sa.String(64), primary_key=True, default=new_session_token)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_dt: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    ended_dt: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))

    user: Mapped[User] = relationship()
