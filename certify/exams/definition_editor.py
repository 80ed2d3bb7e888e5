"""The exam definition page as one presenter: new and edit, the blueprint it derives as the
administrator types, the bank's answer, and saving.

A definition's form-deciding settings (level, component, number of items, duration, pass mark,
item types, difficulty mix, shuffling, the counts per unit) are locked once candidates sat it: the
page then shows them disabled, and :func:`locked_values` is the one mapping from the stored
definition to those fields — for filling the form and for a POST, whose disabled fields the
browser does not send.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from certify.auth.models import User
from certify.db import db
from certify.exams import operations, supply
from certify.exams.blueprint import FormBlueprint
from certify.exams.forms import ITEM_TYPE_LABELS, DefinitionForm
from certify.exams.models import ExamDefinition
from certify.exams.operations import DefinitionData, ExamError
from certify.formutil import choices
from certify.i18n import localised
from certify.parsing import whole_number
from certify.syllabus import operations as syllabus
from certify.syllabus.models import Level

#: The section fields of the definition form, in paper order.
SECTION_FIELDS = (("true_false", "count_true_false"), ("single", "count_single"),
                  ("multiple", "count_multiple"), ("fill_in", "count_fill_in"),
                  ("short_answer", "count_short_answer"))

#: What a new definition starts with, per component.
NEW_DEFAULTS = {
    "theory": {"item_count": 50, "duration_minutes": 90},
    "skills": {"item_count": 3, "duration_minutes": 120},
}


def basis_of(level_id: int, component: str, total: int, sections: Mapping[str, int],
             language: str | None) -> str:
    """What the per-row counts on the page were derived from; a change derives them again."""
    basis = f"{level_id}:{component}:{total}"
    if sections:
        basis += ":sections=" + ",".join(f"{t}={n}" for t, n in sections.items())
    if language:
        basis += f":language={language}"
    return basis


def locked_values(exam: ExamDefinition) -> dict[str, Any]:
    """The stored values of the settings that are locked once candidates have sat the exam."""
    blueprint = FormBlueprint.from_json(exam.blueprint)
    mix = blueprint.difficulty or {}
    sections = blueprint.sections
    return {
        "level": exam.level_id, "component": exam.component, "item_count": blueprint.total,
        "duration_minutes": exam.duration_minutes, "pass_mark": exam.pass_mark,
        "item_types": [] if exam.component == "skills" else list(blueprint.item_types),
        "easy_pct": mix.get("easy"), "medium_pct": mix.get("medium"), "hard_pct": mix.get("hard"),
        "shuffle_items": exam.shuffle_items, "shuffle_options": exam.shuffle_options,
        "note": blueprint.note,
        "language": blueprint.language or "",
        **{name: sections.get(item_type) for item_type, name in SECTION_FIELDS},
        "basis": basis_of(exam.level_id, exam.component, blueprint.total, sections,
                          blueprint.language),
        **{f"count-{row.key}": row.count for row in blueprint.rows},
    }


def _as_formdata(value: Any) -> list[str]:
    """A field's value as a browser would post it (a checked box is ``y``, nothing is absent)."""
    if value is None or value is False:
        return []
    if value is True:
        return ["y"]
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


