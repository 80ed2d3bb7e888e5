"""Certificate use cases: eligibility, issuance and numbering, revocation, reissue, verification.

Decisions
    - **Issuing is a human act.** Passing every required component of a level makes the pass
      *eligible* (grading creates a ``LevelPass`` and sends ``level_passed``); nothing is issued
      automatically. Administrators issue from the eligible list of a sitting, one by one or all
      at once, or with ``flask --app certify issue-certificates --sitting ID``.
    - **Results first.** A pass whose sitting has not published its results is not eligible: the
      candidate would otherwise hold a certificate before seeing the result. (A pass whose
      sitting was deleted has no such gate.)
    - **Once per pass.** A pass with any certificate (valid, revoked or replaced) is no longer
      eligible; issuing it again returns the certificate that exists. The partial unique index
      ``uq_certificate_valid_pass`` backs this up under concurrency.
    - **Withdrawn passes are flagged, not revoked.** When a regrade withdraws a pass
      (``LevelPass.withdrawn_dt``), its valid certificate stays valid until an administrator
      revokes it, with a reason, from the list of :func:`withdrawn_pass_certificates`: revoking a
      document someone may already have shown an employer is a decision for a person, and the
      regrade may yet be reversed.
    - **Numbers** ``AIT-L3-2026-000123`` come from :class:`CertificateSequence`, one row per
      (prefix, level, year), incremented with ``UPDATE … RETURNING`` inside the issuing
      transaction: the row lock (PostgreSQL) or the write lock taken by ``BEGIN IMMEDIATE``
      (SQLite, see :mod:`certify.db`) makes concurrent issuers wait for each other, and a
      rolled-back issue rolls its number back, so there are neither duplicates nor gaps.
      Passes are locked (``SELECT … FOR UPDATE``) in id order before any number is taken, so
      two administrators issuing overlapping sets cannot deadlock.
    - **PDFs are rendered on demand** from the fields frozen in the row (about 4 ms of CPU each, see
      ``bench/bench_certificates.py``) rather than stored (about 190 KB each): the printed
      content and its verification code never change; a reissue makes a new certificate.
    - **Verification** shows the state and level for a number alone, and the holder's name only
      with the right code (the code is on the paper; numbers are sequential and easy to guess).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from joserfc.jwk import OKPKey
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from certify.audit import audit
from certify.auth.models import User
from certify.certificates import badges
from certify.certificates.models import Certificate, CertificateSequence, CertificateStatus
from certify.certificates.numbers import NUMBER_PREFIX, format_number, level_labels, parse_number
from certify.certificates.pdf import Branding, CertificateData, render_certificate
from certify.certificates.verification import (
    check_code,
    content_fields,
    normalise_code,
    verification_code,
    verification_url,
)
from certify.clock import now_utc
from certify.db import db
from certify.exams.models import Attempt, Enrolment, Sitting
from certify.grading.models import ComponentPass, LevelPass, Result
from certify.syllabus.models import Level


class CertificateError(Exception):
    """An issuance, revocation or reissue that cannot be done; ``message`` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------- dates and config

#: The address credentials and QR codes name in debug and tests when none is configured: never the
#: request's Host header, which any client chooses.
DEVELOPMENT_BASE_URL = "http://localhost:5000"


