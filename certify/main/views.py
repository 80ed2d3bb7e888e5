"""Home page, dashboard, language switch and a health check."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from certify.auth.decorators import login_required
from certify.auth.forms import LanguageForm
from certify.auth.views import safe_next
from certify.db import db
from certify.i18n import LOCALE_COOKIE
from certify.registry import dashboard_panels

bp = Blueprint("main", __name__)


@bp.route("/")
def index():
    return render_template("main/index.html")


@bp.route("/dashboard")
@login_required
def dashboard():
    panels = [
        (panel, panel.context(current_user))
        for panel in dashboard_panels(current_app, current_user)
    ]
    return render_template("main/dashboard.html", panels=panels)


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    response = redirect(safe_next(request.form.get("next"), default="main.index"))
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        # Also a cookie of its own: an error page can speak the language without the database.
        response.set_cookie(LOCALE_COOKIE, form.locale.data, max_age=365 * 24 * 3600,
                            samesite="Lax", secure=request.is_secure, httponly=True)
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
    return response


@bp.route("/healthz")
def healthz():
    """Load balancers probe it (the load benchmark uses it as a ceiling): 200 when the database
    answers, else 503 naming the failing dependency (issue 12 §5)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        current_app.logger.error("healthz: database unavailable: %s", exc)
        return jsonify(status="unavailable", failing=["database"], database="unavailable"), 503
    return jsonify(status="ok", database="ok")
