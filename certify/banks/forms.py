"""Examiners' bank forms: one item form per type, review, import, export and asset upload.

An item form turns into a bank file row (:func:`ItemForm.to_row`), so the web form and the CSV
importer share one set of rules (:func:`certify.banks.spec.row_to_item`); problems name CSV columns,
which :data:`COLUMN_FIELDS` maps back to the form's fields.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from certify.banks.spec import LANGUAGE, OPTION_IDS, ItemData, format_number, parse_rubric
from certify.formutil import choices
from certify.yamlinput import safe_load

TYPE_LABELS = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple choice"),
    "true_false": _l("True / false"),
    "fill_in": _l("Fill in the blanks"),
    "short_answer": _l("Short answer (examiner-marked)"),
    "practical": _l("Practical task"),
}
STATUS_LABELS = {
    "draft": _l("Draft"),
    "in_review": _l("In review"),
    "approved": _l("Approved"),
    "retired": _l("Retired"),
    "superseded": _l("Superseded"),
}
DIFFICULTY_CHOICES = [(n, str(n)) for n in range(1, 6)]
#: Where a problem about a CSV column is shown on the form.
COLUMN_FIELDS = {"stem": "stem", "units": "units", "difficulty": "difficulty", "points": "points",
                 "explanation": "explanation", "scoring": "scoring", "penalty": "penalty",
                 "shuffle": "shuffle", "case_sensitive": "case_sensitive", "rubric": "rubric",
                 "model_answer": "model_answer", "language": "language", "ref": "ref",
                 "translation": "translation",
                 "change_note": "change_note", "answer": "correct", "title": "title",
                 "time_limit_minutes": "time_limit_minutes", "instructions": "instructions",
                 "task.yaml": "config_yaml", "records.jsonl": "records",
                 "gold.jsonl": "gold", "overtime": "overtime_allowed",
                 **{f"option_{c.lower()}": "options" for c in OPTION_IDS}}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ItemForm(FlaskForm):
    """Fields every item type has."""

    ref = StringField(_l("Reference"), validators=[
        InputRequired(), Length(min=3, max=64),
        Regexp(r"^[A-Za-z0-9._-]+$", message=_l("Letters, digits, '.', '_' and '-' only."))],
        description=_l("Stable and unique, e.g. L4-2.2-031. It never changes."))
    units = SelectMultipleField(_l("Syllabus units"), validators=[InputRequired()],
                                description=_l("Every unit the item assesses, at any level: tick "
                                               "each one (search by code or title)."))
    difficulty = SelectField(_l("Difficulty"), coerce=int, choices=choices(DIFFICULTY_CHOICES),
                             default=3, description=_l("1 = easiest, 5 = hardest."))
    points = DecimalField(_l("Points"), default=Decimal(1), places=None,
                          validators=[InputRequired(), NumberRange(min=Decimal("0.01"),
                                                                   max=Decimal(1000))])
    language = SelectField(
        _l("Language"), default="", validate_choice=False,
        choices=choices([("", _l("From the text (Chinese or English)")),
                         ("zh", _l("Chinese (zh)")), ("en", _l("English (en)"))]),
        validators=[Optional(), Regexp(LANGUAGE.pattern, message=_l("A language code such as "
                                                                    "zh or en."))],
        description=_l("The language of the item's text: an exam in Chinese draws only Chinese "
                       "items."))
    translation = StringField(
        _l("Translation"), validators=[Optional(), Length(min=3, max=64),
                                       Regexp(r"^[A-Za-z0-9._-]+$",
                                              message=_l("Letters, digits, '.', '_' and '-' "
                                                         "only."))],
        description=_l("The reference of the same item in another language, e.g. the English "
                       "version of a Chinese item (optional)."))
    stem = TextAreaField(_l("Question"), render_kw={"rows": 6},
                         description=_l("Markdown: **bold**, *italic*, `code`, lists, tables, "
                                        "images ![description](asset:…). Fill-in blanks: [[1]], "
                                        "[[2]] …"))
    explanation = TextAreaField(_l("Explanation"), render_kw={"rows": 3},
                                description=_l("Why the key is right; candidates may see it after "
                                               "results are published."))
    change_note = StringField(_l("Change note"), validators=[Length(max=500)],
                              description=_l("What changed and why. Required when you change an "
                                             "approved item (it makes a new version)."))

    item_type: str = ""

    def base_row(self) -> dict[str, str]:
        return {
            "ref": (self.ref.data or "").strip(), "type": self.item_type,
            "units": "; ".join(self.units.data or []), "difficulty": str(self.difficulty.data),
            "points": format_number(self.points.data) if self.points.data is not None else "",
            "stem": self.stem.data or "", "explanation": self.explanation.data or "",
            "language": (self.language.data or "").strip(),
            "translation": (self.translation.data or "").strip(),
            "change_note": self.change_note.data or "",
        }

    def to_row(self) -> dict[str, str]:
        return self.base_row()

    def load(self, data: ItemData) -> None:
        """Fill the form from an item (on GET)."""
        self.ref.data = data.ref
        self.units.data = list(data.units)
        self.difficulty.data = data.difficulty
        self.points.data = data.points
        self.language.data = data.language
        self.translation.data = data.translation or ""
        self.stem.data = data.stem
        self.explanation.data = data.explanation


class ChoiceForm(ItemForm):
    options = FieldList(TextAreaField(render_kw={"rows": 2}), min_entries=len(OPTION_IDS),
                        max_entries=len(OPTION_IDS))
    shuffle = BooleanField(_l("Options may be shuffled"), default=True,
                           description=_l("Turn off for options such as “all of the above”."))


class SingleForm(ChoiceForm):
    item_type = "single"
    correct = RadioField(_l("Correct option"), choices=choices((c, c) for c in OPTION_IDS),
                         validators=[Optional()])

    def to_row(self) -> dict[str, str]:
        row = self.base_row()
        row.update({f"option_{c.lower()}": (t or "") for c, t in zip(OPTION_IDS, self.options.data,
                                                                      strict=False)})
        row["answer"] = self.correct.data or ""
        row["shuffle"] = "true" if self.shuffle.data else "false"
        return row

    def load(self, data: ItemData) -> None:
        super().load(data)
        _load_options(self, data)
        self.correct.data = data.key.get("correct")


class MultipleForm(ChoiceForm):
    item_type = "multiple"
    correct = MultiCheckboxField(_l("Correct options"), choices=choices((c, c) for c in OPTION_IDS))
    scoring = SelectField(_l("Scoring"), default="all_or_nothing", choices=choices([
        ("all_or_nothing", _l("All or nothing: full points only for exactly the right options")),
        ("partial", _l("Partial credit: a share per correct pick, minus a penalty per wrong one"))]))
    penalty = DecimalField(_l("Penalty per wrong pick"), default=Decimal(1), places=None,
                           validators=[Optional(), NumberRange(min=0, max=10)],
                           description=_l("In shares of one correct pick (1 = a wrong pick cancels "
                                          "a right one). Never below 0 points."))

    def to_row(self) -> dict[str, str]:
        row = self.base_row()
        row.update({f"option_{c.lower()}": (t or "") for c, t in zip(OPTION_IDS, self.options.data,
                                                                      strict=False)})
        row["answer"] = ";".join(sorted(self.correct.data or []))
        row["shuffle"] = "true" if self.shuffle.data else "false"
        row["scoring"] = self.scoring.data or "all_or_nothing"
        if row["scoring"] == "partial" and self.penalty.data is not None:
            row["penalty"] = format_number(self.penalty.data)
        return row

    def load(self, data: ItemData) -> None:
        super().load(data)
        _load_options(self, data)
        self.correct.data = list(data.key.get("correct") or [])
        scoring = data.content.get("scoring") or {}
        self.scoring.data = scoring.get("mode", "all_or_nothing")
        self.penalty.data = Decimal(str(scoring.get("penalty", 1)))


def _load_options(form: ChoiceForm, data: ItemData) -> None:
    texts = {o["id"]: o["text"] for o in data.content.get("options") or []}
    for entry, letter in zip(form.options.entries, OPTION_IDS, strict=False):
        entry.data = texts.get(letter, "")
    form.shuffle.data = bool(data.content.get("shuffle", True))


class TrueFalseForm(ItemForm):
    item_type = "true_false"
    correct = RadioField(_l("The statement is"), choices=choices([("true", _l("True")),
                                                                 ("false", _l("False"))]),
                         validators=[Optional()])

    def to_row(self) -> dict[str, str]:
        row = self.base_row()
        row["answer"] = self.correct.data or ""
        return row

    def load(self, data: ItemData) -> None:
        super().load(data)
        self.correct.data = "true" if data.key.get("correct") else "false"


class BlankForm(Form):
    kind = SelectField(_l("Kind"), default="text", choices=choices([("text", _l("Text")),
                                                                    ("numeric", _l("Number"))]))
    accepted = TextAreaField(_l("Accepted answers (one per line)"), render_kw={"rows": 2})
    value = StringField(_l("Number"))
    tolerance = StringField(_l("± tolerance"))

    def entry(self) -> str | None:
        """The blank in the file's notation, ``None`` when the row is empty."""
        if self.kind.data == "numeric":
            value = (self.value.data or "").strip()
            if not value:
                return None
            tolerance = (self.tolerance.data or "").strip()
            return f"={value}~{tolerance}" if tolerance else f"={value}"
        accepted = [a.strip() for a in (self.accepted.data or "").splitlines() if a.strip()]
        return "|".join(accepted) or None


