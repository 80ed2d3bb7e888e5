"""Security headers on every response, and the session cookie's flags.

Every GET route of the route matrix is fetched as every persona (so pages, redirects to the login
page, 403 pages, JSON, downloads and assets are all seen), plus the error pages (400, 404, 405,
413, 429, 500, as HTML and as JSON). Each response must carry a Content-Security-Policy whose
scripts are only the site's own (no ``'unsafe-inline'`` or ``'unsafe-eval'``, no wildcard), forbid
framing (``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``) and carry
``X-Content-Type-Options: nosniff``. Pages with personal data are not cached.

Cookies: HttpOnly and SameSite=Lax always; Secure whenever the request came over HTTPS — directly,
or through a proxy (``PROXY_FIX``) that says so in ``X-Forwarded-Proto``, which is only believed
when ``PROXY_FIX`` is on.
"""

from __future__ import annotations

import io
import re

import pytest

from tests.helpers import TEST_PASSWORD, csrf_token_from
from tests.security.matrix import PERSONAS, all_routes

GET_ROUTES = [route for route in all_routes() if route.method == "GET"]


# Static files and public, personal-data-free documents meant to be cached (issue 13 §8); every
# other response (pages, JSON, CSV, XLSX, JSONL, PDF, redirects, refusals) says no-store.
CACHEABLE_ENDPOINTS = {"static", "banks.asset", "certificates.jwks"}


def header_problems(response, *, cacheable: bool = False) -> list[str]:
    """What is missing or weak in one response's security headers."""
    headers = response.headers
    problems = []
    csp = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.split()}
    scripts = directives.get("script-src", directives.get("default-src"))
    if not csp:
        problems.append("no Content-Security-Policy")
    elif scripts is None:
        problems.append("CSP without script-src or default-src")
    elif {"'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:"} & set(scripts):
        problems.append(f"CSP allows unsafe scripts: {' '.join(scripts)}")
    if directives.get("frame-ancestors") != ["'none'"] and "sandbox" not in directives:
        problems.append(f"CSP frame-ancestors is {directives.get('frame-ancestors')}")
    if "object-src" in directives and directives["object-src"] != ["'none'"]:
        problems.append("CSP allows plugins")
    if headers.get("X-Frame-Options") != "DENY":
        problems.append(f"X-Frame-Options is {headers.get('X-Frame-Options')!r}")
    if headers.get("X-Content-Type-Options") != "nosniff":
        problems.append("no X-Content-Type-Options: nosniff")
    if not cacheable and "no-store" not in headers.get("Cache-Control", ""):
        problems.append(f"a {response.mimetype} response without Cache-Control: no-store")
    return problems


def test_the_check_notices_weak_headers(app):
    from flask import Response

    weak = Response("x", headers={"Content-Security-Policy": "script-src 'self' 'unsafe-inline'"})
    found = header_problems(weak)
    assert any("unsafe" in p for p in found) and any("X-Frame" in p for p in found)
    assert any("nosniff" in p for p in found) and any("frame-ancestors" in p for p in found)


def test_every_response_of_every_get_route_has_the_headers(app, world, login_as):
    from flask import url_for

    clients = {persona: app.test_client() if persona == "anonymous"
               else login_as(world.users[persona]) for persona in PERSONAS}
    failures = []
    seen = set()
    for route in GET_ROUTES:
        with app.test_request_context():
            target = url_for(route.endpoint, **(route.args(world) if route.args else {}))
        for persona, client in clients.items():
            response = client.get(target)
            seen.add((response.status_code, response.mimetype))
            failures += [f"{persona} GET {target} ({response.status_code}): {problem}"
                         for problem in header_problems(
                             response, cacheable=route.endpoint in CACHEABLE_ENDPOINTS)]
            response.close()
    assert not failures, "\n".join(failures)
    # Pages, redirects, refusals, JSON, downloads and an asset were all among them.
    statuses = {status for status, _mimetype in seen}
    kinds = {mimetype for _status, mimetype in seen}
    assert {200, 302, 403} <= statuses
    assert {"text/html", "application/json", "text/csv", "application/pdf", "image/png",
            "text/css", "image/svg+xml"} <= kinds, kinds


