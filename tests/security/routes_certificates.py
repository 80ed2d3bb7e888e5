"""Routes of the certificates package: public verification, holders' downloads, administration."""

from __future__ import annotations

from datetime import timedelta

from certify.certificates import operations
from certify.clock import now_utc
from certify.db import db
from certify.exams.models import ExamDefinition, Sitting
from certify.grading.models import LevelPass
from certify.syllabus.models import Level, Occupation
from tests.security.matrix import ADMINS, CANDIDATES, OWNER, PUBLIC, Route, World


def build(world: World) -> None:
    # An occupation of its own: the foundation's build creates the real one's code.
    occupation = Occupation(code="9-99-77-01", name_en="Matrix certificates", name_zh="矩阵证书")
    level = Level(number=4, name_en="Level 4", name_zh="四级", required_components=["theory"],
                  certificate_validity_years=2)
    occupation.levels.append(level)
    db.session.add(occupation)
    db.session.flush()
    exam = ExamDefinition(title="Matrix exam", level_id=level.id, component="theory",
                          duration_minutes=30, blueprint={"rows": []})
    db.session.add(exam)
    db.session.flush()
    now = now_utc()
    sitting = Sitting(exam_id=exam.id, title="Matrix sitting", opens_dt=now - timedelta(days=2),
                      closes_dt=now - timedelta(days=1), results_published_dt=now)
    db.session.add(sitting)
    db.session.flush()
    passes = {}
    for persona in ("candidate", "other_candidate"):
        passes[persona] = LevelPass(candidate_id=world.users[persona].id, level_id=level.id,
                                    passed_dt=now - timedelta(days=1), components={},
                                    sitting_id=sitting.id)
        db.session.add(passes[persona])
    db.session.flush()
    certificate, _ = operations.issue_certificate(passes["candidate"], actor=None)
    db.session.commit()
    world.cert_id = certificate.id
    world.cert_number = certificate.number
    world.cert_sitting_id = sitting.id
    world.cert_eligible_pass_id = passes["other_candidate"].id


HOLDER_OR_ADMIN = OWNER | ADMINS

ROUTES = [
    Route("certificates.verify_form", PUBLIC),
    Route("certificates.verify", PUBLIC, args=lambda w: {"number": w.cert_number}),
    Route("certificates.jwks", PUBLIC),
    Route("certificates.issuer", PUBLIC),
    Route("certificates.mine", CANDIDATES),
    Route("certificates.download_pdf", HOLDER_OR_ADMIN,
          args=lambda w: {"certificate_id": w.cert_id}),
    Route("certificates.download_badge", HOLDER_OR_ADMIN,
          args=lambda w: {"certificate_id": w.cert_id}),
    Route("certificates.admin_list", ADMINS),
    Route("certificates.admin_sittings", ADMINS),
    Route("certificates.admin_sitting", ADMINS,
          args=lambda w: {"sitting_id": w.cert_sitting_id}),
    Route("certificates.issue_sitting", ADMINS, method="POST",
          args=lambda w: {"sitting_id": w.cert_sitting_id}),
    Route("certificates.issue_pass", ADMINS, method="POST",
          args=lambda w: {"level_pass_id": w.cert_eligible_pass_id}),
    Route("certificates.sitting_zip", ADMINS, args=lambda w: {"sitting_id": w.cert_sitting_id}),
    Route("certificates.admin_detail", ADMINS, args=lambda w: {"certificate_id": w.cert_id}),
    Route("certificates.revoke", ADMINS, method="POST",
          args=lambda w: {"certificate_id": w.cert_id}, data=lambda w: {}),
    Route("certificates.reissue", ADMINS, method="POST",
          args=lambda w: {"certificate_id": w.cert_id}, data=lambda w: {}),
]
