"""Registration, login, logout, lock-out, deactivation and the audit trail of each."""

from __future__ import annotations

import sqlalchemy as sa

from certify.audit import AuditEvent
from certify.auth.models import Role, User, UserSession
from certify.db import db
from tests.helpers import TEST_PASSWORD


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


def register(client, **overrides):
    data = {"name": "欧阳 娜娜", "email": "Nana@Example.org", "candidate_id": "11010519491231002X",
            "password": "a long enough pass", "confirm": "a long enough pass"}
    data.update(overrides)
    return client.post("/register", data=data)


def test_candidate_registers_with_a_chinese_name_and_sees_it(client):
    response = register(client, name="  欧阳\u3000娜娜 ")
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User))
    assert user.name == "欧阳 娜娜"  # ideographic space folded, ends trimmed
    assert user.email == "nana@example.org"
    assert user.roles == {Role.CANDIDATE}
    assert user.password_hash != "a long enough pass"
    page = client.get("/dashboard").get_data(as_text=True)
    assert "欧阳 娜娜" in page
    assert "auth.registered" in actions()


def test_registration_errors_name_the_field_and_change_nothing(client, make_user):
    make_user(Role.CANDIDATE, email="taken@example.org", candidate_id="E7654321")
    cases = [
        ({"email": "taken@example.org"}, "An account with this e-mail address exists already."),
        ({"candidate_id": "e7654321"}, "An account with this ID document number exists already."),
        ({"candidate_id": "110105194912310021"}, "check character is wrong"),
        ({"candidate_id": "12"}, "Use 6 to 32 letters and digits"),
        ({"name": "   "}, "Enter your full name."),
        ({"name": "1234"}, "A name must contain letters."),
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters."),
        ({"confirm": "something else"}, "The passwords differ."),
    ]
    for overrides, message in cases:
        response = register(client, **overrides)
        assert response.status_code == 200, overrides
        assert message in response.get_data(as_text=True), overrides
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_login_starts_a_fresh_session_and_logout_really_ends_it(app, client, candidate, auth):
    client.get("/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    response = auth.login(candidate)
    assert response.status_code == 302 and response.location.endswith("/dashboard")
    with client.session_transaction() as sess:
        assert "planted" not in sess
        token = sess["_user_id"]
    assert client.get("/dashboard").status_code == 200

    # Keep a copy of the logged-in cookie, as an attacker on a shared computer might.
    stolen = app.test_client()
    with client.session_transaction() as sess, stolen.session_transaction() as copy:
        copy.update(dict(sess))
    assert stolen.get("/dashboard").status_code == 200

    auth.logout()
    assert client.get("/dashboard").status_code == 302
    assert stolen.get("/dashboard").status_code == 302  # the copied cookie is dead too
    session_row = db.session.get(UserSession, token)
    assert session_row.ended_dt is not None
    assert actions()[-2:] == ["auth.login", "auth.logout"]


def test_wrong_password_is_refused_and_audited(client, candidate, auth):
    response = auth.login(candidate, password="wrong password")
    assert response.status_code == 200
    assert "Wrong e-mail address or password." in response.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302
    unknown = auth.login("nobody@example.org")
    assert unknown.status_code == 200
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "auth.login_failed")).all()
    assert [e.details["reason"] for e in events] == ["password", "unknown"]


def test_repeated_failures_lock_the_account_out(client, candidate, auth):
    for _ in range(5):
        assert auth.login(candidate, password="wrong password").status_code == 200
    locked = auth.login(candidate)  # even the right password is refused now
    assert locked.status_code == 429
    assert "Too many attempts" in locked.get_data(as_text=True)
    assert client.get("/dashboard").status_code == 302


def test_successful_logins_do_not_count_against_the_limit(app, candidate, auth):
    for _ in range(8):
        assert auth.login(candidate).status_code == 302
        auth.logout()


