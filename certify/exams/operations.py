"""Administrators' exam use cases: definitions (with their blueprints), sittings and enrolments.

Each function changes data inside the request's transaction, checks the rules that keep sat exams
fair, and writes the audit log. Bad input raises :class:`ExamError` listing every problem, and
changes nothing. The candidate's side (starting, answering, submitting) and invigilation are in
:mod:`certify.exams.attempts`.

Rules:
- A definition must be supplied by the approved bank when it is saved (every shortfall listed).
- Once an attempt exists, a definition's level, component, blueprint, duration, pass mark and
  shuffling are locked (attempts were drawn and timed by them; grading uses the pass mark); its
  title, instructions and review policy stay editable. A definition with sittings cannot be deleted,
  only archived (no new sittings).
- A sitting with attempts cannot be deleted or moved to another exam; its window may change.
- An enrolment with an attempt cannot be removed, and its extra time is fixed once the attempt has
  started (an invigilator adds minutes instead).
"""

from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from certify.apportion import apportion
from certify.audit import audit
from certify.auth.models import Role, User, UserRole
from certify.auth.validation import normalise_candidate_id
from certify.banks.coverage import required_counts
from certify.clock import now_utc
from certify.db import db
from certify.errors import ProblemsError
from certify.exams import supply
from certify.exams.blueprint import BANDS, SKILLS_TYPES, THEORY_TYPES, FormBlueprint, derive, problems
from certify.exams.models import (
    Attempt,
    Enrolment,
    ExamDefinition,
    ReviewPolicy,
    Sitting,
)
from certify.exams.timing import MAX_EXTRA_TIME_PCT
from certify.parsing import utf8_text
from certify.syllabus.models import Component, Level


class ExamError(ProblemsError):
    """A requested change is not possible; ``problems`` lists every reason, as sentences."""


# Definitions -------------------------------------------------------------------------------------

def weight_table(level: Level, component: str) -> dict[str, Decimal]:
    """The level's weight table for ``component`` as unit refs → percent, in syllabus order."""
    return {f"L{level.number}:{code}": pct for code, pct in level.weight_table(component).items()}


def derive_blueprint(level: Level, component: str, total: int, *,
                     item_types: list[str] | tuple[str, ...] | None = None,
                     difficulty: dict[str, int] | None = None,
                     type_counts: dict[str, int] | None = None,
                     language: str | None = None) -> FormBlueprint:
    """The blueprint the weight table gives (see :mod:`certify.exams.blueprint`).

    The counts per unit are the banks' coverage counts (one apportionment for both), and the
    difficulty percentages are turned into items per band the same way. With ``type_counts``
    (item type → items, in paper order, e.g. 50 true/false + 150 single) the paper is in sections:
    each section is apportioned over the weight table on its own, ``total`` must be their sum and
    the section types are the item types drawn.

    :raise ExamError: the level has no weight table for ``component``, or the sections do not add
        up to ``total``.
    """
    table = weight_table(level, component)
    if not table:
        raise ExamError([_("Level %(level)s has no %(component)s weight table; set the weights "
                           "in the syllabus first.", level=level.number, component=component)])
    sections = {t: int(n) for t, n in (type_counts or {}).items() if n}
    if sections and component != Component.SKILLS.value and sum(sections.values()) != total:
        raise ExamError([_("The items per type add up to %(sum)s, not to the %(total)s items of "
                           "the exam.", sum=sum(sections.values()), total=total)])
    band_counts = None
    if difficulty:
        band_counts = apportion({band: Decimal(difficulty.get(band, 0)) for band in BANDS}, total)
    typed = None
    if sections and component != Component.SKILLS.value:
        typed = {t: required_counts(level, component, n) for t, n in sections.items()}
    return derive(component, table, required_counts(level, component, total),
                  item_types=item_types, difficulty=difficulty, difficulty_counts=band_counts,
                  type_counts=typed, language=language)


def allowed_types(component: str) -> tuple[str, ...]:
    return SKILLS_TYPES if component == Component.SKILLS.value else THEORY_TYPES


def _check_blueprint(level: Level, blueprint: FormBlueprint) -> list[str]:
    found = []
    for where, message in problems(blueprint):
        labels = {"total": _("Number of items"), "rows": _("Items per unit"),
                  "item_types": _("Item types"), "difficulty": _("Difficulty mix")}
        found.append(f"{labels.get(where, where)}: {message}")
    wrong = [t for t in blueprint.item_types if t not in allowed_types(blueprint.component)]
    if wrong:
        found.append(_("Item types: %(types)s cannot be used in a %(component)s exam.",
                       types=", ".join(wrong), component=blueprint.component))
    if not found:
        found += supply.report(level, blueprint).messages
    return found


