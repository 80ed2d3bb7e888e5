"""Searches take ``%`` and ``_`` literally (issue 13 §14): a search for "%" is not "everything"."""

from __future__ import annotations

from certify.admin import queries
from certify.auth.models import Role
from certify.db import db


def test_account_search_treats_percent_and_underscore_literally(app, make_user):
    make_user(Role.CANDIDATE, name="Plain Person", email="plain@example.org")
    make_user(Role.CANDIDATE, name="Under_Score", email="under@example.org")
    make_user(Role.CANDIDATE, name="Fifty% Off", email="fifty@example.org")

    def names(text):
        return [u.name for u in db.session.scalars(queries.users(text))]

    assert names("%") == ["Fifty% Off"]
    assert names("_") == ["Under_Score"]
    assert names("d_r") == []  # a wildcard would match "der"


def test_admin_account_page_search_is_literal(admin, make_user, login_as):
    make_user(Role.CANDIDATE, name="Wildcard Victim", email="victim@example.org")
    page = login_as(admin).get("/admin/users/?q=%25").get_data(as_text=True)
    assert "Wildcard Victim" not in page


def test_audit_search_by_action_is_literal(app):
    from certify.audit import audit
    audit("auth.login_failed", None)
    audit("authXlogin", None)
    db.session.commit()
    actions = [e.action for e in db.session.scalars(queries.audit_events("auth_"))]
    assert actions == []
    assert [e.action for e in db.session.scalars(queries.audit_events("auth."))] == [
        "auth.login_failed"]


def test_certificate_search_is_literal(app):
    from certify.certificates.queries import certificates
    sql = str(certificates(text="%").compile(compile_kwargs={"literal_binds": True}))
    assert "\\%" in sql
