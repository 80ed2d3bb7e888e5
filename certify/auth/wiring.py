"""Wire accounts into the app: Flask-Login, the auth blueprint, header links, demo accounts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from flask_babel import lazy_gettext as _l

from certify.audit import AuditEvent
from certify.auth import operations, views
from certify.auth.demo import load_accounts
from certify.auth.models import Role, User, UserRole
from certify.db import db
from certify.demo import DemoLoader, add_loader
from certify.extensions import login_manager
from certify.registry import ADMIN_GROUP, DashboardPanel, NavItem, add_nav, add_panel


def _admin_panel(user):  # type: ignore[no-untyped-def]
    counts = dict(db.session.execute(
        sa.select(UserRole.role, sa.func.count()).join(User)
        .where(User.is_active.is_(True)).group_by(UserRole.role)
    ).all())
    failed = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent)
        .where(AuditEvent.action == "auth.login_failed")
    )
    return {"role_counts": counts, "failed_logins": failed}


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(operations.load_session_user)
    app.register_blueprint(views.bp)

    add_nav(app, NavItem("main.dashboard", _l("Dashboard"), Role.CANDIDATE, order=10))
    add_nav(app, NavItem("main.dashboard", _l("Dashboard"), Role.EXAMINER, order=10))
    add_nav(app, NavItem("main.dashboard", _l("Dashboard"), Role.ADMIN, order=10))
    add_nav(app, NavItem("admin.users", _l("Users"), Role.ADMIN, order=80, group=ADMIN_GROUP))
    add_nav(app, NavItem("admin.audit_log", _l("Audit log"), Role.ADMIN, order=81,
                         group=ADMIN_GROUP))
    add_panel(app, DashboardPanel("admin.accounts", Role.ADMIN, "admin/_panel_accounts.html",
                                  _admin_panel, order=90))
    add_loader(app, DemoLoader("accounts", load_accounts, order=20))
