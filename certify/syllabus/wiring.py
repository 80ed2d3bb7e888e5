"""Wire the syllabus into the app."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from certify.auth.models import Role
from certify.demo import DemoLoader, add_loader
from certify.registry import DashboardPanel, NavItem, add_nav, add_panel
from certify.syllabus import views
from certify.syllabus.demo import load_syllabus
from certify.syllabus.operations import get_occupation, levels


def _panel(user):  # type: ignore[no-untyped-def]
    return {"occupation": get_occupation(), "levels": levels()}


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    add_nav(app, NavItem("syllabus.index", _l("Syllabus"), None, order=20))
    add_panel(app, DashboardPanel("syllabus.admin", Role.ADMIN, "syllabus/_panel_admin.html",
                                  _panel, order=80))
    add_loader(app, DemoLoader("syllabus", load_syllabus, order=10))