def public_base_url() -> str:
    """The site's public root, printed in QR codes and signed into credentials.

    It comes from ``PUBLIC_BASE_URL`` only, never from a request (a forged ``Host`` header would
    otherwise get a validly signed credential naming another site). In debug and testing a fixed
    local address stands in for it.

    :raise CertificateError: not configured, outside debug and testing; the message says what
        to set.
    """
    configured = (current_app.config.get("PUBLIC_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if current_app.debug or current_app.testing:
        return DEVELOPMENT_BASE_URL
    raise CertificateError(_(
        "Certificates cannot be issued or signed: set CERTIFY_PUBLIC_BASE_URL to the site's "
        "public address (e.g. https://certify.example.org), which their QR codes and credentials "
        "name."))


def today() -> date:
    """Return today's date where the examining body is (``BABEL_DEFAULT_TIMEZONE``)."""
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    return now_utc().astimezone(zone).date()


def expiry_for(issued_on: date, years: int) -> date | None:
    """Return the last day of validity: *years* after *issued_on*, less a day (0: no expiry)."""
    if years <= 0:
        return None
    try:
        anniversary = issued_on.replace(year=issued_on.year + years)
    except ValueError:  # 29 February
        anniversary = issued_on.replace(year=issued_on.year + years, day=28) + timedelta(days=1)
    return anniversary - timedelta(days=1)


def _secret() -> bytes:
    return str(current_app.config["CERTIFICATE_SECRET"]).encode("utf-8")


def fields_of(certificate: Certificate) -> dict[str, str]:
    """Return the content fields the certificate's verification code covers."""
    return content_fields(holder_name=certificate.holder_name,
                          candidate_id=certificate.holder_id_number,
                          occupation_code=certificate.level.occupation.code,
                          level=certificate.level.number, issued_on=certificate.issue_date,
                          expires_on=certificate.expiry_date)


# --------------------------------------------------------------------------- eligibility

def _eligible_query(sitting_id: int | None = None) -> sa.Select:
    has_certificate = sa.exists().where(Certificate.level_pass_id == LevelPass.id)
    query = (sa.select(LevelPass)
             .outerjoin(Sitting, Sitting.id == LevelPass.sitting_id)
             .where(LevelPass.withdrawn_dt.is_(None), ~has_certificate,
                    sa.or_(LevelPass.sitting_id.is_(None),
                           Sitting.results_published_dt.is_not(None))))
    if sitting_id is not None:
        query = query.where(LevelPass.sitting_id == sitting_id)
    return query.order_by(LevelPass.id)


def eligible_passes(sitting: Sitting | None = None) -> list[LevelPass]:
    """Return the passes that may be issued a certificate now (of one sitting, or all)."""
    return [level_pass for level_pass in
            db.session.scalars(_eligible_query(sitting.id if sitting else None))
            if not _unpublished_component_sittings(level_pass)]


def _unpublished_component_sittings(level_pass: LevelPass) -> list[Sitting]:
    """The sittings of the pass's components whose results are not published yet."""
    ids = [int(i) for i in (level_pass.components or {}).values() if str(i).isdigit()]
    if not ids:
        return []
    return list(db.session.scalars(
        sa.select(Sitting).join(Enrolment, Enrolment.sitting_id == Sitting.id)
        .join(Attempt, Attempt.enrolment_id == Enrolment.id)
        .join(Result, Result.attempt_id == Attempt.id)
        .join(ComponentPass, ComponentPass.result_id == Result.id)
        .where(ComponentPass.id.in_(ids), Sitting.results_published_dt.is_(None))
        .distinct()))


def why_not_eligible(level_pass: LevelPass) -> str | None:
    """Return why *level_pass* cannot be issued a certificate now, or ``None`` when it can."""
    if level_pass.withdrawn_dt is not None:
        return _("The pass was withdrawn by a regrade.")
    if level_pass.sitting_id is not None:
        sitting = db.session.get(Sitting, level_pass.sitting_id)
        if sitting is not None and sitting.results_published_dt is None:
            return _("The results of the sitting are not published yet.")
    # Every component counts: a theory pass from a published sitting and a skills pass from one
    # still being marked make no certificate yet.
    unpublished = _unpublished_component_sittings(level_pass)
    if unpublished:
        return _("The results of sitting %(name)s (a component of this level) are not published "
                 "yet.", name=unpublished[0].title)
    return None


@dataclass(frozen=True)
class SittingSummary:
    """A sitting with passes, for the administrators' overview."""

    sitting: Sitting
    passes: int
    eligible: int
    issued: int


def sitting_summaries() -> list[SittingSummary]:
    """Return every sitting with at least one level pass, newest first, with counts."""
    has_certificate = sa.exists().where(Certificate.level_pass_id == LevelPass.id)
    rows = db.session.execute(
        sa.select(Sitting,
                  sa.func.count(LevelPass.id),
                  sa.func.count(LevelPass.id).filter(LevelPass.withdrawn_dt.is_(None),
                                                     ~has_certificate),
                  sa.func.count(LevelPass.id).filter(has_certificate))
        .join(LevelPass, LevelPass.sitting_id == Sitting.id)
        .group_by(Sitting.id).order_by(Sitting.opens_dt.desc(), Sitting.id.desc())).all()
    return [SittingSummary(sitting, passes,
                           eligible if sitting.results_published_dt is not None else 0, issued)
            for sitting, passes, eligible, issued in rows]


def withdrawn_pass_certificates() -> list[Certificate]:
    """Return the valid certificates whose level pass a regrade withdrew (to review, revoke)."""
    return list(db.session.scalars(
        sa.select(Certificate).join(LevelPass, LevelPass.id == Certificate.level_pass_id)
        .where(Certificate.status == CertificateStatus.VALID.value,
               LevelPass.withdrawn_dt.is_not(None))
        .order_by(LevelPass.withdrawn_dt.desc(), Certificate.id)))


# --------------------------------------------------------------------------- numbering

def next_sequence(level_number: int, year: int, prefix: str = NUMBER_PREFIX) -> int:
    """Take the next sequence number of (prefix, level, year) in the current transaction.

    The increment holds the sequence row's lock (PostgreSQL) or the database's write lock
    (SQLite) until the transaction ends, and is undone with it: no duplicates, no gaps.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = CertificateSequence.__table__
    db.session.execute(insert(table).values(prefix=prefix, level_number=level_number,
                                            year=year, last_value=0)
                       .on_conflict_do_nothing())
    return db.session.execute(
        sa.update(table)
        .where(table.c.prefix == prefix, table.c.level_number == level_number,
               table.c.year == year)
        .values(last_value=table.c.last_value + 1)
        .returning(table.c.last_value)).scalar_one()


# --------------------------------------------------------------------------- issuance

@dataclass
class IssueOutcome:
    """What issuing a set of passes did."""

    issued: list[Certificate]
    existing: list[Certificate]
    refused: list[tuple[LevelPass, str]]


def _lock_passes(ids: list[int]) -> list[LevelPass]:
    """Lock the level passes (in id order: no deadlocks) and return them fresh."""
    if not ids:
        return []
    return list(db.session.scalars(
        sa.select(LevelPass).where(LevelPass.id.in_(sorted(set(ids))))
        .order_by(LevelPass.id).with_for_update().execution_options(populate_existing=True)))


def _current_certificate(level_pass_id: int) -> Certificate | None:
    """Return the newest certificate issued for a pass (of any status), if any."""
    return db.session.scalar(
        sa.select(Certificate).where(Certificate.level_pass_id == level_pass_id)
        .order_by(Certificate.id.desc()).limit(1)
        .execution_options(populate_existing=True))


def _valid_certificate_of(candidate_id: int, level_id: int) -> Certificate | None:
    """The person's certificate of the level whose status is valid (at most one), locked."""
    return db.session.scalar(
        sa.select(Certificate).where(Certificate.candidate_id == candidate_id,
                                     Certificate.level_id == level_id,
                                     Certificate.status == CertificateStatus.VALID.value)
        .with_for_update().execution_options(populate_existing=True))


def _new_certificate(level_pass: LevelPass, holder: User, *, actor: User | None,
                     replaces: Certificate | None = None,
                     reason: str | None = None) -> Certificate:
    """Create, number and sign a certificate for *level_pass* (the caller holds its lock)."""
    level: Level = level_pass.level
    issued_on = today()
    number = format_number(level.number, issued_on.year, next_sequence(level.number,
                                                                       issued_on.year))
    certificate = Certificate(
        number=number, level_pass_id=level_pass.id, candidate_id=holder.id, level_id=level.id,
        sitting_id=level_pass.sitting_id, holder_name=holder.name,
        holder_id_number=holder.candidate_id or "", issue_date=issued_on,
        expiry_date=expiry_for(issued_on, level.certificate_validity_years),
        issued_dt=now_utc(), issued_by_id=actor.id if actor else None,
        status=CertificateStatus.VALID.value, replaces_id=replaces.id if replaces else None,
        reissue_reason=reason, verification_code="")
    certificate.level = level
    certificate.verification_code = verification_code(_secret(), number, fields_of(certificate))
    db.session.add(certificate)
    db.session.flush()
    return certificate


def issue_passes(level_passes: list[LevelPass], *, actor: User | None) -> IssueOutcome:
    """Issue a certificate for each pass that is eligible; idempotent and safe to race.

    A pass that already has a certificate contributes it to ``existing``; one that is not
    eligible (withdrawn, results unpublished) goes to ``refused`` with the reason.  Numbers are
    taken in pass order.  Audited per certificate (``certificate.issued``).
    """
    outcome = IssueOutcome([], [], [])
    public_base_url()  # refuse before anything is numbered when it could not be printed
    for level_pass in _lock_passes([lp.id for lp in level_passes]):
        existing = _current_certificate(level_pass.id)
        if existing is not None:
            outcome.existing.append(existing)
            continue
        problem = why_not_eligible(level_pass)
        if problem is not None:
            outcome.refused.append((level_pass, problem))
            continue
        # One valid certificate per person and level (issue 12 §14): refuse while one is in
        # force; one that has expired is superseded by the new one (marked replaced, linked).
        held = _valid_certificate_of(level_pass.candidate_id, level_pass.level_id)
        if held is not None and not held.is_expired:
            outcome.refused.append((level_pass, _(
                "%(name)s already holds certificate %(number)s for this level, valid until "
                "%(until)s; to print a new one, reissue that certificate.",
                name=held.holder_name, number=held.number,
                until=held.expiry_date.isoformat() if held.expiry_date else "—")))
            continue
        savepoint = db.session.begin_nested()
        try:
            if held is not None:
                held.status = CertificateStatus.REPLACED.value
                db.session.flush()  # the one-valid-per-level index must see it leave first
            certificate = _new_certificate(level_pass, level_pass.candidate, actor=actor,
                                           replaces=held)
        except IntegrityError:
            # Another transaction issued it between our lock and insert (only possible where
            # the lock is not held, e.g. a pass locked by a different mechanism): keep theirs.
            savepoint.rollback()
            existing = _current_certificate(level_pass.id)
            if existing is None:
                raise
            outcome.existing.append(existing)
            continue
        savepoint.commit()
        audit("certificate.issued", certificate, actor=actor, number=certificate.number,
              level_pass_id=level_pass.id, candidate_id=level_pass.candidate_id)
        outcome.issued.append(certificate)
    return outcome


def issue_certificate(level_pass: LevelPass, *, actor: User | None) -> tuple[Certificate, bool]:
    """Issue the certificate of one pass, or return the one it has.

    :return: the certificate and whether this call created it.
    :raise CertificateError: the pass is not eligible.
    """
    outcome = issue_passes([level_pass], actor=actor)
    if outcome.refused:
        raise CertificateError(outcome.refused[0][1])
    if outcome.issued:
        return outcome.issued[0], True
    return outcome.existing[0], False


def issue_sitting(sitting: Sitting, *, actor: User | None) -> IssueOutcome:
    """Issue certificates for every eligible pass of *sitting*."""
    if sitting.results_published_dt is None:
        raise CertificateError(_("The results of this sitting are not published yet."))
    return issue_passes(eligible_passes(sitting), actor=actor)


# --------------------------------------------------------------------------- revoke, reissue

def _lock_certificate(certificate: Certificate) -> Certificate:
    return db.session.scalars(
        sa.select(Certificate).where(Certificate.id == certificate.id).with_for_update()
        .execution_options(populate_existing=True)).one()


def revoke(certificate: Certificate, reason: str, *, actor: User | None) -> Certificate:
    """Revoke a valid certificate; verification then says "revoked" with the date.

    :raise CertificateError: no reason given, or the certificate is not valid.
    """
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give the reason for revoking the certificate."))
    certificate = _lock_certificate(certificate)
    if certificate.status != CertificateStatus.VALID.value:
        raise CertificateError(_("Only a valid certificate can be revoked; this one is %(status)s.",
                                 status=certificate.status))
    certificate.status = CertificateStatus.REVOKED.value
    certificate.revoked_dt = now_utc()
    certificate.revoke_reason = reason
    certificate.revoked_by_id = actor.id if actor else None
    db.session.flush()
    audit("certificate.revoked", certificate, actor=actor, number=certificate.number,
          reason=reason)
    return certificate


def reissue(certificate: Certificate, reason: str, *, actor: User | None) -> Certificate:
    """Replace a valid certificate by a new one printed from the holder's current account.

    Used after an administrator corrected the holder's name or ID number: the new certificate
    has a new number, today's date of issue (and expiry from it), and points back at the old
    one (``replaces_id``), whose verification says "replaced" with the new number.

    :raise CertificateError: no reason given, the certificate is not valid, or its pass was
        withdrawn.
    """
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give the reason for the reissue, e.g. the name was corrected."))
    public_base_url()
    level_pass = _lock_passes([certificate.level_pass_id])[0]
    old = _lock_certificate(certificate)
    if old.status != CertificateStatus.VALID.value:
        raise CertificateError(_("Only a valid certificate can be reissued; this one is "
                                 "%(status)s.", status=old.status))
    if level_pass.withdrawn_dt is not None:
        raise CertificateError(_("The level pass of this certificate was withdrawn by a "
                                 "regrade: revoke it rather than reissue it."))
    old.status = CertificateStatus.REPLACED.value
    db.session.flush()  # the valid-per-pass index must see the old one leave first
    new = _new_certificate(level_pass, old.candidate, actor=actor, replaces=old, reason=reason)
    audit("certificate.reissued", new, actor=actor, number=new.number, replaces=old.number,
          reason=reason, holder_name=new.holder_name, previous_holder_name=old.holder_name)
    return new


# --------------------------------------------------------------------------- reading

def find_by_number(text: str) -> Certificate | None:
    """Return the certificate with the number *text* (case and spaces forgiven), if any."""
    try:
        number = str(parse_number(text))
    except ValueError:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.number == number))


