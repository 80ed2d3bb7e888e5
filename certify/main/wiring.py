"""Wire the shared pages into the app: home, dashboard, language switch, health check, and what
every page's layout reads (the header's links, the language form, the examining body's names)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_login import current_user

from certify.auth.forms import LanguageForm
from certify.main import views
from certify.registry import nav_tree


def init_app(app: Flask) -> None:
    app.register_blueprint(views.bp)

    @app.context_processor
    def layout() -> dict[str, Any]:
        return {
            "nav_tree": nav_tree(app, current_user),
            "language_form": LanguageForm(formdata=None),
            "body_en": app.config["EXAMINING_BODY_EN"],
            "body_zh": app.config["EXAMINING_BODY_ZH"],
        }
