"""Authoring items: create, edit (in place on a draft, as a new version on an approved item),
retire, reinstate, discard a newer draft — and building a practical item from uploaded files.

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

Every change is checked here, not only in the pages, and audited. The review steps (submit,
approve, request changes) are :mod:`certify.banks.reviewing`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from certify.audit import audit
from certify.auth.models import Role, User
from certify.banks import assets, practical, translations
from certify.banks.importers.practical import parse_jsonl, store_media
from certify.banks.models import Asset, Item, ItemStatus, ItemVersion, VersionStatus
from certify.banks.queries import units_by_ref, version_data
from certify.banks.spec import BankError, ItemData, Problem, parse_units
from certify.banks.validation import check_data, search_text, used_assets
from certify.clock import now_utc
from certify.db import db
from certify.syllabus.models import Unit


class ReviewError(BankError):
    """A workflow step that is not allowed (wrong state, or the four-eyes rule)."""


def is_examiner(user: User | None) -> bool:
    return user is not None and user.is_active and user.has_role(Role.EXAMINER)


def require_examiner(user: User | None) -> None:
    if not is_examiner(user):
        raise ReviewError([_("Only examiners may change the bank.")])


def _link_assets(version: ItemVersion, data: ItemData, *, actor: User | None,
                 store: bool) -> None:
    """Store the files ``data`` brings and link every asset the version uses (all exist: see
    :func:`check_data`)."""
    stored: dict[str, Asset] = {}
    if store:
        for checked in data.media.values():
            stored[checked.sha256] = assets.save_asset(checked, actor=actor)
    linked = [asset for sha in sorted(used_assets(data))
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
    version.search_text = search_text(data)


def sync_status(item: Item) -> None:
    """Keep ``Item.status`` in step with its versions."""
    if item.status == ItemStatus.RETIRED.value:
        return
    if loaded_live_version(item) is not None:
        item.status = ItemStatus.APPROVED.value
    else:
        item.status = item.head.status


def same_content(version: ItemVersion, data: ItemData) -> bool:
    return version_data(version).comparable() == data.comparable()


def create_item(data: ItemData, *, actor: User, units: dict[str, Unit] | None = None,
                store_media: bool = True, bulk: bool = False) -> Item:
    """Create an item with version 1 as a draft by ``actor``.

    :raise BankError: listing every problem of ``data`` (nothing is created).
    """
    require_examiner(actor)
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
    require_examiner(actor)
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
    if same_content(head, data):
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
    sync_status(item)
    if not bulk:
        db.session.flush()
        audit("bank.item_" + action, item, actor=actor, ref=item.ref, version=version.number)
    return action


def loaded_live_version(item: Item) -> ItemVersion | None:
    """The live version without a query when the item is new in this session."""
    state = sa.inspect(item)
    if "live_version" in state.dict:
        return state.dict["live_version"]
    return item.live_version if item.live_version_id is not None else None


def retire(item: Item, *, actor: User, reason: str = "") -> None:
    """Take an item out of every future exam (nothing is deleted)."""
    require_examiner(actor)
    if item.status == ItemStatus.RETIRED.value:
        return
    item.status = ItemStatus.RETIRED.value
    item.retired_dt = now_utc()
    audit("bank.retired", item, actor=actor, ref=item.ref, reason=reason)


def reinstate(item: Item, *, actor: User) -> None:
    """Undo retiring: the item is approved again if it has a live version, else a draft."""
    require_examiner(actor)
    if item.status != ItemStatus.RETIRED.value:
        return
    item.status = ItemStatus.DRAFT.value
    item.retired_dt = None
    sync_status(item)
    audit("bank.reinstated", item, actor=actor, ref=item.ref)


def discard_draft(item: Item, *, actor: User) -> None:
    """Delete the newest version while it is an unapproved draft of an item that has older ones.

    A first version is never deleted (retire the item instead); approved versions never are.
    """
    require_examiner(actor)
    version = item.head
    if version.status not in (VersionStatus.DRAFT.value, VersionStatus.IN_REVIEW.value) \
            or len(item.versions) < 2:
        raise ReviewError([_("Only an unapproved newer version can be discarded.")])
    number = version.number
    item.versions.remove(version)  # the delete-orphan cascade deletes it
    db.session.flush()
    sync_status(item)
    audit("bank.draft_discarded", item, actor=actor, ref=item.ref, version=number)


def practical_item(fields: Mapping[str, Any], *, base: ItemData | None = None,
                   records_file: bytes | None = None, gold_file: bytes | None = None,
                   media_files: Mapping[str, bytes] | None = None,
                   problems: Sequence[str] = ()) -> tuple[ItemData | None, list[Problem]]:
    """A practical item from plain values: an authoring form's fields and its uploaded files.

    :param fields: ``ref, task_type, title, units`` (refs), ``config, policy, instructions,
        difficulty, points, time_limit_minutes, overtime, metric, rubric, explanation, language,
        change_note`` (see :meth:`certify.banks.forms.PracticalForm.values`).
    :param base: the current version when editing: its records and gold are kept unless a file
        replaces them.
    :param records_file: ``records.jsonl`` as uploaded (UTF-8, a byte-order mark allowed).
    :param gold_file: ``gold.jsonl`` likewise.
    :param media_files: images and audio the records name, by file name (stored when used).
    :param problems: problems already found reading the form (listed first).
    :return: the item, or ``None`` and every problem found.
    """
    found = [Problem(message) for message in problems]
    task = (base.content.get("task") if base else None) or {}
    records = task.get("records") or []
    gold = practical.gold_lines(base.key) if base else []
    for upload, target in ((records_file, "records"), (gold_file, "gold")):
        if upload is None:
            continue
        try:
            text = upload.decode("utf-8-sig")
        except UnicodeDecodeError:
            found.append(Problem(_("is not UTF-8 text"), column=f"{target}.jsonl"))
            continue
        lines = parse_jsonl(text, f"{target}.jsonl", None, found)
        if target == "records":
            records = lines
        else:
            gold = lines
    by_name = {Path(name).name: data for name, data in (media_files or {}).items()}
    records = [dict(r) for r in records]
    media = store_media(records, lambda path: by_name.get(Path(path).name), None,
                        fields.get("ref") or "", found)
    units, bad = parse_units("; ".join(fields.get("units") or []))
    found += [Problem(message, column="units") for message in bad]
    data = practical.build_item(
        ref=fields.get("ref") or "", task_type=fields.get("task_type") or "",
        title=fields.get("title") or "", units=units, records=records, gold=gold,
        config=fields.get("config"), instructions=fields.get("instructions") or "",
        difficulty=fields.get("difficulty"), points=fields.get("points") or 0,
        time_limit_minutes=fields.get("time_limit_minutes") or 0,
        overtime=fields.get("overtime"), metric=fields.get("metric"), policy=fields.get("policy"),
        rubric=fields.get("rubric"), explanation=fields.get("explanation") or "",
        language=fields.get("language") or "", change_note=fields.get("change_note") or "",
        media=media)
    return (None if found else data), found