def get_for_download(certificate_id: int, user: User) -> Certificate | None:
    """Return the certificate when *user* may download it: administrators any, the holder
    their own valid (or expired) ones.  Anyone else gets ``None`` (the view answers 404)."""
    from certify.auth.models import Role

    certificate = db.session.get(Certificate, certificate_id)
    if certificate is None:
        return None
    if user.has_role(Role.ADMIN):
        return certificate
    if certificate.candidate_id == user.id and certificate.status == CertificateStatus.VALID.value:
        return certificate
    return None


def certificates_of(user: User) -> list[Certificate]:
    """Return a holder's certificates, newest first."""
    return list(db.session.scalars(sa.select(Certificate)
                                   .where(Certificate.candidate_id == user.id)
                                   .order_by(Certificate.issued_dt.desc(), Certificate.id.desc())))


def current_replacement(certificate: Certificate) -> Certificate | None:
    """Follow the chain of reissues to the certificate now in force (or the last one)."""
    seen, node = set(), certificate.replaced_by
    while node is not None and node.replaced_by is not None and node.id not in seen:
        seen.add(node.id)
        node = node.replaced_by
    return node


@dataclass(frozen=True)
class Verification:
    """The public answer about a certificate number (and code)."""

    #: ``valid``, ``expired``, ``revoked``, ``replaced``, ``not_found`` or ``code_mismatch``.
    state: str
    number: str
    code_given: bool = False
    holder_name: str | None = None
    level: int | None = None
    issued_on: date | None = None
    expires_on: date | None = None
    revoked_on: date | None = None
    replaced_by: str | None = None

    @property
    def level_labels(self) -> tuple[str, str] | None:
        return level_labels(self.level) if self.level is not None else None

    def as_json(self) -> dict[str, Any]:
        """Return the JSON answer for employers' systems (only what the page shows)."""
        answer: dict[str, Any] = {"number": self.number, "state": self.state,
                                  "code_checked": self.code_given}
        if self.level is not None:
            english, chinese = level_labels(self.level)
            answer["level"] = {"number": self.level, "en": english, "zh": chinese}
        for key in ("holder_name", "issued_on", "expires_on", "revoked_on", "replaced_by"):
            value = getattr(self, key)
            if value is not None:
                answer[key] = value.isoformat() if isinstance(value, date) else value
        return answer


