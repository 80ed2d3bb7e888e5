"""Pass rules: component pass marks, level passes from every required component, retention."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from certify.auth.models import Role
from certify.db import db
from certify.grading import signals
from certify.grading.models import ComponentPass, LevelPass
from certify.grading.on_submit import attempt_voided, grade_attempt
from certify.grading.results import result_of
from tests.factories import answer, enrol, make_attempt, make_exam, make_item, submit
from tests.grading.grading_helpers import closed_sitting


def _take(sitting, candidate, right: int, of: int = 5, when: datetime | None = None):
    """An attempt with ``of`` single-choice items of which ``right`` are answered right."""
    attempt = make_attempt(enrol(sitting, candidate), [make_item("single") for _ in range(of)])
    for position in range(1, of + 1):
        answer(attempt, position, "B" if position <= right else "A")
    submit(attempt, when=when)
    grade_attempt(attempt.id)
    db.session.commit()
    return result_of(attempt)


@pytest.fixture
def passed_levels():
    seen: list[int] = []

    def receiver(sender, level_pass_id, **extra):
        seen.append(level_pass_id)

    signals.level_passed.connect(receiver)
    yield seen
    signals.level_passed.disconnect(receiver)


def test_the_pass_mark_is_reached_at_exactly_60(theory, make_user):
    assert _take(theory, make_user(Role.CANDIDATE), 3).passed is True     # 60.00
    assert _take(theory, make_user(Role.CANDIDATE), 2).passed is False    # 40.00


def test_a_definitions_own_pass_mark_counts(level, make_user):
    sitting = closed_sitting(make_exam(level, component="theory", pass_mark=80))
    assert _take(sitting, make_user(Role.CANDIDATE), 3).passed is False
    assert _take(sitting, make_user(Role.CANDIDATE), 4).passed is True


def test_a_complete_pass_records_a_component_pass_valid_for_two_years(theory, candidate):
    when = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
    result = _take(theory, candidate, 4, when=when)
    cp = db.session.query(ComponentPass).one()
    assert (cp.result_id, cp.component, cp.score) == (result.id, "theory", Decimal("80.00"))
    assert cp.passed_dt == when and cp.valid_until == datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


def test_passing_every_required_component_passes_the_level(theory, skills, candidate,
                                                           passed_levels):
    _take(theory, candidate, 4, when=datetime(2025, 3, 1, tzinfo=UTC))
    assert db.session.query(LevelPass).count() == 0 and passed_levels == []
    _take(skills, candidate, 3, when=datetime(2025, 3, 2, tzinfo=UTC))
    level_pass = db.session.query(LevelPass).one()
    assert passed_levels == [level_pass.id]
    assert set(level_pass.components) == {"theory", "skills"}
    assert level_pass.sitting_id == skills.id
    assert level_pass.passed_dt == datetime(2025, 3, 2, tzinfo=UTC)


def test_a_failed_component_blocks_the_level_until_a_retake_passes(level, theory, skills,
                                                                   candidate):
    _take(theory, candidate, 4, when=datetime(2025, 3, 1, tzinfo=UTC))
    _take(skills, candidate, 1, when=datetime(2025, 3, 2, tzinfo=UTC))
    assert db.session.query(LevelPass).count() == 0
    retake = closed_sitting(make_exam(level, component="skills"), title="Skills retake")
    _take(retake, candidate, 5, when=datetime(2025, 9, 1, tzinfo=UTC))
    assert db.session.query(LevelPass).one().sitting_id == retake.id


def test_a_component_pass_older_than_the_retention_period_no_longer_counts(app, level, theory,
                                                                           candidate):
    _take(theory, candidate, 4, when=datetime(2023, 1, 10, tzinfo=UTC))
    late = closed_sitting(make_exam(level, component="skills"))
    _take(late, candidate, 4, when=datetime(2025, 2, 1, tzinfo=UTC))
    assert db.session.query(LevelPass).count() == 0


def test_the_retention_period_is_configurable(app_factory, make_user):
    from tests.factories import make_syllabus

    app = app_factory(GRADING_COMPONENT_PASS_YEARS=3)
    with app.app_context():
        level = make_syllabus(3)
        candidate = make_user(Role.CANDIDATE)
        _take(closed_sitting(make_exam(level, component="theory")), candidate, 4,
              when=datetime(2023, 1, 10, tzinfo=UTC))
        _take(closed_sitting(make_exam(level, component="skills")), candidate, 4,
              when=datetime(2025, 2, 1, tzinfo=UTC))
        assert db.session.query(LevelPass).count() == 1


def test_a_level_with_a_review_component_needs_it_too(make_user):
    from tests.factories import make_syllabus

    level = make_syllabus(2, components=("theory", "skills", "review"))
    candidate = make_user(Role.CANDIDATE)
    for component in ("theory", "skills"):
        _take(closed_sitting(make_exam(level, component=component)), candidate, 5)
    assert db.session.query(LevelPass).count() == 0
    _take(closed_sitting(make_exam(level, component="review")), candidate, 5)
    assert db.session.query(LevelPass).count() == 1


def test_voiding_a_graded_attempt_withdraws_its_passes(theory, skills, candidate):
    _take(theory, candidate, 4)
    skills_result = _take(skills, candidate, 4)
    attempt = skills_result.attempt
    attempt.state = "voided"
    db.session.commit()
    attempt_voided(attempt.id)
    db.session.commit()
    cp = db.session.query(ComponentPass).filter_by(result_id=skills_result.id).one()
    assert cp.withdrawn_dt is not None
    assert db.session.query(LevelPass).one().withdrawn_dt is not None
