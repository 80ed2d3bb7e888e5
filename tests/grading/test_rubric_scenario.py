"""Rubric tasks (issue 12 §10): the scenario is rendered Markdown, kept apart from the candidate's
answer on the marker's page, and a script with no answer is marked 0 in one audited action."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from certify.audit import AuditEvent
from certify.auth.models import Role
from certify.banks.render import candidate_item
from certify.db import db
from certify.grading import marking
from certify.grading.models import Mark, MarkingPlan
from certify.grading.results import GradingError, result_of
from tests.factories import make_practical_item
from tests.helpers import csrf_token_from

SCENARIO = "# Customer service bot\n\n## Facts\n- opens **9:00**\n- closes 18:00\n\n<script>alert(1)</script>"
RUBRIC = [{"points": 60, "checkpoint": "Persona fits", "standard": ""},
          {"points": 40, "checkpoint": "Facts right", "standard": ""}]


@pytest.fixture
def examiners(make_user):
    return [make_user(Role.EXAMINER, name=f"Examiner {n}") for n in (1, 2, 3)]


@pytest.fixture
def task(skills):
    return make_practical_item("rubric", records=[{"id": "p1", "text": SCENARIO}],
                               config={"response": "text"}, rubric=RUBRIC, gold={})


@pytest.fixture
def scripts(skills, make_user, sit, task):
    """Two scripts of the rubric task: one answered, one left empty."""
    answered = sit(skills, make_user(Role.CANDIDATE, name="Ann"), [task], {1: {"p1": "I am 小智."}})
    empty = sit(skills, make_user(Role.CANDIDATE, name="Bob"), [task], {})
    return answered, empty


def test_the_candidate_gets_the_scenario_rendered_and_sanitised(task):
    record = candidate_item(task.live_version)["task"]["records"][0]
    assert record["text"] == SCENARIO  # the source stays for the page without scripts
    html = record["text_html"]
    assert "Customer service bot</h3>" in html and "# Customer" not in html
    assert "<strong>9:00</strong>" in html and "<li>" in html
    assert "<script" not in html


def test_the_marker_sees_the_scenario_rendered_apart_from_the_answer(scripts, examiners, login_as):
    answered, _empty = scripts
    html = login_as(examiners[0]).get(f"/marking/script/{answered.items[0].id}").get_data(as_text=True)
    assert "Scenario (task material)" in html and "Task material and the candidate's answer" in html
    scenario = html[html.index('class="scenario-box"'):html.index('class="answer-box"')]
    answer = html[html.index('class="answer-box"'):]
    assert "<strong>9:00</strong>" in scenario and "# Customer" not in scenario
    assert "<script>alert" not in html
    assert "I am 小智." in answer and "Customer service bot" not in answer
    # An answered script has no "mark 0" button.
    assert "No answer — mark 0" not in html


def test_a_script_without_an_answer_is_marked_zero_in_one_audited_action(scripts, examiners, login_as):
    _answered, empty = scripts
    script = empty.items[0].id
    client = login_as(examiners[0])
    page = client.get(f"/marking/script/{script}").get_data(as_text=True)
    assert "No answer — mark 0" in page and "data-confirm=" in page
    response = client.post(f"/marking/script/{script}/no-answer",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    mark = db.session.scalar(sa.select(Mark).where(Mark.attempt_item_id == script))
    assert mark.total == Decimal("0") and mark.role == "first"
    assert [c["points"] for c in mark.checkpoints] == ["0.000", "0.000"]
    assert mark.comment == "No answer: marked 0."
    assert result_of(empty).status == "complete"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "grading.marked_no_answer"))
    assert event is not None and event.actor_id == examiners[0].id


def test_mark_zero_refuses_a_script_with_an_answer(scripts, examiners, login_as):
    answered, _empty = scripts
    with pytest.raises(GradingError, match="has an answer"):
        marking.mark_no_answer(examiners[0], answered.items[0].id)
    db.session.rollback()
    client = login_as(examiners[0])
    page = client.get(f"/marking/script/{answered.items[0].id}").get_data(as_text=True)
    client.post(f"/marking/script/{answered.items[0].id}/no-answer",
                data={"csrf_token": csrf_token_from(page)})
    assert db.session.query(Mark).count() == 0


def test_mark_zero_works_with_double_marking(skills, scripts, examiners):
    db.session.add(MarkingPlan(sitting_id=skills.id, double_marking=True,
                               adjudication_threshold=Decimal(10)))
    db.session.commit()
    script = scripts[1].items[0].id
    first = marking.mark_no_answer(examiners[0], script)
    db.session.commit()
    assert result_of(scripts[1]).status != "complete"  # a second mark is wanted
    second = marking.mark_no_answer(examiners[1], script)
    db.session.commit()
    assert (first.role, second.role) == ("first", "second")
    assert result_of(scripts[1]).status == "complete"
    assert result_of(scripts[1]).item_scores[0].points == Decimal("0.000")
