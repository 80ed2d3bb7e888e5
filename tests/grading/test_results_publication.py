"""Publication per sitting, and what candidates see of their results under each review policy."""

from __future__ import annotations

from datetime import timedelta

import pytest

from certify.auth.models import Role
from certify.clock import now_utc
from certify.db import db
from certify.grading import marking
from certify.grading.publication import publication_problems, publish_results
from certify.grading.results import GradingError, result_of
from tests.factories import make_exam, make_item, make_practical_item, make_sitting
from tests.grading.grading_helpers import closed_sitting
from tests.helpers import csrf_token_from


def _page(client, attempt) -> str:
    response = client.get(f"/results/{attempt.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_candidates_see_being_marked_until_the_admin_publishes(theory, candidate, admin, sit,
                                                               login_as):
    attempt = sit(theory, candidate, [make_item("single"), make_item("single")], {1: "B"})
    client = login_as(candidate)
    html = _page(client, attempt)
    assert "Being marked" in html and "50.00" not in html
    assert "Being marked" in client.get("/results/").get_data(as_text=True)
    admin_client = login_as(admin)
    page = admin_client.get(f"/admin/results/sitting/{theory.id}").get_data(as_text=True)
    response = admin_client.post(f"/admin/results/sitting/{theory.id}/publish",
                                 data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    html = _page(client, attempt)
    assert "Being marked" not in html and "50.00" in html and "Fail" in html
    assert "50.00" in client.get("/results/").get_data(as_text=True)


def test_publishing_is_refused_while_scripts_wait_for_examiners(theory, candidate, admin, sit,
                                                                make_user):
    attempt = sit(theory, candidate, [make_item("short_answer", points=5)], {1: "text"})
    with pytest.raises(GradingError, match="1 script\\(s\\) still wait for examiners"):
        publish_results(theory, actor=admin)
    assert theory.results_published_dt is None
    marking.submit_mark(make_user(Role.EXAMINER), attempt.items[0].id, ["2", "3"], ["", ""])
    publish_results(theory, actor=admin)
    assert theory.results_published


def test_publishing_is_refused_while_the_sitting_is_open_or_attempts_run(level, candidate, admin,
                                                                         sit, make_user):
    now = now_utc()
    sitting = make_sitting(make_exam(level), opens=now - timedelta(hours=1),
                           closes=now + timedelta(hours=1))
    sit(sitting, candidate, [make_item("single")], {1: "B"})
    sit(sitting, make_user(Role.CANDIDATE), [make_item("single")], submitted=False, graded=False)
    problems = publication_problems(sitting)
    assert "The sitting is still open: candidates may still start." in problems
    assert "1 attempt(s) are still in progress." in problems


def test_the_publish_button_says_why_it_was_refused(theory, candidate, admin, sit, login_as):
    sit(theory, candidate, [make_item("short_answer", points=5)], {1: "text"})
    client = login_as(admin)
    response = client.post(f"/admin/results/sitting/{theory.id}/publish", follow_redirects=True)
    assert "still wait for examiners" in response.get_data(as_text=True)
    assert result_of(theory.enrolments[0].attempt).attempt.sitting.results_published_dt is None


def test_another_candidates_result_is_not_found(theory, candidate, make_user, sit, login_as):
    attempt = sit(theory, candidate, [make_item("single")], {1: "B"})
    other = login_as(make_user(Role.CANDIDATE))
    assert other.get(f"/results/{attempt.id}").status_code == 404


@pytest.fixture
def published(level, candidate, admin, sit):
    """Publish a skills sitting per review policy, with a sentiment task and a choice item."""

    def make(policy: str):
        sitting = closed_sitting(make_exam(level, component="skills", review_policy=policy))
        task = make_practical_item(units=[level.unit_by_code("2.1")])
        choice = make_item("single", points=10, units=[level.unit_by_code("1.1")],
                           explanation="B is the only **precise** definition.")
        attempt = sit(sitting, candidate, [task, choice],
                      {1: {"r1": "positive", "r2": "negative", "r3": "positive",
                           "r4": "positive"}, 2: "A"})
        publish_results(sitting, actor=admin)
        db.session.commit()
        return attempt

    return make


def test_scores_policy_shows_units_and_task_metrics_but_no_answers(published, candidate,
                                                                   login_as):
    attempt = published("scores")
    html = _page(login_as(candidate), attempt)
    assert "54.55" in html                        # 60 of 110 points
    assert "macro F1" in html and "0.60" in html   # the task's metric
    assert "Work content 2.1" in html and "Work content 1.1" in html
    assert "Your answers" not in html and "neutral" not in html
    assert "precise" not in html


def test_responses_policy_shows_own_answers_right_or_wrong_without_keys(published, candidate,
                                                                        login_as):
    attempt = published("responses")
    html = _page(login_as(candidate), attempt)
    assert "Your answers" in html
    assert "✗" in html and "✓" in html
    assert "neutral" not in html         # the gold of r3, answered wrong
    assert "Key" not in html and "precise" not in html


def test_full_policy_shows_keys_gold_and_explanations(published, candidate, login_as):
    attempt = published("full")
    html = _page(login_as(candidate), attempt)
    assert "neutral" in html and "<strong>precise</strong>" in html
    assert "Key" in html