def _apply(obj: Any, values: tuple[tuple[str, Any], ...]) -> list[str]:
    """Set each attribute that differs; return the names of those changed."""
    changed = []
    for attr, value in values:
        if getattr(obj, attr) != value:
            setattr(obj, attr, value)
            changed.append(attr)
    return changed


def has_attempts(exam: ExamDefinition) -> bool:
    """Whether anyone has started this exam (its form-deciding settings are then locked)."""
    return db.session.scalar(
        sa.select(sa.func.count(Attempt.id)).join(Enrolment).join(Sitting)
        .where(Sitting.exam_id == exam.id)) > 0


@dataclass
class DefinitionData:
    """Everything an administrator sets on an exam definition."""

    title: str
    level: Level
    component: str
    duration_minutes: int
    pass_mark: Decimal
    blueprint: FormBlueprint
    instructions: str = ""
    review_policy: str = ReviewPolicy.SCORES.value
    shuffle_items: bool = True
    shuffle_options: bool = True


def _checked(data: DefinitionData) -> None:
    found = []
    if data.component not in (Component.THEORY.value, Component.SKILLS.value):
        found.append(_("Component: choose theory or skills."))
    if data.component not in data.level.required_components:
        found.append(_("Level %(level)s is not examined in %(component)s.",
                       level=data.level.number, component=data.component))
    if data.duration_minutes <= 0:
        found.append(_("Duration: must be at least one minute."))
    if not Decimal(0) <= data.pass_mark <= Decimal(100):
        found.append(_("Pass mark: must be between 0 and 100."))
    if data.review_policy not in {p.value for p in ReviewPolicy}:
        found.append(_("Review policy: unknown."))
    if not found:
        found = _check_blueprint(data.level, data.blueprint)
    if found:
        raise ExamError(found)


def create_definition(data: DefinitionData, *, actor: User) -> ExamDefinition:
    """Create an exam definition once the bank can supply its blueprint.

    :raise ExamError: listing every problem, shortfalls by unit and difficulty band included.
    """
    _checked(data)
    exam = ExamDefinition(
        title=data.title.strip(), level=data.level, component=data.component,
        duration_minutes=data.duration_minutes, pass_mark=data.pass_mark,
        blueprint=data.blueprint.to_json(), instructions=data.instructions,
        review_policy=data.review_policy, shuffle_items=data.shuffle_items,
        shuffle_options=data.shuffle_options, created_by_id=actor.id if actor else None)
    db.session.add(exam)
    db.session.flush()
    audit("exam.definition_created", exam, actor=actor, level=data.level.number,
          component=data.component, total=data.blueprint.total)
    return exam


def update_definition(exam: ExamDefinition, data: DefinitionData, *, actor: User) -> list[str]:
    """Change a definition; returns the names of the fields changed.

    :raise ExamError: problems with the new settings, or a locked setting changed after attempts.
    """
    locked = has_attempts(exam)
    changed = []
    if locked:
        before = (exam.level_id, exam.component, exam.blueprint, exam.duration_minutes,
                  Decimal(exam.pass_mark), exam.shuffle_items, exam.shuffle_options)
        after = (data.level.id, data.component, data.blueprint.to_json(), data.duration_minutes,
                 Decimal(data.pass_mark), data.shuffle_items, data.shuffle_options)
        if before != after:
            raise ExamError([_("Candidates have already sat this exam, so its level, component, "
                               "blueprint, duration, pass mark and shuffling cannot change. "
                               "Create a new exam definition instead.")])
    else:
        _checked(data)
        changed += _apply(exam, (("level", data.level), ("component", data.component),
                                 ("blueprint", data.blueprint.to_json()),
                                 ("duration_minutes", data.duration_minutes),
                                 ("pass_mark", data.pass_mark),
                                 ("shuffle_items", data.shuffle_items),
                                 ("shuffle_options", data.shuffle_options)))
    changed += _apply(exam, (("title", data.title.strip()), ("instructions", data.instructions),
                             ("review_policy", data.review_policy)))
    if changed:
        audit("exam.definition_updated", exam, actor=actor, fields=changed)
    return changed


