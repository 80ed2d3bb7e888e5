"""Login, registration and account forms."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, ValidationError

from certify.auth.models import Role
from certify.auth.validation import (
    candidate_id_problem,
    name_problem,
    normalise_candidate_id,
    normalise_name,
)
from certify.formutil import choices

ROLE_LABELS = {
    Role.CANDIDATE: _l("Candidate"),
    Role.EXAMINER: _l("Examiner"),
    Role.ADMIN: _l("Administrator"),
}


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _lower(value: str | None) -> str | None:
    return value.strip().lower() if isinstance(value, str) else value


class NameField(StringField):
    """A person's name in any script, normalised and checked."""

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = normalise_name(self.data)

    def pre_validate(self, form: FlaskForm) -> None:
        problem = name_problem(self.data or "")
        messages = {
            "empty": _l("Enter your full name."),
            "too long": _l("A name can have at most 100 characters."),
            "control characters": _l("The name contains invisible control characters."),
            "no letters": _l("A name must contain letters."),
        }
        if problem:
            raise ValidationError(messages[problem])


class CandidateIdField(StringField):
    """An identity document number (resident ID card or passport)."""

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if self.data:
            self.data = normalise_candidate_id(self.data)

    def pre_validate(self, form: FlaskForm) -> None:
        if not self.data:
            return
        problem = candidate_id_problem(self.data)
        if problem == "format":
            raise ValidationError(_l("Use 6 to 32 letters and digits, as on your ID document."))
        if problem == "checksum":
            raise ValidationError(
                _l("This resident ID number's check character is wrong; please check it.")
            )


def password_policy(form: FlaskForm, field: PasswordField) -> None:
    """Passwords: at least ``PASSWORD_MIN_LENGTH`` characters, not all one character."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    value = field.data or ""
    if len(value) < minimum:
        raise ValidationError(_l("Use at least %(n)d characters.", n=minimum))
    if len(set(value)) < 4:
        raise ValidationError(_l("This password is too easy to guess."))


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), filters=[_lower], validators=[InputRequired()])
    password = PasswordField(_l("Password"), validators=[InputRequired()])


class RegisterForm(FlaskForm):
    name = NameField(_l("Full name (as on your ID document)"))
    email = EmailField(
        _l("E-mail"), filters=[_lower], validators=[InputRequired(), Email(), Length(max=254)]
    )
    candidate_id = CandidateIdField(
        _l("ID document number"),
        validators=[InputRequired()],
        description=_l("Resident ID card or passport number. It is printed, partly masked, on "
                       "your certificate."),
    )
    password = PasswordField(_l("Password"), validators=[InputRequired(), password_policy])
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired()])
    password = PasswordField(_l("New password"), validators=[InputRequired(), password_policy])
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[InputRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Language"), choices=choices([("en", "English"), ("zh", "简体中文")]))


class UserCreateForm(FlaskForm):
    """An administrator creates an account with any roles."""

    name = NameField(_l("Full name"))
    email = EmailField(
        _l("E-mail"), filters=[_lower], validators=[InputRequired(), Email(), Length(max=254)]
    )
    candidate_id = CandidateIdField(
        _l("ID document number"), filters=[_strip],
        description=_l("Required for candidates."),
    )
    is_candidate = BooleanField(ROLE_LABELS[Role.CANDIDATE])
    is_examiner = BooleanField(ROLE_LABELS[Role.EXAMINER])
    is_admin = BooleanField(ROLE_LABELS[Role.ADMIN])
    password = PasswordField(_l("Initial password"), validators=[InputRequired(), password_policy])

    def selected_roles(self) -> set[Role]:
        chosen = {
            Role.CANDIDATE: self.is_candidate.data,
            Role.EXAMINER: self.is_examiner.data,
            Role.ADMIN: self.is_admin.data,
        }
        return {role for role, on in chosen.items() if on}

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        ok = super().validate(extra_validators)
        if not self.selected_roles():
            self.is_candidate.errors = [*self.is_candidate.errors, _l("Choose at least one role.")]
            ok = False
        if Role.CANDIDATE in self.selected_roles() and not self.candidate_id.data:
            self.candidate_id.errors = [
                *self.candidate_id.errors, _l("A candidate needs an ID document number.")
            ]
            ok = False
        return ok


class UserDetailsForm(FlaskForm):
    """An administrator corrects a user's name, e-mail or ID number (e.g. before a reissue)."""

    name = NameField(_l("Full name (as on the ID document)"))
    email = EmailField(
        _l("E-mail"), filters=[_lower], validators=[InputRequired(), Email(), Length(max=254)]
    )
    candidate_id = CandidateIdField(_l("ID document number"), filters=[_strip])
    reason = StringField(_l("Reason for the change"), validators=[InputRequired(), Length(max=500)],
                         description=_l("Kept in the audit log, e.g. “name misspelt at registration”."))


class UserRolesForm(FlaskForm):
    """An administrator changes a user's roles."""

    is_candidate = BooleanField(ROLE_LABELS[Role.CANDIDATE])
    is_examiner = BooleanField(ROLE_LABELS[Role.EXAMINER])
    is_admin = BooleanField(ROLE_LABELS[Role.ADMIN])

    selected_roles = UserCreateForm.selected_roles

    def validate(self, extra_validators=None) -> bool:  # type: ignore[no-untyped-def]
        ok = super().validate(extra_validators)
        if not self.selected_roles():
            self.is_candidate.errors = [*self.is_candidate.errors, _l("Choose at least one role.")]
            ok = False
        return ok


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change state."""
