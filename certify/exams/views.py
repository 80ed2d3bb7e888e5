"""The candidate's exam pages and the autosave API (docs/contracts.md §3).

Routes (all for the candidate who owns the attempt; anyone else gets 404):

- ``GET/POST /sittings/<id>/start`` — the start page with the rules and the access code;
- ``GET /attempts/<id>`` — resume: the first unanswered item;
- ``GET /attempts/<id>/items/<position>`` — one item per page, with the overview panel;
- ``POST /attempts/<id>/items/<position>/start`` — start a skills task's own clock (JSON);
- ``GET /attempts/<id>/state`` — the clock and every saved answer (JSON);
- ``POST /attempts/<id>/answers`` — autosave (JSON, header ``X-CSRFToken``);
- ``GET/POST /attempts/<id>/submit`` — the list of unanswered and flagged items, and submitting
  (form, or JSON ``{"reason": "candidate" | "deadline"}``);
- ``POST /attempts/<id>/late`` — answers entered before the deadline that the page could deliver
  only after the attempt was submitted (JSON; kept for the invigilator, :mod:`.attempts.late`);
- ``GET /attempts/<id>/done`` — the confirmation;
- ``GET /attempts/<id>/offline-sw.js`` — the service worker that keeps this attempt's pages for
  offline navigation (static/js/exam/offline-sw.js; its scope is the attempt's URLs).

Any of them submits an attempt found past its deadline + grace first.
"""

from __future__ import annotations

import os
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf

from certify.auth.decorators import role_required
from certify.auth.models import Role
from certify.banks.markup import render_markdown
from certify.banks.render import candidate_item
from certify.db import db
from certify.exams import strings
from certify.exams.answers import AnswerError
from certify.exams.attempts import (
    AttemptError,
    autosave,
    expiry,
    late,
    reading,
    starting,
    submitting,
    task_clock,
)
from certify.exams.forms import StartForm
from certify.exams.models import Attempt, AttemptState, SubmitReason
from certify.exams.timing import allowed_minutes
from certify.extensions import limiter

bp = Blueprint("exams", __name__)

#: Seconds before the deadline at which the page warns (10 minutes and 1 minute).
WARNINGS = (600, 60)


def _attempt_or_404(attempt_id: int) -> Attempt:
    attempt = reading.candidate_attempt(attempt_id, current_user)
    if attempt is None:
        abort(404)
    return expiry.ensure_current(attempt)


def _start_key() -> str:
    return f"exam-start:{getattr(current_user, 'id', None) or request.remote_addr}"


def _closed(attempt: Attempt) -> Any:
    return redirect(url_for("exams.done", attempt_id=attempt.id))


@bp.route("/sittings/<int:sitting_id>/start", methods=["GET", "POST"])
@role_required(Role.CANDIDATE)
@limiter.limit("10 per minute", methods=["POST"], key_func=_start_key,
               deduct_when=lambda response: response.status_code != 302)
def start(sitting_id: int):
    enrolment = reading.candidate_enrolment(sitting_id, current_user)
    if enrolment is None:
        abort(404)
    if enrolment.attempt is not None:
        return redirect(url_for("exams.resume", attempt_id=enrolment.attempt.id))
    form = StartForm()
    error = starting.start_problem(enrolment)
    if form.validate_on_submit() and error is None:
        try:
            attempt = starting.start_attempt(enrolment, form.access_code.data)
        except AttemptError as exc:
            # Shown on the page (status 200), so the audit entry of a wrong code is kept.
            error = exc.message
        else:
            return redirect(url_for("exams.item", attempt_id=attempt.id, position=1))
    sitting = enrolment.sitting
    exam = sitting.exam
    return render_template(
        "exams/start.html", form=form, enrolment=enrolment, sitting=sitting, exam=exam,
        error=error, instructions_html=render_markdown(exam.instructions),
        minutes=allowed_minutes(exam.duration_minutes, enrolment.extra_time_pct),
        grace=current_app.config["EXAM_GRACE_SECONDS"])


@bp.route("/attempts/<int:attempt_id>")
@role_required(Role.CANDIDATE)
def resume(attempt_id: int):
    attempt = _attempt_or_404(attempt_id)
    if not attempt.is_in_progress:
        return _closed(attempt)
    statuses = reading.overview(attempt)
    first = next((s.position for s in statuses if not s.answered), 1)
    return redirect(url_for("exams.item", attempt_id=attempt.id, position=first))


