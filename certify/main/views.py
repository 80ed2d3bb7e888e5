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

from certify.auth.decorators import login_required
from certify.auth.forms import LanguageForm
from certify.auth.views import safe_next
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
    if form.validate_on_submit():
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
    return redirect(safe_next(request.form.get("next"), default="main.index"))


@bp.route("/healthz")
def healthz():
    """A trivial endpoint: load balancers probe it, and the load benchmark uses it as a ceiling."""
    return jsonify(status="ok")
