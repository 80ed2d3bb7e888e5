"""The sitting's ZIP of certificates is a GET that writes (its audit row) after a long read: on
SQLite another writer committing meanwhile made that write fail with "database is locked" (a 500)
until the download got a write transaction of its own (issue 13 §13)."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from certify.audit import AuditEvent
from certify.certificates import operations
from certify.db import db
from certify.main.models import Marker
from tests.certificates.pass_helpers import build_pass, build_sitting


def test_a_writer_committing_during_the_zip_does_not_fail_the_download(app, admin, make_user,
                                                                       login_as, monkeypatch):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL never refuses a read transaction's first write this way")
    sitting = build_sitting()
    for n in range(2):
        operations.issue_certificate(build_pass(make_user(name=f"Holder {n}"), sitting), actor=admin)
    db.session.commit()
    client = login_as(admin)

    start, done = threading.Event(), threading.Event()

    def other_writer() -> None:  # another request, e.g. a candidate's autosave
        start.wait(10)
        with app.app_context(), db.engine.connect() as connection:
            connection.execute(sa.insert(Marker).values(name="other writer", value=""))
            connection.commit()
        done.set()

    render = operations.render_pdf

    def slow_render(certificate, base_url):  # the long read: another writer commits meanwhile
        start.set()
        done.wait(2)  # with the write lock held, the writer waits for us instead
        return render(certificate, base_url)

    monkeypatch.setattr(operations, "render_pdf", slow_render)
    writer = threading.Thread(target=other_writer)
    writer.start()
    response = client.get(f"/admin/certificates/sittings/{sitting.id}/certificates.zip")
    writer.join(30)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    response.close()
    assert done.is_set(), "the other writer finished too"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "certificate.zip_downloaded")) == 1
    assert db.session.get(Marker, "other writer") is not None
