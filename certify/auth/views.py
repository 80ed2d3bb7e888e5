"""Login, logout, self-registration and the account page."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from certify.auth import operations
from certify.auth.decorators import login_required
from certify.auth.forms import ChangePasswordForm, LoginForm, RegisterForm
from certify.extensions import limiter
from certify.web import safe_next

bp = Blueprint("auth", __name__)


def _login_failed(response) -> bool:  # type: ignore[no-untyped-def]
    """Count an attempt against the limits only when it did not log anyone in."""
    return response.status_code != 302


def _account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


def _fresh_session() -> None:
    """Start the cookie session afresh, keeping only the chosen language (session fixation)."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def _log_in(user) -> None:  # type: ignore[no-untyped-def]
    """Log ``user`` in: a fresh cookie session and a new login session record."""
    _fresh_session()
    operations.start_session(user, ip=request.remote_addr,
                             user_agent=request.user_agent.string[:255])
    login_user(user)
    session.permanent = True


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_PER_IP"], methods=["POST"],
    deduct_when=_login_failed,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"], methods=["POST"],
    key_func=_account_key, deduct_when=_login_failed,
)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        if user is not None:
            next_url = safe_next(request.args.get("next"))
            _log_in(user)
            return redirect(next_url)
        flash(_("Wrong e-mail address or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        operations.end_session(current_user.session_token)
        logout_user()
    _fresh_session()
    flash(_("You are logged out."), "info")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"], deduct_when=lambda r: r.status_code == 302)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = operations.register_candidate(
                name=form.name.data, email=form.email.data,
                candidate_id=form.candidate_id.data, password=form.password.data,
            )
        except operations.AccountError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            _log_in(user)
            flash(_("Welcome, %(name)s. Your candidate account is ready.", name=user.name),
                  "success")
            return redirect(url_for("main.dashboard"))
    return render_template("auth/register.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_password(current_user, form.current.data, form.password.data)
        except operations.AccountError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            flash(_("Your password is changed. Your other sessions were logged out."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)
