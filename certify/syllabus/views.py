"""Public syllabus pages and the administrators' syllabus editor."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from certify.auth.decorators import role_required
from certify.auth.models import Role
from certify.db import db
from certify.formutil import choices
from certify.syllabus import operations
from certify.syllabus.forms import NewUnitForm, SyllabusImportForm, UnitForm, weights_form
from certify.syllabus.models import Component, Unit, UnitKind
from certify.syllabus.spec import SyllabusError, dump_yaml, load_yaml

bp = Blueprint("syllabus", __name__)


def _level_or_404(number: int):  # type: ignore[no-untyped-def]
    level = operations.get_level(number)
    if level is None:
        abort(404)
    return level


def _component_or_404(name: str) -> Component:
    try:
        return Component(name)
    except ValueError:
        abort(404)


@bp.route("/syllabus/")
def index():
    return render_template("syllabus/index.html", occupation=operations.get_occupation(),
                           levels=operations.levels())


@bp.route("/syllabus/level/<int:number>")
def level(number: int):
    return render_template("syllabus/level.html", level=_level_or_404(number))


# Administrators ----------------------------------------------------------------------------------

@bp.route("/admin/syllabus/", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def admin():
    form = SyllabusImportForm()
    summary = problems = None
    if form.validate_on_submit():
        raw = form.file.data.read()
        try:
            spec = load_yaml(raw)
            summary = operations.import_syllabus(spec, actor=current_user,
                                                 dry_run=form.dry_run.data)
        except SyllabusError as exc:
            problems = exc.problems
        else:
            if not form.dry_run.data:
                flash(_("The syllabus was imported."), "success")
    return render_template("syllabus/admin.html", form=form, summary=summary, problems=problems,
                           occupation=operations.get_occupation(), levels=operations.levels())


@bp.route("/admin/syllabus/export.yaml")
@role_required(Role.ADMIN, Role.EXAMINER)
def export():
    occupation = operations.get_occupation()
    if occupation is None:
        abort(404)
    text = dump_yaml(operations.export_syllabus(occupation))
    return Response(text, mimetype="application/yaml", headers={
        "Content-Disposition": f'attachment; filename="syllabus-{occupation.code}.yaml"'})


@bp.route("/admin/syllabus/level/<int:number>/weights/<component>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_weights(number: int, component: str):
    level = _level_or_404(number)
    comp = _component_or_404(component)
    form = weights_form(level, comp.value, formdata=request.form if request.method == "POST"
                        else None)
    problems: list[str] = []
    if request.method == "POST" and form.validate():
        table: dict[str, Decimal] = {}
        for unit in level.units:
            value = getattr(form, f"u{unit.id}").data
            if value:
                table[unit.code] = value
        try:
            operations.set_weights(level, comp, table, actor=current_user)
        except SyllabusError as exc:
            problems = exc.problems
        else:
            flash(_("The %(component)s weights of level %(level)s are saved.",
                    component=comp.value, level=level.number), "success")
            return redirect(url_for("syllabus.level", number=level.number))
    return render_template("syllabus/weights.html", level=level, component=comp, form=form,
                           problems=problems)


@bp.route("/admin/syllabus/unit/<int:unit_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def edit_unit(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    form = UnitForm(obj=unit)
    if form.validate_on_submit():
        operations.update_unit(unit, title_en=form.title_en.data, title_zh=form.title_zh.data,
                               description_en=form.description_en.data or "",
                               description_zh=form.description_zh.data or "",
                               source=form.source.data, actor=current_user)
        flash(_("Unit %(ref)s is saved.", ref=unit.ref), "success")
        return redirect(url_for("syllabus.level", number=unit.level.number) + f"#u-{unit.code}")
    return render_template("syllabus/unit_form.html", unit=unit, level=unit.level, form=form)


@bp.route("/admin/syllabus/level/<int:number>/units/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_unit(number: int):
    level = _level_or_404(number)
    form = NewUnitForm()
    form.parent.choices = choices([(0, _("(top level)"))] + [
        (u.id, f"{u.code} {u.title_en}") for u in level.units
        if u.kind in (UnitKind.FUNCTION.value, UnitKind.WORK_CONTENT.value, UnitKind.KNOWLEDGE.value)
    ])
    problems: list[str] = []
    if form.validate_on_submit():
        parent = db.session.get(Unit, form.parent.data) if form.parent.data else None
        if parent is not None and parent.level_id != level.id:
            abort(400)
        try:
            unit = operations.add_unit(
                level, parent, code=form.code.data.strip(), kind=UnitKind(form.kind.data),
                title_en=form.title_en.data, title_zh=form.title_zh.data,
                description_en=form.description_en.data or "",
                description_zh=form.description_zh.data or "", actor=current_user)
        except SyllabusError as exc:
            problems = exc.problems
        else:
            flash(_("Unit %(ref)s is added.", ref=unit.ref), "success")
            return redirect(url_for("syllabus.level", number=level.number))
    return render_template("syllabus/unit_form.html", unit=None, level=level, form=form,
                           problems=problems)


@bp.route("/admin/syllabus/unit/<int:unit_id>/delete", methods=["POST"])
@role_required(Role.ADMIN)
def delete_unit(unit_id: int):
    unit = db.get_or_404(Unit, unit_id)
    number = unit.level.number
    try:
        operations.delete_unit(unit, actor=current_user)
    except SyllabusError as exc:
        for problem in exc.problems:
            flash(problem, "error")
    else:
        flash(_("The unit is deleted."), "success")
    return redirect(url_for("syllabus.level", number=number))