def test_error_pages_have_the_headers(app_factory, make_user):
    app = app_factory(TESTING=False, PROPAGATE_EXCEPTIONS=False, WTF_CSRF_ENABLED=True,
                      MAX_CONTENT_LENGTH=1024)

    def boom():
        raise RuntimeError("a bug: the error page must not show this")

    app.add_url_rule("/__boom", "boom", boom)
    client = app.test_client()
    responses = {
        "404": client.get("/no/such/page"),
        "404 json": client.get("/no/such/page", headers={"Accept": "application/json"}),
        "405": client.get("/logout"),
        "400 csrf": client.post("/login", data={"email": "a@example.org", "password": "x"}),
        "413": client.post("/register", data={"name": "x" * 4096}),
        "500": client.get("/__boom"),
    }
    with app.app_context():
        email = make_user().email
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    for _ in range(6):
        last = client.post("/login", data={"csrf_token": token, "email": email,
                                           "password": "wrong password"})
    responses["429"] = last
    failures = []
    for name, response in responses.items():
        expected = int(name.split()[0])
        assert response.status_code == expected, f"{name}: {response.status_code}"
        failures += [f"{name}: {problem}" for problem in header_problems(response)]
    assert not failures, "\n".join(failures)
    assert "a bug" not in responses["500"].get_data(as_text=True)
    assert responses["404 json"].get_json()["status"] == 404
    assert "The upload is too large." in responses["413"].get_data(as_text=True)


def _set_cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def _login(client, email: str, **kwargs):
    return client.post("/login", data={"email": email, "password": TEST_PASSWORD}, **kwargs)


def test_cookies_over_plain_http_are_httponly_and_lax(app, candidate):
    client = app.test_client()
    cookies = _set_cookies(client.get("/login")) + _set_cookies(_login(client, candidate.email))
    cookies += _set_cookies(client.post("/language", data={"locale": "zh"}))
    assert cookies
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie
        assert "Secure" not in cookie  # a plain-HTTP development server could not send it back


def test_cookies_over_https_are_secure(app, candidate):
    client = app.test_client()
    response = _login(client, candidate.email, base_url="https://certify.example.org")
    cookies = _set_cookies(response)
    assert cookies and all(re.search(r";\s*Secure", c) for c in cookies), cookies
    assert all("HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
    assert "max-age=" in response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize("proxy_fix", [True, False])
def test_behind_a_proxy_the_forwarded_scheme_decides(app_factory, make_user, proxy_fix):
    app = app_factory(PROXY_FIX=proxy_fix)
    with app.app_context():
        email = make_user().email
    client = app.test_client()
    response = _login(client, email, headers={"X-Forwarded-Proto": "https",
                                              "X-Forwarded-For": "203.0.113.9"})
    cookies = _set_cookies(response)
    assert cookies
    secure = all(re.search(r";\s*Secure", c) for c in cookies)
    # Only a configured proxy is believed: otherwise anyone could send the header.
    assert secure is proxy_fix, cookies
    assert ("Strict-Transport-Security" in response.headers) is proxy_fix


def test_a_download_is_an_attachment_and_an_asset_is_sandboxed(app, world, login_as):
    client = login_as(world.users["admin"])
    export = client.get("/bank/export?format=csv")
    assert export.headers["Content-Disposition"].startswith("attachment")
    asset = login_as(world.users["candidate"]).get(f"/bank/assets/{world.asset_sha}")
    csp = asset.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert asset.mimetype == "image/png" and asset.headers["X-Content-Type-Options"] == "nosniff"
    assert io.BytesIO(asset.get_data()).read(8) == b"\x89PNG\r\n\x1a\n"
    asset.close()
    export.close()