def verify(number_text: str, code: str | None = None) -> Verification:
    """Check a certificate number and, when given, its verification code.

    Without a code the answer has the state and the level; with the right code also the
    holder's name and dates; with a wrong code only that it does not match.
    """
    number = (number_text or "").strip().upper()
    certificate = find_by_number(number)
    if certificate is None:
        return Verification("not_found", number)
    code_given = bool(code and normalise_code(code))
    if code_given and not check_code(_secret(), certificate.number, fields_of(certificate),
                                     code or ""):
        return Verification("code_mismatch", certificate.number, code_given=True)
    state = certificate.display_status
    extra: dict[str, Any] = {}
    if state == CertificateStatus.REVOKED.value and certificate.revoked_dt is not None:
        extra["revoked_on"] = certificate.revoked_dt.date()
    if state == CertificateStatus.REPLACED.value:
        replacement = current_replacement(certificate)
        extra["replaced_by"] = replacement.number if replacement else None
    if code_given:
        extra.update(holder_name=certificate.holder_name, issued_on=certificate.issue_date,
                     expires_on=certificate.expiry_date)
    return Verification(state, certificate.number, code_given=code_given,
                        level=certificate.level.number, **extra)


# --------------------------------------------------------------------------- PDF, ZIP, badge

def branding() -> Branding:
    """Return the examining body's branding from the configuration (see ``setup.init_app``)."""
    config = current_app.config
    logo = config.get("CERTIFICATE_LOGO_PATH")
    return Branding(
        body_name_en=config["EXAMINING_BODY_EN"], body_name_zh=config["EXAMINING_BODY_ZH"],
        logo_path=logo if logo else Branding.__dataclass_fields__["logo_path"].default,
        seal_path=config.get("CERTIFICATE_SEAL_PATH") or None,
        signature_path=config.get("CERTIFICATE_SIGNATURE_PATH") or None,
        signatory_name=config.get("CERTIFICATE_SIGNATORY_NAME") or "",
        signatory_title=config.get("CERTIFICATE_SIGNATORY_TITLE") or "")


