"""CSRF protection on state-changing routes, and the security headers on every page."""

from __future__ import annotations

import re

import sqlalchemy as sa

from certify.auth.models import User
from certify.db import db
from tests.helpers import TEST_PASSWORD, csrf_token_from


def test_state_changing_post_without_token_is_refused(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/register", data={
        "name": "Mallory", "email": "m@example.org", "candidate_id": "E1234567",
        "password": "long enough pw", "confirm": "long enough pw"})
    assert response.status_code == 400
    assert "This form has expired or was not sent from this site" in response.get_data(True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_the_same_post_with_the_page_token_succeeds(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_token_from(client.get("/register").get_data(as_text=True))
    response = client.post("/register", data={
        "csrf_token": token, "name": "Alice", "email": "a@example.org",
        "candidate_id": "E1234567", "password": "long enough pw", "confirm": "long enough pw"})
    assert response.status_code == 302


def test_logout_needs_a_token_too(app_factory, make_user):
    app = app_factory(WTF_CSRF_ENABLED=True)
    email = make_user().email
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"csrf_token": token, "email": email,
                                "password": TEST_PASSWORD})
    assert client.post("/logout").status_code == 400  # a cross-site page cannot log you out
    assert client.get("/dashboard").status_code == 200


def test_csrf_tokens_outlive_a_long_exam(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None or app.config["WTF_CSRF_TIME_LIMIT"] >= 6 * 3600


def test_security_headers_on_pages(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]+)", csp).group(1)
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script_or_style(client):
    html = client.get("/").get_data(as_text=True) + client.get("/login").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script> found"
    assert " style=" not in html and "<style" not in html
    assert not re.search(r"<[^>]+\son[a-z]+=", html), "inline event handler found"


def test_session_cookie_flags(app, candidate, client):
    response = client.post("/login", data={"email": candidate.email, "password": TEST_PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP on localhost
    secure = client.post("/logout", base_url="https://certify.example.org")
    assert "Secure" in secure.headers["Set-Cookie"]
