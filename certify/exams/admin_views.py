"""Administrators' exam pages (definitions, sittings, enrolments) and the invigilator view.

Definitions and sittings are for administrators; the invigilator view (live list, add time, void)
is for administrators and examiners.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext, to_user_timezone, to_utc
from flask_login import current_user
from flask_wtf import FlaskForm

from certify.audit import events_for
from certify.auth.decorators import role_required
from certify.auth.models import Role
from certify.db import db
from certify.exams import operations, supply
from certify.exams.attempts import AttemptError, expiry, invigilation, late, reading
from certify.exams.blueprint import FormBlueprint
from certify.exams.definition_editor import DefinitionEditor
from certify.exams.forms import (
    ITEM_TYPE_LABELS,
    REVIEW_POLICY_LABELS,
    AddTimeForm,
    EnrolCsvForm,
    EnrolForm,
    ExtraTimeForm,
    SittingForm,
    VoidForm,
)
from certify.exams.models import Enrolment, ExamDefinition, Sitting
from certify.exams.operations import ExamError, SittingData
from certify.formutil import choices

bp = Blueprint("exam_admin", __name__)

ADMIN = Role.ADMIN
STAFF = (Role.ADMIN, Role.EXAMINER)


def _local(value: datetime) -> datetime:
    """An aware UTC time as a naive local time for a ``datetime-local`` field."""
    return to_user_timezone(value).replace(tzinfo=None)


def _utc(value: datetime) -> datetime:
    """A naive local time from a form as an aware UTC time."""
    return to_utc(value).replace(tzinfo=UTC)


def _flash_problems(exc: ExamError) -> None:
    for problem in exc.problems:
        flash(problem, "error")


# Definitions -------------------------------------------------------------------------------------

@bp.route("/admin/exams/")
@role_required(ADMIN)
def definitions():
    return render_template("exams/admin/definitions.html", exams=operations.definitions(),
                           labels=ITEM_TYPE_LABELS)


def _definition_page(exam: ExamDefinition | None):  # type: ignore[no-untyped-def]
    posted = request.form if request.method == "POST" else None
    editor = DefinitionEditor.open(exam, posted, component=request.args.get("component"))
    new = exam is None
    if editor.derive() and request.form.get("action") == "save" and editor.save(current_user):
        flash(_("The exam “%(title)s” is saved: the bank can supply it.", title=editor.exam.title)
              if new else _("The exam “%(title)s” is saved.", title=editor.exam.title), "success")
        return redirect(url_for("exam_admin.definition", exam_id=editor.exam.id))
    return render_template("exams/admin/definition_form.html", **editor.context())


@bp.route("/admin/exams/new", methods=["GET", "POST"])
@role_required(ADMIN)
def new_definition():
    return _definition_page(None)


@bp.route("/admin/exams/<int:exam_id>/edit", methods=["GET", "POST"])
@role_required(ADMIN)
def edit_definition(exam_id: int):
    return _definition_page(db.get_or_404(ExamDefinition, exam_id))


@bp.route("/admin/exams/<int:exam_id>")
@role_required(ADMIN)
def definition(exam_id: int):
    exam = db.get_or_404(ExamDefinition, exam_id)
    blueprint = FormBlueprint.from_json(exam.blueprint)
    return render_template("exams/admin/definition.html", exam=exam, blueprint=blueprint,
                           report=supply.report(exam.level, blueprint),
                           locked=operations.has_attempts(exam), labels=ITEM_TYPE_LABELS,
                           type_labels=ITEM_TYPE_LABELS, policies=REVIEW_POLICY_LABELS)


@bp.route("/admin/exams/<int:exam_id>/archive", methods=["POST"])
@role_required(ADMIN)
def archive_definition(exam_id: int):
    exam = db.get_or_404(ExamDefinition, exam_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    archived = request.form.get("archived") == "1"
    operations.set_archived(exam, archived, actor=current_user)
    flash(_("The exam is archived: it gets no new sittings.") if archived
          else _("The exam is restored."), "success")
    return redirect(url_for("exam_admin.definition", exam_id=exam.id))


@bp.route("/admin/exams/<int:exam_id>/delete", methods=["POST"])
@role_required(ADMIN)
def delete_definition(exam_id: int):
    exam = db.get_or_404(ExamDefinition, exam_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        operations.delete_definition(exam, actor=current_user)
    except ExamError as exc:
        _flash_problems(exc)
        return redirect(url_for("exam_admin.definition", exam_id=exam.id))
    flash(_("The exam definition is deleted."), "success")
    return redirect(url_for("exam_admin.definitions"))


# Sittings ----------------------------------------------------------------------------------------

@bp.route("/admin/sittings/")
@role_required(ADMIN)
def sittings():
    return render_template("exams/admin/sittings.html", sittings=operations.sittings())


def _sitting_page(sitting: Sitting | None):  # type: ignore[no-untyped-def]
    form = SittingForm()
    exams = [e for e in operations.definitions()
             if not e.is_archived or (sitting is not None and e.id == sitting.exam_id)]
    form.exam.choices = choices([(e.id, e.title) for e in exams])
    if request.method == "GET":
        if sitting is None:
            wanted = request.args.get("exam", type=int)
            form.exam.data = wanted if wanted in {e.id for e in exams} else None
            if form.exam.data:
                form.title.data = next(e.title for e in exams if e.id == form.exam.data)
            form.access_code.data = operations.new_access_code()
        else:
            form.exam.data = sitting.exam_id
            form.title.data = sitting.title
            form.location.data = sitting.location
            form.opens.data = _local(sitting.opens_dt)
            form.closes.data = _local(sitting.closes_dt)
            form.access_code.data = sitting.access_code or ""
    problems: list[str] = []
    if form.validate_on_submit():
        exam = db.session.get(ExamDefinition, form.exam.data)
        data = SittingData(exam=exam, title=form.title.data, location=form.location.data or "",
                           opens_dt=_utc(form.opens.data), closes_dt=_utc(form.closes.data),
                           access_code=form.access_code.data)
        try:
            if sitting is None:
                sitting = operations.create_sitting(data, actor=current_user)
            else:
                operations.update_sitting(sitting, data, actor=current_user)
        except ExamError as exc:
            problems = exc.problems
        else:
            flash(_("The sitting “%(title)s” is saved.", title=sitting.title), "success")
            return redirect(url_for("exam_admin.sitting", sitting_id=sitting.id))
    return render_template("exams/admin/sitting_form.html", form=form, sitting=sitting,
                           problems=problems)


@bp.route("/admin/sittings/new", methods=["GET", "POST"])
@role_required(ADMIN)
def new_sitting():
    return _sitting_page(None)


@bp.route("/admin/sittings/<int:sitting_id>/edit", methods=["GET", "POST"])
@role_required(ADMIN)
def edit_sitting(sitting_id: int):
    return _sitting_page(db.get_or_404(Sitting, sitting_id))


def _render_sitting(sitting: Sitting, **context: Any) -> str:
    context.setdefault("enrol_form", EnrolForm())
    context.setdefault("csv_form", EnrolCsvForm())
    rows = invigilation.sitting_rows(sitting)
    return render_template("exams/admin/sitting.html", sitting=sitting, exam=sitting.exam,
                           rows=rows, extra_form=ExtraTimeForm(formdata=None),
                           attempt_count=sum(1 for r in rows if r.attempt is not None), **context)


@bp.route("/admin/sittings/<int:sitting_id>")
@role_required(ADMIN)
def sitting(sitting_id: int):
    return _render_sitting(db.get_or_404(Sitting, sitting_id))


@bp.route("/admin/sittings/<int:sitting_id>/delete", methods=["POST"])
@role_required(ADMIN)
def delete_sitting(sitting_id: int):
    sitting = db.get_or_404(Sitting, sitting_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        operations.delete_sitting(sitting, actor=current_user)
    except ExamError as exc:
        _flash_problems(exc)
        return redirect(url_for("exam_admin.sitting", sitting_id=sitting.id))
    flash(_("The sitting is deleted."), "success")
    return redirect(url_for("exam_admin.sittings"))


@bp.route("/admin/sittings/<int:sitting_id>/enrol", methods=["POST"])
@role_required(ADMIN)
def enrol(sitting_id: int):
    sitting = db.get_or_404(Sitting, sitting_id)
    form = EnrolForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            enrolment = operations.enrol_candidate(sitting, form.identifier.data,
                                                   form.extra_time_pct.data or 0,
                                                   actor=current_user)
        except ExamError as exc:
            problems = exc.problems
        else:
            flash(_("%(name)s is enrolled.", name=enrolment.candidate.name), "success")
            return redirect(url_for("exam_admin.sitting", sitting_id=sitting.id))
    return _render_sitting(sitting, enrol_form=form, enrol_problems=problems), 422


@bp.route("/admin/sittings/<int:sitting_id>/enrol-csv", methods=["POST"])
@role_required(ADMIN)
def enrol_csv(sitting_id: int):
    sitting = db.get_or_404(Sitting, sitting_id)
    form = EnrolCsvForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            summary = operations.import_enrolments(sitting, form.file.data.read(),
                                                   actor=current_user)
        except ExamError as exc:
            problems = exc.problems
        else:
            flash(_("The file is imported: %(c)s enrolled, %(u)s with changed extra time, "
                    "%(n)s enrolled already.", c=len(summary.created), u=len(summary.updated),
                    n=len(summary.unchanged)), "success")
            return redirect(url_for("exam_admin.sitting", sitting_id=sitting.id))
    return _render_sitting(sitting, csv_form=form, csv_problems=problems), 422


@bp.route("/admin/sittings/enrolment-template.csv")
@role_required(ADMIN)
def enrolment_template():
    return Response(operations.csv_template(), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="enrolments.csv"'})


def _enrolment_or_404(sitting_id: int, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.sitting_id != sitting_id:
        abort(404)
    return enrolment


@bp.route("/admin/sittings/<int:sitting_id>/enrolments/<int:enrolment_id>/extra-time",
          methods=["POST"])
@role_required(ADMIN)
def extra_time(sitting_id: int, enrolment_id: int):
    enrolment = _enrolment_or_404(sitting_id, enrolment_id)
    form = ExtraTimeForm()
    if not form.validate_on_submit():
        flash(_("Extra time: give a whole number of percent from 0 to 200."), "error")
    else:
        try:
            operations.update_enrolment(enrolment, form.extra_time_pct.data, actor=current_user)
        except ExamError as exc:
            _flash_problems(exc)
        else:
            flash(_("Extra time for %(name)s: %(pct)s %%.", name=enrolment.candidate.name,
                    pct=enrolment.extra_time_pct), "success")
    return redirect(url_for("exam_admin.sitting", sitting_id=sitting_id) + "#enrolments")


@bp.route("/admin/sittings/<int:sitting_id>/enrolments/<int:enrolment_id>/withdraw",
          methods=["POST"])
@role_required(ADMIN)
def withdraw(sitting_id: int, enrolment_id: int):
    enrolment = _enrolment_or_404(sitting_id, enrolment_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    name = enrolment.candidate.name
    try:
        operations.remove_enrolment(enrolment, actor=current_user)
    except ExamError as exc:
        _flash_problems(exc)
    else:
        flash(_("%(name)s is withdrawn from the sitting.", name=name), "success")
    return redirect(url_for("exam_admin.sitting", sitting_id=sitting_id) + "#enrolments")


@bp.route("/admin/sittings/<int:sitting_id>/close", methods=["GET", "POST"])
@role_required(ADMIN)
def close_sitting(sitting_id: int):
    """Close a sitting now: a confirmation page, then the action (see the use case's rule)."""
    sitting = db.get_or_404(Sitting, sitting_id)
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            moved = invigilation.close_sitting_now(sitting, actor=current_user)
        except AttemptError as exc:
            flash(exc.message, "error")
        else:
            flash(ngettext("The sitting is closed; %(num)s attempt in progress ends now.",
                           "The sitting is closed; %(num)s attempts in progress end now.",
                           len(moved)), "success")
        return redirect(url_for("exam_admin.sitting", sitting_id=sitting.id))
    return render_template("exams/admin/close_sitting.html", sitting=sitting, form=form,
                           running=len(invigilation.running_attempts(sitting)),
                           grace=int(expiry.grace_seconds()))


# Invigilation ------------------------------------------------------------------------------------

@bp.route("/invigilate/")
@role_required(*STAFF)
def invigilate_index():
    groups: dict[str, list[Sitting]] = {"open": [], "upcoming": [], "closed": []}
    for s in operations.sittings():
        groups[s.window_state].append(s)
    groups["upcoming"].reverse()  # soonest first
    return render_template("exams/invigilate/index.html", groups=groups)


@bp.route("/invigilate/sittings/<int:sitting_id>")
@role_required(*STAFF)
def invigilate(sitting_id: int):
    sitting = db.get_or_404(Sitting, sitting_id)
    return render_template("exams/invigilate/sitting.html", sitting=sitting, exam=sitting.exam,
                           rows=invigilation.sitting_rows(sitting))


@bp.route("/invigilate/sittings/<int:sitting_id>/rows")
@role_required(*STAFF)
def invigilate_rows(sitting_id: int):
    sitting = db.get_or_404(Sitting, sitting_id)
    return render_template("exams/invigilate/_rows.html", sitting=sitting,
                           rows=invigilation.sitting_rows(sitting))


def _sitting_attempt_or_404(sitting_id: int, attempt_id: int):  # type: ignore[no-untyped-def]
    sitting = db.get_or_404(Sitting, sitting_id)
    attempt = invigilation.sitting_attempt(sitting, attempt_id)
    if attempt is None:
        abort(404)
    return sitting, expiry.ensure_current(attempt)


def _render_attempt(sitting: Sitting, attempt: Any, **context: Any) -> str:
    events = events_for(attempt, oldest_first=True)
    context.setdefault("time_form", AddTimeForm(formdata=None))
    context.setdefault("void_form", VoidForm(formdata=None))
    statuses = reading.overview(attempt)
    lates = late.late_answers(attempt)
    context.setdefault("late_form", FlaskForm(formdata=None))
    return render_template("exams/invigilate/attempt.html", sitting=sitting, attempt=attempt,
                           events=events, statuses=statuses, late_answers=lates,
                           late_stored=late.stored_values(attempt, lates),
                           answered=sum(1 for s in statuses if s.answered),
                           remaining=expiry.clock(attempt)["remaining_seconds"], **context)


@bp.route("/invigilate/sittings/<int:sitting_id>/attempts/<int:attempt_id>")
@role_required(*STAFF)
def invigilate_attempt(sitting_id: int, attempt_id: int):
    sitting, attempt = _sitting_attempt_or_404(sitting_id, attempt_id)
    return _render_attempt(sitting, attempt)


@bp.route("/invigilate/sittings/<int:sitting_id>/attempts/<int:attempt_id>/add-time",
          methods=["POST"])
@role_required(*STAFF)
def add_time(sitting_id: int, attempt_id: int):
    sitting, attempt = _sitting_attempt_or_404(sitting_id, attempt_id)
    form = AddTimeForm()
    error = None
    if form.validate_on_submit():
        try:
            invigilation.add_time(attempt, form.minutes.data, form.reason.data, actor=current_user)
        except AttemptError as exc:
            error = exc.message
        else:
            flash(_("%(minutes)s minute(s) added for %(name)s.", minutes=form.minutes.data,
                    name=attempt.candidate.name), "success")
            return redirect(url_for("exam_admin.invigilate_attempt", sitting_id=sitting.id,
                                    attempt_id=attempt.id))
    return _render_attempt(sitting, attempt, time_form=form, time_error=error), 422


@bp.route("/invigilate/sittings/<int:sitting_id>/attempts/<int:attempt_id>/void",
          methods=["POST"])
@role_required(*STAFF)
def void(sitting_id: int, attempt_id: int):
    sitting, attempt = _sitting_attempt_or_404(sitting_id, attempt_id)
    form = VoidForm()
    error = None
    if form.validate_on_submit():
        try:
            voided = invigilation.void_attempt(attempt, form.reason.data, actor=current_user)
        except AttemptError as exc:
            error = exc.message
        else:
            flash(_("The attempt of %(name)s is voided.", name=attempt.candidate.name) if voided
                  else _("The attempt was voided already."), "success")
            return redirect(url_for("exam_admin.invigilate_attempt", sitting_id=sitting.id,
                                    attempt_id=attempt.id))
    return _render_attempt(sitting, attempt, void_form=form, void_error=error), 422


@bp.route("/invigilate/sittings/<int:sitting_id>/attempts/<int:attempt_id>/late",
          methods=["POST"])
@role_required(*STAFF)
def decide_late(sitting_id: int, attempt_id: int):
    """Accept or reject one answer delivered after the submission (form: ``late_id``,
    ``decision`` = ``accept`` | ``reject``)."""
    sitting, attempt = _sitting_attempt_or_404(sitting_id, attempt_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    decision = request.form.get("decision")
    late_id = request.form.get("late_id", type=int)
    answer = late.late_answer(attempt, late_id) if late_id is not None else None
    if answer is None or decision not in ("accept", "reject"):
        flash(_("Choose a late answer of this attempt and accept or reject it."), "error")
    else:
        position = answer.attempt_item.position
        try:
            late.decide(answer, decision == "accept", actor=current_user)
        except AttemptError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The late answer to question %(position)s is accepted; the attempt is "
                    "regraded.", position=position) if decision == "accept" else
                  _("The late answer to question %(position)s is rejected.", position=position),
                  "success")
    return redirect(url_for("exam_admin.invigilate_attempt", sitting_id=sitting.id,
                            attempt_id=attempt.id) + "#late-answers")
