"""Certificate pages: public verification and key set, holders' downloads, administration."""

from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from certify.audit import events_for
from certify.auth.decorators import login_required, role_required
from certify.auth.forms import ConfirmForm
from certify.auth.models import Role
from certify.certificates import badges, operations, queries
from certify.certificates.forms import ReissueForm, RevokeForm, VerifyForm
from certify.certificates.models import Certificate
from certify.certificates.queries import STATUSES
from certify.certificates.verification import format_code, normalise_code
from certify.db import db, write_transaction
from certify.exams.models import Sitting
from certify.extensions import limiter
from certify.grading.models import LevelPass
from certify.parsing import whole_number
from certify.web import cacheable, handle_http_error, wants_json

bp = Blueprint("certificates", __name__)

PAGE_SIZE = 50

#: One budget for every verification request of an address (page, JSON and form alike).
verify_limit = limiter.shared_limit(
    lambda: current_app.config["CERTIFICATE_VERIFY_RATE_LIMIT"], scope="certificate-verify")


def public_base_url() -> str:
    """The site's public root for QR codes and credentials (never this request's Host): answers
    503 with what to set when it is not configured."""
    try:
        return operations.public_base_url()
    except operations.CertificateError as exc:
        abort(503, description=exc.message)


def _jwks_url() -> str:
    return public_base_url() + url_for("certificates.jwks")


# --------------------------------------------------------------------------- public

@bp.errorhandler(429)
def verification_limited(exc):  # type: ignore[no-untyped-def]
    """Over the verification budget: refused in the form that was asked for, so ``?format=json``
    gets JSON too, with the CORS header of a verification (a verifying page can read why)."""
    as_json = request.args.get("format") == "json" or wants_json()
    response = make_response(handle_http_error(exc, as_json=as_json))
    if as_json:
        response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route("/verify")
@verify_limit
def verify_form():
    """The form to type a number and code; a filled form goes to the number's page."""
    form = VerifyForm(request.args)
    if request.args and form.validate():
        args = {"number": form.number.data.strip().upper()}
        if form.code.data and normalise_code(form.code.data):
            args["code"] = normalise_code(form.code.data)
        return redirect(url_for("certificates.verify", **args))
    return render_template("certificates/verify.html", form=form, result=None)


@bp.route("/verify/<number>")
@verify_limit
def verify(number: str):
    """The state of a certificate, as a page or (``Accept: application/json`` or
    ``?format=json``) as JSON for employers' systems."""
    code = request.args.get("code")
    result = operations.verify(number, code)
    status = 404 if result.state == "not_found" else 200
    if request.args.get("format") == "json" or wants_json():
        response = jsonify(result.as_json())
        response.status_code = status
        response.headers["Access-Control-Allow-Origin"] = "*"  # public, no credentials
        response.headers["Cache-Control"] = "no-store"
        return response
    form = VerifyForm(formdata=None, data={"number": result.number,
                                           "code": format_code(code) if code else ""})
    return render_template("certificates/verify.html", form=form, result=result), status


@bp.route("/.well-known/jwks.json")
@cacheable
def jwks():
    """The public keys that sign the Open Badges credentials (JWKS)."""
    response = jsonify(badges.public_jwks(*operations.published_keys()))
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/issuer")
def issuer():
    """The examining body as an Open Badges issuer profile (the credentials' ``issuer.id``)."""
    profile = operations.issuer_profile(public_base_url()).as_json()
    profile["@context"] = badges.CONTEXT
    response = jsonify(profile)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --------------------------------------------------------------------------- holders

@bp.route("/certificates/")
@role_required(Role.CANDIDATE)
def mine():
    return render_template("certificates/mine.html",
                           certificates=operations.certificates_of(current_user))


def _downloadable(certificate_id: int) -> Certificate:
    certificate = operations.get_for_download(certificate_id, current_user)
    if certificate is None:
        abort(404)
    return certificate


@bp.route("/certificates/<int:certificate_id>.pdf")
@login_required
def download_pdf(certificate_id: int):
    """The PDF, for its holder (valid certificates) and administrators."""
    certificate = _downloadable(certificate_id)
    pdf = operations.render_pdf(certificate, public_base_url())
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{operations.pdf_filename(certificate)}"',
        "Cache-Control": "private, no-store"})


@bp.route("/certificates/<int:certificate_id>/open-badge.jwt")
@login_required
def download_badge(certificate_id: int):
    """The Open Badges 3.0 credential (VC-JWT), for its holder and administrators."""
    certificate = _downloadable(certificate_id)
    token = operations.open_badge(certificate, public_base_url(), _jwks_url())
    return Response(token, mimetype="application/vc+jwt", headers={
        "Content-Disposition": f'attachment; filename="{certificate.number}.jwt"',
        "Cache-Control": "private, no-store"})


# --------------------------------------------------------------------------- administrators

def _int_arg(name: str) -> int | None:
    return whole_number(request.args.get(name, ""))


@bp.route("/admin/certificates/")
@role_required(Role.ADMIN)
def admin_list():
    sitting_id, level_number = _int_arg("sitting"), _int_arg("level")
    status = request.args.get("status") if request.args.get("status") in STATUSES else None
    text = (request.args.get("q") or "").strip()
    page = db.paginate(queries.certificates(sitting_id=sitting_id, level_number=level_number,
                                            status=status, text=text),
                       per_page=PAGE_SIZE, error_out=False)
    sittings = queries.sittings_with_certificates()
    return render_template("certificates/admin_list.html", page=page, q=text, status=status,
                           sitting_id=sitting_id, level_number=level_number, sittings=sittings,
                           withdrawn=operations.withdrawn_pass_certificates())


