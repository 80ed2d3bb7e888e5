"""Wire the grading package into the app: blueprint, header links, dashboard panels, demo, CLI."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Nothing yet: the package's views and commands register here as they are built."""
