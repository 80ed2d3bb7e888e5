"""Wire the syllabus into the app."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from certify.auth.models import Role
from certify.main.registry import DashboardPanel, NavItem, add_nav, add_panel
from certify.syllabus import views


def _panel(user):  # type: ignore[no-untyped-def]
    from certify.syllabus.operations import get_occupation, levels

    return {"occupation": get_occupation(), "levels": levels()}


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    add_nav(app, NavItem("syllabus.index", _l("Syllabus"), None, order=20))
    add_panel(app, DashboardPanel("syllabus.admin", Role.ADMIN, "syllabus/_panel_admin.html",
                                  _panel, order=80))
