"""Sittings and enrolments: windows, access codes, one by one or by CSV (all or nothing)."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from certify.audit import AuditEvent
from certify.db import db
from certify.exams.models import Enrolment, Sitting
from tests.exams.exam_helpers import start


def _csv(text: str):
    return {"file": (io.BytesIO(text.encode("utf-8-sig")), "candidates.csv")}


def test_scheduling_a_sitting_in_local_time(setup, admin, login_as):
    client = login_as(admin)
    form = client.get(f"/admin/sittings/new?exam={setup.exam.id}")
    assert f'<option selected value="{setup.exam.id}">' in form.text
    response = client.post("/admin/sittings/new", data={
        "exam": setup.exam.id, "title": "Beijing, March", "location": "Room 101",
        "opens": "2030-03-04T09:00", "closes": "2030-03-04T12:00", "access_code": "river7"})
    assert response.status_code == 302
    sitting = db.session.scalar(sa.select(Sitting).where(Sitting.title == "Beijing, March"))
    # Asia/Shanghai is UTC+8.
    assert sitting.opens_dt.isoformat() == "2030-03-04T01:00:00+00:00"
    assert sitting.access_code == "RIVER7"
    backwards = client.post("/admin/sittings/new", data={
        "exam": setup.exam.id, "title": "Backwards", "opens": "2030-03-04T12:00",
        "closes": "2030-03-04T09:00"})
    assert "The window must close after it opens." in backwards.text


def test_enrolling_one_candidate_by_email_or_id_number(setup, admin, login_as, make_user):
    other = make_user(email="li.na@example.org", candidate_id="110105199001011234")
    client = login_as(admin)
    ok = client.post(f"/admin/sittings/{setup.sitting.id}/enrol",
                     data={"identifier": "110105199001011234", "extra_time_pct": "25"})
    assert ok.status_code == 302
    enrolment = db.session.scalar(sa.select(Enrolment).where(Enrolment.candidate_id == other.id))
    assert enrolment.extra_time_pct == 25
    twice = client.post(f"/admin/sittings/{setup.sitting.id}/enrol",
                        data={"identifier": "LI.NA@example.org"})
    assert twice.status_code == 422 and "is enrolled already" in twice.text
    unknown = client.post(f"/admin/sittings/{setup.sitting.id}/enrol",
                          data={"identifier": "nobody@example.org"})
    assert "No active candidate has the e-mail address or ID number" in unknown.text
    examiner_only = make_user("examiner", email="ex@example.org")
    assert "No active candidate" in client.post(
        f"/admin/sittings/{setup.sitting.id}/enrol", data={"identifier": examiner_only.email}).text


def test_a_csv_with_bad_rows_enrols_nobody_and_names_every_row_and_column(setup, admin, login_as,
                                                                         make_user):
    make_user(email="a@example.org")
    make_user(email="b@example.org", candidate_id="B1234567")
    text = ("email,candidate_id,extra_time_pct\n"
            "a@example.org,,10\n"
            "ghost@example.org,,0\n"
            ",B1234567,250\n"
            "a@example.org,,0\n"
            ",,\n"
            ",Z9999999,\n")
    page = login_as(admin).post(f"/admin/sittings/{setup.sitting.id}/enrol-csv", data=_csv(text),
                                content_type="multipart/form-data")
    assert page.status_code == 422
    assert "Nothing was imported" in page.text
    assert "Row 3, column email: no active candidate has the address “ghost@example.org”." in page.text
    assert "Row 4, column extra_time_pct: must be between 0 and 200." in page.text
    assert "Row 5: " in page.text and "is listed already in row 2." in page.text
    assert "Row 7, column candidate_id: no active candidate has the ID number “Z9999999”." in page.text
    assert "Row 6" not in page.text  # a blank line is skipped
    assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 1  # the fixture's


def test_a_valid_csv_enrols_everyone_and_updates_extra_time(setup, admin, login_as, make_user):
    make_user(email="a@example.org")
    make_user(email="b@example.org", candidate_id="B1234567")
    text = (f"candidate_id;email;extra_time_pct\n"
            f";a@example.org;10\n"
            f"b1234567;;\n"
            f";{setup.candidate.email};50\n")
    response = login_as(admin).post(f"/admin/sittings/{setup.sitting.id}/enrol-csv",
                                    data=_csv(text), content_type="multipart/form-data")
    assert response.status_code == 302
    rows = dict(db.session.execute(sa.select(Enrolment.candidate_id, Enrolment.extra_time_pct)).all())
    assert len(rows) == 3 and rows[setup.candidate.id] == 50 and sorted(rows.values()) == [0, 10, 50]
    assert db.session.scalar(sa.select(AuditEvent.details).where(
        AuditEvent.action == "exam.enrolments_imported")) == {"created": 2, "updated": 1,
                                                             "unchanged": 0}


def test_a_csv_needs_a_known_header(setup, admin, login_as):
    page = login_as(admin).post(f"/admin/sittings/{setup.sitting.id}/enrol-csv",
                                data=_csv("name,phone\nAda,123\n"),
                                content_type="multipart/form-data")
    assert "Header: unknown column(s) name, phone" in page.text
    assert "needs an “email” or a “candidate_id” column" in page.text


def test_extra_time_is_fixed_once_the_candidate_started(setup, admin, login_as):
    client = login_as(admin)
    url = f"/admin/sittings/{setup.sitting.id}/enrolments/{setup.enrolment.id}"
    client.post(url + "/extra-time", data={"extra_time_pct": "30"})
    assert db.session.get(Enrolment, setup.enrolment.id).extra_time_pct == 30
    start(setup.enrolment)
    refused = client.post(url + "/extra-time", data={"extra_time_pct": "60"},
                          follow_redirects=True)
    assert "the extra time is fixed" in refused.text
    assert db.session.get(Enrolment, setup.enrolment.id).extra_time_pct == 30
    withdraw = client.post(url + "/withdraw", follow_redirects=True)
    assert "cannot be withdrawn" in withdraw.text


def test_a_sitting_with_attempts_cannot_be_deleted_or_moved(setup, admin, login_as):
    from tests.exams.exam_helpers import make_definition

    other_exam = make_definition(setup.level, title="Another exam")
    client = login_as(admin)
    start(setup.enrolment)
    refused = client.post(f"/admin/sittings/{setup.sitting.id}/delete", follow_redirects=True)
    assert "cannot be deleted" in refused.text
    sitting = db.session.get(Sitting, setup.sitting.id)
    moved = client.post(f"/admin/sittings/{sitting.id}/edit", data={
        "exam": other_exam.id, "title": sitting.title, "opens": "2030-01-01T09:00",
        "closes": "2030-01-01T12:00"})
    assert "its exam cannot change" in moved.text
    longer = client.post(f"/admin/sittings/{sitting.id}/edit", data={
        "exam": setup.exam.id, "title": sitting.title, "opens": "2030-01-01T09:00",
        "closes": "2030-01-02T12:00"})
    assert longer.status_code == 302


def test_an_unstarted_sitting_is_deleted_with_its_enrolments(setup, admin, login_as):
    response = login_as(admin).post(f"/admin/sittings/{setup.sitting.id}/delete")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Enrolment.id))) == 0


def test_the_candidate_dashboard_lists_sittings_by_state(setup, login_as):
    from tests.factories import enrol, make_sitting

    later = make_sitting(setup.exam, title="Next week",
                         opens=setup.sitting.opens_dt + timedelta(days=7),
                         closes=setup.sitting.closes_dt + timedelta(days=7))
    enrol(later, setup.candidate)
    page = login_as(setup.candidate).get("/dashboard")
    text = page.text
    assert "My sittings" in text
    assert text.index("open now") < text.index("upcoming")
    assert f"/sittings/{setup.sitting.id}/start" in text
    attempt = start(setup.enrolment)
    page = login_as(setup.candidate).get("/dashboard")
    assert "Continue the exam" in page.text and f"/attempts/{attempt.id}" in page.text