class FillInForm(ItemForm):
    item_type = "fill_in"
    blanks = FieldList(FormField(BlankForm), min_entries=3, max_entries=10)
    case_sensitive = BooleanField(_l("Case-sensitive text answers"))
    scoring = SelectField(_l("Scoring"), default="partial", choices=choices([
        ("partial", _l("Each blank earns an equal share")),
        ("all_or_nothing", _l("All or nothing"))]))

    def to_row(self) -> dict[str, str]:
        row = self.base_row()
        entries = [b.form.entry() for b in self.blanks.entries]
        while entries and entries[-1] is None:
            entries.pop()
        row["answer"] = "||".join(e or "" for e in entries)
        row["case_sensitive"] = "true" if self.case_sensitive.data else "false"
        row["scoring"] = self.scoring.data or "partial"
        return row

    def load(self, data: ItemData) -> None:
        super().load(data)
        blanks = data.key.get("blanks") or []
        for entry, blank in zip(self.blanks.entries, blanks, strict=False):
            if "numeric" in blank:
                entry.form.kind.data = "numeric"
                entry.form.value.data = format_number(blank["numeric"])
                entry.form.tolerance.data = format_number(blank.get("tolerance") or 0) \
                    if blank.get("tolerance") else ""
            else:
                entry.form.kind.data = "text"
                entry.form.accepted.data = "\n".join(blank.get("accepted", []))
        self.case_sensitive.data = any(b.get("case_sensitive") for b in blanks)
        self.scoring.data = (data.content.get("scoring") or {}).get("mode", "partial")


