"""Cross-cutting web behaviour: security headers, the session cookie, error pages, and the request
helpers every package's views use (:func:`wants_json`, :func:`safe_next`)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app, g, jsonify, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError, PendingRollbackError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, ServiceUnavailable
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from certify.extensions import login_manager
from certify.parsing import MAX_ID

#: Errors that mean "the database cannot be reached", not "this request is wrong".
DATABASE_DOWN = (OperationalError, InterfaceError, PendingRollbackError, PoolTimeout)


def wants_json() -> bool:
    """Return whether the current request asks for JSON rather than a page."""
    if request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes[
        "text/html"
    ]


def safe_next(target: str | None, default: str = "main.dashboard") -> str:
    """Return ``target`` when it is a path on this site, else the URL of ``default``."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and "\\" not in target:
            return target
    return url_for(default)


class SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, marked ``Secure`` whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        if super().get_cookie_secure(app):
            return True
        try:
            return request.is_secure
        except RuntimeError:  # outside a request
            return False


def security_headers(response: Any) -> Any:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if not (response.status_code < 400 and _cacheable_endpoint()) or "Set-Cookie" in headers:
        # Pages, JSON and exports (CSV, XLSX, JSONL, PDF) can carry personal data, answers, keys
        # or gold; shared computers in exam centres must not serve them from a cache to the next
        # person. Only static files and views marked @cacheable keep a header of their own.
        headers["Cache-Control"] = "no-store"
    return response


def cacheable(view: Any) -> Any:
    """Mark a view whose responses carry nothing personal and may be cached (it sets its own
    Cache-Control); every other response is sent with ``Cache-Control: no-store``."""
    view.certify_cacheable = True
    return view


def _cacheable_endpoint() -> bool:
    if request.endpoint == "static":
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "certify_cacheable", False))


def handle_http_error(exc: HTTPException, *, as_json: bool | None = None) -> Any:
    """The error page, or JSON when the request asks for it (``as_json`` overrides the guess)."""
    code = exc.code or 500
    if code >= 500:
        # Render without the database: nothing on an error page may query it (it may be the
        # reason for the error, and a failing query here turns the page into a bare HTML 500 that
        # the exam page would take for a logout). The user, if not loaded yet, is not loaded now;
        # the language then comes from the session, the cookie or Accept-Language (i18n).
        g.error_page = True
        if "_login_user" not in g or _database_down(exc):
            g._login_user = login_manager.anonymous_user()
    messages = {
        400: _("The request could not be understood."),
        403: _("You do not have permission to open this page."),
        404: _("There is nothing at this address."),
        405: _("This address does not accept that kind of request."),
        409: exc.description or _("This conflicts with the current state."),
        413: _("The upload is too large."),
        429: _("Too many attempts. Please wait a little and try again."),
        500: _("Something went wrong on our side. Your saved answers are safe."),
        503: _("The server is unavailable at the moment. Your saved answers are safe; please "
               "try again in a minute."),
    }
    message = messages.get(code, exc.description or "")
    if isinstance(exc, CSRFError):
        message = _("This form has expired or was not sent from this site. Reload the page and "
                    "try again.")
    unavailable = getattr(exc, "unavailable", None)
    if wants_json() if as_json is None else as_json:
        body: dict[str, Any] = {"error": message, "status": code}
        if unavailable:
            body["unavailable"] = unavailable
        response = jsonify(body)
        response.status_code = code
        return response
    return render_template("error.html", code=code, message=message), code


def _database_down(exc: BaseException) -> bool:
    original = getattr(exc, "original_exception", None)
    return isinstance(exc, DATABASE_DOWN) or isinstance(original, DATABASE_DOWN) or getattr(
        exc, "unavailable", None) == "database"


def handle_database_down(exc: Exception) -> Any:
    """The database cannot be reached: 503 "server unavailable" (JSON names the dependency),
    rendered without a query, never a bare 500 (issue 12 §5)."""
    current_app.logger.error("database unavailable: %s", exc)
    error = ServiceUnavailable()
    error.unavailable = "database"  # type: ignore[attr-defined]
    return handle_http_error(error)


class IdConverter(IntegerConverter):
    """The ``<int:…>`` of every route: an id beyond what a table can hold is a 404, not a 500."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # type: ignore[no-untyped-def]
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app: Flask) -> None:
    if app.config["PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.session_interface = SessionInterface()
    app.url_map.converters["int"] = IdConverter
    app.after_request(security_headers)
    app.register_error_handler(HTTPException, handle_http_error)
    for error in DATABASE_DOWN:
        app.register_error_handler(error, handle_database_down)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
