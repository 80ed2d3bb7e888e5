"""Insecure direct object references: every object URL, tried with other people's ids.

Whose object each URL names is declared in ``objects.py`` (:data:`objects.OBJECTS`), derived
from ``app.url_map`` so that a new object route without an expectation fails here. Candidates'
objects are refused to the other candidate (and to an examiner who also sits exams) and a refused
POST changes nothing; certificates are for their holders and administrators; examiners mark
others' scripts, never their own; the parts of composite URLs must belong together; and every
object URL answers 404 — never 500 — for an id that does not exist.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from certify.db import db
from certify.exams.models import Attempt
from tests.security.matrix import all_routes
from tests.security.objects import (
    DENIED,
    MISSING,
    OBJECTS,
    Holder,
    Marker,
    Owned,
    Public,
    Staff,
    object_rules,
    url,
)
from tests.security.secworld import build_world, login

MATRIX = {route.key: route for route in all_routes()}


def allowed_persona(key: tuple[str, str]) -> str:
    """A persona the route matrix lets through (the most privileged first)."""
    allowed = MATRIX[key].allowed
    return next(p for p in ("admin", "examiner", "candidate", "other_candidate") if p in allowed)


@pytest.fixture(scope="module")
def world(shared_app):
    from certify.grading.models import LevelPass

    w = build_world()
    w.level_pass_id = db.session.scalar(sa.select(LevelPass.id).order_by(LevelPass.id))
    return w


@pytest.fixture(scope="module")
def clients(shared_app, world):
    return {persona: login(shared_app, user.email) for persona, user in world.users.items()}


#: Tables whose rows a refused request may still write (the audit log, sessions and logins).
UNTRACKED = {"audit_event", "user_session", "user"}


def snapshot() -> dict[str, list]:
    """Every row of every table a refused request must not change."""
    db.session.expire_all()
    out = {}
    for table in db.metadata.sorted_tables:
        if table.name in UNTRACKED:
            continue
        rows = db.session.execute(sa.select(table)).all()
        out[table.name] = sorted(repr(tuple(row)) for row in rows)
    return out


def send(client, method: str, target: str, data: Any = None, json: bool = False):
    kwargs = {} if data is None else {"json" if json else "data": data}
    response = client.open(target, method=method, **kwargs)
    response.close()
    return response


def test_every_object_route_has_an_owner(shared_app):
    found = object_rules(shared_app)
    missing = found - set(OBJECTS)
    assert not missing, ("object routes without an ownership expectation in "
                         f"tests/security/test_idor.py OBJECTS: {sorted(missing)}")
    stale = set(OBJECTS) - found
    assert not stale, f"expectations for routes that do not exist: {sorted(stale)}"


OWNED = [key for key, spec in OBJECTS.items() if isinstance(spec, Owned)]


@pytest.mark.parametrize("key", OWNED, ids=" ".join)
def test_another_candidates_object_is_refused_and_unchanged(shared_app, world, clients, key):
    endpoint, method = key
    spec = OBJECTS[key]
    pairs = [("candidate", "other_candidate"), ("other_candidate", "candidate"),
             ("candidate", "examiner_candidate")]
    for owner, intruder in pairs:
        target = url(shared_app, endpoint, **spec.args(world, owner))
        before = snapshot() if method != "GET" else None
        response = send(clients[intruder], method, target,
                        spec.data(world, owner) if spec.data else None, spec.json)
        assert response.status_code in DENIED, (
            f"{intruder} reached {owner}'s {method} {target}: {response.status_code}")
        if before is not None:
            assert snapshot() == before, f"{intruder}'s refused {method} {target} changed data"
        if method == "GET":
            own = send(clients[owner], method, target)
            assert own.status_code not in (*DENIED, 500), (
                f"{owner} could not open their own {target}: {own.status_code}")
    # Whatever was tried, the attempts are still in progress and unsubmitted.
    db.session.expire_all()
    for persona in ("candidate", "other_candidate"):
        assert db.session.get(Attempt, world.attempt[persona]).state == "in_progress"


@pytest.mark.parametrize("key", [k for k, s in OBJECTS.items() if isinstance(s, Holder)],
                         ids=" ".join)
def test_a_certificate_is_for_its_holder_and_administrators(shared_app, world, clients, key):
    endpoint, _method = key
    spec = OBJECTS[key]
    for holder, other in (("candidate", "other_candidate"), ("other_candidate", "candidate")):
        target = url(shared_app, endpoint, **spec.args(world, holder))
        assert send(clients[holder], "GET", target).status_code == 200
        assert send(clients["admin"], "GET", target).status_code == 200
        for intruder in (other, "examiner", "examiner_candidate"):
            status = send(clients[intruder], "GET", target).status_code
            assert status in DENIED, f"{intruder} downloaded {holder}'s {target}: {status}"


def test_examiners_mark_others_scripts_never_their_own(shared_app, world, clients):
    from certify.grading.models import Mark

    mark = lambda attempt_item_id: url(shared_app, "grading.mark",  # noqa: E731
                                       attempt_item_id=attempt_item_id)
    for persona in ("candidate", "other_candidate"):
        assert send(clients["examiner"], "GET", mark(world.script[persona])).status_code == 200
        assert send(clients["examiner_candidate"], "GET",
                    mark(world.script[persona])).status_code == 200
    own = mark(world.script["examiner_candidate"])
    assert send(clients["examiner_candidate"], "GET", own).status_code == 404
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Mark))
    posted = send(clients["examiner_candidate"], "POST", own,
                  OBJECTS[("grading.mark", "POST")].data(world))
    assert posted.status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mark)) == before
    # Not a script: an objective item, or an item of an attempt still in progress.
    in_progress = db.session.get(Attempt, world.attempt["candidate"]).items[4].id
    for attempt_item_id in (world.objective_item["candidate"], in_progress):
        status = send(clients["examiner"], "GET", mark(attempt_item_id)).status_code
        assert status == 404, f"script {attempt_item_id} is not for marking: {status}"
    for persona in ("candidate", "other_candidate"):
        status = send(clients[persona], "GET", mark(world.script[persona])).status_code
        assert status in DENIED


STAFF = [key for key, spec in OBJECTS.items() if isinstance(spec, Staff) and spec.mismatched]


@pytest.mark.parametrize("key", STAFF, ids=" ".join)
def test_the_parts_of_an_object_url_must_belong_together(shared_app, world, clients, key):
    endpoint, method = key
    persona = allowed_persona(key)
    for mismatched in OBJECTS[key].mismatched:
        before = snapshot() if method != "GET" else None
        target = url(shared_app, endpoint, **mismatched(world))
        data = {"minutes": "5", "reason": "idor", "extra_time_pct": "10"} \
            if method == "POST" else None
        status = send(clients[persona], method, target, data).status_code
        assert status == 404, f"{persona} {method} {target}: {status}"
        if before is not None:
            assert snapshot() == before


def test_an_exam_item_beyond_the_form_is_404(shared_app, world, clients):
    target = url(shared_app, "exams.item", attempt_id=world.attempt["candidate"], position=99)
    assert send(clients["candidate"], "GET", target).status_code == 404


def _missing_args(args: dict[str, Any]) -> list[dict[str, Any]]:
    """The URL's values with each object argument in turn replaced by one that does not exist."""
    variants = []
    for name, value in args.items():
        if isinstance(value, int) and name not in ("position",):
            variants.append({**args, name: MISSING})
        elif name == "sha256":
            variants.append({**args, name: "0" * 64})
        elif name == "number" and isinstance(value, str):
            variants.append({**args, name: "AIT-L4-1999-999999"})
    return variants


