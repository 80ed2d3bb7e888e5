"""A request whose database connection dies still gets a proper error reply.

When PostgreSQL drops a connection in the middle of a request (a restart, a failover, an
administrator ending sessions), the request fails with a 500; the error reply must still be the
app's own (JSON for the exam page: it tells "saved" from "logged out" by the reply's type), not the
WSGI server's bare page. The error handler reads the user's language preference from the database,
so the failed transaction must be rolled back before it runs.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from certify.auth.models import Role, User
from certify.db import db

pytestmark = pytest.mark.postgres


def test_a_connection_dropped_mid_request_still_gets_the_apps_json_error(pg_app_factory):
    # Without the pre-ping, a connection ended while idle in the pool fails at the request's first
    # query: the same failure as a connection ended in the middle of a request, made deterministic.
    app = pg_app_factory(SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": False},
                         PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        user = User(name="考生", email="dropped@example.org", candidate_id="D0000001")
        user.set_password("correct horse battery")
        user.set_roles({Role.CANDIDATE})
        db.session.add(user)
        db.session.commit()
        client = app.test_client()
        assert client.post("/login", data={"email": user.email,
                                           "password": "correct horse battery"}).status_code == 302
        db.session.commit()
        admin = sa.create_engine(db.engine.url.set(database="postgres"),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            ended = conn.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :db"),
                {"db": db.engine.url.database}).all()
        admin.dispose()
        assert ended

        response = client.get("/attempts/1/state", headers={"Accept": "application/json"})

        assert response.status_code == 503  # a database that is gone is "server unavailable" (issue 12 §5)
        assert response.is_json and "saved answers are safe" in response.get_json()["error"]
        # The next request is served normally (a fresh connection).
        assert client.get("/attempts/1/state", headers={"Accept": "application/json"}
                          ).status_code == 404
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
