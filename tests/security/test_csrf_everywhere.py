"""Every state-changing route refuses a request without a valid CSRF token, and changes nothing.

The routes come from the matrix (tests/security/routes_*.py), so a new POST route is covered as soon
as it has an expectation there (test_route_matrix.py makes sure it does).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from certify.db import db
from tests.helpers import TEST_PASSWORD, csrf_token_from
from tests.security.matrix import all_routes

STATE_CHANGING = [r for r in all_routes() if r.method in ("POST", "PUT", "PATCH", "DELETE")]
PREFERENCE = ("admin", "examiner", "candidate", "other_candidate", "anonymous")


def _row_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t))
            for t in db.metadata.sorted_tables}


@pytest.mark.parametrize("route", STATE_CHANGING, ids=lambda r: f"{r.method} {r.endpoint}")
def test_state_changing_route_needs_a_csrf_token(app_factory, app, world, route):
    from flask import url_for

    csrf_app = app_factory(WTF_CSRF_ENABLED=True)
    client = csrf_app.test_client()
    persona = next(p for p in PREFERENCE if p in route.allowed)
    if persona != "anonymous":
        token = csrf_token_from(client.get("/login").get_data(as_text=True))
        logged_in = client.post("/login", data={"csrf_token": token,
                                                "email": world.users[persona].email,
                                                "password": TEST_PASSWORD})
        assert logged_in.status_code == 302
    with csrf_app.test_request_context():
        url = url_for(route.endpoint, **(route.args(world) if route.args else {}))
    before = _row_counts()
    kwargs = {}
    if route.data is not None:
        kwargs["json" if route.json else "data"] = route.data(world)
    response = client.open(url, method=route.method, **kwargs)
    assert response.status_code == 400, f"{route.method} {url} as {persona}: {response.status_code}"
    db.session.expire_all()
    assert _row_counts() == before, f"{route.method} {url} changed data without a CSRF token"
