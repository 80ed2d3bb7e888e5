"""English by default; the shipped Simplified Chinese catalog renders pages in Chinese."""

from __future__ import annotations

from certify.auth.models import User
from certify.db import db


def test_english_is_the_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "AI Trainer certification" in page


def test_browser_language_chinese_gets_a_chinese_page(client):
    page = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(True)
    assert '<html lang="zh-Hans">' in page
    assert "人工智能训练师职业技能等级认定" in page
    assert "考生注册" in page


def test_the_header_switch_changes_language_and_back(client):
    response = client.post("/language", data={"locale": "zh", "next": "/login"})
    assert response.status_code == 302 and response.location == "/login"
    assert "电子邮箱" in client.get("/login").get_data(as_text=True)
    client.post("/language", data={"locale": "en"})
    assert "E-mail" in client.get("/login").get_data(as_text=True)


def test_a_logged_in_users_choice_is_remembered_for_next_time(app, candidate, login_as):
    client = login_as(candidate)
    client.post("/language", data={"locale": "zh"})
    assert db.session.get(User, candidate.id).locale == "zh"
    fresh = login_as(candidate)  # a new browser: no session language, the saved preference wins
    assert "工作台" in fresh.get("/dashboard").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    client.post("/language", data={"locale": "xx"})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
