"""A database outage is reported as one: "server unavailable", never "you are logged out"
(issue 12 §5).

The app is pointed at a PostgreSQL URL where nothing listens (no mock: every query really fails to
connect). A logged-in candidate's session cookie is still valid, so the user loader's query is the
first to fail: the reply must be the app's own 503 (JSON for the exam page, which tells "server
unavailable" from "logged out" by it), and the error page must render without the database, in
the language of the session, the language cookie or the browser. ``/healthz`` says which
dependency fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from certify import create_app
from certify.i18n import LOCALE_COOKIE
from tests.helpers import make_settings

#: Port 1 on the loopback: the connection is refused at once.
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/certify_outage"


@pytest.fixture
def down_app(tmp_path: Path):  # type: ignore[no-untyped-def]
    return create_app(make_settings(tmp_path, UNREACHABLE, PROPAGATE_EXCEPTIONS=False))


def logged_in(app, **session_values):  # type: ignore[no-untyped-def]
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"
        session["_fresh"] = True
        session.update(session_values)
    return client


def test_healthz_names_the_database_when_it_is_unreachable(down_app):
    response = down_app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.is_json
    assert response.get_json()["failing"] == ["database"]


def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_the_exam_pages_save_gets_json_server_unavailable_not_a_bare_500(down_app):
    client = logged_in(down_app)
    response = client.post("/attempts/1/answers", json={"seq": 1, "answers": []},
                           headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert response.is_json, response.data[:200]
    body = response.get_json()
    assert body["unavailable"] == "database"
    assert "unavailable" in body["error"]
    assert "logged out" not in body["error"]


def test_the_state_request_in_chinese_gets_a_chinese_json_reply(down_app):
    client = logged_in(down_app, locale="zh")
    response = client.get("/attempts/1/state", headers={"Accept": "application/json"})
    assert response.status_code == 503
    assert "服务器暂时无法使用" in response.get_json()["error"]


@pytest.mark.parametrize(("how", "expected"), [
    ("session", "服务器暂时无法使用"),
    ("cookie", "服务器暂时无法使用"),
    ("accept-language", "服务器暂时无法使用"),
    ("nothing", "The server is unavailable at the moment"),
])
def test_the_error_page_renders_without_the_database_in_the_users_language(down_app, how,
                                                                           expected):
    client = logged_in(down_app, **({"locale": "zh"} if how == "session" else {}))
    if how == "cookie":
        client.set_cookie(LOCALE_COOKIE, "zh")
    headers = {"Accept-Language": "zh-CN,zh;q=0.9"} if how == "accept-language" else {}
    response = client.get("/dashboard", headers=headers)
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert expected in page
    assert "<h1>503</h1>" in page


def test_the_language_switch_sets_the_cookie_error_pages_read(client):
    response = client.post("/language", data={"locale": "zh", "next": "/"})
    assert response.status_code == 302
    assert f"{LOCALE_COOKIE}=zh" in response.headers.get("Set-Cookie", "")
