"""One rule for times (issue 12 §21): shown and entered in the site's zone (BABEL_DEFAULT_TIMEZONE,
default Asia/Shanghai), 24-hour, the zone named on pages and forms; the browser never formats a
time in its own zone or a 12-hour clock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from certify.db import db
from certify.exams.models import Sitting
from tests.helpers import csrf_token_from

JS = Path(__file__).resolve().parents[2] / "certify" / "static" / "js"


def test_the_sitting_form_names_the_zone_and_stores_what_was_typed_in_it(app, setup, admin,
                                                                          login_as):
    client = login_as(admin)
    form = client.get("/admin/sittings/new").text
    assert "your time zone" not in form
    assert "Asia/Shanghai, UTC+08:00" in form and "24-hour" in form
    response = client.post("/admin/sittings/new", data={
        "csrf_token": csrf_token_from(form), "exam": str(setup.exam.id), "title": "Morning",
        "location": "", "opens": "2030-05-06T09:00", "closes": "2030-05-06T11:30",
        "access_code": ""})
    assert response.status_code == 302
    sitting = db.session.scalars(db.select(Sitting).filter_by(title="Morning")).one()
    assert sitting.opens_dt == datetime(2030, 5, 6, 1, 0, tzinfo=UTC)
    page = client.get(f"/admin/sittings/{sitting.id}").text
    assert "2030-05-06 09:00" in page and "Asia/Shanghai, UTC+08:00" in page


def test_every_page_names_the_zone(client):
    page = client.get("/login").text
    assert '<meta name="site-time-zone" content="Asia/Shanghai">' in page
    assert "All times are in Asia/Shanghai, UTC+08:00, 24-hour clock." in page


def test_no_script_formats_a_time_in_the_browsers_zone():
    for path in JS.rglob("*.js"):
        assert "toLocaleTimeString" not in path.read_text(encoding="utf-8"), path
