"""Wire grading into the app: blueprint, header links, dashboard panels, signals, CLI, demo.

Its settings (``GRADING_*``) are declared in certify/config.py.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from certify.auth.models import Role, User
from certify.db import db
from certify.exams.models import Attempt
from certify.exams.signals import attempt_submitted, attempt_voided, late_answer_accepted
from certify.grading import cli, demo, on_submit, regrading, sitting_results, views
from certify.grading.candidate import my_attempts
from certify.grading.display import points_text
from certify.grading.marking import queue
from certify.registry import ADMIN_GROUP, DashboardPanel, NavItem, add_nav, add_panel


def _candidate_panel(user: Any) -> dict[str, Any]:
    return {"lines": my_attempts(user)[:5]}


def _examiner_panel(user: Any) -> dict[str, Any]:
    entries = queue(user)
    return {"entries": entries[:5], "total": sum(e.total for e in entries)}


def _admin_panel(user: Any) -> dict[str, Any]:
    return {"sittings": [(s, sitting_results.sitting_summary(s))
                         for s in sitting_results.sittings_with_attempts()[:5]]}


def _on_attempt_submitted(sender: Flask, attempt_id: int, **extra: Any) -> None:
    """Grade an attempt as soon as it is submitted (exams sends this after its commit; its sender
    rolls back and logs what a failing receiver did, and never loses the submission)."""
    on_submit.grade_attempt(attempt_id)


def _on_attempt_voided(sender: Flask, attempt_id: int, **extra: Any) -> None:
    on_submit.attempt_voided(attempt_id)


def _on_late_answer_accepted(sender: Flask, attempt_id: int, actor_id: int | None = None,
                             reason: str = "", **extra: Any) -> None:
    """An invigilator accepted an answer delivered after the submission: regrade the attempt."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is not None:
        regrading.regrade(attempt=attempt, reason=reason or "late answer accepted",
                          actor=db.session.get(User, actor_id) if actor_id else None)


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.add_template_filter(points_text, "points")
    add_nav(app, NavItem("grading.my_results", _l("My results"), Role.CANDIDATE, order=45))
    add_nav(app, NavItem("grading.queue", _l("Marking"), Role.EXAMINER, order=55))
    add_nav(app, NavItem("grading.admin_sittings", _l("Results"), Role.ADMIN, order=65,
                         group=ADMIN_GROUP))
    add_panel(app, DashboardPanel("grading.my_results", Role.CANDIDATE,
                                  "grading/_panel_candidate.html", _candidate_panel, order=30))
    add_panel(app, DashboardPanel("grading.marking", Role.EXAMINER,
                                  "grading/_panel_examiner.html", _examiner_panel, order=30))
    add_panel(app, DashboardPanel("grading.results", Role.ADMIN, "grading/_panel_admin.html",
                                  _admin_panel, order=40))
    attempt_submitted.connect(_on_attempt_submitted, sender=app, weak=False)
    attempt_voided.connect(_on_attempt_voided, sender=app, weak=False)
    late_answer_accepted.connect(_on_late_answer_accepted, sender=app, weak=False)
    app.cli.add_command(cli.regrade_command)
    demo.init_app(app)
