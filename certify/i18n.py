"""Languages: English by default, Simplified Chinese shipped.

The language is, in order: the one chosen with the header's switch (kept in the session), the
logged-in user's saved preference, the browser's Accept-Language, English.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

from certify.extensions import babel


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background work speak the default language
        return languages[0]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
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
