"""The administrators' certificate list: its filters as one query, and the sittings to filter by."""

from __future__ import annotations

import sqlalchemy as sa

from certify.certificates.models import Certificate, CertificateStatus
from certify.clock import local_today
from certify.db import contains_pattern, db
from certify.exams.models import Sitting
from certify.syllabus.models import Level

#: The list's status filter: the stored statuses, and valid ones split by their expiry date.
STATUSES = ("valid", "expired", "revoked", "replaced")


def certificates(*, sitting_id: int | None = None, level_number: int | None = None,
                 status: str | None = None, text: str = "") -> sa.Select:
    """Certificates of a sitting, of a level, in a status (``valid`` and ``expired`` by today's
    local date), whose number or holder's name contains ``text``; newest first."""
    query = sa.select(Certificate).order_by(Certificate.issued_dt.desc(), Certificate.id.desc())
    if sitting_id is not None:
        query = query.where(Certificate.sitting_id == sitting_id)
    if level_number is not None:
        query = query.join(Level, Level.id == Certificate.level_id).where(
            Level.number == level_number)
    if status in ("valid", "expired"):
        query = query.where(Certificate.status == CertificateStatus.VALID.value)
        unexpired = sa.or_(Certificate.expiry_date.is_(None),
                           Certificate.expiry_date >= local_today())
        query = query.where(unexpired if status == "valid" else sa.not_(unexpired))
    elif status is not None:
        query = query.where(Certificate.status == status)
    if text:
        like = contains_pattern(text.lower())
        query = query.where(sa.or_(sa.func.lower(Certificate.number).like(like, escape="\\"),
                                   sa.func.lower(Certificate.holder_name).like(like, escape="\\")))
    return query


def sittings_with_certificates() -> list[Sitting]:
    return list(db.session.scalars(
        sa.select(Sitting).where(Sitting.id.in_(sa.select(Certificate.sitting_id)))
        .order_by(Sitting.opens_dt.desc())))