@dataclass
class DefinitionEditor:
    """One visit of the definition page (GET or POST)."""

    exam: ExamDefinition | None
    form: DefinitionForm
    locked: bool
    posted: Mapping[str, str] | None = None
    level: Level | None = None
    blueprint: FormBlueprint | None = None
    report: supply.SupplyReport | None = None
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def open(cls, exam: ExamDefinition | None, posted: MultiDict | None = None, *,
             component: str | None = None) -> DefinitionEditor:
        """The page for ``exam`` (``None``: a new one); ``posted`` is the submitted form."""
        locked = exam is not None and operations.has_attempts(exam)
        if posted is not None and locked and exam is not None:
            # Locked settings are shown disabled (so not sent): keep the stored ones.
            posted = posted.copy()
            for name, value in locked_values(exam).items():
                posted.setlist(name, _as_formdata(value))
        form = DefinitionForm() if posted is None else DefinitionForm(formdata=posted)
        form.level.choices = choices([(lv.id, localised(lv, "name")) for lv in syllabus.levels()])
        form.item_types.choices = choices(
            (t, ITEM_TYPE_LABELS[t]) for t in operations.allowed_types("theory"))
        editor = cls(exam, form, locked, posted)
        if posted is None:
            editor._fill(component or "theory")
        return editor

    def _fill(self, component: str) -> None:
        form, exam = self.form, self.exam
        if exam is None:
            form.component.data = component if component in NEW_DEFAULTS else "theory"
            form.item_count.data = NEW_DEFAULTS[form.component.data]["item_count"]
            form.duration_minutes.data = NEW_DEFAULTS[form.component.data]["duration_minutes"]
            form.pass_mark.data = Decimal(60)
            form.item_types.data = ["single", "multiple", "true_false", "fill_in"]
            form.shuffle_items.data = form.shuffle_options.data = True
            form.language.data = ""
            return
        for name, value in locked_values(exam).items():
            if hasattr(form, name):
                getattr(form, name).data = value
        form.title.data = exam.title
        form.review_policy.data = exam.review_policy
        form.instructions.data = exam.instructions
        self.level = exam.level
        self.blueprint = FormBlueprint.from_json(exam.blueprint)
        self.report = supply.report(self.level, self.blueprint)

    def _difficulty(self) -> dict[str, int] | None:
        form = self.form
        values = {"easy": form.easy_pct.data, "medium": form.medium_pct.data,
                  "hard": form.hard_pct.data}
        if all(v is None for v in values.values()):
            return None
        return {band: int(v or 0) for band, v in values.items()}

    def _sections(self) -> dict[str, int]:
        """Items per type section, in paper order (empty: the exam is not in sections)."""
        return {t: int(getattr(self.form, name).data) for t, name in SECTION_FIELDS
                if getattr(self.form, name).data}

    def _counts(self, blueprint: FormBlueprint) -> dict[str, int]:
        """The per-row counts the administrator typed (``count-<row key>`` fields)."""
        counts = {}
        for row in blueprint.rows:
            raw = ((self.posted or {}).get(f"count-{row.key}") or "").strip()
            if not raw:
                continue
            if whole_number(raw, maximum=10_000) is None:
                self.problems.append(_("Items per unit: “%(value)s” for %(unit)s is not a whole "
                                       "number.", value=raw, unit=row.key))
                continue
            counts[row.key] = int(raw)
        return counts

    def derive(self) -> bool:
        """Derive the blueprint from the posted settings and check it against the bank.

        :return: whether the form was valid and a blueprint could be derived.
        """
        form = self.form
        if self.posted is None or not form.validate():
            return False
        self.level = level = db.session.get(Level, form.level.data)
        component = form.component.data
        types = (operations.allowed_types("skills") if component == "skills"
                 else form.item_types.data)
        sections = {} if component == "skills" else self._sections()
        try:
            blueprint = operations.derive_blueprint(level, component, form.item_count.data,
                                                    item_types=types,
                                                    difficulty=self._difficulty(),
                                                    type_counts=sections,
                                                    language=form.language.data or None)
        except ExamError as exc:
            self.problems += exc.problems
            return False
        basis = basis_of(level.id, component, form.item_count.data, sections, form.language.data)
        note = (form.note.data or "").strip()
        if form.basis.data == basis:
            blueprint = blueprint.with_counts(self._counts(blueprint), note)
        else:
            if form.basis.data:
                self.notes.append(_("The items per unit were derived again from the weight "
                                    "table for the new level, component or number of items."))
            blueprint = blueprint.with_counts({}, note)
        form.basis.data = basis
        if self.locked and self.exam is not None:
            blueprint = FormBlueprint.from_json(self.exam.blueprint)
        self.blueprint = blueprint
        self.report = supply.report(level, blueprint)
        return True

    def save(self, actor: User) -> bool:
        """Save the derived definition (new or changed); problems are kept on the page."""
        if self.blueprint is None or self.problems:
            return False
        form = self.form
        data = DefinitionData(
            title=form.title.data, level=self.level, component=form.component.data,
            duration_minutes=form.duration_minutes.data, pass_mark=form.pass_mark.data,
            blueprint=self.blueprint, instructions=form.instructions.data or "",
            review_policy=form.review_policy.data, shuffle_items=form.shuffle_items.data,
            shuffle_options=form.shuffle_options.data)
        try:
            if self.exam is None:
                self.exam = operations.create_definition(data, actor=actor)
            else:
                operations.update_definition(self.exam, data, actor=actor)
        except ExamError as exc:
            self.problems += exc.problems
            return False
        return True

    def context(self) -> dict[str, Any]:
        """The template's variables."""
        return {"form": self.form, "exam": self.exam, "locked": self.locked,
                "blueprint": self.blueprint, "report": self.report, "level": self.level,
                "problems": self.problems, "notes": self.notes, "type_labels": ITEM_TYPE_LABELS}