@bp.route("/admin/certificates/sittings/")
@role_required(Role.ADMIN)
def admin_sittings():
    return render_template("certificates/admin_sittings.html",
                           summaries=operations.sitting_summaries())


@bp.route("/admin/certificates/sittings/<int:sitting_id>")
@role_required(Role.ADMIN)
def admin_sitting(sitting_id: int):
    sitting = db.get_or_404(Sitting, sitting_id)
    passes = db.session.scalars(sa.select(LevelPass).where(LevelPass.sitting_id == sitting.id)
                                .order_by(LevelPass.id)).all()
    issued = {c.level_pass_id: c for c in db.session.scalars(
        sa.select(Certificate).where(Certificate.level_pass_id.in_([p.id for p in passes]))
        .order_by(Certificate.id))}
    eligible = {p.id for p in operations.eligible_passes(sitting)}
    return render_template("certificates/admin_sitting.html", sitting=sitting, passes=passes,
                           issued=issued, eligible=eligible, confirm=ConfirmForm())


@bp.route("/admin/certificates/sittings/<int:sitting_id>/issue", methods=["POST"])
@role_required(Role.ADMIN)
def issue_sitting(sitting_id: int):
    sitting = db.get_or_404(Sitting, sitting_id)
    if ConfirmForm().validate_on_submit():
        try:
            outcome = operations.issue_sitting(sitting, actor=current_user)
        except operations.CertificateError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(n)s certificate(s) issued.", n=len(outcome.issued)), "success")
            for level_pass, reason in outcome.refused:
                flash(_("%(name)s: %(reason)s", name=level_pass.candidate.name, reason=reason),
                      "warning")
    return redirect(url_for("certificates.admin_sitting", sitting_id=sitting.id))


@bp.route("/admin/certificates/passes/<int:level_pass_id>/issue", methods=["POST"])
@role_required(Role.ADMIN)
def issue_pass(level_pass_id: int):
    level_pass = db.get_or_404(LevelPass, level_pass_id)
    if ConfirmForm().validate_on_submit():
        try:
            certificate, created = operations.issue_certificate(level_pass, actor=current_user)
        except operations.CertificateError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Certificate %(number)s issued to %(name)s.", number=certificate.number,
                    name=certificate.holder_name) if created else
                  _("%(name)s already has certificate %(number)s.",
                    name=certificate.holder_name, number=certificate.number),
                  "success" if created else "info")
    if level_pass.sitting_id is None:
        return redirect(url_for("certificates.admin_sittings"))
    return redirect(url_for("certificates.admin_sitting", sitting_id=level_pass.sitting_id))


@bp.route("/admin/certificates/sittings/<int:sitting_id>/certificates.zip")
@role_required(Role.ADMIN)
def sitting_zip(sitting_id: int):
    """Every valid certificate of a sitting as PDFs in one ZIP."""
    sitting = db.get_or_404(Sitting, sitting_id)
    # A GET that writes (the audit row) after a long read: a write transaction of its own, so
    # that on SQLite it waits for the write lock instead of failing with "database is locked".
    with write_transaction():
        archive = operations.sitting_zip(sitting, public_base_url(), actor=current_user)
    return send_file(archive, mimetype="application/zip", as_attachment=True,
                     download_name=f"certificates-sitting-{sitting.id}.zip", max_age=0)


@bp.route("/admin/certificates/<int:certificate_id>")
@role_required(Role.ADMIN)
def admin_detail(certificate_id: int):
    certificate = db.get_or_404(Certificate, certificate_id)
    events = events_for(certificate)
    return render_template("certificates/admin_detail.html", certificate=certificate,
                           events=events, revoke_form=RevokeForm(), reissue_form=ReissueForm(),
                           replacement=operations.current_replacement(certificate))


@bp.route("/admin/certificates/<int:certificate_id>/revoke", methods=["POST"])
@role_required(Role.ADMIN)
def revoke(certificate_id: int):
    certificate = db.get_or_404(Certificate, certificate_id)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            operations.revoke(certificate, form.reason.data, actor=current_user)
        except operations.CertificateError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Certificate %(number)s is revoked.", number=certificate.number), "success")
    else:
        flash(_("Give the reason for revoking the certificate."), "error")
    return redirect(url_for("certificates.admin_detail", certificate_id=certificate.id))


@bp.route("/admin/certificates/<int:certificate_id>/reissue", methods=["POST"])
@role_required(Role.ADMIN)
def reissue(certificate_id: int):
    certificate = db.get_or_404(Certificate, certificate_id)
    form = ReissueForm()
    if form.validate_on_submit():
        try:
            new = operations.reissue(certificate, form.reason.data, actor=current_user)
        except operations.CertificateError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Certificate %(new)s replaces %(old)s.", new=new.number,
                    old=certificate.number), "success")
            return redirect(url_for("certificates.admin_detail", certificate_id=new.id))
    else:
        flash(_("Give the reason for the reissue, e.g. the name was corrected."), "error")
    return redirect(url_for("certificates.admin_detail", certificate_id=certificate.id))
