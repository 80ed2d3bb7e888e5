"""Who may reach what: every route of ``app.url_map`` against every kind of visitor."""

from __future__ import annotations

import pytest

from certify import create_app
from tests.security.matrix import PERSONAS, Route, all_routes

ROUTES: list[Route] = all_routes()


def _rule_methods() -> set[tuple[str, str]]:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "CERTIFICATE_SECRET": "y",
                      "DATABASE_URL": "sqlite://"})
    out = set()
    for rule in app.url_map.iter_rules():
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            out.add((rule.endpoint, method))
    return out


def test_every_route_has_exactly_one_expectation():
    declared = [route.key for route in ROUTES]
    duplicates = {key for key in declared if declared.count(key) > 1}
    assert not duplicates, f"routes listed twice in tests/security/routes_*.py: {duplicates}"
    missing = _rule_methods() - set(declared)
    assert not missing, (
        "these routes have no expectation in tests/security/routes_*.py; add one: "
        f"{sorted(missing)}")
    stale = set(declared) - _rule_methods()
    assert not stale, f"expectations for routes that do not exist: {sorted(stale)}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{r.method} {r.endpoint}")
def test_route_access(app, world, login_as, route):
    from flask import url_for

    with app.test_request_context():
        url = url_for(route.endpoint, **(route.args(world) if route.args else {}))
    failures = []
    for persona in PERSONAS:
        client = app.test_client() if persona == "anonymous" else login_as(world.users[persona])
        kwargs = {}
        if route.data is not None:
            kwargs["json" if route.json else "data"] = route.data(world)
        response = client.open(url, method=route.method, **kwargs)
        status = response.status_code
        login_redirect = status == 302 and "/login" in (response.location or "")
        response.close()
        if persona in route.allowed:
            if status not in route.ok or (login_redirect and persona != "anonymous"):
                failures.append(f"{persona}: expected access, got {status}")
        elif persona == "anonymous":
            if not (login_redirect or status == 401):
                failures.append(f"anonymous: expected the login page or 401, got {status}")
        elif status not in route.denied:
            failures.append(f"{persona}: expected 403/404, got {status}")
    assert not failures, f"{route.method} {url}: " + "; ".join(failures)
