"""The route × role matrix: every route's expected access for every kind of visitor.

Each domain lists its routes in a ``routes_<domain>.py`` module beside this one, as ``ROUTES``
(a list of :class:`Route`) and, when its URLs need objects, a ``build(world)`` function that creates
them. ``test_route_matrix.py`` checks that every rule of ``app.url_map`` has exactly one entry, so a
new route without an expectation fails the suite.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: The visitors every route is tried with.
PERSONAS = ("anonymous", "candidate", "other_candidate", "examiner", "admin")

PUBLIC = frozenset(PERSONAS)
USERS = frozenset({"candidate", "other_candidate", "examiner", "admin"})
CANDIDATES = frozenset({"candidate", "other_candidate"})
EXAMINERS = frozenset({"examiner"})
ADMINS = frozenset({"admin"})
STAFF = EXAMINERS | ADMINS
#: Objects that belong to ``candidate``: the other candidate must get 403 or 404.
OWNER = frozenset({"candidate"})


class World:
    """Objects the URLs of the matrix point at; ``build`` functions add attributes."""

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(f"the matrix world has no {name!r}: add it in a build() function")


@dataclass(frozen=True)
class Route:
    """The expectation for one URL rule and method.

    :param endpoint: Flask endpoint name.
    :param allowed: personas that may use it; others get: anonymous → the login page (or 401 for
        JSON), logged-in users → 403 (or 404 where hiding the object is the point).
    :param method: the HTTP method tried.
    :param args: builds the URL values from the :class:`World`.
    :param data: form data or JSON sent (``json=True``) for POSTs.
    :param ok: statuses that count as "allowed" (a POST with empty data may fairly answer 400).
    """

    endpoint: str
    allowed: frozenset[str]
    method: str = "GET"
    args: Callable[[World], dict[str, Any]] | None = None
    data: Callable[[World], Any] | None = None
    json: bool = False
    ok: frozenset[int] = field(default_factory=lambda: frozenset({200, 201, 204, 302, 303, 400,
                                                                  409, 422}))
    denied: frozenset[int] = field(default_factory=lambda: frozenset({403, 404}))

    @property
    def key(self) -> tuple[str, str]:
        return (self.endpoint, self.method)


def route_modules() -> list:
    """The ``routes_<package>`` modules beside this file."""
    folder = __import__("pathlib").Path(__file__).parent
    return [importlib.import_module(f"tests.security.{info.name}")
            for info in pkgutil.iter_modules([str(folder)])
            if info.name.startswith("routes_")]


def all_routes() -> list[Route]:
    return [route for module in route_modules() for route in module.ROUTES]
