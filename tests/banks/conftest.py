"""Fixtures for the bank tests: a small syllabus, two examiners, and file builders."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from certify.auth.models import Role
from tests.factories import make_syllabus


@pytest.fixture
def level4(app):
    """Level 4 with units 1.1, 1.2, 2.1, 2.2 (equal weights) for theory and skills."""
    return make_syllabus(4)


@pytest.fixture
def author(make_user):
    return make_user(Role.EXAMINER, name="Ada Author", email="author@example.org")


@pytest.fixture
def reviewer(make_user):
    return make_user(Role.EXAMINER, name="Rita Reviewer", email="reviewer@example.org")


@pytest.fixture
def import_bytes(author) -> Callable:
    """``import_bytes(data, filename, **kwargs)``: read and import a file as ``author``."""
    from certify.banks.importers import read_file
    from certify.banks.imports import import_items

    def run(data: bytes, filename: str, *, options=None, media=None, **kwargs):
        parsed = read_file(data, filename, options, media)
        return import_items(parsed, actor=kwargs.pop("actor", author), **kwargs)

    return run
