"""The item analysis kept between the page and its charts: shared safely between requests and
threads (the histogram answered 500 with DetachedInstanceError on a first view: issue 12 §18), and
never served stale after a result changed (issue 13 §12)."""

from __future__ import annotations

import threading
from decimal import Decimal

import time_machine

from certify.auth.models import Role
from certify.clock import now_utc
from certify.db import db
from certify.exams.models import Sitting
from certify.grading.models import Result
from certify.grading.on_submit import grade_attempt
from certify.grading.results import refresh
from certify.reports import operations
from tests.factories import answer, enrol, make_attempt, make_exam, make_item, make_syllabus, submit
from tests.grading.grading_helpers import closed_sitting


def _sitting(make_user) -> Sitting:
    level = make_syllabus(4)
    sitting = closed_sitting(make_exam(level, pass_mark=Decimal(60)), title="Theory, June")
    items = [make_item("single", ref=f"L4-C-{n}") for n in range(1, 4)]
    for n, pattern in enumerate(["BBB", "BBA", "BAA", "AAC"], start=1):
        person = make_user(Role.CANDIDATE, name=f"Candidate {n}")
        attempt = make_attempt(enrol(sitting, person), items)
        for position, choice in enumerate(pattern, start=1):
            answer(attempt, position, choice)
        submit(attempt)
        grade_attempt(attempt.id)
    db.session.commit()
    return sitting


def test_an_analysis_another_request_finished_with_is_still_readable(app, make_user):
    """The page and its two charts arrive together: one request computes the analysis, another
    takes it from the cache and ends; the first then reads its pass mark."""
    sitting_id = _sitting(make_user).id
    db.session.commit()  # the test's own session lets go of SQLite's write lock
    operations._CACHE.clear()
    # Two GET requests, each with its own app context and database session.
    first_app, first_request = app.app_context(), app.test_request_context(method="GET")
    first_app.push()
    first_request.push()
    try:
        first = operations.analyse_sitting(db.session.get(Sitting, sitting_id))
        # The chart's request: a cache hit, then it ends and its session is removed.
        with app.app_context(), app.test_request_context(method="GET"):
            second = operations.analyse_sitting(db.session.get(Sitting, sitting_id))
        assert first.pass_mark == second.pass_mark == 60.0
        assert first.analysis.totals == second.analysis.totals
    finally:
        first_request.pop()
        first_app.pop()


def test_a_mark_changes_the_analysis_even_at_the_same_instant(app, make_user):
    """A change whose time equals the newest graded time (a server whose clock is behind, or two
    changes in one tick) must not leave the old analysis in place."""
    with time_machine.travel(now_utc(), tick=False):
        sitting = _sitting(make_user)
        before = operations.analyse_sitting(sitting)
        result, score = next((r, s) for r in db.session.scalars(db.select(Result).order_by(Result.id))
                             for s in r.item_scores if s.points == 0)
        score.points = score.max_points  # e.g. a corrected key adopted for this candidate
        refresh(result)
        db.session.commit()
        after = operations.analyse_sitting(sitting)
    assert sorted(after.analysis.totals) != sorted(before.analysis.totals)


def test_the_page_and_both_charts_at_once_all_answer(app, make_user, login_as, examiner):
    sitting_id = _sitting(make_user).id
    urls = [f"/reports/sitting/{sitting_id}/items",
            f"/reports/sitting/{sitting_id}/chart/histogram.svg",
            f"/reports/sitting/{sitting_id}/chart/scatter.svg"]
    for _round in range(3):
        operations._CACHE.clear()
        clients = [login_as(examiner) for _ in urls]
        statuses: list[int] = []
        barrier = threading.Barrier(len(urls))

        def fetch(client, url, barrier=barrier, statuses=statuses):
            barrier.wait()
            statuses.append(client.get(url).status_code)

        threads = [threading.Thread(target=fetch, args=pair) for pair in zip(clients, urls,
                                                                               strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert statuses == [200, 200, 200]
