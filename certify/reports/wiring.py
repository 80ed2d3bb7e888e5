"""Wire the reports package into the app: its blueprint and the header link for staff."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from certify.auth.models import Role
from certify.registry import NavItem, add_nav
from certify.reports import views
from certify.reports.bank_lint.cli import lint_bank
from certify.reports.task_validity import task_validity


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.cli.add_command(lint_bank)
    app.cli.add_command(task_validity)
    add_nav(app, NavItem("reports.index", _l("Item analysis"), Role.EXAMINER, order=70))
    add_nav(app, NavItem("reports.index", _l("Item analysis"), Role.ADMIN, order=70))
