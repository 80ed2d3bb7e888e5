"""Regrade after a key or gold correction: exactly the changed candidates, and nothing lost."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest

from certify.auth.models import Role
from certify.banks.models import ItemVersion
from certify.clock import now_utc
from certify.db import db
from certify.grading import signals
from certify.grading.models import ComponentPass, LevelPass, Regrade, ResultRevision
from certify.grading.regrading import regrade
from certify.grading.results import GradingError, result_of
from tests.factories import make_item, make_practical_item


def correct(item, *, key=None, content=None, note="key corrected"):
    """Approve a corrected version of ``item`` (what the banks' review workflow does)."""
    old = item.live_version
    new = ItemVersion(number=old.number + 1, stem=old.stem,
                      content=copy.deepcopy(content if content is not None else old.content),
                      key=copy.deepcopy(key if key is not None else old.key), points=old.points,
                      difficulty=old.difficulty, status="approved", approved_dt=now_utc(),
                      change_note=note)
    new.units = list(old.units)
    item.versions.append(new)
    old.status = "superseded"
    db.session.flush()
    item.live_version = new
    db.session.commit()
    return new


@pytest.fixture
def cohort(theory, skills, make_user, sit):
    """Four candidates; the first item's key is B. Everyone passed skills already.

    Ann: A, true → 50 (fail); Bo: B, true → 100 (pass); Cai: B, false → 50; Dee: C, true → 50.
    """
    wrong_key = make_item("single", points=5)
    filler = make_item("true_false", points=5)
    people = {name: make_user(Role.CANDIDATE, name=name) for name in ("Ann", "Bo", "Cai", "Dee")}
    picks = {"Ann": "A", "Bo": "B", "Cai": "B", "Dee": "C"}
    tf = {"Ann": True, "Bo": True, "Cai": False, "Dee": True}
    attempts = {}
    task = make_practical_item(metric="accuracy")
    for name, person in people.items():
        sit(skills, person, [task], {1: {"r1": "positive", "r2": "negative", "r3": "neutral"}})
        attempts[name] = sit(theory, person, [wrong_key, filler], {1: picks[name], 2: tf[name]})
    return {"item": wrong_key, "attempts": attempts, "people": people}


def _scores(attempts):
    return {name: (result_of(a).score, result_of(a).passed) for name, a in attempts.items()}


def test_a_corrected_key_changes_exactly_the_candidates_it_affects(theory, cohort, admin):
    before = _scores(cohort["attempts"])
    assert before == {"Ann": (Decimal("50.00"), False), "Bo": (Decimal("100.00"), True),
                      "Cai": (Decimal("50.00"), False), "Dee": (Decimal("50.00"), False)}
    correct(cohort["item"], key={"correct": "A"})
    report = regrade(sitting=theory, adopt_corrections=True, reason="Key of item 1 was wrong",
                     actor=admin)
    db.session.commit()
    changed = {row.candidate: (row.before_score, row.after_score, row.before_passed,
                               row.after_passed) for row in report.changed}
    assert changed == {"Ann": ("50.00", "100.00", False, True),
                       "Bo": ("100.00", "50.00", True, False),
                       "Cai": ("50.00", "0.00", False, False)}
    assert report.unchanged == 1 and report.attempts == 4  # Dee answered C: wrong either way
    assert all(row.adopted == [f"{cohort['item'].ref} v1→v2"] for row in report.changed)


def test_the_report_page_lists_the_changed_candidates(theory, cohort, admin, login_as):
    from tests.helpers import csrf_token_from

    correct(cohort["item"], key={"correct": "A"})
    client = login_as(admin)
    page = client.get(f"/admin/results/sitting/{theory.id}/regrade").get_data(as_text=True)
    response = client.post(f"/admin/results/sitting/{theory.id}/regrade", data={
        "csrf_token": csrf_token_from(page), "scope": "0", "adopt_corrections": "y",
        "reason": "Key of item 1 was wrong"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Regrade report" in html
    assert "Ann" in html and "Bo" in html and "Cai" in html and "Dee" not in html
    assert "Component pass withdrawn." in html and "Level passed." in html


def test_nothing_is_overwritten_silently(theory, cohort, admin):
    correct(cohort["item"], key={"correct": "A"})
    report = regrade(sitting=theory, adopt_corrections=True, reason="Key fixed", actor=admin)
    db.session.commit()
    bo = result_of(cohort["attempts"]["Bo"])
    assert bo.revision == 2
    revision = db.session.query(ResultRevision).filter_by(result_id=bo.id).one()
    assert revision.snapshot["score"] == "100.00" and revision.reason == "Key fixed"
    assert revision.regrade_id == report.regrade_id
    run = db.session.get(Regrade, report.regrade_id)
    assert run.actor_id == admin.id and len(run.report["changed"]) == 3
    # The attempt still records the version it was shown; the score records the one used.
    attempt_item = cohort["attempts"]["Bo"].items[0]
    assert attempt_item.version.number == 1
    score = next(s for s in bo.item_scores if s.attempt_item_id == attempt_item.id)
    assert score.scored_version.number == 2


def test_a_pass_turned_into_a_fail_withdraws_the_component_and_level_pass(theory, cohort, admin):
    bo, ann = cohort["people"]["Bo"], cohort["people"]["Ann"]
    bo_level = db.session.query(LevelPass).filter_by(candidate_id=bo.id).one()
    withdrawn, passed = [], []

    def on_withdrawn(sender, level_pass_id, **extra):
        withdrawn.append(level_pass_id)

    def on_passed(sender, level_pass_id, **extra):
        passed.append(level_pass_id)

    signals.level_pass_withdrawn.connect(on_withdrawn)
    signals.level_passed.connect(on_passed)
    try:
        correct(cohort["item"], key={"correct": "A"})
        report = regrade(sitting=theory, adopt_corrections=True, reason="Key is A", actor=admin)
        db.session.commit()
    finally:
        signals.level_pass_withdrawn.disconnect(on_withdrawn)
        signals.level_passed.disconnect(on_passed)
    bo_row = next(r for r in report.changed if r.candidate == "Bo")
    assert bo_row.component_withdrawn and bo_row.levels_withdrawn == [bo_level.id]
    assert withdrawn == [bo_level.id]
    db.session.refresh(bo_level)
    assert bo_level.withdrawn_dt is not None
    theory_pass = db.session.query(ComponentPass).filter_by(candidate_id=bo.id,
                                                            component="theory").one()
    assert theory_pass.withdrawn_dt is not None
    ann_level = db.session.query(LevelPass).filter_by(candidate_id=ann.id).one()
    assert passed == [ann_level.id]
    assert next(r for r in report.changed if r.candidate == "Ann").levels_created == [ann_level.id]


def test_a_plain_regrade_changes_nothing_and_keeps_the_history(theory, cohort, admin):
    correct(cohort["item"], key={"correct": "A"})
    report = regrade(sitting=theory, reason="Check", actor=admin)
    assert report.changed == [] and report.unchanged == 4
    assert db.session.query(ResultRevision).count() == 4  # one per result, all unchanged


def test_a_dry_run_reports_and_changes_nothing(theory, cohort, admin):
    correct(cohort["item"], key={"correct": "A"})
    report = regrade(sitting=theory, adopt_corrections=True, reason="Preview", actor=admin,
                     dry_run=True)
    db.session.commit()
    assert len(report.changed) == 3 and report.dry_run
    assert _scores(cohort["attempts"])["Bo"] == (Decimal("100.00"), True)
    assert db.session.query(ComponentPass).filter_by(withdrawn_dt=None).count() == 5
    assert db.session.query(ResultRevision).count() == 0
    assert db.session.query(Regrade).count() == 0


def test_a_version_that_asks_another_question_is_not_adopted(theory, cohort, admin):
    content = copy.deepcopy(cohort["item"].live_version.content)
    content["options"].append({"id": "E", "text": "Option E"})
    correct(cohort["item"], key={"correct": "E"}, content=content)
    report = regrade(sitting=theory, adopt_corrections=True, reason="Options edited", actor=admin)
    assert report.changed == []
    assert report.not_adopted == [f"{cohort['item'].ref} version 2 was not adopted: its options "
                                  "differ from those the candidates saw."]


def test_a_regrade_needs_a_reason_and_something_to_regrade(theory, admin):
    with pytest.raises(GradingError, match="Say why"):
        regrade(sitting=theory, reason="  ", actor=admin)
    with pytest.raises(GradingError, match="no submitted attempts"):
        regrade(sitting=theory, reason="x", actor=admin)
    with pytest.raises(GradingError, match="There is no item NOPE"):
        regrade(item_ref="NOPE", reason="x", actor=admin)


def test_a_gold_correction_regrades_every_attempt_of_the_item_from_the_command_line(
        level, skills, make_user, sit, runner):
    from tests.factories import make_exam
    from tests.grading.grading_helpers import closed_sitting

    task = make_practical_item(metric="accuracy")
    other = closed_sitting(make_exam(level, component="skills"), title="Second sitting")
    right = {"r1": "positive", "r2": "negative", "r3": "neutral", "r4": "positive"}
    a = sit(skills, make_user(Role.CANDIDATE, name="Ann"), [task], {1: right})
    b = sit(other, make_user(Role.CANDIDATE, name="Bo"), [task], {1: {**right, "r3": "negative"}})
    gold = copy.deepcopy(task.live_version.key)
    gold["gold"]["r3"] = {"id": "r3", "label": "negative"}  # the gold of r3 was wrong
    correct(task, key=gold, note="gold of r3 corrected")
    result = runner.invoke(args=["regrade", "--item", task.ref, "--adopt-corrections",
                                 "--reason", "gold of r3 corrected"])
    assert result.exit_code == 0, result.output
    assert "Ann" in result.output and "Bo" in result.output
    assert "100.00 pass -> 75.00 pass" in result.output
    assert "75.00 pass -> 100.00 pass" in result.output
    assert "2 attempt(s) rescored; 2 changed, 0 unchanged." in result.output
    db.session.expire_all()
    assert result_of(a).score == Decimal("75.00") and result_of(b).score == Decimal("100.00")


def test_the_command_refuses_bad_arguments_and_changes_nothing(runner):
    result = runner.invoke(args=["regrade", "--reason", "x"])
    assert result.exit_code != 0 and "give --sitting ID, --item REF, or both" in result.output
    result = runner.invoke(args=["regrade", "--sitting", "999", "--reason", "x"])
    assert result.exit_code != 0 and "there is no sitting 999" in result.output
