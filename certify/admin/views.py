"""Administrators manage accounts and read the audit log."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from certify.admin import queries
from certify.audit import events_for
from certify.auth import operations
from certify.auth.decorators import role_required
from certify.auth.forms import ConfirmForm, UserCreateForm, UserDetailsForm, UserRolesForm
from certify.auth.models import Role, User
from certify.db import db

bp = Blueprint("admin", __name__, url_prefix="/admin")

PAGE_SIZE = 50


@bp.route("/users/")
@role_required(Role.ADMIN)
def users():
    text = (request.args.get("q") or "").strip()
    role = request.args.get("role")
    page = db.paginate(queries.users(text, role), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/users.html", page=page, q=text, role=role)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = operations.create_user(
                name=form.name.data, email=form.email.data, password=form.password.data,
                roles=form.selected_roles(), candidate_id=form.candidate_id.data or None,
                actor=current_user,
            )
        except operations.AccountError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            flash(_("The account of %(name)s is created.", name=user.name), "success")
            return redirect(url_for("admin.user", user_id=user.id))
    return render_template("admin/user_new.html", form=form)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user(user_id: int):
    person = db.get_or_404(User, user_id)
    form = UserRolesForm(data={
        "is_candidate": person.has_role(Role.CANDIDATE),
        "is_examiner": person.has_role(Role.EXAMINER),
        "is_admin": person.has_role(Role.ADMIN),
    })
    if form.validate_on_submit():
        try:
            operations.set_roles(person, form.selected_roles(), actor=current_user)
        except operations.AccountError as exc:
            flash(exc.message, "error")
        else:
            flash(_("The roles are saved."), "success")
            return redirect(url_for("admin.user", user_id=person.id))
    events = events_for(person, as_actor=True, limit=20)
    details = UserDetailsForm(formdata=None, obj=person)
    return render_template("admin/user.html", person=person, form=form, details=details,
                           confirm=ConfirmForm(), events=events)


@bp.route("/users/<int:user_id>/details", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def user_details(user_id: int):
    person = db.get_or_404(User, user_id)
    form = UserDetailsForm(obj=person)
    if form.validate_on_submit():
        try:
            changed = operations.update_details(
                person, name=form.name.data, email=form.email.data,
                candidate_id=form.candidate_id.data or None, reason=form.reason.data,
                actor=current_user)
        except operations.AccountError as exc:
            getattr(form, exc.field).errors.append(exc.message)
        else:
            flash(_("The details are saved.") if changed else _("Nothing was changed."),
                  "success" if changed else "info")
            return redirect(url_for("admin.user", user_id=person.id))
    return render_template("admin/user_details.html", person=person, form=form)


@bp.route("/users/<int:user_id>/active", methods=["POST"])
@role_required(Role.ADMIN)
def set_active(user_id: int):
    person = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            operations.set_active(person, active, actor=current_user)
        except operations.AccountError as exc:
            flash(exc.message, "error")
        else:
            flash(_("%(name)s is reactivated.", name=person.name) if active else
                  _("%(name)s is deactivated and logged out everywhere.", name=person.name),
                  "success")
    return redirect(url_for("admin.user", user_id=person.id))


@bp.route("/audit")
@role_required(Role.ADMIN)
def audit_log():
    action = (request.args.get("action") or "").strip()
    page = db.paginate(queries.audit_events(action), per_page=PAGE_SIZE, error_out=False)
    return render_template("admin/audit.html", page=page, action=action)