def page_config(attempt: Attempt, position: int | None, item_type: str | None,
                total: int) -> dict[str, Any]:
    """What exam.js needs, as the page's ``#exam-config`` JSON block (see static/js/exam.js)."""
    marker = 987654321
    return {
        "attemptId": attempt.id,
        "position": position,
        "total": total,
        "itemType": item_type,
        "urls": {
            "save": url_for("exams.save", attempt_id=attempt.id),
            "state": url_for("exams.state", attempt_id=attempt.id),
            "submit": url_for("exams.submit", attempt_id=attempt.id),
            "done": url_for("exams.done", attempt_id=attempt.id),
            "item": url_for("exams.item", attempt_id=attempt.id,
                            position=marker).replace(str(marker), "{n}"),
            "startTask": url_for("exams.start_task", attempt_id=attempt.id,
                                 position=marker).replace(str(marker), "{n}"),
        },
        "clock": expiry.clock(attempt),
        "lastSeq": attempt.last_seq,
        "graceSeconds": current_app.config["EXAM_GRACE_SECONDS"],
        # Only warnings inside the attempt's time: a 2-minute exam never says "10 minutes left".
        "warnings": [w for w in WARNINGS
                     if w < (attempt.deadline_dt - attempt.started_dt).total_seconds()],
        # One key per attempt and candidate: a shared exam-room computer keeps others' apart.
        "storageKey": f"certify-exam:{current_user.id}:{attempt.id}",
        # Offline navigation (issue 12 §6): the worker and the pages it keeps.
        "offline": {
            "worker": url_for("exams.offline_worker", attempt_id=attempt.id),
            "scope": url_for("exams.resume", attempt_id=attempt.id) + "/",
            "pages": [url_for("exams.item", attempt_id=attempt.id, position=n)
                      for n in range(1, total + 1)]
                     + [url_for("exams.submit", attempt_id=attempt.id)],
            "assets": offline_assets(),
        },
    }


def offline_assets() -> list[str]:
    """The static files exam pages use (scripts and their modules, styles, fonts they name)."""
    static = current_app.static_folder or ""
    found = []
    for folder, suffixes in (("js", (".js",)), ("css", (".css",)), ("vendor", (".js", ".css"))):
        root = os.path.join(static, folder)
        for directory, _dirs, files in os.walk(root):
            for name in sorted(files):
                if name.endswith(suffixes) and name != "offline-sw.js":
                    relative = os.path.relpath(os.path.join(directory, name), static)
                    found.append(url_for("static", filename=relative.replace(os.sep, "/")))
    return sorted(found)


def _render_page(template: str, attempt: Attempt, **context: Any) -> str:
    statuses = reading.overview(attempt)
    position = context.get("position")
    item_type = context.get("item", {}).get("type") if context.get("item") else None
    config = page_config(attempt, position, item_type, len(statuses))
    config["taskClock"] = context.get("task_clock")
    return render_template(
        template, attempt=attempt, exam=attempt.sitting.exam, statuses=statuses, config=config,
        exam_strings=strings.exam_strings(), **context)


@bp.route("/attempts/<int:attempt_id>/items/<int:position>")
@role_required(Role.CANDIDATE)
def item(attempt_id: int, position: int):
    attempt = _attempt_or_404(attempt_id)
    if not attempt.is_in_progress:
        return _closed(attempt)
    attempt_item = reading.item_at(attempt, position)
    if attempt_item is None:
        abort(404)
    if request.headers.get("X-Certify-Prefetch") != "1":  # kept for offline use, not opened
        reading.mark_opened(attempt, [position])
    rendered = candidate_item(attempt_item.version, attempt_item.option_order,
                              records=reading.records_for(attempt, attempt_item.version))
    return _render_page("exams/item.html", attempt, position=position, item=rendered,
                        values=reading.saved_value(attempt_item),
                        flagged=attempt_item.flagged,
                        task_clock=task_clock.item_clock(attempt_item))


@bp.route("/attempts/<int:attempt_id>/items/<int:position>/start", methods=["POST"])
@role_required(Role.CANDIDATE)
def start_task(attempt_id: int, position: int):
    """Start the clock of a skills task with its own time limit (JSON, header X-CSRFToken)."""
    attempt = _attempt_or_404(attempt_id)
    attempt_item = reading.item_at(attempt, position)
    if attempt_item is None:
        abort(404)
    try:
        clock = task_clock.start_task(attempt, attempt_item)
    except AttemptError as exc:
        return jsonify(error=exc.message, state=attempt.state), exc.status
    db.session.commit()
    return jsonify(ok=True, position=position, task_clock=clock)


@bp.route("/attempts/<int:attempt_id>/state")
@role_required(Role.CANDIDATE)
def state(attempt_id: int):
    attempt = _attempt_or_404(attempt_id)
    if not attempt.is_in_progress:
        return jsonify(error=expiry.closed_message(attempt), state=attempt.state,
                       redirect=url_for("exams.done", attempt_id=attempt.id)), 409
    return jsonify(**reading.state(attempt), csrf_token=generate_csrf())


