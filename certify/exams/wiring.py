"""Wire the exams package into the app: blueprints, header links, dashboard panels, demo, CLI.

Its setting ``EXAM_GRACE_SECONDS`` is declared in certify/config.py.
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask_babel import lazy_gettext as _l

from certify.auth.models import Role
from certify.banks.task_validity import set_exposure_counter
from certify.demo import DemoLoader, add_loader
from certify.exams import admin_views, demo, views
from certify.exams.attempts.dashboard import candidate_sittings
from certify.exams.attempts.expiry import sweep
from certify.exams.exposure import record_exposure
from certify.exams.operations import definitions, sittings
from certify.exams.timing import format_clock
from certify.registry import ADMIN_GROUP, DashboardPanel, NavItem, add_nav, add_panel


def _candidate_panel(user: Any) -> dict[str, Any]:
    return {"cards": candidate_sittings(user)}


def _staff_panel(user: Any) -> dict[str, Any]:
    now_open = [s for s in sittings() if s.window_state == "open"]
    upcoming = [s for s in sittings() if s.window_state == "upcoming"][::-1][:5]
    return {"open": now_open, "upcoming": upcoming}


def _admin_panel(user: Any) -> dict[str, Any]:
    return {**_staff_panel(user), "exams": len(definitions(include_archived=False))}


@click.command("sweep-expired")
def sweep_expired() -> None:
    """Submit every attempt left open past its deadline + grace (safe to run from cron).

    Idempotent and safe beside the running site: each attempt is submitted by exactly one caller.
    For example, every minute: ``* * * * * cd /srv/certify && .venv/bin/flask --app certify
    sweep-expired``.
    """

    submitted = sweep()
    click.echo(f"Submitted {len(submitted)} overdue attempt(s)"
               + (f": {', '.join(map(str, submitted))}" if submitted else "."))


def init_app(app: Flask) -> None:
    app.add_template_filter(format_clock, "exam_clock")
    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    set_exposure_counter(app, record_exposure)
    add_nav(app, NavItem("exam_admin.definitions", _l("Exams"), Role.ADMIN, order=40,
                         group=ADMIN_GROUP))
    add_nav(app, NavItem("exam_admin.sittings", _l("Sittings"), Role.ADMIN, order=41,
                         group=ADMIN_GROUP))
    add_nav(app, NavItem("exam_admin.invigilate_index", _l("Invigilate"), Role.ADMIN, order=42))
    add_nav(app, NavItem("exam_admin.invigilate_index", _l("Invigilate"), Role.EXAMINER,
                         order=42))
    add_panel(app, DashboardPanel("exams.candidate", Role.CANDIDATE, "exams/_panel_candidate.html",
                                  _candidate_panel, order=10))
    add_panel(app, DashboardPanel("exams.staff", Role.EXAMINER, "exams/_panel_staff.html",
                                  _staff_panel, order=30))
    add_panel(app, DashboardPanel("exams.admin", Role.ADMIN, "exams/_panel_admin.html",
                                  _admin_panel, order=30))
    add_loader(app, DemoLoader("exams", demo.load, order=40))
    app.cli.add_command(sweep_expired)
