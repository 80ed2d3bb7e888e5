"""Bank use cases: create and edit items, the review workflow, retiring, and importing files.

Lifecycle (docs/formats.md §2 "Import rules" repeats the parts that concern files):

- A new item has version 1 as a **draft**. Its author (and any examiner) edits the draft in place;
  whoever edits a draft becomes one of its contributors.
- **Submitting** puts the newest version **in review**. Editing it there sends it back to draft.
- **Approving** needs an examiner who contributed nothing to that version (four eyes; enforced here
  and by a database constraint). The version becomes **approved** and live: exams draw it. The version
  that was live before becomes **superseded**; attempts that used it keep pointing at it.
- **Requesting changes** sends the version back to draft with the reviewer's comment.
- Editing an **approved** item never touches the approved version: it makes version n+1 as a draft,
  with a change note, while version n stays live until n+1 is approved.
- **Retiring** takes an item out of every future exam; nothing is deleted. It can be reinstated.

Every change is checked here, not only in the pages, and audited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from certify.audit import audit
from certify.auth.models import Role, User
from certify.banks import assets, translations
from certify.banks.importers import Parsed
from certify.banks.markup import asset_refs
from certify.banks.models import (
    Asset,
    Item,
    ItemReview,
    ItemStatus,
    ItemVersion,
    VersionStatus,
)
from certify.banks.practical import media_refs, validate_practical
from certify.banks.spec import (
    LANGUAGE,
    BankError,
    ItemData,
    Problem,
    normal_decimal,
    validate_item,
)
from certify.clock import now_utc
from certify.db import db
from certify.syllabus.models import Level, Unit


class ReviewError(BankError):
    """A workflow step that is not allowed (wrong state, or the four-eyes rule)."""


# -- reading -------------------------------------------------------------------------------------

def units_by_ref() -> dict[str, Unit]:
    """Every syllabus unit by its reference (``L4:2.1``)."""
    rows = db.session.execute(sa.select(Unit, Level.number).join(Level, Unit.level_id == Level.id))
    return {f"L{number}:{unit.code}": unit for unit, number in rows}


def version_data(version: ItemVersion, *, status: str | None = None) -> ItemData:
    """A stored version as :class:`ItemData` (what exports and edit forms start from)."""
    item = version.item
    if status is None:
        if item.status == ItemStatus.RETIRED.value:
            status = ItemStatus.RETIRED.value
        elif version.status == VersionStatus.SUPERSEDED.value:
            status = ItemStatus.APPROVED.value
        else:
            status = version.status
    return ItemData(
        ref=item.ref, type=item.type, units=[u.ref for u in version.units],
        difficulty=version.difficulty, points=normal_decimal(version.points), stem=version.stem,
        content=version.content or {}, key=version.key or {}, explanation=version.explanation,
        language=item.language, translation=item.translation.ref if item.translation else None,
        status=status, author=item.author.email if item.author else None,
        change_note=version.change_note)


def is_examiner(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_role(Role.EXAMINER)


def _require_examiner(user: User | None) -> None:
    if not is_examiner(user):
        raise ReviewError([_("Only examiners may change the bank.")])


# -- validation and applying data ---------------------------------------------------------------

def _nul_at(value: Any, where: str) -> str | None:
    """Where in ``value`` a string holds a NUL character (no database text can), else ``None``."""
    if isinstance(value, str):
        return where if "\x00" in value else None
    items = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, child in items:
        found = _nul_at(key, where) or _nul_at(
            child, f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}".lstrip("."))
        if found:
            return found
    return None


def check_data(data: ItemData, units: dict[str, Unit]) -> list[Problem]:
    """Every problem of ``data`` including units that are not in the syllabus and assets that are
    not in the bank (found before anything is created, so that a refusal leaves nothing behind)."""
    problems = validate_practical(data) if data.type == "practical" else validate_item(data)
    if data.type == "practical" and not LANGUAGE.match(data.language or "en"):
        problems.append(Problem(_('"%(text)s" is not a language code such as en or zh',
                                  text=data.language), row=data.row, column="language",
                                ref=data.ref, source=data.source))
    nul = _nul_at({"ref": data.ref, "units": data.units, "stem": data.stem,
                   "explanation": data.explanation, "change_note": data.change_note,
                   **data.content, **data.key}, "")
    if nul:
        problems.append(Problem(_("holds a NUL character, which text cannot hold (was the file "
                                  "saved as UTF-16, or is it not text?)"), row=data.row,
                                ref=data.ref, field=nul, source=data.source))
    for ref in data.units:
        if ref not in units:
            problems.append(Problem(_("unit %(ref)s is not in the syllabus", ref=ref),
                                    row=data.row, column="units", ref=data.ref,
                                    source=data.source))
    if not problems:
        brought = {c.sha256 for c in data.media.values()}
        for sha in sorted(_used_assets(data) - brought):
            if assets.find_asset(sha) is None:
                problems.append(Problem(_("asset:%(sha)s is not in the bank; upload the file first",
                                          sha=sha[:12] + "…"), row=data.row, ref=data.ref,
                                        source=data.source))
    return problems


def _search_text(data: ItemData) -> str:
    parts = [data.ref, data.stem]
    parts += [o.get("text", "") for o in data.content.get("options") or []]
    task = data.content.get("task") or {}
    parts += [task.get("title", ""), task.get("task_type", "")]
    return re.sub(r"\s+", " ", " ".join(p for p in parts if p)).lower()[:20000]


def _used_assets(data: ItemData) -> set[str]:
    """The SHA-256 of every asset ``data`` refers to (Markdown and practical records)."""
    shas = set(asset_refs(data.stem)) | set(asset_refs(data.explanation))
    for option in data.content.get("options") or []:
        shas |= asset_refs(option.get("text"))
    return shas | media_refs(data.content)


def _link_assets(version: ItemVersion, data: ItemData, *, actor: User | None,
                 store: bool) -> None:
    """Store the files ``data`` brings and link every asset the version uses (all exist: see
    :func:`check_data`)."""
    stored: dict[str, Asset] = {}
    if store:
        for checked in data.media.values():
            stored[checked.sha256] = assets.save_asset(checked, actor=actor)
    linked = [asset for sha in sorted(_used_assets(data))
              if (asset := stored.get(sha) or assets.find_asset(sha)) is not None]
    version.assets = linked


def _apply(version: ItemVersion, data: ItemData, units: dict[str, Unit]) -> None:
    version.stem = data.stem
    version.content = data.content
    version.key = data.key
    version.explanation = data.explanation
    version.points = Decimal(data.points)
    version.difficulty = data.difficulty
    version.units = [units[ref] for ref in data.units]
    version.search_text = _search_text(data)


def _sync_status(item: Item) -> None:
    """Keep ``Item.status`` in step with its versions."""
    if item.status == ItemStatus.RETIRED.value:
        return
    if _loaded_live_version(item) is not None:
        item.status = ItemStatus.APPROVED.value
    else:
        item.status = item.head.status


def _same(version: ItemVersion, data: ItemData) -> bool:
    return version_data(version).comparable() == data.comparable()


def create_item(data: ItemData, *, actor: User, units: dict[str, Unit] | None = None,
                store_media: bool = True, bulk: bool = False) -> Item:
    """Create an item with version 1 as a draft by ``actor``.

    :raise BankError: listing every problem of ``data`` (nothing is created).
    """
    _require_examiner(actor)
    units = units if units is not None else units_by_ref()
    problems = check_data(data, units)
    if not bulk and db.session.scalar(sa.select(Item.id).where(Item.ref == data.ref)) is not None:
        problems.append(Problem(_("ref %(ref)s is already used by another item", ref=data.ref),
                                row=data.row, column="ref", ref=data.ref, source=data.source))
    partner, found = (None, []) if bulk else translations.partner_of(data)
    problems += found
    if problems:
        raise BankError(problems)
    item = Item(ref=data.ref, type=data.type, status=ItemStatus.DRAFT.value,
                language=data.language or "en", author=actor)
    version = ItemVersion(number=1, status=VersionStatus.DRAFT.value, created_by=actor,
                          contributor_ids=[actor.id], change_note=data.change_note or "")
    _apply(version, data, units)
    item.versions.append(version)
    db.session.add(item)
    _link_assets(version, data, actor=actor, store=store_media)
    if partner is not None:
        translations.link(item, partner)
    if not bulk:
        db.session.flush()
        audit("bank.item_created", item, actor=actor, ref=item.ref, type=item.type)
    return item


def save_item(item: Item, data: ItemData, *, actor: User, change_note: str = "",
              units: dict[str, Unit] | None = None, store_media: bool = True,
              bulk: bool = False) -> str:
    """Save an edit of ``item``: in place on a draft, as a new version on an approved item.

    :return: ``"unchanged"``, ``"updated"`` (the draft or version in review was changed; a version in
        review goes back to draft) or ``"new_version"``.
    :raise BankError: for invalid data, a retired item, or a new version without a change note.
    """
    _require_examiner(actor)
    if data.type != item.type:
        raise BankError([Problem(_("%(ref)s is a %(old)s item; its type cannot change to "
                                   "%(new)s", ref=item.ref, old=item.type, new=data.type),
                                 row=data.row, column="type", ref=item.ref, source=data.source)])
    if data.ref != item.ref:
        raise BankError([Problem(_("an item's ref never changes"), column="ref", ref=item.ref)])
    if item.status == ItemStatus.RETIRED.value:
        raise BankError([Problem(_("%(ref)s is retired; reinstate it before changing it",
                                   ref=item.ref), row=data.row, ref=item.ref, source=data.source)])
    units = units if units is not None else units_by_ref()
    problems = check_data(data, units)
    partner, found = (None, []) if bulk else translations.partner_of(data)
    problems += found
    if problems:
        raise BankError(problems)
    if data.language and data.language != item.language:
        item.language = data.language
    if partner is not None:
        translations.link(item, partner)
    head = item.head
    if _same(head, data):
        return "unchanged"
    note = (change_note or data.change_note or "").strip()
    if head.is_frozen:
        if not note:
            raise BankError([Problem(_("say what changed and why (change note): the item is "
                                       "approved, so this makes version %(n)s",
                                       n=head.number + 1), row=data.row, column="change_note",
                                     ref=item.ref, source=data.source)])
        version = ItemVersion(number=head.number + 1, status=VersionStatus.DRAFT.value,
                              created_by=actor, contributor_ids=[actor.id], change_note=note)
        _apply(version, data, units)
        item.versions.append(version)
        action = "new_version"
    else:
        version = head
        _apply(version, data, units)
        if note:
            version.change_note = note
        if actor.id not in (version.contributor_ids or []):
            version.contributor_ids = [*(version.contributor_ids or []), actor.id]
        if version.status == VersionStatus.IN_REVIEW.value:
            version.status = VersionStatus.DRAFT.value
            version.submitted_dt = None
        action = "updated"
    _link_assets(version, data, actor=actor, store=store_media)
    _sync_status(item)
    if not bulk:
        db.session.flush()
        audit("bank.item_" + action, item, actor=actor, ref=item.ref, version=version.number)
    return action


def submit_for_review(item: Item, *, actor: User, bulk: bool = False) -> ItemVersion:
    """Put the newest (draft) version in review."""
    _require_examiner(actor)
    version = item.head
    if item.status == ItemStatus.RETIRED.value:
        raise ReviewError([_("%(ref)s is retired.", ref=item.ref)])
    if version.status != VersionStatus.DRAFT.value:
        raise ReviewError([_("Version %(n)s of %(ref)s is not a draft.", n=version.number,
                             ref=item.ref)])
    version.status = VersionStatus.IN_REVIEW.value
    version.submitted_dt = now_utc()
    _sync_status(item)
    if not bulk:
        audit("bank.submitted", item, actor=actor, ref=item.ref, version=version.number)
    return version


def can_review(version: ItemVersion, user: User | None) -> bool:
    """Whether ``user`` may approve ``version``: an examiner who did not write it."""
    return (is_examiner(user) and version.status == VersionStatus.IN_REVIEW.value
            and user.id not in _contributors(version))


def _contributors(version: ItemVersion) -> set[int]:
    ids = set(version.contributor_ids or [])
    if version.created_by_id is not None:
        ids.add(version.created_by_id)
    return ids


def _check_reviewer(version: ItemVersion, reviewer: User) -> None:
    _require_examiner(reviewer)
    if version.status != VersionStatus.IN_REVIEW.value:
        raise ReviewError([_("Version %(n)s of %(ref)s is not in review.", n=version.number,
                             ref=version.item.ref)])
    if reviewer.id in _contributors(version):
        raise ReviewError([_("You wrote or edited version %(n)s of %(ref)s, so another examiner "
                             "must review it (four-eyes rule).", n=version.number,
                             ref=version.item.ref)])


def _loaded_live_version(item: Item) -> ItemVersion | None:
    """The live version without a query when the item is new in this session."""
    state = sa.inspect(item)
    if "live_version" in state.dict:
        return state.dict["live_version"]
    return item.live_version if item.live_version_id is not None else None


def approve(version: ItemVersion, *, reviewer: User, comment: str = "",
            bulk: bool = False) -> ItemVersion:
    """Approve a version in review: it becomes live, the previous live version superseded."""
    _check_reviewer(version, reviewer)
    item = version.item
    previous = _loaded_live_version(item)
    if previous is not None and previous.id != version.id:
        previous.status = VersionStatus.SUPERSEDED.value
    version.status = VersionStatus.APPROVED.value
    version.approved_by = reviewer
    version.approved_dt = now_utc()
    item.live_version = version
    version.reviews.append(ItemReview(reviewer=reviewer, decision="approved", comment=comment))
    _sync_status(item)
    if not bulk:
        db.session.flush()
        audit("bank.approved", item, actor=reviewer, ref=item.ref, version=version.number,
              superseded=previous.number if previous is not None and previous.id != version.id
              else None)
    return version


def request_changes(version: ItemVersion, *, reviewer: User, comment: str) -> ItemVersion:
    """Send a version in review back to draft with the reviewer's comment."""
    _check_reviewer(version, reviewer)
    if not comment.strip():
        raise ReviewError([_("Say what should change.")])
    version.status = VersionStatus.DRAFT.value
    version.submitted_dt = None
    version.reviews.append(ItemReview(reviewer=reviewer, decision="changes_requested",
                                      comment=comment.strip()))
    _sync_status(version.item)
    audit("bank.changes_requested", version.item, actor=reviewer, ref=version.item.ref,
          version=version.number)
    return version


