"""The verify page in Chinese (issue 12 §19): the occupation once, the level in Chinese only."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import time_machine

from certify.auth.models import Role
from certify.certificates import operations
from certify.certificates.verification import format_code
from certify.db import db

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


def test_the_verify_page_in_chinese(app, client, make_user, make_pass, admin):
    holder = make_user(Role.CANDIDATE, name="欧阳娜娜")
    with time_machine.travel(datetime(2026, 3, 10, 2, 0, tzinfo=UTC), tick=False):
        certificate, _ = operations.issue_certificate(make_pass(holder), actor=admin)
    db.session.commit()
    html = client.get(f"/verify/{certificate.number}", headers=ZH,
                      query_string={"code": format_code(certificate.verification_code)}).text
    facts = re.search(r'<dl class="facts">(.*?)</dl>', html, re.S).group(1)
    assert facts.count("人工智能训练师") == 1
    assert "Intermediate" not in facts and "Level 4" not in facts and "Trainer" not in facts
    assert "四级 / 中级工" in facts
    # English keeps both names: the certificate itself is bilingual.
    english = client.get(f"/verify/{certificate.number}").text
    assert "Artificial Intelligence Trainer" in english and "Level 4 — Intermediate" in english
