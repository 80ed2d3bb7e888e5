"""Fixtures of the security suite: the world of objects the route matrix's URLs point at."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from matrix import World, route_modules

from certify.auth.models import Role


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