def certificate_data(certificate: Certificate, base_url: str) -> CertificateData:
    """Return the plain data the PDF and the badge are made from."""
    occupation = certificate.level.occupation
    return CertificateData(
        number=certificate.number, holder_name=certificate.holder_name,
        candidate_id=certificate.holder_id_number, level=certificate.level.number,
        issued_on=certificate.issue_date, expires_on=certificate.expiry_date,
        verification_code=certificate.verification_code,
        verification_url=verification_url(base_url, certificate.number,
                                          certificate.verification_code),
        occupation_code=occupation.code, occupation_en=occupation.name_en,
        occupation_zh=occupation.name_zh)


def render_pdf(certificate: Certificate, base_url: str) -> bytes:
    """Render the certificate's PDF (the QR code points at *base_url*'s verification page)."""
    return render_certificate(certificate_data(certificate, base_url), branding())


def pdf_filename(certificate: Certificate) -> str:
    return f"{certificate.number}.pdf"


def sitting_zip(sitting: Sitting, base_url: str, *, actor: User | None) -> IO[bytes]:
    """Write the PDFs of a sitting's valid certificates into a ZIP and return it, rewound.

    The archive is spooled to a temporary file past 16 MB, so a large sitting does not sit
    in memory; PDFs are stored uncompressed (their streams already are).
    """
    certificates = db.session.scalars(
        sa.select(Certificate).where(Certificate.sitting_id == sitting.id,
                                     Certificate.status == CertificateStatus.VALID.value)
        .order_by(Certificate.number)).all()
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 (returned open)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            archive.writestr(pdf_filename(certificate), render_pdf(certificate, base_url))
    spool.seek(0)
    audit("certificate.zip_downloaded", sitting, actor=actor, count=len(certificates))
    return spool