def delete_definition(exam: ExamDefinition, *, actor: User) -> None:
    """Delete a definition that has no sittings.

    :raise ExamError: it has sittings (archive it instead).
    """
    if exam.sittings:
        raise ExamError([_("This exam has sittings, so it cannot be deleted. Archive it instead: "
                           "archived exams get no new sittings.")])
    audit("exam.definition_deleted", exam, actor=actor, title=exam.title)
    db.session.delete(exam)


def set_archived(exam: ExamDefinition, archived: bool, *, actor: User) -> None:
    """Archive (no new sittings) or restore a definition."""
    if archived == exam.is_archived:
        return
    exam.archived_dt = now_utc() if archived else None
    audit("exam.definition_archived" if archived else "exam.definition_restored", exam,
          actor=actor)


def definitions(include_archived: bool = True) -> list[ExamDefinition]:
    query = sa.select(ExamDefinition).join(Level).order_by(
        ExamDefinition.archived_dt.is_not(None), Level.number.desc(), ExamDefinition.component,
        ExamDefinition.title)
    if not include_archived:
        query = query.where(ExamDefinition.archived_dt.is_(None))
    return list(db.session.scalars(query))


# Sittings ----------------------------------------------------------------------------------------

@dataclass
class SittingData:
    exam: ExamDefinition
    title: str
    opens_dt: datetime
    closes_dt: datetime
    location: str = ""
    access_code: str | None = None


def normalise_access_code(code: str | None) -> str | None:
    """Access codes compare without case and surrounding spaces; empty means none."""
    code = (code or "").strip().upper()
    return code or None


def _check_sitting(data: SittingData, sitting: Sitting | None = None) -> None:
    found = []
    if data.closes_dt <= data.opens_dt:
        found.append(_("The window must close after it opens."))
    if data.exam.is_archived and (sitting is None or sitting.exam_id != data.exam.id):
        found.append(_("This exam definition is archived; restore it to schedule sittings."))
    code = normalise_access_code(data.access_code)
    if code is not None and not (4 <= len(code) <= 32):
        found.append(_("The access code must have 4 to 32 characters."))
    if found:
        raise ExamError(found)


def create_sitting(data: SittingData, *, actor: User) -> Sitting:
    """Schedule a sitting of an exam.

    :raise ExamError: the window is backwards, the code is unusable or the exam is archived.
    """
    _check_sitting(data)
    sitting = Sitting(exam_id=data.exam.id, title=data.title.strip(), location=data.location.strip(),
                      opens_dt=data.opens_dt, closes_dt=data.closes_dt,
                      access_code=normalise_access_code(data.access_code),
                      created_by_id=actor.id if actor else None)
    db.session.add(sitting)
    db.session.flush()
    audit("exam.sitting_created", sitting, actor=actor, exam_id=data.exam.id,
          opens=data.opens_dt.isoformat(), closes=data.closes_dt.isoformat())
    return sitting


def sitting_attempt_count(sitting: Sitting) -> int:
    return db.session.scalar(sa.select(sa.func.count(Attempt.id)).join(Enrolment)
                             .where(Enrolment.sitting_id == sitting.id))


def update_sitting(sitting: Sitting, data: SittingData, *, actor: User) -> list[str]:
    """Change a sitting's title, place, window, code (and exam, while nobody has started).

    :raise ExamError: as for :func:`create_sitting`, or the exam changed after attempts.
    """
    _check_sitting(data, sitting)
    if data.exam.id != sitting.exam_id and sitting_attempt_count(sitting):
        raise ExamError([_("Candidates have started this sitting, so its exam cannot change.")])
    changed = _apply(sitting, (("exam_id", data.exam.id), ("title", data.title.strip()),
                               ("location", data.location.strip()), ("opens_dt", data.opens_dt),
                               ("closes_dt", data.closes_dt),
                               ("access_code", normalise_access_code(data.access_code))))
    if changed:
        # The code itself is a secret of the room: log that it changed, not its value.
        audit("exam.sitting_updated", sitting, actor=actor, fields=changed)
    return changed


def delete_sitting(sitting: Sitting, *, actor: User) -> None:
    """Delete a sitting nobody has started (its enrolments go with it).

    :raise ExamError: candidates have started it.
    """
    if sitting_attempt_count(sitting):
        raise ExamError([_("Candidates have started this sitting, so it cannot be deleted.")])
    audit("exam.sitting_deleted", sitting, actor=actor, title=sitting.title,
          enrolments=len(sitting.enrolments))
    db.session.delete(sitting)


