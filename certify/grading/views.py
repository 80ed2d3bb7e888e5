"""Results for candidates, the marking queue for examiners, and results administration."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from certify.auth.decorators import role_required
from certify.auth.forms import ConfirmForm
from certify.auth.models import Role
from certify.banks.markup import render_markdown
from certify.banks.render import candidate_item
from certify.db import db
from certify.exams.models import Attempt, Sitting
from certify.grading import candidate, marking, publication, regrading, sitting_results
from certify.grading.display import points_text
from certify.grading.forms import MarkingPlanForm, RegradeForm, mark_form
from certify.grading.models import Regrade
from certify.grading.regrading import RegradeReport
from certify.grading.results import GradingError, result_of

bp = Blueprint("grading", __name__)


# Candidates ---------------------------------------------------------------------------------------

@bp.route("/results/")
@role_required(Role.CANDIDATE)
def my_results():
    return render_template("grading/my_results.html",
                           lines=candidate.my_attempts(current_user))


@bp.route("/results/<int:attempt_id>")
@role_required(Role.CANDIDATE)
def my_result(attempt_id: int):
    try:
        view = candidate.candidate_result(current_user, attempt_id)
    except candidate.ResultNotFound:
        abort(404)
    return render_template("grading/my_result.html", view=view)


# Examiners ----------------------------------------------------------------------------------------

@bp.route("/marking/")
@role_required(Role.EXAMINER)
def queue():
    return render_template("grading/queue.html", entries=marking.queue(current_user),
                           recent=marking.own_recent_marks(current_user))


@bp.route("/marking/next")
@role_required(Role.EXAMINER)
def next_script():
    sitting_id = request.args.get("sitting", type=int)
    item_id = request.args.get("item", type=int)
    if sitting_id is None or item_id is None:
        abort(400)
    attempt_item_id = marking.next_script(current_user, sitting_id, item_id)
    if attempt_item_id is None:
        flash(_("There is nothing more for you to mark for this item."), "success")
        return redirect(url_for("grading.queue"))
    return redirect(url_for("grading.mark", attempt_item_id=attempt_item_id))


@bp.route("/marking/script/<int:attempt_item_id>", methods=["GET", "POST"])
@role_required(Role.EXAMINER)
def mark(attempt_item_id: int):
    try:
        task = marking.marking_task(current_user, attempt_item_id)
    except marking.MarkingNotFound:
        abort(404)
    except GradingError as exc:
        flash(exc.message, "warning")
        return redirect(url_for("grading.queue"))
    form = mark_form(task.rubric, task.own,
                     formdata=request.form if request.method == "POST" else None)
    problems: list[str] = []
    if request.method == "POST" and form.validate():
        points = [form[f"cp{i}"].data for i in range(len(task.rubric))]
        comments = [form[f"cc{i}"].data or "" for i in range(len(task.rubric))]
        try:
            mark = marking.submit_mark(current_user, attempt_item_id, points, comments,
                                       form.comment.data or "")
        except GradingError as exc:
            problems = [exc.message]
        else:
            flash(_("Your mark for script %(script)s is saved (%(role)s marker, %(total)s "
                    "points).", script=task.script_number, role=_(mark.role),
                    total=points_text(mark.total)), "success")
            item_id = task.version.item_id
            return redirect(url_for("grading.next_script", sitting=task.sitting.id, item=item_id))
    model_answer = (task.version.key or {}).get("model_answer")
    return render_template(
        "grading/mark.html", task=task, form=form, problems=problems, confirm=ConfirmForm(),
        rendered=candidate_item(task.attempt_item.version, task.attempt_item.option_order),
        model_answer_html=render_markdown(model_answer) if model_answer else "")


@bp.route("/marking/script/<int:attempt_item_id>/no-answer", methods=["POST"])
@role_required(Role.EXAMINER)
def mark_no_answer(attempt_item_id: int):
    """"No answer — mark 0": every checkpoint 0 in one action, for a script with no answer."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        mark = marking.mark_no_answer(current_user, attempt_item_id)
    except marking.MarkingNotFound:
        abort(404)
    except GradingError as exc:
        flash(exc.message, "warning")
        return redirect(url_for("grading.mark", attempt_item_id=attempt_item_id))
    attempt_item = mark.attempt_item
    flash(_("Script %(script)s has no answer: marked 0 (%(role)s marker).",
            script=attempt_item.attempt.script_number, role=_(mark.role)), "success")
    return redirect(url_for("grading.next_script", sitting=attempt_item.attempt.enrolment.sitting_id,
                            item=attempt_item.version.item_id))


# Administrators -----------------------------------------------------------------------------------