def signing_key_path() -> Path:
    configured = current_app.config.get("CERTIFICATE_SIGNING_KEY_PATH")
    return Path(configured) if configured else Path(current_app.instance_path) / \
        "certificate_signing_key.pem"


def signing_key() -> OKPKey:
    """Return the Open Badges signing key, creating it in the instance folder on first use.

    Creation is atomic (a hard link that fails when another worker linked first), so workers
    starting together agree on one key.
    """
    state = current_app.extensions.setdefault("certify_certificates", {})
    key = state.get("signing_key")
    if key is not None:
        return key
    path = signing_key_path()
    if not path.exists():
        scratch = path.with_name(f"{path.name}.{os.getpid()}.new")
        badges.save_signing_key(badges.generate_signing_key(), scratch)
        try:
            os.link(scratch, path)
        except FileExistsError:
            pass
        finally:
            scratch.unlink(missing_ok=True)
    key = state["signing_key"] = badges.load_signing_key(path)
    return key


def published_keys() -> list[OKPKey]:
    """Return the current signing key and the public keys of earlier ones still published
    (``CERTIFICATE_PREVIOUS_KEY_PATHS``), so credentials signed before a rotation verify."""
    keys = [signing_key()]
    for path in current_app.config.get("CERTIFICATE_PREVIOUS_KEY_PATHS") or ():
        keys.append(OKPKey.import_key(Path(path).read_bytes()))
    return keys


