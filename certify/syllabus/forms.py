"""Administrators' syllabus forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from certify.formutil import choices
from certify.syllabus.models import Level, UnitKind

SOURCE_CHOICES = [
    ("firm", _l("Standard (firm)")),
    ("reported", _l("Standard (reported)")),
    ("written", _l("Written by certify")),
]


class UnitForm(FlaskForm):
    title_en = StringField(_l("Title (English)"), validators=[InputRequired(), Length(max=300)])
    title_zh = StringField(_l("Title (Chinese)"), validators=[InputRequired(), Length(max=300)])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)])
    description_zh = TextAreaField(_l("Description (Chinese)"), validators=[Length(max=5000)])
    source = SelectField(_l("Source of the text"), choices=choices(SOURCE_CHOICES))


class NewUnitForm(UnitForm):
    code = StringField(
        _l("Code"),
        validators=[InputRequired(), Length(max=20),
                    Regexp(r"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*$",
                           message=_l("Letters and digits separated by dots, e.g. 2.1.3."))],
    )
    kind = SelectField(_l("Kind"), choices=choices([
        (UnitKind.FUNCTION.value, _l("Occupational function")),
        (UnitKind.WORK_CONTENT.value, _l("Work content")),
        (UnitKind.SKILL.value, _l("Skill requirement")),
        (UnitKind.KNOWLEDGE.value, _l("Related knowledge")),
    ]))
    parent = SelectField(_l("Under"), coerce=int)


class SyllabusImportForm(FlaskForm):
    file = FileField(_l("Syllabus file (YAML)"), validators=[
        FileRequired(), FileAllowed(["yaml", "yml"], _l("Upload a .yaml file."))])
    dry_run = BooleanField(_l("Dry run: only show what would change"), default=True)


def weights_form(level: Level, component: str, formdata=None) -> FlaskForm:  # type: ignore[no-untyped-def]
    """Build a form with one percentage field per unit of ``level``, pre-filled from its table."""

    class WeightsForm(FlaskForm):
        pass

    table = level.weight_table(component)
    for unit in level.units:
        field = DecimalField(unit.code, places=3,
                             validators=[Optional(), NumberRange(min=0, max=100)])
        setattr(WeightsForm, f"u{unit.id}", field)
    data = {f"u{u.id}": table.get(u.code) for u in level.units}
    return WeightsForm(formdata=formdata, data=data)
