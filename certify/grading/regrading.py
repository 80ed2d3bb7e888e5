"""Regrading: rescore the submitted attempts of a sitting, or every attempt that used one item.

Every regrade first keeps each result's state as a
:class:`ResultRevision` and records a :class:`Regrade` run with its report, so nothing is
overwritten silently. An attempt always keeps the version it was *shown*
(``AttemptItem.item_version_id``); what a regrade may change is the version it is *scored* against
(``ItemScore.scored_version_id``):

- a plain regrade rescores against the versions the items were last scored with (the shown
  version, unless an earlier regrade adopted a correction);
- with ``adopt_corrections`` an item whose newest approved version (``Item.live_version``) is newer
  than the scored one is rescored against it — a key or gold correction makes a new version — but
  only when that version is the same question as shown: the same option ids, number of blanks,
  task type and record ids, and for examiner-marked items the same rubric (marks were given
  against it). Versions that are not adopted are listed in the report with the reason.

Examiners' marks are kept by a regrade; rubric items are settled again from them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from certify.audit import audit
from certify.auth.models import User
from certify.banks.models import Item, ItemVersion
from certify.db import db
from certify.exams.models import Attempt, AttemptItem, AttemptState, Enrolment, Sitting
from certify.grading import autoscore, marking, pass_rules
from certify.grading.autoscore import ItemOutcome, ItemScoringError, PracticalEntry, sample_key
from certify.grading.models import ItemScore, Regrade, Result, ResultStatus
from certify.grading.results import (
    GradingError,
    answers_by_item,
    apply_outcome,
    record_revision,
    refresh,
    result_of,
    score_item,
    scored_version,
)


@dataclass
class RegradeRow:
    """One attempt in a regrade report."""

    attempt_id: int
    script_number: str
    candidate: str
    candidate_number: str | None
    sitting: str
    before_score: str | None
    after_score: str
    before_passed: bool | None
    after_passed: bool | None
    before_status: str | None
    after_status: str
    adopted: list[str] = field(default_factory=list)
    component_withdrawn: bool = False
    levels_withdrawn: list[int] = field(default_factory=list)
    levels_created: list[int] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """The score, pass/fail or status changed (or the attempt was graded for the first time)."""
        return (self.before_score != self.after_score or self.before_passed != self.after_passed
                or self.before_status != self.after_status)

    @property
    def pass_changed(self) -> bool:
        return self.before_passed != self.after_passed


@dataclass
class RegradeReport:
    """What a regrade did: every candidate whose score or pass/fail changed, and what was not done."""

    attempts: int
    changed: list[RegradeRow]
    unchanged: int
    not_adopted: list[str] = field(default_factory=list)
    dry_run: bool = False
    regrade_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"attempts": self.attempts, "unchanged": self.unchanged,
                "not_adopted": list(self.not_adopted), "dry_run": self.dry_run,
                "changed": [asdict(row) for row in self.changed]}

    @classmethod
    def from_dict(cls, data: dict[str, Any], regrade_id: int | None = None) -> RegradeReport:
        return cls(attempts=data.get("attempts", 0), unchanged=data.get("unchanged", 0),
                   not_adopted=list(data.get("not_adopted") or []),
                   dry_run=bool(data.get("dry_run")), regrade_id=regrade_id,
                   changed=[RegradeRow(**row) for row in data.get("changed") or []])


def find_item(ref: str) -> Item | None:
    return db.session.scalar(sa.select(Item).where(Item.ref == ref.strip()))


def _attempts(sitting: Sitting | None, item: Item | None) -> list[Attempt]:
    query = (sa.select(Attempt).join(Enrolment, Attempt.enrolment_id == Enrolment.id)
             .where(Attempt.state == AttemptState.SUBMITTED.value)
             .order_by(Attempt.script_number))
    if sitting is not None:
        query = query.where(Enrolment.sitting_id == sitting.id)
    if item is not None:
        query = query.where(Attempt.id.in_(
            sa.select(AttemptItem.attempt_id).join(ItemVersion,
                                                   AttemptItem.item_version_id == ItemVersion.id)
            .where(ItemVersion.item_id == item.id)))
    return list(db.session.scalars(query))


def _same_question(shown: ItemVersion, new: ItemVersion, examiner_marked: bool) -> str | None:
    """Why ``new`` cannot score answers given to ``shown`` (``None`` when it can)."""
    old_c, new_c = shown.content or {}, new.content or {}
    if {o.get("id") for o in old_c.get("options") or []} != {
            o.get("id") for o in new_c.get("options") or []}:
        return _("its options differ from those the candidates saw")
    if old_c.get("blanks") != new_c.get("blanks"):
        return _("its number of blanks differs from what the candidates saw")
    old_t, new_t = old_c.get("task") or {}, new_c.get("task") or {}
    if old_t.get("task_type") != new_t.get("task_type"):
        return _("its task type differs from what the candidates saw")
    if [r.get("id") for r in old_t.get("records") or []] != [
            r.get("id") for r in new_t.get("records") or []]:
        return _("its records differ from those the candidates saw")
    if examiner_marked and (shown.key or {}).get("rubric") != (new.key or {}).get("rubric"):
        return _("its rubric changed, and examiners marked against the old one")
    return None


def _choose_version(attempt_item: AttemptItem, score: ItemScore | None, adopt: bool,
                    not_adopted: set[str]) -> tuple[ItemVersion, bool]:
    """The version to score against, and whether it is a newly adopted correction."""
    current = scored_version(score, attempt_item)
    if not adopt:
        return current, False
    live = current.item.live_version
    if live is None or live.id == current.id or live.number <= current.number:
        return current, False
    examiner_marked = score is not None and marking.is_rubric_marked(score)
    problem = _same_question(attempt_item.version, live, examiner_marked)
    if problem:
        not_adopted.add(_("%(ref)s version %(number)s was not adopted: %(problem)s.",
                          ref=current.item.ref, number=live.number, problem=problem))
        return current, False
    return live, True


def _score_all(work: list[tuple[AttemptItem, ItemVersion]]) -> dict[int, ItemOutcome]:
    """Score attempt items, practical tasks in one vectorised batch per version."""
    answers = answers_by_item(sorted({attempt_item.attempt_id for attempt_item, _v in work}))
    outcomes: dict[int, ItemOutcome] = {}
    practical: dict[int, dict[Hashable, PracticalEntry]] = defaultdict(dict)
    versions: dict[int, ItemVersion] = {}
    for attempt_item, version in work:
        if version.item.type == "practical":
            versions[version.id] = version
            practical[version.id][attempt_item.id] = PracticalEntry(
                attempt_item.points, answers.get(attempt_item.id, []),
                attempt_item.started_dt or attempt_item.opened_dt, attempt_item.last_saved_dt,
                sample_key(attempt_item.sample))
        else:
            outcomes[attempt_item.id] = score_item(attempt_item, version,
                                                   answers.get(attempt_item.id, []))
    for version_id, entries in practical.items():
        version = versions[version_id]
        outcomes.update(autoscore.score_practical(version.content or {}, version.key or {},
                                                  entries, label=version.item.ref))
    return outcomes


def regrade(*, sitting: Sitting | None = None, item_ref: str | None = None,
            attempt: Attempt | None = None, adopt_corrections: bool = False, reason: str,
            actor: User | None = None, dry_run: bool = False) -> RegradeReport:
    """Rescore the submitted attempts of a sitting, or every attempt that used one item.

    With both, only that item in that sitting. Attempts not graded yet are graded. Each result's
    previous state is kept as a revision; component and level passes follow the new results
    (a pass turned into a fail withdraws them). All or nothing.

    :param item_ref: rescore only this item (its attempts in ``sitting``, or everywhere).
    :param attempt: rescore only this submitted attempt (e.g. after a late answer was accepted).
    :param adopt_corrections: score against the newest approved version of corrected items.
    :param reason: why (required; kept with every revision).
    :param dry_run: compute the report and change nothing.
    :raise GradingError: no reason, unknown item, no attempts, or an item cannot be scored.
    """
    reason = (reason or "").strip()
    if not reason:
        raise GradingError(_("Say why the results are regraded (the reason is kept with every "
                             "result's history)."))
    if sitting is None and not item_ref and attempt is None:
        raise GradingError(_("Choose a sitting or an item to regrade."))
    item = None
    if item_ref:
        item = find_item(item_ref)
        if item is None:
            raise GradingError(_("There is no item %(ref)s.", ref=item_ref.strip()))
    if attempt is not None:
        sitting = attempt.enrolment.sitting
        attempts = [attempt] if attempt.state == AttemptState.SUBMITTED.value else []
    else:
        attempts = _attempts(sitting, item)
    if not attempts:
        raise GradingError(_("There are no submitted attempts to regrade."))
    savepoint = db.session.begin_nested()
    try:
        run = Regrade(sitting_id=sitting.id if sitting else None,
                      item_ref=item.ref if item else None, adopt_corrections=adopt_corrections,
                      reason=reason, actor_id=getattr(actor, "id", None), attempts=len(attempts))
        db.session.add(run)
        db.session.flush()
        report, changes = _regrade(attempts, item, adopt_corrections, run, actor, reason)
        report.dry_run = dry_run
        run.report = report.to_dict()
        db.session.flush()
    except ItemScoringError as exc:
        savepoint.rollback()
        raise GradingError(str(exc)) from exc
    except Exception:
        savepoint.rollback()
        raise
    if dry_run:
        savepoint.rollback()
        return report
    savepoint.commit()
    report.regrade_id = run.id
    audit("grading.regraded", run, actor=actor, sitting_id=run.sitting_id, item_ref=run.item_ref,
          adopt_corrections=adopt_corrections, reason=reason, attempts=report.attempts,
          changed=[row.attempt_id for row in report.changed])
    for change in changes:
        pass_rules.notify(change)
    return report


def _regrade(attempts: list[Attempt], item: Item | None, adopt: bool, run: Regrade,
             actor: User | None, reason: str) -> tuple[RegradeReport, list]:
    not_adopted: set[str] = set()
    plan: dict[int, tuple[Result | None, list[tuple[AttemptItem, ItemScore | None, ItemVersion,
                                                  bool]]]] = {}
    work = []
    for attempt in attempts:
        result = result_of(attempt)
        scores = {s.attempt_item_id: s for s in result.item_scores} if result else {}
        rows = []
        for attempt_item in attempt.items:
            if result is not None and item is not None and attempt_item.version.item_id != item.id:
                continue
            score = scores.get(attempt_item.id)
            version, adopted = _choose_version(attempt_item, score, adopt, not_adopted)
            rows.append((attempt_item, score, version, adopted))
            work.append((attempt_item, version))
        plan[attempt.id] = (result, rows)
    outcomes = _score_all(work)
    changed, unchanged, pass_changes = [], 0, []
    for attempt in attempts:
        result, rows = plan[attempt.id]
        before = None
        if result is None:
            result = Result(attempt=attempt, status=ResultStatus.AWAITING_MARKING.value)
            db.session.add(result)
        else:
            before = (str(result.score), result.passed, result.status)
            record_revision(result, actor=actor, reason=reason, regrade_id=run.id)
        marking_plan = marking.plan_for(attempt.enrolment.sitting_id)
        adopted_refs = []
        for attempt_item, score, version, adopted in rows:
            if score is None:
                score = ItemScore(attempt_item=attempt_item)
                result.item_scores.append(score)
            apply_outcome(score, outcomes[attempt_item.id], version)
            if marking.is_rubric_marked(score):
                db.session.flush()
                marking.settle(score, marking_plan)
            if adopted:
                adopted_refs.append(f"{version.item.ref} v{attempt_item.version.number}"
                                    f"→v{version.number}")
        refresh(result)
        db.session.flush()
        change = pass_rules.apply(result)
        pass_changes.append(change)
        row = RegradeRow(
            attempt_id=attempt.id, script_number=attempt.script_number,
            candidate=attempt.enrolment.candidate.name,
            candidate_number=attempt.enrolment.candidate.candidate_id,
            sitting=attempt.enrolment.sitting.title,
            before_score=before[0] if before else None, after_score=str(result.score),
            before_passed=before[1] if before else None, after_passed=result.passed,
            before_status=before[2] if before else None, after_status=result.status,
            adopted=adopted_refs, component_withdrawn=change.component_withdrawn,
            levels_withdrawn=change.levels_withdrawn, levels_created=change.levels_created)
        if row.changed:
            changed.append(row)
        else:
            unchanged += 1
    report = RegradeReport(attempts=len(attempts), changed=changed, unchanged=unchanged,
                           not_adopted=sorted(not_adopted))
    return report, pass_changes


def regrade_runs(sitting: Sitting) -> list[Regrade]:
    return list(db.session.scalars(sa.select(Regrade).where(Regrade.sitting_id == sitting.id)
                                   .order_by(Regrade.created_dt.desc(), Regrade.id.desc())))
