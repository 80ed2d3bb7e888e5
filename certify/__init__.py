"""certify: certification and skills assessment for AI training specialists.

The app factory reads as a list: configuration, extensions, then each domain's blueprint and hooks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from certify.settings import ROOT

__all__ = ["ROOT", "create_app"]
__version__ = "0.1.0"


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the certify app.

    :param test_config: settings that override every other source (tests use it).
    """
    # Imported here, not at the top: importing any module of certify imports this package first,
    # and the whole app with it would make every import a cycle.
    from certify import cli, i18n, models, settings, web  # noqa: F401  (models: every table)
    from certify.admin import views as admin_views
    from certify.auth import wiring as auth_wiring
    from certify.banks import wiring as banks_wiring
    from certify.certificates import wiring as certificates_wiring
    from certify.db import db, finish_request_transaction
    from certify.exams import wiring as exams_wiring
    from certify.extensions import csrf, limiter, migrate
    from certify.grading import wiring as grading_wiring
    from certify.main import wiring as main_wiring
    from certify.reports import wiring as reports_wiring
    from certify.syllabus import wiring as syllabus_wiring

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

    auth_wiring.init_app(app)
    syllabus_wiring.init_app(app)
    banks_wiring.init_app(app)
    exams_wiring.init_app(app)
    grading_wiring.init_app(app)
    reports_wiring.init_app(app)
    certificates_wiring.init_app(app)
    main_wiring.init_app(app)
    app.register_blueprint(admin_views.bp)
    cli.init_app(app)
    return app
