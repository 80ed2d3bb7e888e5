"""Languages: English by default, Simplified Chinese shipped.

The language is, in order: the one chosen with the header's switch (kept in the session), the
logged-in user's saved preference, the switch's cookie, the browser's Accept-Language, English.
An error page reads no user that is not loaded yet, and a database that fails while the user is
read costs the preference, not the page (issue 12 §5).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from certify.extensions import babel

#: Set by the language switch; read when neither the session nor the user says (an error page).
LOCALE_COOKIE = "certify_locale"


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background work speak the default language
        return languages[0]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    # An error page never loads the user for this (the database may be what failed).
    if not g.get("error_page") or "_login_user" in g:
        try:
            if current_user and current_user.is_authenticated and current_user.locale in languages:
                return current_user.locale
        except SQLAlchemyError:  # the database is down: the page still speaks a language
            pass
    chosen = request.cookies.get(LOCALE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def is_chinese() -> bool:
    locale = get_locale()
    return locale is not None and locale.language == "zh"


def localised(obj: Any, attr: str) -> str:
    """Return ``obj.<attr>_zh`` in Chinese (when filled in), else ``obj.<attr>_en``.

    Used as the ``loc`` template filter: ``{{ unit|loc('title') }}``.
    """
    if obj is None:
        return ""
    if is_chinese():
        value = getattr(obj, f"{attr}_zh", "") or ""
        if value:
            return value
    return getattr(obj, f"{attr}_en", "") or ""


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    app.add_template_filter(localised, "loc")
    app.add_template_global(is_chinese)
