"""Issuing certificates: eligibility, numbers, idempotence, reissue, revocation, the CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
import time_machine

from certify.audit import AuditEvent
from certify.auth.models import Role
from certify.certificates import operations
from certify.certificates.models import Certificate, CertificateStatus
from certify.certificates.verification import check_code
from certify.clock import now_utc
from certify.db import db
from certify.grading import signals
from tests.certificates.pass_helpers import build_pass, build_sitting

SPRING = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def actions(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_issue_prints_the_account_and_numbers_in_order(app, make_user, make_pass, admin):
    holders = [make_user(Role.CANDIDATE, name=name, candidate_id=f"11010519900101{i:03d}X")
               for i, name in enumerate(("欧阳娜娜", "Zoë Ørsted", "李Wei"))]
    passes = [make_pass(holder) for holder in holders]
    with time_machine.travel(SPRING, tick=False):
        issued = [operations.issue_certificate(lp, actor=admin)[0] for lp in passes]
    db.session.commit()
    assert [c.number for c in issued] == ["AIT-L4-2026-000001", "AIT-L4-2026-000002",
                                          "AIT-L4-2026-000003"]
    first = issued[0]
    assert (first.holder_name, first.holder_id_number) == ("欧阳娜娜", "11010519900101000X")
    assert first.issue_date == date(2026, 3, 10)
    assert first.expiry_date == date(2028, 3, 9)  # two years, the level's validity
    assert first.status == CertificateStatus.VALID.value and first.issued_by_id == admin.id
    secret = app.config["CERTIFICATE_SECRET"].encode()
    assert check_code(secret, first.number, operations.fields_of(first), first.verification_code)
    assert [e.details["number"] for e in actions("certificate.issued")] == \
        [c.number for c in issued]


def test_the_year_in_the_number_is_the_examining_bodys(app, candidate, make_pass):
    level_pass = make_pass(candidate)
    # 31 December 2026, 17:00 UTC is already 1 January 2027 in Beijing.
    with time_machine.travel(datetime(2026, 12, 31, 17, 0, tzinfo=UTC), tick=False):
        certificate, _created = operations.issue_certificate(level_pass, actor=None)
    assert certificate.number == "AIT-L4-2027-000001"
    assert certificate.issue_date == date(2027, 1, 1)


def test_numbers_count_per_level_and_year(app, make_user, sitting):
    level3 = build_sitting(3)
    with time_machine.travel(SPRING, tick=False):
        a = operations.issue_certificate(build_pass(make_user(), sitting), actor=None)[0]
        b = operations.issue_certificate(build_pass(make_user(), level3), actor=None)[0]
        c = operations.issue_certificate(build_pass(make_user(), sitting), actor=None)[0]
    with time_machine.travel(datetime(2027, 2, 1, tzinfo=UTC), tick=False):
        d = operations.issue_certificate(build_pass(make_user(), sitting), actor=None)[0]
    assert [x.number for x in (a, b, c, d)] == ["AIT-L4-2026-000001", "AIT-L3-2026-000001",
                                                "AIT-L4-2026-000002", "AIT-L4-2027-000001"]


def test_issuing_twice_returns_the_same_certificate(app, candidate, make_pass):
    level_pass = make_pass(candidate)
    first, created = operations.issue_certificate(level_pass, actor=None)
    again, created_again = operations.issue_certificate(level_pass, actor=None)
    assert (created, created_again) == (True, False)
    assert again.id == first.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 1
    assert operations.eligible_passes() == []


def test_unpublished_results_and_withdrawn_passes_are_not_eligible(app, make_user, make_pass):
    hidden_sitting = build_sitting(published=False)
    hidden = build_pass(make_user(), hidden_sitting)
    withdrawn = make_pass(make_user())
    withdrawn.withdrawn_dt = now_utc()
    ready = make_pass(make_user())
    db.session.commit()
    assert operations.eligible_passes() == [ready]
    with pytest.raises(operations.CertificateError, match="not published"):
        operations.issue_certificate(hidden, actor=None)
    with pytest.raises(operations.CertificateError, match="withdrawn"):
        operations.issue_certificate(withdrawn, actor=None)
    with pytest.raises(operations.CertificateError, match="not published"):
        operations.issue_sitting(hidden_sitting, actor=None)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0


def test_issue_sitting_issues_every_eligible_pass_of_that_sitting(app, make_user, sitting,
                                                                  make_pass):
    mine = [make_pass(make_user()) for _ in range(3)]
    elsewhere = build_pass(make_user(), build_sitting())
    outcome = operations.issue_sitting(sitting, actor=None)
    assert sorted(c.level_pass_id for c in outcome.issued) == sorted(lp.id for lp in mine)
    assert operations.eligible_passes() == [elsewhere]
    assert operations.issue_sitting(sitting, actor=None).issued == []


def test_no_expiry_when_the_level_says_zero(app, candidate, make_pass, sitting):
    sitting.exam.level.certificate_validity_years = 0
    certificate, _ = operations.issue_certificate(make_pass(candidate), actor=None)
    assert certificate.expiry_date is None


def test_reissue_after_a_name_correction(app, candidate, make_pass, admin):
    with time_machine.travel(SPRING, tick=False):
        old, _ = operations.issue_certificate(make_pass(candidate), actor=admin)
    candidate.name = "张伟伟"
    with time_machine.travel(datetime(2026, 4, 1, tzinfo=UTC), tick=False):
        new = operations.reissue(old, "Name corrected from the ID card", actor=admin)
    db.session.commit()
    assert (old.status, new.status) == ("replaced", "valid")
    assert new.replaces_id == old.id and old.replaced_by.id == new.id
    assert new.number == "AIT-L4-2026-000002" and new.holder_name == "张伟伟"
    assert new.issue_date == date(2026, 4, 1) and new.verification_code != old.verification_code
    assert new.level_pass_id == old.level_pass_id
    event = actions("certificate.reissued")[0]
    assert event.details["replaces"] == old.number and event.actor_id == admin.id
    with pytest.raises(operations.CertificateError):
        operations.reissue(old, "again", actor=admin)
    with pytest.raises(operations.CertificateError):
        operations.reissue(new, "  ", actor=admin)


def test_revoke_needs_a_reason_and_is_audited(app, candidate, make_pass, admin):
    certificate, _ = operations.issue_certificate(make_pass(candidate), actor=admin)
    with pytest.raises(operations.CertificateError, match="reason"):
        operations.revoke(certificate, " ", actor=admin)
    operations.revoke(certificate, "Identity fraud established", actor=admin)
    db.session.commit()
    assert certificate.status == "revoked" and certificate.revoked_by_id == admin.id
    assert certificate.revoked_dt is not None
    assert actions("certificate.revoked")[0].details["reason"] == "Identity fraud established"
    with pytest.raises(operations.CertificateError):
        operations.revoke(certificate, "twice", actor=admin)
    # A revoked pass is not eligible again: revocation is final.
    assert operations.eligible_passes() == []


def test_a_withdrawn_pass_is_flagged_not_revoked(app, candidate, make_pass):
    level_pass = make_pass(candidate)
    certificate, _ = operations.issue_certificate(level_pass, actor=None)
    level_pass.withdrawn_dt = now_utc()
    signals.level_pass_withdrawn.send(app, level_pass_id=level_pass.id)
    db.session.commit()
    assert certificate.status == "valid"
    assert operations.withdrawn_pass_certificates() == [certificate]
    assert actions("certificate.pass_withdrawn")[0].details["number"] == certificate.number
    assert operations.admin_counts()["withdrawn"] == 1
    with pytest.raises(operations.CertificateError, match="revoke it"):
        operations.reissue(certificate, "Name corrected", actor=None)


def test_cli_issues_a_sittings_certificates(app, runner, make_user, sitting, make_pass):
    for name in ("王芳", "Ann Lee"):
        make_pass(make_user(name=name))
    dry = runner.invoke(args=["issue-certificates", "--sitting", str(sitting.id), "--dry-run"])
    assert dry.exit_code == 0 and "2 certificate(s) would be issued" in dry.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0
    result = runner.invoke(args=["issue-certificates", "--sitting", str(sitting.id)])
    assert result.exit_code == 0, result.output
    assert "2 certificate(s) issued" in result.output and "王芳" in result.output
    again = runner.invoke(args=["issue-certificates", "--sitting", str(sitting.id)])
    assert "0 certificate(s) issued" in again.output
    missing = runner.invoke(args=["issue-certificates", "--sitting", "999"])
    assert missing.exit_code != 0 and "no sitting 999" in missing.output


def test_cli_refuses_an_unpublished_sitting(app, runner, candidate):
    hidden = build_sitting(published=False)
    build_pass(candidate, hidden)
    result = runner.invoke(args=["issue-certificates", "--sitting", str(hidden.id)])
    assert result.exit_code != 0 and "not published" in result.output
