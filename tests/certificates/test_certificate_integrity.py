"""Certificates: every component published (issue 13 §5), one valid certificate per person and
level (issue 12 §14)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from certify.certificates import operations
from certify.certificates.models import Certificate, CertificateStatus
from certify.clock import now_utc
from certify.db import db
from certify.grading.models import ComponentPass, Result
from tests.certificates.pass_helpers import build_pass, build_sitting
from tests.factories import enrol, make_attempt, make_exam, make_sitting


def _component_pass(candidate, sitting, component: str) -> ComponentPass:
    attempt = make_attempt(enrol(sitting, candidate), [])
    result = Result(attempt_id=attempt.id, status="complete", score=Decimal(80), passed=True)
    db.session.add(result)
    db.session.flush()
    component_pass = ComponentPass(candidate_id=candidate.id, level_id=sitting.exam.level_id,
                                   component=component, result_id=result.id,
                                   score=Decimal(80), passed_dt=now_utc(),
                                   valid_until=now_utc() + timedelta(days=365))
    db.session.add(component_pass)
    db.session.commit()
    return component_pass


def test_no_certificate_while_one_components_sitting_is_unpublished(app, candidate, admin):
    theory = build_sitting()  # published
    skills = make_sitting(make_exam(theory.exam.level, component="skills"), title="Skills May")
    level_pass = build_pass(candidate, theory)  # the last component's sitting is published …
    level_pass.components = {"theory": _component_pass(candidate, theory, "theory").id,
                             "skills": _component_pass(candidate, skills, "skills").id}
    db.session.commit()  # … but the skills sitting is still being marked
    assert "Skills May" in operations.why_not_eligible(level_pass)
    assert operations.eligible_passes(theory) == []
    with pytest.raises(operations.CertificateError, match="Skills May"):
        operations.issue_certificate(level_pass, actor=admin)
    skills.results_published_dt = now_utc()
    db.session.commit()
    certificate, created = operations.issue_certificate(level_pass, actor=admin)
    assert created and certificate.status == CertificateStatus.VALID.value


def test_a_second_sitting_gives_no_second_valid_certificate_of_the_level(app, candidate, admin):
    first = build_pass(candidate, build_sitting())
    held, _ = operations.issue_certificate(first, actor=admin)
    second = build_pass(candidate, build_sitting())
    outcome = operations.issue_sitting(_sitting(second), actor=admin)
    assert outcome.issued == []
    [(refused, reason)] = outcome.refused
    assert refused.id == second.id and held.number in reason and "reissue" in reason
    valid = db.session.scalars(sa.select(Certificate).where(
        Certificate.candidate_id == candidate.id,
        Certificate.status == CertificateStatus.VALID.value)).all()
    assert [c.number for c in valid] == [held.number]


def _sitting(level_pass):
    from certify.exams.models import Sitting
    return db.session.get(Sitting, level_pass.sitting_id)


def test_an_expired_certificate_is_superseded_and_linked(app, candidate, admin):
    first = build_pass(candidate, build_sitting())
    old, _ = operations.issue_certificate(first, actor=admin)
    old.expiry_date = operations.today() - timedelta(days=1)
    db.session.commit()
    new, created = operations.issue_certificate(build_pass(candidate, build_sitting()),
                                                actor=admin)
    assert created and new.replaces_id == old.id
    assert db.session.get(Certificate, old.id).status == CertificateStatus.REPLACED.value


def test_the_database_refuses_two_valid_certificates_of_one_person_and_level(app, candidate,
                                                                             admin):
    held, _ = operations.issue_certificate(build_pass(candidate, build_sitting()), actor=admin)
    second = build_pass(candidate, build_sitting())
    twin = Certificate(number="X-TWIN", level_pass_id=second.id, candidate_id=candidate.id,
                       level_id=held.level_id, sitting_id=second.sitting_id,
                       holder_name=held.holder_name, holder_id_number=held.holder_id_number,
                       issue_date=held.issue_date, issued_dt=now_utc(),
                       status=CertificateStatus.VALID.value, verification_code="x")
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
