"""certify: certification and skills assessment for AI training specialists.

The app factory reads as a list: configuration, extensions, then each domain's blueprint and hooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
__version__ = "0.1.0"


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the certify app.

    :param test_config: settings that override every other source (tests use it).
    """
    from certify import cli, i18n, models, settings, web  # noqa: F401  (models: every table)
    from certify.db import db, finish_request_transaction
    from certify.extensions import csrf, limiter, migrate

    app = Flask(
        __name__,
        instance_path=(test_config or {}).get("INSTANCE_PATH") or settings.instance_path(),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
    )
    settings.load(app, test_config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    app.after_request(finish_request_transaction)

    from certify.admin import views as admin_views
    from certify.auth import setup as auth_setup
    from certify.banks import setup as banks_setup
    from certify.certificates import setup as certificates_setup
    from certify.exams import setup as exams_setup
    from certify.grading import setup as grading_setup
    from certify.main import views as main_views
    from certify.reports import setup as reports_setup
    from certify.syllabus import setup as syllabus_setup

    auth_setup.init_app(app)
    syllabus_setup.init_app(app)
    banks_setup.init_app(app)
    exams_setup.init_app(app)
    grading_setup.init_app(app)
    reports_setup.init_app(app)
    certificates_setup.init_app(app)
    app.register_blueprint(main_views.bp)
    app.register_blueprint(admin_views.bp)
    cli.init_app(app)
    return app
