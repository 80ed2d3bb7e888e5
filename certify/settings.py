"""Configuration loading: defaults < instance/config.py < CERTIFY_* environment < test config.

Each setting's type comes from :mod:`certify.config` (its annotation, or the type of its default).
Environment values are text and are converted to that type; values from the other sources are
checked against it. A value that does not fit raises :class:`ConfigError` naming the variable, so a
misconfigured server refuses to start instead of running with the opposite of what was meant
(``bool("false")`` is true).
"""

from __future__ import annotations

import json
import os
import secrets
import time
import types
import typing
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Config, Flask, current_app, has_app_context

from certify import config as defaults

#: The checkout: templates/, migrations/ and question_banks/ live beside the package.
ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "CERTIFY_"

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


class ConfigError(RuntimeError):
    """A setting whose value does not fit its type; the message names the variable."""


def setting(name: str) -> Any:
    """The app's value of setting ``name``, or its default outside an app (pure code, scripts)."""
    return current_app.config[name] if has_app_context() else getattr(defaults, name)


def instance_path() -> str:
    """Return the instance folder: ``CERTIFY_INSTANCE_PATH`` or ``instance/`` in the checkout."""
    return os.environ.get(ENV_PREFIX + "INSTANCE_PATH") or str(ROOT / "instance")


def declared_types() -> dict[str, Any]:
    """Every setting of :mod:`certify.config` with its type (annotation, else its default's)."""
    hints = typing.get_type_hints(defaults, include_extras=True)
    return {name: hints.get(name, type(getattr(defaults, name)))
            for name in dir(defaults) if name.isupper()}


def _parts(hint: Any) -> tuple[Any, bool, defaults.Between | None]:
    """``(base type, None allowed, bounds)`` of a type hint."""
    optional, bounds = False, None
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        optional = len(args) < len(typing.get_args(hint))
        hint = args[0]
    if typing.get_origin(hint) is typing.Annotated:
        hint, *extras = typing.get_args(hint)
        bounds = next((e for e in extras if isinstance(e, defaults.Between)), None)
    return hint, optional, bounds


def _describe(base: Any, bounds: defaults.Between | None) -> str:
    origin = typing.get_origin(base) or base
    text = {bool: "true or false (also 1/0, yes/no, on/off)", int: "a whole number",
            float: "a number", str: "text", timedelta: "a number of seconds",
            tuple: "a list (comma-separated, or a JSON list)",
            list: "a list (comma-separated, or a JSON list)",
            dict: "a JSON object"}.get(origin, getattr(origin, "__name__", str(origin)))
    if bounds is not None and bounds.low is not None and bounds.high is not None:
        text += f" from {bounds.low:g} to {bounds.high:g}"
    elif bounds is not None and bounds.low is not None:
        text += f" of at least {bounds.low:g}"
    elif bounds is not None and bounds.high is not None:
        text += f" of at most {bounds.high:g}"
    return text


def _from_text(raw: str, base: Any) -> Any:
    """Convert an environment value to ``base``; ``ValueError`` when it cannot be."""
    origin = typing.get_origin(base) or base
    text = raw.strip()
    if origin is bool:
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError(raw)
    if origin is int:
        return int(text)
    if origin is float:
        return float(text)
    if origin is timedelta:
        return timedelta(seconds=float(text))
    if origin in (tuple, list):
        if text.startswith("["):
            values = json.loads(text)
            if not isinstance(values, list):
                raise ValueError(raw)
        else:
            values = [part.strip() for part in text.split(",") if part.strip()]
        return origin(values)
    if origin is dict:
        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError(raw)
        return value
    return raw


def _fits(value: Any, base: Any) -> Any:
    """``value`` (from a Python source) as ``base``; ``ValueError`` when it is not one."""
    origin = typing.get_origin(base) or base
    if origin is bool:
        if isinstance(value, bool):
            return value
    elif origin is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif origin is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
    elif origin is timedelta:
        if isinstance(value, timedelta):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return timedelta(seconds=value)
    elif origin in (tuple, list):
        if isinstance(value, list | tuple):
            return origin(value)
    elif origin is dict:
        if isinstance(value, Mapping):
            return value
    elif isinstance(value, origin):
        return value
    raise ValueError(value)


