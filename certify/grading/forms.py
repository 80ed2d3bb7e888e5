"""Grading forms: a marker's rubric form, a sitting's marking plan, a regrade."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from certify.formutil import choices
from certify.grading.display import points_text


def mark_form(rubric: list[dict[str, Any]], own: Any = None, formdata: Any = None) -> FlaskForm:
    """A form with points and a comment per rubric checkpoint, pre-filled from ``own`` mark."""

    class MarkForm(FlaskForm):
        comment = TextAreaField(_l("Overall comment (for the other examiners)"),
                                validators=[Length(max=5000)])

    data: dict[str, Any] = {}
    given = {row["checkpoint"]: row for row in (own.checkpoints if own else [])}
    for index, checkpoint in enumerate(rubric):
        maximum = Decimal(str(checkpoint.get("points", 0)))
        setattr(MarkForm, f"cp{index}", DecimalField(
            _l("Points"), places=None,
            validators=[InputRequired(_l("Give points for this checkpoint.")),
                        NumberRange(min=0, max=maximum,
                                    message=_l("Between 0 and %(max)s.",
                                               max=points_text(maximum)))]))
        setattr(MarkForm, f"cc{index}", TextAreaField(_l("Comment"),
                                                      validators=[Length(max=2000)]))
        if index in given:
            data[f"cp{index}"] = Decimal(given[index]["points"])
            data[f"cc{index}"] = given[index].get("comment", "")
    if own is not None:
        data["comment"] = own.comment
    return MarkForm(formdata=formdata, data=data)


class MarkingPlanForm(FlaskForm):
    double_marking = BooleanField(_l("Double marking: a second examiner marks every script "
                                     "independently"))
    threshold = DecimalField(
        _l("Adjudicate when the two totals differ by more than (percent of the item's points)"),
        places=None, validators=[InputRequired(), NumberRange(min=0, max=100)])


class RegradeForm(FlaskForm):
    scope = SelectField(_l("What to rescore"), coerce=int)
    adopt_corrections = BooleanField(
        _l("Use corrected versions: score against the newest approved version of items whose key "
           "or gold labels were corrected"))
    reason = TextAreaField(_l("Reason (kept with every result's history)"),
                           validators=[InputRequired(), Length(max=2000)])
    dry_run = BooleanField(_l("Dry run: show what would change and change nothing"),
                           default=True)

    def set_items(self, items: list[tuple[int, str]]) -> None:
        self.scope.choices = choices([(0, _l("Every item of every script")), *items])
