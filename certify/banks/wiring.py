"""Wire the banks package into the app: blueprint, header links, dashboard panels, demo, CLI.

Its settings (``MAX_IMAGE_*``, ``MAX_AUDIO_BYTES``, ``BANK_*``) are declared in certify/config.py.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from certify.auth.models import Role
from certify.banks import cli, queries, reviewing, views
from certify.banks.demo import load_banks
from certify.demo import DemoLoader, add_loader
from certify.registry import DashboardPanel, NavItem, add_nav, add_panel


def _examiner_panel(user: Any) -> dict[str, Any]:
    queue = queries.review_queue()
    return {"mine": queries.status_counts(author_id=user.id),
            "to_review": sum(1 for v in queue if reviewing.can_review(v, user)),
            "waiting": sum(1 for v in queue if not reviewing.can_review(v, user)),
            "bank": queries.status_counts()}


def _admin_panel(user: Any) -> dict[str, Any]:
    return {"bank": queries.status_counts(), "queue": len(queries.review_queue())}


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    add_nav(app, NavItem("banks.index", _l("Bank"), Role.EXAMINER, order=30))
    add_nav(app, NavItem("banks.index", _l("Bank"), Role.ADMIN, order=30))
    add_panel(app, DashboardPanel("banks.examiner", Role.EXAMINER, "banks/_panel_examiner.html",
                                  _examiner_panel, order=20))
    add_panel(app, DashboardPanel("banks.admin", Role.ADMIN, "banks/_panel_admin.html",
                                  _admin_panel, order=40))
    add_loader(app, DemoLoader("banks", load_banks, order=30))
    app.cli.add_command(cli.import_bank)
    app.cli.add_command(cli.export_bank)
