"""Wire the shared pages into the app: home, dashboard, language switch, health check, and what
every page's layout reads (the header's links, the language form, the examining body's names)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user

from certify.audit import action_label
from certify.auth.forms import LanguageForm
from certify.main import views
from certify.registry import nav_tree


def time_zone_label(zone: str) -> str:
    """The site's zone as pages name it next to times: ``Asia/Shanghai, UTC+08:00`` (issue 12 §21:
    every time is shown and entered in this zone, 24-hour)."""
    offset = datetime.now(ZoneInfo(zone)).strftime("%z")
    return f"{zone}, UTC{offset[:3]}:{offset[3:]}"


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)
    app.add_template_filter(action_label, "audit_action")

    @app.context_processor
    def layout() -> dict[str, Any]:
        return {
            "nav_tree": nav_tree(app, current_user),
            "language_form": LanguageForm(formdata=None),
            "body_en": app.config["EXAMINING_BODY_EN"],
            "body_zh": app.config["EXAMINING_BODY_ZH"],
            "site_time_zone": app.config["BABEL_DEFAULT_TIMEZONE"],
            "time_zone_label": time_zone_label(app.config["BABEL_DEFAULT_TIMEZONE"]),
        }
