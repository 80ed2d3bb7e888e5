"""What each domain adds to the shared pages: navigation links and dashboard panels.

Domains register here from their ``init_app``; the base layout and the dashboard read the registries,
so adding a feature never means editing a shared template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask

from certify.auth.models import Role


@dataclass(frozen=True)
class NavItem:
    """A link in the header for users holding ``role`` (``None``: everyone, also anonymous)."""

    endpoint: str
    label: Any  # a lazy string
    role: Role | None
    order: int = 100


@dataclass(frozen=True)
class DashboardPanel:
    """A panel on the dashboard of users holding ``role``.

    ``context`` is called with the current user and returns the template's variables.
    """

    name: str
    role: Role
    template: str
    context: Callable[[Any], dict[str, Any]] = field(default=lambda user: {})
    order: int = 100


def _registry(app: Flask) -> dict[str, list]:
    return app.extensions.setdefault("certify_registry", {"nav": [], "panels": []})


def add_nav(app: Flask, item: NavItem) -> None:
    """Register a header link."""
    _registry(app)["nav"].append(item)


def add_panel(app: Flask, panel: DashboardPanel) -> None:
    """Register a dashboard panel; names must be unique."""
    panels = _registry(app)["panels"]
    if any(p.name == panel.name for p in panels):
        raise ValueError(f"dashboard panel {panel.name!r} is registered twice")
    panels.append(panel)


def nav_items(app: Flask, user: Any) -> list[NavItem]:
    """Return the header links ``user`` may see, in order."""
    items = _registry(app)["nav"]
    visible = [
        i for i in items
        if i.role is None or (user.is_authenticated and user.has_role(i.role))
    ]
    return sorted(visible, key=lambda i: (i.order, str(i.label)))


def dashboard_panels(app: Flask, user: Any) -> list[DashboardPanel]:
    """Return the dashboard panels for ``user``'s roles, in order."""
    panels = _registry(app)["panels"]
    return sorted((p for p in panels if user.has_role(p.role)), key=lambda p: p.order)