class CheckpointForm(Form):
    points = StringField(_l("Points"), render_kw={"inputmode": "decimal"})
    checkpoint = StringField(_l("Checkpoint"))
    standard = StringField(_l("Marking standard"))

    def line(self) -> str | None:
        """The checkpoint in the file's notation, ``None`` when the row is empty."""
        points = (self.points.data or "").strip()
        checkpoint = (self.checkpoint.data or "").strip()
        standard = (self.standard.data or "").strip()
        if not (points or checkpoint or standard):
            return None
        return " | ".join([points, checkpoint, *([standard] if standard else [])])


def _rubric_text(form: Any) -> str:
    return "\n".join(line for line in (c.form.line() for c in form.rubric.entries) if line)


def _load_rubric(form: Any, rubric: list[dict]) -> None:
    for entry, checkpoint in zip(form.rubric.entries, rubric, strict=False):
        entry.form.points.data = format_number(checkpoint.get("points", 0))
        entry.form.checkpoint.data = checkpoint.get("checkpoint", "")
        entry.form.standard.data = checkpoint.get("standard", "")


class ShortAnswerForm(ItemForm):
    item_type = "short_answer"
    rubric = FieldList(FormField(CheckpointForm), min_entries=4, max_entries=20)
    model_answer = TextAreaField(_l("Model answer (markers only)"), render_kw={"rows": 4})

    def to_row(self) -> dict[str, str]:
        row = self.base_row()
        row["rubric"] = _rubric_text(self)
        row["model_answer"] = self.model_answer.data or ""
        return row

    def load(self, data: ItemData) -> None:
        super().load(data)
        _load_rubric(self, data.key.get("rubric") or [])
        self.model_answer.data = data.key.get("model_answer", "")


