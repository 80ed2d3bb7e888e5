"""What each domain adds to the shared pages: navigation links and dashboard panels.

Domains register here from their ``init_app``; the base layout and the dashboard read the registries,
so adding a feature never means editing a shared template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:  # for annotations only: the registry sits below the packages that register
    from certify.auth.models import Role

#: The header menu that gathers administrators' pages.
ADMIN_GROUP = _l("Administration")


@dataclass(frozen=True)
class NavItem:
    """A link in the header for users holding ``role`` (``None``: everyone, also anonymous)."""

    endpoint: str
    label: Any  # a lazy string
    role: Role | None
    order: int = 100
    #: Links with the same group are shown together under one menu in the header.
    group: Any = None  # a lazy string, or None for a top-level link


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
    """Return the header links ``user`` may see, in order, each endpoint once."""
    items = _registry(app)["nav"]
    visible = [
        i for i in items
        if i.role is None or (user.is_authenticated and user.has_role(i.role))
    ]
    seen: set[str] = set()
    unique = []
    for item in sorted(visible, key=lambda i: (i.order, str(i.label))):
        if item.endpoint not in seen:
            seen.add(item.endpoint)
            unique.append(item)
    return unique


def nav_tree(app: Flask, user: Any) -> list[tuple[NavItem | None, Any, list[NavItem]]]:
    """Return the header as entries ``(link, None, [])`` or ``(None, group label, links)``.

    A group appears where its first link would, so the header keeps the registered order.
    """
    tree: list[tuple[NavItem | None, Any, list[NavItem]]] = []
    groups: dict[str, list[NavItem]] = {}
    for item in nav_items(app, user):
        if item.group is None:
            tree.append((item, None, []))
        elif str(item.group) in groups:
            groups[str(item.group)].append(item)
        else:
            groups[str(item.group)] = [item]
            tree.append((None, item.group, groups[str(item.group)]))
    return tree


def dashboard_panels(app: Flask, user: Any) -> list[DashboardPanel]:
    """Return the dashboard panels for ``user``'s roles, in order."""
    panels = _registry(app)["panels"]
    return sorted((p for p in panels if user.has_role(p.role)), key=lambda p: p.order)