def issuer_profile(base_url: str) -> badges.IssuerProfile:
    """Return the examining body as the credentials' issuer (served at ``/issuer``)."""
    config = current_app.config
    base = base_url.rstrip("/")
    return badges.IssuerProfile(
        id=f"{base}/issuer", name=f"{config['EXAMINING_BODY_ZH']} ({config['EXAMINING_BODY_EN']})",
        url=base, email=config.get("CERTIFICATE_ISSUER_EMAIL") or None)


def open_badge(certificate: Certificate, base_url: str, jwks_url: str) -> str:
    """Return the certificate as a signed Open Badges 3.0 credential (VC-JWT)."""
    credential = badges.build_credential(certificate_data(certificate, base_url),
                                         issuer_profile(base_url), base_url,
                                         issued_at=certificate.issued_dt)
    return badges.sign_credential(credential, signing_key(), jwks_url=jwks_url)


# --------------------------------------------------------------------------- signals, panels

def on_level_pass_withdrawn(sender: Any, level_pass_id: int, **extra: Any) -> None:
    """Grading withdrew a pass: note every valid certificate of it in the audit log.

    Nothing is revoked (see the module docstring); the administrators' certificate list shows
    these certificates until someone decides.
    """
    for certificate in db.session.scalars(
            sa.select(Certificate).where(Certificate.level_pass_id == level_pass_id,
                                         Certificate.status == CertificateStatus.VALID.value)):
        audit("certificate.pass_withdrawn", certificate, number=certificate.number,
              level_pass_id=level_pass_id)


def admin_counts() -> dict[str, int]:
    """Return the figures of the administrators' dashboard panel."""
    by_status = dict(db.session.execute(
        sa.select(Certificate.status, sa.func.count()).group_by(Certificate.status)).all())
    eligible = db.session.scalar(sa.select(sa.func.count()).select_from(
        _eligible_query().order_by(None).subquery()))
    return {"valid": by_status.get("valid", 0), "revoked": by_status.get("revoked", 0),
            "replaced": by_status.get("replaced", 0), "eligible": eligible or 0,
            "withdrawn": len(withdrawn_pass_certificates())}