def sittings() -> list[Sitting]:
    """Every sitting, the latest window first."""
    return list(db.session.scalars(sa.select(Sitting).order_by(Sitting.opens_dt.desc(),
                                                               Sitting.id.desc())))


def new_access_code() -> str:
    """A random code to announce in the room (no 0/O, 1/I/L confusion)."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(6))


# Enrolments --------------------------------------------------------------------------------------

def find_candidate(identifier: str) -> User | None:
    """The active candidate with this e-mail address or ID document number."""
    identifier = identifier.strip()
    if not identifier:
        return None
    if "@" in identifier:
        condition = User.email == identifier.lower()
    else:
        condition = User.candidate_id == normalise_candidate_id(identifier)
    return db.session.scalar(
        sa.select(User).join(UserRole)
        .where(condition, UserRole.role == Role.CANDIDATE.value, User.is_active.is_(True)))


def _extra_problem(value: Any) -> tuple[int | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0, None
    try:
        number = Decimal(str(value).strip().rstrip("%"))
    except ArithmeticError:
        number = Decimal("NaN")
    if not number.is_finite():
        return None, _("“%(value)s” is not a whole number of percent", value=value)
    if number != number.to_integral_value():
        return None, _("use a whole number of percent, not %(value)s", value=value)
    if not 0 <= number <= MAX_EXTRA_TIME_PCT:
        return None, _("must be between 0 and %(max)s", max=MAX_EXTRA_TIME_PCT)
    return int(number), None


def enrolment_for(sitting: Sitting, candidate: User) -> Enrolment | None:
    return db.session.scalar(sa.select(Enrolment).where(Enrolment.sitting_id == sitting.id,
                                                        Enrolment.candidate_id == candidate.id))


def enrol_candidate(sitting: Sitting, identifier: str, extra_time_pct: Any = 0, *,
                    actor: User) -> Enrolment:
    """Enrol one candidate, named by e-mail address or ID document number.

    :raise ExamError: unknown or inactive candidate, already enrolled, bad extra time.
    """
    candidate = find_candidate(identifier)
    extra, problem = _extra_problem(extra_time_pct)
    found = []
    if candidate is None:
        found.append(_("No active candidate has the e-mail address or ID number “%(id)s”.",
                       id=identifier.strip()))
    elif enrolment_for(sitting, candidate) is not None:
        found.append(_("%(name)s is enrolled already.", name=candidate.name))
    if problem:
        found.append(_("Extra time: %(problem)s.", problem=problem))
    if found:
        raise ExamError(found)
    enrolment = Enrolment(sitting=sitting, candidate=candidate, extra_time_pct=extra)
    db.session.add(enrolment)
    db.session.flush()
    audit("exam.candidate_enrolled", enrolment, actor=actor, sitting_id=sitting.id,
          candidate_id=candidate.id, extra_time_pct=extra)
    return enrolment


def update_enrolment(enrolment: Enrolment, extra_time_pct: Any, *, actor: User) -> None:
    """Change a candidate's extra time before they start.

    :raise ExamError: bad value, or the attempt has started.
    """
    extra, problem = _extra_problem(extra_time_pct)
    if problem:
        raise ExamError([_("Extra time: %(problem)s.", problem=problem)])
    if extra == enrolment.extra_time_pct:
        return
    if enrolment.attempt is not None:
        raise ExamError([_("%(name)s has started, so the extra time is fixed; add minutes in the "
                           "invigilator view instead.", name=enrolment.candidate.name)])
    before = enrolment.extra_time_pct
    enrolment.extra_time_pct = extra
    audit("exam.extra_time_set", enrolment, actor=actor, before=before, after=extra)


def remove_enrolment(enrolment: Enrolment, *, actor: User) -> None:
    """Withdraw a candidate who has not started.

    :raise ExamError: they have started.
    """
    if enrolment.attempt is not None:
        raise ExamError([_("%(name)s has started this sitting and cannot be withdrawn; void the "
                           "attempt instead.", name=enrolment.candidate.name)])
    audit("exam.candidate_withdrawn", enrolment, actor=actor, sitting_id=enrolment.sitting_id,
          candidate_id=enrolment.candidate_id)
    enrolment.sitting.enrolments.remove(enrolment)
    db.session.delete(enrolment)


#: Columns of an enrolment CSV: ``email`` or ``candidate_id`` (either, or both), and optionally
#: ``extra_time_pct``.
CSV_COLUMNS = ("email", "candidate_id", "extra_time_pct")
MAX_CSV_ROWS = 5000


@dataclass
class EnrolmentImport:
    """What an enrolment CSV did: rows enrolled, rows whose extra time changed, rows unchanged."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    text = utf8_text(data)
    if text is None:
        raise ExamError([_("The file is not UTF-8 text (save it as “CSV UTF-8”).")])
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    try:
        header = [h.strip().lower() for h in reader.fieldnames or []]
        reader.fieldnames = header
        return header, list(reader)
    except csv.Error as exc:  # e.g. a field longer than the csv module's limit (128 KiB)
        raise ExamError([_("The file is not valid CSV: %(error)s.", error=str(exc))]) from exc