def _sitting_or_404(sitting_id: int) -> Sitting:
    return db.get_or_404(Sitting, sitting_id)


@bp.route("/admin/results/")
@role_required(Role.ADMIN)
def admin_sittings():
    sittings = sitting_results.sittings_with_attempts()
    return render_template("grading/admin_sittings.html", sittings=[
        (s, sitting_results.sitting_summary(s)) for s in sittings])


@bp.route("/admin/results/sitting/<int:sitting_id>")
@role_required(Role.ADMIN)
def admin_sitting(sitting_id: int):
    sitting = _sitting_or_404(sitting_id)
    return render_template(
        "grading/admin_sitting.html", sitting=sitting,
        table=sitting_results.sitting_results_table(sitting),
        summary=sitting_results.sitting_summary(sitting),
        problems=publication.publication_problems(sitting), confirm=ConfirmForm(),
        runs=regrading.regrade_runs(sitting))


@bp.route("/admin/results/sitting/<int:sitting_id>/publish", methods=["POST"])
@role_required(Role.ADMIN)
def publish(sitting_id: int):
    sitting = _sitting_or_404(sitting_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        publication.publish_results(sitting, actor=current_user)
    except GradingError as exc:
        flash(_("The results were not published: %(why)s", why=exc.message), "error")
    else:
        flash(_("The results of %(sitting)s are published; candidates can see them now.",
                sitting=sitting.title), "success")
    return redirect(url_for("grading.admin_sitting", sitting_id=sitting.id))


@bp.route("/admin/results/sitting/<int:sitting_id>/marking")
@role_required(Role.ADMIN)
def progress(sitting_id: int):
    sitting = _sitting_or_404(sitting_id)
    plan, rows = marking.progress(sitting)
    form = MarkingPlanForm(formdata=None, data={"double_marking": plan.double_marking,
                                                "threshold": plan.threshold})
    return render_template("grading/progress.html", sitting=sitting, plan=plan, rows=rows,
                           form=form, problems=[])


@bp.route("/admin/results/sitting/<int:sitting_id>/plan", methods=["POST"])
@role_required(Role.ADMIN)
def set_plan(sitting_id: int):
    sitting = _sitting_or_404(sitting_id)
    form = MarkingPlanForm()
    problems: list[str] = []
    if form.validate_on_submit():
        try:
            marking.set_plan(sitting, double_marking=form.double_marking.data,
                             threshold=form.threshold.data, actor=current_user)
        except GradingError as exc:
            problems = [exc.message]
        else:
            flash(_("The marking plan is saved."), "success")
            return redirect(url_for("grading.progress", sitting_id=sitting.id))
    plan, rows = marking.progress(sitting)
    return render_template("grading/progress.html", sitting=sitting, plan=plan, rows=rows,
                           form=form, problems=problems), 422


@bp.route("/admin/results/sitting/<int:sitting_id>/regrade", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def regrade(sitting_id: int):
    sitting = _sitting_or_404(sitting_id)
    form = RegradeForm()
    items = sitting_results.sitting_items(sitting)
    form.set_items([(item.id, f"{item.ref} — {title}") for item, title in items])
    report = None
    problems: list[str] = []
    if form.validate_on_submit():
        ref = next((item.ref for item, _title in items if item.id == form.scope.data), None)
        try:
            report = regrading.regrade(sitting=sitting, item_ref=ref,
                                        adopt_corrections=form.adopt_corrections.data,
                                        reason=form.reason.data, actor=current_user,
                                        dry_run=form.dry_run.data)
        except GradingError as exc:
            problems = [exc.message]
        else:
            if not report.dry_run:
                flash(_("Regraded %(n)s attempt(s); %(c)s changed.", n=report.attempts,
                        c=len(report.changed)), "success")
                return redirect(url_for("grading.regrade_report", regrade_id=report.regrade_id))
    return render_template("grading/regrade.html", sitting=sitting, form=form, report=report,
                           problems=problems)


@bp.route("/admin/results/regrade/<int:regrade_id>")
@role_required(Role.ADMIN)
def regrade_report(regrade_id: int):
    run = db.get_or_404(Regrade, regrade_id)
    return render_template("grading/regrade_report.html", run=run,
                           report=RegradeReport.from_dict(run.report or {}, run.id))


@bp.route("/admin/results/attempt/<int:attempt_id>")
@role_required(Role.ADMIN)
def admin_attempt(attempt_id: int):
    attempt = db.get_or_404(Attempt, attempt_id)
    result = result_of(attempt)
    return render_template("grading/admin_attempt.html", attempt=attempt, result=result,
                           items=sitting_results.result_items(result) if result else [],
                           history=sitting_results.result_history(result) if result else [])