def test_lockout_of_one_account_does_not_lock_another(client, make_user, auth):
    victim, other = make_user(Role.CANDIDATE), make_user(Role.CANDIDATE)
    for _ in range(6):
        auth.login(victim, password="wrong password")
    assert auth.login(other).status_code == 302


def test_deactivation_ends_every_session_and_blocks_login(app, admin, candidate, login_as, auth):
    candidate_client = login_as(candidate)
    admin_client = login_as(admin)
    response = admin_client.post(f"/admin/users/{candidate.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert candidate_client.get("/dashboard").status_code == 302
    assert auth.login(candidate).status_code == 200
    db.session.expire_all()
    assert not db.session.get(User, candidate.id).is_active
    assert {"auth.user_deactivated"} <= set(actions())


def test_admin_creates_an_examiner_and_changes_roles_audited(admin, login_as):
    client = login_as(admin)
    response = client.post("/admin/users/new", data={
        "name": "Wang Fang", "email": "wf@example.org", "is_examiner": "y",
        "password": "examiner password"})
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == "wf@example.org"))
    assert user.roles == {Role.EXAMINER}
    response = client.post(f"/admin/users/{user.id}", data={"is_examiner": "y", "is_admin": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user.id).roles == {Role.EXAMINER, Role.ADMIN}
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "auth.roles_changed"))
    assert event.details == {"before": ["examiner"], "after": ["admin", "examiner"]}
    assert event.actor_id == admin.id


def test_admin_cannot_remove_own_admin_role_or_deactivate_self(admin, login_as):
    client = login_as(admin)
    client.post(f"/admin/users/{admin.id}", data={"is_examiner": "y"})
    client.post(f"/admin/users/{admin.id}/active", data={"active": "0"})
    db.session.expire_all()
    fresh = db.session.get(User, admin.id)
    assert fresh.has_role(Role.ADMIN) and fresh.is_active


def test_a_candidate_role_needs_an_id_number(admin, login_as):
    response = login_as(admin).post("/admin/users/new", data={
        "name": "No Id", "email": "noid@example.org", "is_candidate": "y",
        "password": "long password here"})
    assert response.status_code == 200
    assert "A candidate needs an ID document number." in response.get_data(as_text=True)


def test_password_change_logs_out_other_sessions(app, candidate, login_as):
    here, elsewhere = login_as(candidate), login_as(candidate)
    response = here.post("/account", data={
        "current": TEST_PASSWORD, "password": "a brand new pass", "confirm": "a brand new pass"})
    assert response.status_code == 302
    assert here.get("/dashboard").status_code == 200
    assert elsewhere.get("/dashboard").status_code == 302


def test_next_parameter_cannot_redirect_off_site(client, candidate):
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post(f"/login?next={target}",
                               data={"email": candidate.email, "password": TEST_PASSWORD})
        assert response.location == "/dashboard", target
        client.post("/logout")
    response = client.post("/login?next=/syllabus/",
                           data={"email": candidate.email, "password": TEST_PASSWORD})
    assert response.location == "/syllabus/"


def test_admin_corrects_a_name_with_a_reason_audited(admin, candidate, make_user, login_as):
    client = login_as(admin)
    response = client.post(f"/admin/users/{candidate.id}/details", data={
        "name": "张 伟", "email": candidate.email, "candidate_id": candidate.candidate_id,
        "reason": "Space missing at registration"})
    assert response.status_code == 302
    assert db.session.get(User, candidate.id).name == "张 伟"
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "auth.details_changed"))
    assert event.details["before"] == {"name": "张伟"}
    assert event.details["reason"] == "Space missing at registration"

    other = make_user(Role.CANDIDATE, email="other@example.org")
    clash = client.post(f"/admin/users/{candidate.id}/details", data={
        "name": "张 伟", "email": other.email, "candidate_id": candidate.candidate_id,
        "reason": "typo"})
    assert "exists already" in clash.get_data(as_text=True)
    assert db.session.get(User, candidate.id).email == candidate.email