class PracticalForm(ItemForm):
    """A practical task: its type, guideline, config, data and gold (files), scoring and timing."""

    item_type = "practical"
    task_type = SelectField(_l("Task type"))
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    instructions = TextAreaField(_l("Guideline shown to the candidate"), render_kw={"rows": 10},
                                 description=_l("Markdown. Say what to label and how to decide "
                                                "the hard cases."))
    labels = TextAreaField(_l("Labels (one per line)"), render_kw={"rows": 4},
                           description=_l("The label set (classification, multilabel, NER, "
                                          "boxes)."))
    config_yaml = TextAreaField(_l("Other settings (YAML)"), render_kw={"rows": 3},
                                description=_l("e.g. iou_threshold: 0.5 · unit: word · scale: "
                                               "{min: 1, max: 5} · response: text"))
    metric = StringField(_l("Metric"), description=_l("Empty: the task type's default."))
    policy_yaml = TextAreaField(_l("Scoring policy (YAML)"), render_kw={"rows": 2},
                                description=_l("e.g. {kind: linear, zero_at: 0.4, full_at: 0.95}"))
    time_limit_minutes = IntegerField(_l("Time limit (minutes)"), default=20,
                                      validators=[InputRequired(), NumberRange(min=1, max=600)])
    overtime_allowed = BooleanField(_l("Overtime allowed (with a deduction)"))
    overtime_per_minute = DecimalField(_l("Points deducted per overtime minute"), default=1,
                                       places=None, validators=[Optional(), NumberRange(min=0)])
    overtime_stop = IntegerField(_l("Stop after (minutes of overtime)"), default=5,
                                 validators=[Optional(), NumberRange(min=0, max=120)])
    records = FileField(_l("Records (records.jsonl)"), validators=[
        FileAllowed(["jsonl", "json", "txt"], _l("Upload a .jsonl file."))],
        description=_l("One JSON object per line with an id. Leave empty to keep the current "
                       "records."))
    gold = FileField(_l("Gold labels (gold.jsonl)"), validators=[
        FileAllowed(["jsonl", "json", "txt"], _l("Upload a .jsonl file."))],
        description=_l("One line per record. Leave empty to keep the current gold."))
    media = MultipleFileField(_l("Images or audio the records name"),
                              description=_l("Matched to the records' image/audio fields by file "
                                             "name."))
    rubric = FieldList(FormField(CheckpointForm), min_entries=3, max_entries=20)

    def config(self) -> tuple[Any, list[str]]:
        """The task config from the labels and the YAML settings, and problems reading them."""
        problems = []
        try:
            extra = safe_load(self.config_yaml.data or "") or {}
        except yaml.YAMLError as exc:
            problems.append(f"{_l('Other settings')}: {exc}")
            extra = {}
        if not isinstance(extra, dict):
            problems.append(str(_l("Other settings must be YAML key: value pairs.")))
            extra = {}
        labels = [line.strip() for line in (self.labels.data or "").splitlines() if line.strip()]
        if labels:
            extra = {"labels": labels, **{k: v for k, v in extra.items() if k != "labels"}}
        return extra, problems

    def policy(self) -> tuple[Any, list[str]]:
        if not (self.policy_yaml.data or "").strip():
            return None, []
        try:
            return safe_load(self.policy_yaml.data), []
        except yaml.YAMLError as exc:
            return None, [f"{_l('Scoring policy')}: {exc}"]

    def rubric_list(self) -> list[dict] | None:
        rubric, _problems = parse_rubric(_rubric_text(self))
        return rubric or None

    def rubric_problems(self) -> list[str]:
        return parse_rubric(_rubric_text(self))[1]

    def overtime(self) -> dict[str, Any]:
        per_minute = self.overtime_per_minute.data
        return {"allowed": bool(self.overtime_allowed.data),
                "per_minute": float(per_minute) if per_minute is not None else 1.0,
                "stop_after_minutes": self.overtime_stop.data if self.overtime_stop.data
                is not None else 5}

    def values(self) -> tuple[dict[str, Any], list[str]]:
        """The form's fields as the plain values :func:`certify.banks.authoring.practical_item`
        takes, and the problems found reading them (YAML, rubric)."""
        config, config_problems = self.config()
        policy, policy_problems = self.policy()
        return {
            "ref": (self.ref.data or "").strip(), "task_type": self.task_type.data or "",
            "title": self.title.data or "", "units": list(self.units.data or []), "config": config,
            "instructions": self.instructions.data or "", "difficulty": self.difficulty.data,
            "points": self.points.data or 0,
            "time_limit_minutes": self.time_limit_minutes.data or 0, "overtime": self.overtime(),
            "metric": (self.metric.data or "").strip() or None, "policy": policy,
            "rubric": self.rubric_list(), "explanation": self.explanation.data or "",
            "language": (self.language.data or "").strip(),
            "change_note": self.change_note.data or "",
        }, [*config_problems, *policy_problems, *self.rubric_problems()]

    def load(self, data: ItemData) -> None:
        super().load(data)
        task = data.content.get("task") or {}
        self.task_type.data = task.get("task_type")
        self.title.data = task.get("title", "")
        self.instructions.data = task.get("instructions", "")
        config = dict(task.get("config") or {})
        self.labels.data = "\n".join(config.pop("labels", []) or [])
        self.config_yaml.data = yaml.safe_dump(config, allow_unicode=True,
                                               sort_keys=False).strip() if config else ""
        self.metric.data = task.get("metric") or ""
        self.policy_yaml.data = yaml.safe_dump(task["policy"], allow_unicode=True,
                                               default_flow_style=True).strip() \
            if task.get("policy") else ""
        self.time_limit_minutes.data = task.get("time_limit_minutes", 20)
        overtime = task.get("overtime") or {}
        self.overtime_allowed.data = bool(overtime.get("allowed"))
        self.overtime_per_minute.data = Decimal(str(overtime.get("per_minute", 1)))
        self.overtime_stop.data = overtime.get("stop_after_minutes", 5)
        _load_rubric(self, data.key.get("rubric") or [])