@bp.route("/attempts/<int:attempt_id>/answers", methods=["POST"])
@role_required(Role.CANDIDATE)
def save(attempt_id: int):
    attempt = reading.candidate_attempt(attempt_id, current_user)
    if attempt is None:
        abort(404)
    try:
        result = autosave.save_answers(attempt, request.get_json(silent=True))
    except AnswerError as exc:
        # A client bug, never the candidate's fault: keep a trace for whoever investigates.
        current_app.logger.warning("attempt %s: save refused: %s", attempt.id, exc.message)
        return jsonify(**exc.to_json(), last_seq=attempt.last_seq), 422
    except AttemptError as exc:
        db.session.rollback()
        if exc.code == task_clock.TASK_LOCKED:
            # Not the end of the attempt: the page keeps the refused answer and says why.
            return jsonify(error=exc.message, code=exc.code, position=exc.position,
                           state=attempt.state), exc.status
        return jsonify(error=exc.message, state=exc.state or attempt.state,
                       redirect=url_for("exams.done", attempt_id=attempt.id)), exc.status
    # Acknowledge only what is committed: the page shows "saved" on this answer alone.
    db.session.commit()
    return jsonify(ok=True, **result, **expiry.clock(attempt), last_seq=attempt.last_seq,
                   csrf_token=generate_csrf())


@bp.route("/attempts/<int:attempt_id>/submit", methods=["GET", "POST"])
@role_required(Role.CANDIDATE)
def submit(attempt_id: int):
    attempt = _attempt_or_404(attempt_id)
    if request.method == "GET":
        if not attempt.is_in_progress:
            return _closed(attempt)
        statuses = reading.overview(attempt)
        unanswered, flagged = reading.answered_positions(statuses)
        return _render_page("exams/submit.html", attempt, unanswered=unanswered,
                            flagged=flagged, form=FlaskForm())
    if request.is_json:
        payload = request.get_json(silent=True) or {}
        reason = payload.get("reason") if isinstance(payload, dict) else None
        won = submitting.submit_attempt(attempt, str(reason or SubmitReason.CANDIDATE.value))
        return jsonify(ok=True, submitted=won, state=attempt.state,
                       redirect=url_for("exams.done", attempt_id=attempt.id))
    form = FlaskForm()
    if not form.validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "yes" and attempt.is_in_progress:
        statuses = reading.overview(attempt)
        unanswered, flagged = reading.answered_positions(statuses)
        return _render_page("exams/submit.html", attempt, unanswered=unanswered,
                            flagged=flagged, form=form, confirm_error=_(
                                "Tick the box to confirm that you want to submit.")), 422
    if submitting.submit_attempt(attempt, SubmitReason.CANDIDATE.value):
        flash(_("Your exam is submitted. Well done for getting through it."), "success")
    return _closed(attempt)


@bp.route("/attempts/<int:attempt_id>/late", methods=["POST"])
@role_required(Role.CANDIDATE)
def deliver_late(attempt_id: int):
    attempt = reading.candidate_attempt(attempt_id, current_user)
    if attempt is None:
        abort(404)
    try:
        received = late.deliver(attempt, request.get_json(silent=True))
    except AnswerError as exc:
        current_app.logger.warning("attempt %s: late delivery refused: %s", attempt.id, exc.message)
        return jsonify(exc.to_json()), 422
    except AttemptError as exc:
        return jsonify(error=exc.message, state=exc.state or attempt.state), exc.status
    db.session.commit()
    return jsonify(ok=True, received=received, csrf_token=generate_csrf())


@bp.route("/attempts/<int:attempt_id>/done")
@role_required(Role.CANDIDATE)
def done(attempt_id: int):
    attempt = _attempt_or_404(attempt_id)
    if attempt.is_in_progress:
        return redirect(url_for("exams.resume", attempt_id=attempt.id))
    return render_template("exams/done.html", attempt=attempt, exam=attempt.sitting.exam,
                           sitting=attempt.sitting, voided=attempt.state == AttemptState.VOIDED,
                           storage_key=f"certify-exam:{current_user.id}:{attempt.id}",
                           statuses=reading.overview(attempt), late_answers=late.late_answers(attempt),
                           late_url=url_for("exams.deliver_late", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>/offline-sw.js")
@role_required(Role.CANDIDATE)
def offline_worker(attempt_id: int):
    """The service worker of this attempt's offline pages (only while it is in progress)."""
    attempt = _attempt_or_404(attempt_id)
    if not attempt.is_in_progress:
        abort(404)
    path = os.path.join(current_app.static_folder or "", "js", "exam", "offline-sw.js")
    with open(path, encoding="utf-8") as source:
        return current_app.response_class(source.read(), mimetype="text/javascript",
                                          headers={"Cache-Control": "no-store"})
