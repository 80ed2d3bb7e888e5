"""Fixtures of the security suite: the world of objects the route matrix's URLs point at."""

from __future__ import annotations

import shutil

import pytest

from certify import create_app
from certify.auth.models import Role
from certify.db import db
from tests.helpers import IsolatedClient, empty_tables, make_settings
from tests.security.matrix import World, route_modules


@pytest.fixture
def world(app, make_user):
    """Users for every persona, plus what each package's ``build(world)`` adds."""
    w = World()
    w.users = {
        "candidate": make_user(Role.CANDIDATE, name="Owner Candidate"),
        "other_candidate": make_user(Role.CANDIDATE, name="Other Candidate"),
        "examiner": make_user(Role.EXAMINER, name="Matrix Examiner"),
        "admin": make_user(Role.ADMIN, name="Matrix Admin"),
    }
    for module in route_modules():
        if hasattr(module, "build"):
            module.build(w)
    return w


@pytest.fixture(scope="module")
def shared_app(tmp_path_factory, main_database):
    """An app on a database of its own for a whole test module, with its app context pushed.

    Read-mostly suites (IDOR, XSS, leaks, headers) build one world per module instead of one per
    test. A module using it must not also use the function-scoped ``app`` fixture: on PostgreSQL
    that fixture empties every table when a test ends.
    """


    folder = tmp_path_factory.mktemp("shared")
    if main_database["kind"] == "sqlite":
        path = folder / "certify.sqlite3"
        shutil.copyfile(main_database["template"], path)
        url = f"sqlite:///{path}"
    else:
        url = main_database["url"]
    application = create_app(make_settings(folder, url))
    application.test_client_class = IsolatedClient
    with application.app_context():
        yield application
        db.session.remove()
    if main_database["kind"] == "postgresql":
        empty_tables(application)
    with application.app_context():
        db.engine.dispose()