FORMS: dict[str, type[ItemForm]] = {
    "single": SingleForm, "multiple": MultipleForm, "true_false": TrueFalseForm,
    "fill_in": FillInForm, "short_answer": ShortAnswerForm, "practical": PracticalForm,
}


def grow(form: ItemForm, data: ItemData | None) -> None:
    """Give list fields room for what ``data`` holds plus spare rows (call before ``load``)."""
    key = data.key if data else {}
    if isinstance(form, FillInForm):
        wanted = min(10, max(3, len(key.get("blanks") or []) + 1))
        while len(form.blanks.entries) < wanted:
            form.blanks.append_entry()
    if isinstance(form, ShortAnswerForm | PracticalForm):
        wanted = min(20, max(3, len(key.get("rubric") or []) + 2))
        while len(form.rubric.entries) < wanted:
            form.rubric.append_entry()


class ReviewForm(FlaskForm):
    decision = RadioField(_l("Decision"), choices=choices([
        ("approved", _l("Approve: the item is correct and ready for exams")),
        ("changes_requested", _l("Request changes"))]), validators=[InputRequired()])
    comment = TextAreaField(_l("Comment"), render_kw={"rows": 3}, validators=[Length(max=5000)],
                            description=_l("Required when you request changes."))
    reason = TextAreaField(_l("Reason for approving a task that is not exam-ready"),
                           render_kw={"rows": 2}, validators=[Length(max=2000)],
                           description=_l("Required only to approve a practical task whose "
                                          "validity report says it is not exam-ready."))


class RetireForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Length(max=500)])


class _BankFileAllowed(FileAllowed):
    """The bank's file types by name, or a CoNLL file by its content (``eng.testa``, ``*.char``)."""

    def __call__(self, form, field):  # type: ignore[no-untyped-def]
        from certify.banks.importers.conll import looks_like_conll

        upload = field.data
        if upload and getattr(upload, "filename", None) and "." in upload.filename:
            data = upload.read()
            upload.seek(0)
            if looks_like_conll(data):
                return
        super().__call__(form, field)


class ImportForm(FlaskForm):
    file = FileField(_l("Bank file"), validators=[
        FileRequired(), _BankFileAllowed(["csv", "tsv", "xlsx", "xml", "json", "conll", "conllu",
                                          "iob", "bio", "bmes", "txt", "zip"],
                                         _l("Upload CSV, XLSX, Moodle XML, Label Studio or COCO "
                                            "JSON, CoNLL, or a zipped task folder."))])
    media = MultipleFileField(_l("Images or audio (Label Studio, COCO): the files, or a zip of "
                                 "them with their folders"))
    label_config = FileField(_l("Label Studio: the project's labeling config (XML)"), validators=[
        Optional(), FileAllowed(["xml", "txt"], _l("Upload the labeling config as .xml."))])
    text_field = StringField(_l("Label Studio without a config: the annotated data field"),
                             validators=[Optional(), Length(max=100)])
    labels = StringField(_l("Label set, comma-separated (default: from the config or the gold)"),
                         validators=[Optional(), Length(max=2000)])
    dry_run = BooleanField(_l("Dry run: only show what would change"), default=True)
    units = SelectMultipleField(_l("Units (formats without units: Moodle without unit tags, "
                                   "Label Studio, COCO, CoNLL)"))
    ref = StringField(_l("Task ref (Label Studio, COCO, CoNLL)"), validators=[Optional(),
                                                                             Length(max=64)])
    title = StringField(_l("Task title"), validators=[Optional(), Length(max=200)])
    task_type = SelectField(_l("Label Studio choices are"), default="", choices=choices([
        ("", _l("detected from the annotations")), ("classification", _l("one label per record")),
        ("multilabel", _l("several labels per record"))]), validators=[Optional()])
    difficulty = SelectField(_l("Difficulty"), coerce=int, choices=choices(DIFFICULTY_CHOICES),
                             default=3)


# Forms of the bank pages -------------------------------------------------------------------------

class FilterForm(Form):
    """The bank list's filters (read from the query string; the view fills the choices)."""

    level = SelectField(choices=[], validators=[Optional()])
    unit = SelectField(choices=[], validators=[Optional()])
    type = SelectField(choices=[], validators=[Optional()])
    status = SelectField(choices=[], validators=[Optional()])
    difficulty = SelectField(choices=[], validators=[Optional()])
    q = StringField(validators=[Optional()])
    mine = StringField(validators=[Optional()])


class CoverageForm(Form):
    """The coverage page's level, component and number of items."""

    level = SelectField(choices=[])
    component = SelectField(choices=[])
    total = IntegerField(validators=[Optional(), NumberRange(min=1, max=500)])


class AssetUploadForm(FlaskForm):
    """An image or audio file for the asset library."""

    file = FileField(_l("Image or audio file"), validators=[FileRequired()])
