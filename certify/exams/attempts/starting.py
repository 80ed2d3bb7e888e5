"""Starting an attempt: whether the window is open, the access code, drawing the form, the clock.

The form is drawn from the approved bank with a random seed that is stored with the attempt; the
drawn item versions and option orders are stored too, and those are what count afterwards.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from certify.audit import audit
from certify.banks.models import Item, ItemVersion
from certify.banks.practical import task_spec
from certify.clock import now_utc
from certify.db import db
from certify.exams import supply, timing
from certify.exams.assembly import AssemblyError, FormItem, assemble
from certify.exams.attempts import IN_PROGRESS, AttemptError
from certify.exams.attempts.expiry import when_text
from certify.exams.blueprint import FormBlueprint
from certify.exams.models import Attempt, AttemptItem, Enrolment
from certify.exams.operations import normalise_access_code
from certify.tasks.problems import Problems
from certify.tasks.sampling import check_sample, draw_sample

SCRIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _script_number() -> str:
    """A blind number for markers (``K7Q4-M2XP``): random, so it says nothing about the candidate."""
    while True:
        raw = "".join(secrets.choice(SCRIPT_ALPHABET) for _ in range(8))
        number = f"{raw[:4]}-{raw[4:]}"
        if db.session.scalar(sa.select(Attempt.id).where(Attempt.script_number == number)) is None:
            return number


def start_problem(enrolment: Enrolment) -> str | None:
    """Why ``enrolment`` cannot start now (window not open), or ``None``."""
    sitting = enrolment.sitting
    state = timing.window_state(now_utc(), sitting.opens_dt, sitting.closes_dt)
    if state is timing.WindowState.UPCOMING:
        return _("This sitting opens at %(when)s. Please come back then.",
                 when=when_text(sitting.opens_dt))
    if state is timing.WindowState.CLOSED:
        return _("This sitting closed at %(when)s, so it can no longer be started. Please speak "
                 "to the exam centre.", when=when_text(sitting.closes_dt))
    return None


def draw_form(seed: int, enrolment: Enrolment) -> list[FormItem]:
    """The form ``seed`` draws for ``enrolment``'s exam from today's approved bank.

    :raise AssemblyError: the approved bank cannot supply the blueprint.
    """
    exam = enrolment.sitting.exam
    blueprint = FormBlueprint.from_json(exam.blueprint)
    pool = supply.pool(exam.level, blueprint.item_types)
    return assemble(blueprint, pool, seed, shuffle_items=exam.shuffle_items,
                    shuffle_options=exam.shuffle_options)


def sample_seed(attempt_id: int, version_id: int) -> str:
    """The seed of the records an attempt draws from a practical task's pool."""
    return f"{attempt_id}:{version_id}"


def draw_samples(attempt: Attempt) -> None:
    """Draw and store, once, the records each practical task with a ``sample`` gives this attempt
    (:func:`certify.tasks.sampling.draw_sample`, seeded with :func:`sample_seed`)."""
    version_ids = [ai.item_version_id for ai in attempt.items]
    rows = db.session.execute(
        sa.select(ItemVersion.id, ItemVersion.content, ItemVersion.key)
        .join(Item, Item.id == ItemVersion.item_id)
        .where(ItemVersion.id.in_(version_ids), Item.type == "practical")
    ).all() if version_ids else []
    drawn = {}
    for version_id, content, key in rows:
        if not ((content or {}).get("task") or {}).get("sample"):
            continue
        spec = task_spec(content or {}, key or {})
        sample = check_sample(spec.sample, len(spec.records), Problems("task"))
        if sample is None:
            continue
        drawn[version_id] = list(draw_sample(
            spec, sample["size"], sample_seed(attempt.id, version_id), strata=sample["strata"],
            difficulty_balance=sample["difficulty_balance"]))
    for attempt_item in attempt.items:
        if attempt_item.item_version_id in drawn and attempt_item.sample is None:
            attempt_item.sample = drawn[attempt_item.item_version_id]
    db.session.flush()


def start_attempt(enrolment: Enrolment, access_code: str | None) -> Attempt:
    """Start (or return the already started) attempt of ``enrolment``: draw the form, set the clock.

    :raise AttemptError: the window is not open, the access code is wrong, or the bank cannot
        supply the exam (nothing starts, the clock does not run).
    """
    if enrolment.attempt is not None:
        return enrolment.attempt
    problem = start_problem(enrolment)
    if problem:
        raise AttemptError(problem)
    sitting = enrolment.sitting
    if sitting.access_code:
        given = normalise_access_code(access_code) or ""
        if not secrets.compare_digest(given.encode(), sitting.access_code.encode()):
            audit("exam.access_code_wrong", enrolment, sitting_id=sitting.id)
            raise AttemptError(_("That access code is not right. Please check it with the "
                                 "invigilator and type it again."), status=403)
    seed = secrets.randbits(62)
    try:
        form = draw_form(seed, enrolment)
    except AssemblyError as exc:
        audit("exam.assembly_failed", sitting, exam_id=sitting.exam_id,
              shortfalls=[f"{s.kind} {s.key}: {s.available}/{s.needed}" for s in exc.shortfalls])
        raise AttemptError(_("Your exam cannot be prepared right now, because the question bank "
                             "is missing items. Nothing has started and your time is not "
                             "running. Please tell the invigilator."), status=503) from exc
    points = dict(db.session.execute(  # only the points: contents can be large practical tasks
        sa.select(ItemVersion.id, ItemVersion.points)
        .where(ItemVersion.id.in_([f.version_id for f in form]))).all())
    now = now_utc()
    exam = sitting.exam
    script_number = _script_number()
    savepoint = db.session.begin_nested()
    attempt = Attempt(
        enrolment=enrolment, seed=seed, started_dt=now, state=IN_PROGRESS, last_seq=0,
        deadline_dt=timing.deadline(now, exam.duration_minutes, enrolment.extra_time_pct),
        script_number=script_number)
    db.session.add(attempt)
    for position, drawn in enumerate(form, start=1):
        attempt.items.append(AttemptItem(
            position=position, item_version_id=drawn.version_id,
            option_order=list(drawn.option_order) if drawn.option_order else None,
            points=points[drawn.version_id]))
    try:
        db.session.flush()
    except IntegrityError:
        # Another tab started it a moment ago (PostgreSQL; SQLite writers queue instead).
        savepoint.rollback()
        db.session.expire(enrolment)
        if enrolment.attempt is None:
            raise
        return enrolment.attempt
    savepoint.commit()
    draw_samples(attempt)
    audit("exam.attempt_started", attempt, sitting_id=sitting.id, seed=seed,
          items=len(form), deadline=attempt.deadline_dt.isoformat(),
          extra_time_pct=enrolment.extra_time_pct)
    return attempt