def retire(item: Item, *, actor: User, reason: str = "") -> None:
    """Take an item out of every future exam (nothing is deleted)."""
    _require_examiner(actor)
    if item.status == ItemStatus.RETIRED.value:
        return
    item.status = ItemStatus.RETIRED.value
    item.retired_dt = now_utc()
    audit("bank.retired", item, actor=actor, ref=item.ref, reason=reason)


def reinstate(item: Item, *, actor: User) -> None:
    """Undo retiring: the item is approved again if it has a live version, else a draft."""
    _require_examiner(actor)
    if item.status != ItemStatus.RETIRED.value:
        return
    item.status = ItemStatus.DRAFT.value
    item.retired_dt = None
    _sync_status(item)
    audit("bank.reinstated", item, actor=actor, ref=item.ref)


def discard_draft(item: Item, *, actor: User) -> None:
    """Delete the newest version while it is an unapproved draft of an item that has older ones.

    A first version is never deleted (retire the item instead); approved versions never are.
    """
    _require_examiner(actor)
    version = item.head
    if version.status not in (VersionStatus.DRAFT.value, VersionStatus.IN_REVIEW.value) \
            or len(item.versions) < 2:
        raise ReviewError([_("Only an unapproved newer version can be discarded.")])
    number = version.number
    item.versions.remove(version)  # the delete-orphan cascade deletes it
    db.session.flush()
    _sync_status(item)
    audit("bank.draft_discarded", item, actor=actor, ref=item.ref, version=number)


# -- importing -----------------------------------------------------------------------------------

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
        if not _same(item.head, data):
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


# -- asset upload --------------------------------------------------------------------------------

def upload_asset(data: bytes, filename: str, *, actor: User) -> Asset:
    """Check and store an image or audio file an examiner uploads for a stem or a task.

    :raise assets.AssetError: when the file is refused (the message says why).
    """
    _require_examiner(actor)
    checked = assets.check_media(data, filename)
    asset = assets.save_asset(checked, actor=actor)
    audit("bank.asset_uploaded", asset, actor=actor, sha256=asset.sha256, mime=asset.mime,
          size=asset.size)
    return asset


def latest_assets(limit: int = 20) -> list[Asset]:
    return list(db.session.scalars(sa.select(Asset).order_by(Asset.created_dt.desc(),
                                                            Asset.id.desc()).limit(limit)))