@pytest.mark.parametrize("key", sorted(OBJECTS), ids=" ".join)
def test_an_object_that_does_not_exist_is_404(shared_app, world, clients, key):
    endpoint, method = key
    spec = OBJECTS[key]
    persona = allowed_persona(key) if key in MATRIX and MATRIX[key].allowed - {"anonymous"} \
        else "admin"
    if isinstance(spec, Owned | Holder):
        persona = "candidate"
        args = spec.args(world, "candidate")
    elif isinstance(spec, Marker):
        persona = "examiner"
        args = spec.args(world, "candidate")
    else:
        args = spec.args(world)
    data = None
    if method == "POST":
        data = {} if not isinstance(spec, Owned) or spec.data is None else spec.data(world,
                                                                                  "candidate")
    before = snapshot() if method != "GET" else None
    for variant in _missing_args(args):
        target = url(shared_app, endpoint, **variant)
        status = send(clients[persona], method, target, data,
                      isinstance(spec, Owned) and spec.json).status_code
        assert status == 404, f"{persona} {method} {target}: {status}, expected 404"
    if before is not None:
        assert snapshot() == before


@pytest.mark.parametrize("key", sorted(k for k, s in OBJECTS.items()
                                       if isinstance(s, Staff | Public) and k[1] == "GET"),
                         ids=" ".join)
def test_the_expected_roles_open_each_object(shared_app, world, clients, key):
    """The URLs above are right: the roles the matrix allows do open them."""
    endpoint, _method = key
    target = url(shared_app, endpoint, **OBJECTS[key].args(world))
    persona = allowed_persona(key)
    status = send(clients[persona], "GET", target).status_code
    assert status == 200, f"{persona} GET {target}: {status}"
