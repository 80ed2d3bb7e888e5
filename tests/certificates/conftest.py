"""Fixtures for the certificate tests that need the app: level passes ready for a certificate."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from certify.auth.models import User
from certify.exams.models import Sitting
from certify.grading.models import LevelPass
from tests.certificates.pass_helpers import build_pass, build_sitting


@pytest.fixture
def sitting(app) -> Sitting:
    """A level-4 sitting whose results are published."""
    return build_sitting()


@pytest.fixture
def make_pass(sitting: Sitting) -> Callable[..., LevelPass]:
    """Return ``make_pass(candidate, sitting=…)``: a level pass ready for a certificate."""

    def make(candidate: User, in_sitting: Sitting | None = None) -> LevelPass:
        return build_pass(candidate, in_sitting or sitting)

    return make