def import_enrolments(sitting: Sitting, data: bytes, *, actor: User) -> EnrolmentImport:
    """Enrol the candidates of a CSV file, all or nothing.

    Rows name a candidate by ``email`` or ``candidate_id`` (ID document number) and may give
    ``extra_time_pct``. A candidate enrolled already keeps their enrolment; a different extra time
    updates it (refused once they have started).

    :raise ExamError: listing every bad row as "Row n, column c: message"; nothing is enrolled.
    """
    header, rows = _read_csv(data)
    found: list[str] = []
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        found.append(_("Header: unknown column(s) %(columns)s; use %(known)s.",
                       columns=", ".join(unknown), known=", ".join(CSV_COLUMNS)))
    if not {"email", "candidate_id"} & set(header):
        found.append(_("Header: the file needs an “email” or a “candidate_id” column."))
    if not rows and not found:
        found.append(_("The file has no rows below its header."))
    if len(rows) > MAX_CSV_ROWS:
        found.append(_("The file has %(n)s rows; at most %(max)s at once.", n=len(rows),
                       max=MAX_CSV_ROWS))
    if found:
        raise ExamError(found)
    summary = EnrolmentImport()
    seen: dict[int, int] = {}
    plan: list[tuple[User, int, Enrolment | None]] = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        email = (row.get("email") or "").strip()
        candidate_id = (row.get("candidate_id") or "").strip()
        if not email and not candidate_id and not (row.get("extra_time_pct") or "").strip():
            continue  # blank line
        candidate = None
        if email:
            candidate = find_candidate(email)
            if candidate is None:
                found.append(_("Row %(row)s, column email: no active candidate has the address "
                               "“%(value)s”.", row=number, value=email))
        if candidate_id:
            by_id = find_candidate(candidate_id)
            if by_id is None:
                found.append(_("Row %(row)s, column candidate_id: no active candidate has the ID "
                               "number “%(value)s”.", row=number, value=candidate_id))
            elif candidate is not None and by_id.id != candidate.id:
                found.append(_("Row %(row)s, columns email and candidate_id: they name two "
                               "different candidates.", row=number))
                continue
            candidate = candidate or by_id
        if not email and not candidate_id:
            found.append(_("Row %(row)s: give an email or a candidate_id.", row=number))
        extra, problem = _extra_problem(row.get("extra_time_pct"))
        if problem:
            found.append(_("Row %(row)s, column extra_time_pct: %(problem)s.", row=number,
                           problem=problem))
        if candidate is None or problem:
            continue
        if candidate.id in seen:
            found.append(_("Row %(row)s: %(name)s is listed already in row %(first)s.",
                           row=number, name=candidate.name, first=seen[candidate.id]))
            continue
        seen[candidate.id] = number
        existing = enrolment_for(sitting, candidate)
        if existing is not None and existing.extra_time_pct != extra and existing.attempt:
            found.append(_("Row %(row)s, column extra_time_pct: %(name)s has started, so the "
                           "extra time is fixed.", row=number, name=candidate.name))
            continue
        plan.append((candidate, extra, existing))
    if found:
        raise ExamError(found)
    for candidate, extra, existing in plan:
        if existing is None:
            db.session.add(Enrolment(sitting=sitting, candidate=candidate, extra_time_pct=extra))
            summary.created.append(candidate.name)
        elif existing.extra_time_pct != extra:
            existing.extra_time_pct = extra
            summary.updated.append(candidate.name)
        else:
            summary.unchanged.append(candidate.name)
    db.session.flush()
    audit("exam.enrolments_imported", sitting, actor=actor, created=len(summary.created),
          updated=len(summary.updated), unchanged=len(summary.unchanged))
    return summary


def csv_template() -> str:
    """An example enrolment file to download and fill in."""
    return ("email,candidate_id,extra_time_pct\n"
            "candidate@example.org,,0\n"
            ",11010519491231002X,25\n")