def convert(name: str, value: Any, hint: Any, *, source: str) -> Any:
    """``value`` of setting ``name`` as its declared type (text is parsed, other values checked).

    :param source: where the value came from, for the message (``CERTIFY_BANK_PAGE_SIZE``,
        ``instance/config.py`` …).
    :raise ConfigError: naming the variable, the value and what it should be.
    """
    base, optional, bounds = _parts(hint)
    text_like = base is str or (typing.get_origin(base) or base) in (tuple, list)
    empty = isinstance(value, str) and not text_like and value.strip() in ("", "None")
    if value is None or empty or (optional and isinstance(value, str) and not value.strip()):
        if optional:
            return None
        raise ConfigError(f"{source}: {name} cannot be empty; it must be "
                          f"{_describe(base, bounds)}.")
    try:
        parse = _from_text if isinstance(value, str) and base is not str else _fits
        result = parse(value, base)
    except ValueError:
        raise ConfigError(f"{source}: {value!r} is not a valid value for {name}; it must be "
                          f"{_describe(base, bounds)}.") from None
    if bounds is not None and (
            (bounds.low is not None and result < bounds.low)
            or (bounds.high is not None and result > bounds.high)):
        raise ConfigError(f"{source}: {value!r} is out of range for {name}; it must be "
                          f"{_describe(base, bounds)}.")
    return result


def from_environment(environ: Mapping[str, str], current: Mapping[str, Any]) -> dict[str, Any]:
    """Return the settings given as ``CERTIFY_<NAME>`` variables, typed like their declarations.

    A setting :mod:`certify.config` does not declare (Flask's or an extension's own) takes the type
    of its current value, and is text when it has none.

    :raise ConfigError: naming the first variable whose value does not fit.
    """
    declared = declared_types()
    out = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key == ENV_PREFIX + "INSTANCE_PATH":
            continue
        name = key[len(ENV_PREFIX):]
        if name.startswith("TEST_"):
            continue
        hint = declared.get(name)
        if hint is None:
            known = current.get(name)
            hint = str if known is None else type(known) | None
        out[name] = convert(name, raw, hint, source=key)
    return out


def check(config: Mapping[str, Any], source: str) -> dict[str, Any]:
    """The declared settings in ``config`` converted and checked (see :func:`convert`)."""
    declared = declared_types()
    return {name: convert(name, value, declared[name], source=source)
            for name, value in config.items() if name in declared}


def _secret_from_instance(app: Flask, filename: str) -> str:
    """Read a secret from the instance folder, creating it (mode 0600) on first use.

    ``O_EXCL`` makes concurrent first starts (several gunicorn workers) agree on one value.
    """
    path = Path(app.instance_path) / filename
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
    for _ in range(50):  # another worker may be writing it right now
        value = path.read_text().strip()
        if value:
            return value
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty")


def load(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Fill ``app.config`` from every source, lowest precedence first.

    :raise ConfigError: a value that does not fit its setting (the message names it).
    """
    app.config.from_object(defaults)
    file_config = Config(app.config.root_path)
    file_config.from_pyfile("config.py", silent=True)
    app.config.update(file_config)
    app.config.update(check(file_config, str(Path(app.instance_path) / "config.py")))
    app.config.update(from_environment(os.environ, app.config))
    if test_config:
        app.config.update(test_config)
        app.config.update(check(test_config, "test configuration"))

    if not app.config.get("DATABASE_URL"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = "sqlite:///" + str(
            Path(app.instance_path) / "certify.sqlite3"
        )
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if app.config["DATABASE_URL"].startswith("sqlite"):
        # SQLite with threads (tests, the dev server) and a long busy wait for the write lock.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.setdefault("connect_args", {"timeout": 30, "check_same_thread": False})
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_from_instance(app, "secret_key")
    if not app.config.get("CERTIFICATE_SECRET"):
        app.config["CERTIFICATE_SECRET"] = _secret_from_instance(app, "certificate_secret")
