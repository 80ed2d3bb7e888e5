"""Configuration loading: defaults < instance/config.py < CERTIFY_* environment < test config."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from certify import config as defaults

ENV_PREFIX = "CERTIFY_"


def instance_path() -> str:
    """Return the instance folder: ``CERTIFY_INSTANCE_PATH`` or ``instance/`` in the checkout."""
    from certify import ROOT

    return os.environ.get(ENV_PREFIX + "INSTANCE_PATH") or str(ROOT / "instance")


def _convert(raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, timedelta):
        return timedelta(seconds=float(raw))
    if isinstance(default, list | tuple | dict):
        return json.loads(raw)
    return raw


def from_environment(environ: Mapping[str, str], current: Mapping[str, Any]) -> dict[str, Any]:
    """Return the settings given as ``CERTIFY_<NAME>`` variables, typed like their defaults."""
    out = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key == ENV_PREFIX + "INSTANCE_PATH":
            continue
        name = key[len(ENV_PREFIX):]
        if name.startswith("TEST_"):
            continue
        out[name] = _convert(raw, current.get(name))
    return out


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
        import time

        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty")


def load(app: Flask, test_config: Mapping[str, Any] | None) -> None:
    """Fill ``app.config`` from every source, lowest precedence first."""
    app.config.from_object(defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(from_environment(os.environ, app.config))
    if test_config:
        app.config.update(test_config)

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
