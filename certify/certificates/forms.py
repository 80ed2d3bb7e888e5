"""Certificate forms: public verification, and the administrators' revoke and reissue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional


class VerifyForm(FlaskForm):
    """Number and code as printed; sent by GET (it changes nothing), so no CSRF token."""

    class Meta:
        csrf = False

    number = StringField(_l("Certificate number"), validators=[InputRequired(), Length(max=40)],
                         description=_l("As printed, e.g. AIT-L3-2026-000123."))
    code = StringField(_l("Verification code"), validators=[Optional(), Length(max=60)],
                       description=_l("The 20 characters under the QR code; dashes and case "
                                      "do not matter. Needed to see the holder's name."))


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Reason for revoking"), validators=[InputRequired(), Length(max=1000)],
                           description=_l("Kept in the audit log; not shown publicly."))


class ReissueForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the reissue"),
                           validators=[InputRequired(), Length(max=1000)],
                           description=_l("E.g. “Name corrected from the ID document”."))
