"""The pages that list every candidate of a sitting send the same number of SQL statements for 3
candidates as for 12: no query per candidate (N+1) in the invigilator's live list or the
administrators' results of a sitting."""

from __future__ import annotations

import pytest

from certify.auth.models import Role
from certify.db import db
from certify.grading.on_submit import grade_attempt
from tests.factories import (
    answer,
    enrol,
    make_attempt,
    make_exam,
    make_item,
    make_sitting,
    make_syllabus,
    submit,
)
from tests.grading.grading_helpers import closed_sitting


@pytest.fixture
def world(app, make_user):
    level = make_syllabus(4)
    items = [make_item("single", ref=f"L4-Q-{n}") for n in range(1, 4)]
    exam = make_exam(level)
    live, past = make_sitting(exam, title="Live"), closed_sitting(exam, title="Past")
    counter = iter(range(1, 1000))

    def add(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            person = make_user(Role.CANDIDATE, name=f"Candidate {i}")
            attempt = make_attempt(enrol(live, person), items)
            answer(attempt, 1, "B")
            finished = make_attempt(enrol(past, person), items)
            answer(finished, 1, "B")
            submit(finished)
            grade_attempt(finished.id)
        db.session.commit()

    return live, past, add


def _counts(client, count_queries, urls) -> dict[str, int]:
    counts = {}
    for url in urls:
        with count_queries() as counter:
            assert client.get(url).status_code == 200, url
        counts[url] = counter.count
    return counts


def test_sitting_pages_query_the_same_for_3_and_for_12_candidates(world, admin, login_as,
                                                                  count_queries):
    live, past, add = world
    urls = [f"/invigilate/sittings/{live.id}", f"/invigilate/sittings/{live.id}/rows",
            f"/admin/results/sitting/{past.id}"]
    client = login_as(admin)
    add(3)
    _counts(client, count_queries, urls)  # warm: first-request work (e.g. caches) not counted
    few = _counts(client, count_queries, urls)
    add(9)
    many = _counts(client, count_queries, urls)
    assert many == few, {url: (few[url], many[url]) for url in urls}
