"""Four-eyes review: submitting a draft, approving (by an examiner who contributed nothing to that
version; enforced here and by a database constraint), requesting changes.
"""

from __future__ import annotations

from flask_babel import gettext as _

from certify.audit import audit
from certify.auth.models import User
from certify.banks.authoring import (
    ReviewError,
    is_examiner,
    loaded_live_version,
    require_examiner,
    sync_status,
)
from certify.banks.models import Item, ItemReview, ItemStatus, ItemVersion, VersionStatus
from certify.banks.task_validity import needs_reason
from certify.clock import now_utc
from certify.db import db

__all__ = ["ReviewError", "approve", "can_review", "request_changes", "submit_for_review"]


def submit_for_review(item: Item, *, actor: User, bulk: bool = False) -> ItemVersion:
    """Put the newest (draft) version in review."""
    require_examiner(actor)
    version = item.head
    if item.status == ItemStatus.RETIRED.value:
        raise ReviewError([_("%(ref)s is retired.", ref=item.ref)])
    if version.status != VersionStatus.DRAFT.value:
        raise ReviewError([_("Version %(n)s of %(ref)s is not a draft.", n=version.number,
                             ref=item.ref)])
    version.status = VersionStatus.IN_REVIEW.value
    version.submitted_dt = now_utc()
    sync_status(item)
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
    require_examiner(reviewer)
    if version.status != VersionStatus.IN_REVIEW.value:
        raise ReviewError([_("Version %(n)s of %(ref)s is not in review.", n=version.number,
                             ref=version.item.ref)])
    if reviewer.id in _contributors(version):
        raise ReviewError([_("You wrote or edited version %(n)s of %(ref)s, so another examiner "
                             "must review it (four-eyes rule).", n=version.number,
                             ref=version.item.ref)])


def approve(version: ItemVersion, *, reviewer: User, comment: str = "",
            bulk: bool = False, reason: str = "") -> ItemVersion:
    """Approve a version in review: it becomes live, the previous live version superseded.

    :param reason: why an auto-scored practical task that is not exam-ready
        (:func:`certify.banks.task_validity.needs_reason`) is approved all the same; required then
        (not for ``bulk`` approvals of imported files), recorded with the review and in the audit log.
    """
    _check_reviewer(version, reviewer)
    reason = (reason or "").strip()
    if not bulk and needs_reason(version):
        if not reason:
            raise ReviewError([_("This task is not exam-ready (see its validity report). Give the "
                                 "reason for approving it all the same.")])
        comment = "\n\n".join(part for part in (comment.strip(), _(
            "Approved although not exam-ready: %(reason)s", reason=reason)) if part)
    item = version.item
    previous = loaded_live_version(item)
    if previous is not None and previous.id != version.id:
        previous.status = VersionStatus.SUPERSEDED.value
    version.status = VersionStatus.APPROVED.value
    version.approved_by = reviewer
    version.approved_dt = now_utc()
    item.live_version = version
    version.reviews.append(ItemReview(reviewer=reviewer, decision="approved", comment=comment))
    sync_status(item)
    if not bulk:
        db.session.flush()
        audit("bank.approved", item, actor=reviewer, ref=item.ref, version=version.number,
              superseded=previous.number if previous is not None and previous.id != version.id
              else None, **({"not_exam_ready_reason": reason} if reason else {}))
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
    sync_status(version.item)
    audit("bank.changes_requested", version.item, actor=reviewer, ref=version.item.ref,
          version=version.number)
    return version
