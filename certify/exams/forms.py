"""Exam forms: definitions, sittings, enrolments, starting, invigilation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from certify.exams.models import ReviewPolicy
from certify.formutil import choices

ITEM_TYPE_LABELS = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple choice"),
    "true_false": _l("True / false"),
    "fill_in": _l("Fill in the blanks"),
    "short_answer": _l("Short answer (marked by examiners)"),
    "practical": _l("Practical task"),
}

REVIEW_POLICY_LABELS = {
    ReviewPolicy.SCORES.value: _l("Scores only"),
    ReviewPolicy.RESPONSES.value: _l("Scores and their own answers"),
    ReviewPolicy.FULL.value: _l("Everything, with keys and explanations"),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DefinitionForm(FlaskForm):
    """An exam definition. The per-unit counts are extra ``count-<unit ref>`` fields of the page."""

    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    level = SelectField(_l("Level"), coerce=int)
    component = SelectField(_l("Component"), choices=choices([
        ("theory", _l("Theory (knowledge)")), ("skills", _l("Skills (practical tasks)"))]))
    item_count = IntegerField(
        _l("Number of items or tasks"), validators=[InputRequired(), NumberRange(min=1, max=500)],
        description=_l("Theory: items on every form (e.g. 50). Skills: practical tasks (e.g. 3)."))
    duration_minutes = IntegerField(_l("Duration (minutes)"),
                                    validators=[InputRequired(), NumberRange(min=1, max=600)])
    pass_mark = DecimalField(_l("Pass mark (out of 100)"), places=2,
                             validators=[InputRequired(), NumberRange(min=0, max=100)])
    item_types = MultiCheckboxField(_l("Item types that may be drawn"))
    #: Items per type section (an official paper is 50 true/false + 150 single at level 4); when any
    #: is given they must add up to the number of items, and the paper is drawn section by section.
    count_true_false = IntegerField(_l("True / false"),
                                    validators=[Optional(), NumberRange(min=0, max=500)])
    count_single = IntegerField(_l("Single choice"),
                                validators=[Optional(), NumberRange(min=0, max=500)])
    count_multiple = IntegerField(_l("Multiple choice"),
                                  validators=[Optional(), NumberRange(min=0, max=500)])
    count_fill_in = IntegerField(_l("Fill in the blanks"),
                                 validators=[Optional(), NumberRange(min=0, max=500)])
    count_short_answer = IntegerField(_l("Short answer"),
                                      validators=[Optional(), NumberRange(min=0, max=500)])
    language = SelectField(_l("Language of the items"), choices=choices([
        ("", _l("Any language")), ("zh", _l("Chinese (zh)")), ("en", _l("English (en)"))]),
        default="", description=_l("Only items written in this language are drawn."))
    easy_pct = IntegerField(_l("Easy %"), validators=[Optional(), NumberRange(min=0, max=100)])
    medium_pct = IntegerField(_l("Medium %"), validators=[Optional(), NumberRange(min=0, max=100)])
    hard_pct = IntegerField(_l("Hard %"), validators=[Optional(), NumberRange(min=0, max=100)])
    review_policy = SelectField(_l("After results are published, candidates may see"),
                                choices=choices(REVIEW_POLICY_LABELS.items()))
    shuffle_items = BooleanField(_l("Shuffle the order of items for each candidate"),
                                 default=True)
    shuffle_options = BooleanField(_l("Shuffle answer options (unless an item forbids it)"),
                                   default=True)
    instructions = TextAreaField(
        _l("Instructions on the start page"), validators=[Length(max=20000)],
        description=_l("Markdown. The standard rules (timing, autosave, submitting) are shown "
                       "anyway; add what is special about this exam."))
    note = TextAreaField(_l("Why the counts differ from the weight table"),
                         validators=[Length(max=2000)])
    #: "level:component:count[:sections=…][:language=…]" the per-row counts on the page were made
    #: for (see ``admin_views._basis``).
    basis = HiddenField()


class SittingForm(FlaskForm):
    exam = SelectField(_l("Exam"), coerce=int)
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    location = StringField(_l("Place"), validators=[Length(max=200)])
    opens = DateTimeLocalField(_l("Candidates may start from"), format="%Y-%m-%dT%H:%M",
                               validators=[InputRequired()])
    closes = DateTimeLocalField(_l("until"), format="%Y-%m-%dT%H:%M",
                                validators=[InputRequired()])
    access_code = StringField(
        _l("Access code (optional)"), validators=[Optional(), Length(min=4, max=32)],
        description=_l("Announced in the room; candidates type it to start. Leave empty for "
                       "none."))


class EnrolForm(FlaskForm):
    identifier = StringField(_l("Candidate's e-mail address or ID number"),
                             validators=[InputRequired(), Length(max=254)])
    extra_time_pct = IntegerField(_l("Extra time (%)"), default=0,
                                  validators=[Optional(), NumberRange(min=0, max=200)])


class EnrolCsvForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[
        FileRequired(), FileAllowed(["csv", "txt"], _l("Upload a .csv file."))])


class ExtraTimeForm(FlaskForm):
    extra_time_pct = IntegerField(_l("Extra time (%)"),
                                  validators=[InputRequired(), NumberRange(min=0, max=200)])


class StartForm(FlaskForm):
    access_code = StringField(_l("Access code"), validators=[Optional(), Length(max=64)])


class AddTimeForm(FlaskForm):
    minutes = IntegerField(_l("Minutes"), validators=[InputRequired(), NumberRange(min=1, max=240)])
    reason = StringField(_l("Reason"), validators=[InputRequired(), Length(max=500)])


class VoidForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[InputRequired(), Length(max=2000)])
