"""Importing a bank file: apply everything it describes, or nothing (docs/formats.md §2)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from certify.audit import audit
from certify.auth.models import User
from certify.banks import assets, translations
from certify.banks.authoring import (
    ReviewError,
    create_item,
    is_examiner,
    reinstate,
    retire,
    same_content,
    save_item,
)
from certify.banks.importers import Parsed
from certify.banks.models import Item, ItemStatus, ItemVersion, VersionStatus
from certify.banks.queries import units_by_ref
from certify.banks.reviewing import approve, submit_for_review
from certify.banks.spec import BankError, ItemData, Problem
from certify.db import db
from certify.syllabus.models import Unit

ACTIONS = ("created", "new_version", "updated", "unchanged")


@dataclass
class RowResult:
    """What an import did (or would do) to one item."""

    ref: str
    action: str
    status: str
    source: str | None = None
    row: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """The outcome of an import or a dry run."""

    results: list[RowResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False
    formats: list[str] = field(default_factory=list)
    #: What the files hold that is not imported, each with its reason (importers.Skipped).
    skipped: list = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.results if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ACTIONS}

    @property
    def ok(self) -> bool:
        return not self.problems


def _find_users(emails: Iterable[str]) -> dict[str, User]:
    wanted = {e.lower() for e in emails if e}
    if not wanted:
        return {}
    users = db.session.scalars(sa.select(User).where(sa.func.lower(User.email).in_(wanted)))
    return {u.email.lower(): u for u in users}


def import_items(parsed: Parsed, *, actor: User, approver: User | None = None,
                 use_author_column: bool = False, dry_run: bool = False) -> ImportReport:
    """Apply everything a file describes, or nothing.

    Rules for the ``status`` column (docs/formats.md §2):

    - ``draft`` (or empty): the item is created or changed as a draft;
    - ``in_review``: it is then submitted for review;
    - ``approved``: submitted for review — approving needs a second examiner. Only an administrator
      on the command line may name that examiner (``--approve-as``): then the version is approved by
      them, which the four-eyes rule refuses when they wrote it;
    - ``retired``: the item is retired (after any change is saved); another status reinstates it.

    :param actor: who imports; the author of new versions unless ``use_author_column`` (command
        line) lets a row's ``author`` name another examiner.
    :param approver: the examiner recorded as approving rows marked ``approved`` (command line).
    :param dry_run: work everything out, report it, and change nothing (no file is stored).
    :return: the report; in a dry run it may list problems too.
    :raise BankError: (not in a dry run) when there is any problem; nothing was changed.
    """
    report = ImportReport(dry_run=dry_run, notes=list(parsed.notes), formats=list(parsed.formats),
                          skipped=list(parsed.skipped))
    problems = list(parsed.problems)
    units = units_by_ref()
    refs = [d.ref for d in parsed.items]
    existing = {item.ref: item for item in db.session.scalars(
        sa.select(Item).where(Item.ref.in_(refs)).options(
            selectinload(Item.versions).selectinload(ItemVersion.units)))} if refs else {}
    users = _find_users(d.author for d in parsed.items if use_author_column and d.author)
    if approver is not None and not is_examiner(approver):
        problems.append(Problem(_("%(email)s cannot approve items: not an active examiner",
                                  email=approver.email)))
        approver = None
    first: dict[str, ItemData] = {}
    # Files this import would be the first to store: a refused import removes them again.
    fresh = set() if dry_run else {c.sha256 for d in parsed.items for c in d.media.values()
                                   if not assets.asset_path(c.sha256).exists()}
    savepoint = db.session.begin_nested()
    try:
        for data in parsed.items:
            if data.ref in first:
                earlier = first[data.ref]
                problems.append(Problem(_("ref %(ref)s is also in %(where)s", ref=data.ref,
                                          where=" ".join(str(x) for x in (
                                              earlier.source or "", _("row %(n)s", n=earlier.row)
                                              if earlier.row else "") if x)),
                                        row=data.row, column="ref", ref=data.ref,
                                        source=data.source))
                continue
            first[data.ref] = data
            try:
                with db.session.no_autoflush:
                        result = _import_one(data, existing.get(data.ref), actor=actor,
                                         approver=approver, users=users,
                                         use_author_column=use_author_column, units=units,
                                         store=not dry_run)
            except BankError as exc:
                problems += [_locate(p, data) for p in exc.problems]
                continue
            report.results.append(result)
        db.session.flush()
        found, linked = translations.apply_all(first.values())
        problems += found
        for result in report.results:
            if result.ref in linked:
                result.notes.append("translation linked")
        db.session.flush()
    except Exception:
        savepoint.rollback()
        assets.discard_unused(fresh)
        raise
    report.problems = problems
    if dry_run or problems:
        savepoint.rollback()
        if not dry_run:
            assets.discard_unused(fresh)
            raise BankError(problems)
        return report
    savepoint.commit()
    audit("bank.imported", None, actor=actor, formats=report.formats, approver=approver.email
          if approver else None, **report.counts,
          approved=[r.ref for r in report.results if "approved" in r.notes])
    return report


def _locate(problem: Problem, data: ItemData) -> Problem:
    if problem.row is None and problem.source is None and (data.row or data.source):
        return Problem(problem.message, data.row, problem.column, problem.ref or data.ref,
                       problem.record, problem.field, data.source)
    return problem


def _import_one(data: ItemData, item: Item | None, *, actor: User, approver: User | None,
                users: dict[str, User], use_author_column: bool, units: dict[str, Unit],
                store: bool) -> RowResult:
    author = actor
    if use_author_column and data.author:
        author = users.get(data.author.lower())
        if author is None or not is_examiner(author):
            raise BankError([Problem(_("author %(email)s is not an examiner account",
                                       email=data.author), row=data.row, column="author",
                                     ref=data.ref, source=data.source)])
    requested = data.status or ItemStatus.DRAFT.value
    notes: list[str] = []
    if item is None:
        item = create_item(data, actor=author, units=units, store_media=store, bulk=True)
        action = "created"
    elif item.status == ItemStatus.RETIRED.value and requested == ItemStatus.RETIRED.value:
        if not same_content(item.head, data):
            raise BankError([Problem(_("%(ref)s is retired; set its status to draft to change it",
                                       ref=item.ref), row=data.row, column="status",
                                     ref=item.ref, source=data.source)])
        action = "unchanged"
    else:
        if item.status == ItemStatus.RETIRED.value:
            reinstate(item, actor=author)
            notes.append("reinstated")
        note = data.change_note or _("Imported from %(file)s", file=data.source or "a file")
        action = save_item(item, data, actor=author, change_note=note, units=units,
                           store_media=store, bulk=True)
    head = item.head
    if requested == ItemStatus.RETIRED.value:
        if item.status != ItemStatus.RETIRED.value:
            db.session.flush()  # the audit names the item by id
            retire(item, actor=author, reason=_("set to retired in an imported file"))
            notes.append("retired")
    elif requested in (ItemStatus.IN_REVIEW.value, ItemStatus.APPROVED.value):
        if head.status == VersionStatus.DRAFT.value:
            submit_for_review(item, actor=author, bulk=True)
            notes.append("submitted")
        if requested == ItemStatus.APPROVED.value and head.status == VersionStatus.IN_REVIEW.value:
            if approver is None:
                notes.append("awaits_review")
            else:
                try:
                    approve(head, reviewer=approver, comment=_("Approved on import"), bulk=True)
                except ReviewError as exc:
                    raise BankError([Problem(str(p), row=data.row, column="status", ref=data.ref,
                                             source=data.source) for p in exc.problems]) from exc
                notes.append("approved")
    return RowResult(ref=item.ref, action=action, status=item.status, source=data.source,
                     row=data.row, notes=notes)
