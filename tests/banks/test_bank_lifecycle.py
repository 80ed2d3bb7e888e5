"""Lifecycle: drafts, four-eyes approval, immutable versions, retiring — in operations and over HTTP."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from certify.audit import AuditEvent
from certify.banks import authoring, reviewing
from certify.banks.models import Item, ItemVersion
from certify.banks.render import candidate_item
from certify.banks.spec import BankError, row_to_item
from certify.db import db
from tests.banks.bankfiles import VALID_ROWS
from tests.factories import enrol, make_attempt, make_exam, make_sitting


def data(index: int = 0, **cells):
    item, problems = row_to_item({**VALID_ROWS[index], **cells})
    assert not problems, problems
    return item


def approved_item(author, reviewer, **cells) -> Item:
    item = authoring.create_item(data(**cells), actor=author)
    reviewing.submit_for_review(item, actor=author)
    reviewing.approve(item.head, reviewer=reviewer)
    db.session.commit()
    return item


def test_new_item_is_a_draft_by_its_author(app, level4, author):
    item = authoring.create_item(data(), actor=author)
    db.session.commit()
    assert item.status == "draft" and item.live_version is None
    assert [v.status for v in item.versions] == ["draft"]
    assert item.head.created_by == author and item.head.contributor_ids == [author.id]
    assert db.session.scalar(sa.select(AuditEvent.action).where(
        AuditEvent.action == "bank.item_created")) is not None


def test_the_author_can_never_approve(app, level4, author, reviewer):
    item = authoring.create_item(data(), actor=author)
    reviewing.submit_for_review(item, actor=author)
    with pytest.raises(reviewing.ReviewError, match="four-eyes"):
        reviewing.approve(item.head, reviewer=author)
    assert item.head.status == "in_review"
    # Nor anyone who edited the draft.
    editor_item = authoring.create_item(data(1), actor=author)
    authoring.save_item(editor_item, data(1, stem="Which steps belong to an audit?"),
                         actor=reviewer)
    reviewing.submit_for_review(editor_item, actor=author)
    with pytest.raises(reviewing.ReviewError):
        reviewing.approve(editor_item.head, reviewer=reviewer)
    reviewing.approve(item.head, reviewer=reviewer)
    assert item.status == "approved" and item.live_version == item.head
    assert item.head.approved_by == reviewer


def test_the_database_refuses_self_approval_too(app, level4, author):
    item = authoring.create_item(data(), actor=author)
    db.session.commit()
    item.head.approved_by_id = author.id
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_four_eyes_over_http(app, level4, author, reviewer, login_as):
    item = authoring.create_item(data(), actor=author)
    reviewing.submit_for_review(item, actor=author)
    db.session.commit()
    as_author = login_as(author)
    page = as_author.get(f"/bank/items/{item.id}")
    assert "Record my decision" not in page.text
    assert "waiting for review by an examiner who did not write it" in page.text
    response = as_author.post(f"/bank/items/{item.id}/review",
                              data={"decision": "approved"}, follow_redirects=True)
    assert "four-eyes" in response.text
    assert db.session.get(Item, item.id).head.status == "in_review"
    as_reviewer = login_as(reviewer)
    assert "Record my decision" in as_reviewer.get(f"/bank/items/{item.id}").text
    response = as_reviewer.post(f"/bank/items/{item.id}/review", data={"decision": "approved"})
    assert response.status_code == 302
    stored = db.session.get(Item, item.id)
    assert stored.status == "approved" and stored.head.approved_by_id == reviewer.id


def test_requesting_changes_needs_a_comment_and_returns_a_draft(app, level4, author, reviewer):
    item = authoring.create_item(data(), actor=author)
    reviewing.submit_for_review(item, actor=author)
    with pytest.raises(reviewing.ReviewError):
        reviewing.request_changes(item.head, reviewer=reviewer, comment=" ")
    reviewing.request_changes(item.head, reviewer=reviewer, comment="Option D is also right.")
    assert item.head.status == "draft"
    assert item.head.reviews[-1].decision == "changes_requested"


def test_editing_in_review_sends_it_back_to_draft(app, level4, author):
    item = authoring.create_item(data(), actor=author)
    reviewing.submit_for_review(item, actor=author)
    action = authoring.save_item(item, data(stem="Which metric measures box overlap?"),
                                  actor=author)
    assert action == "updated" and item.head.status == "draft" and len(item.versions) == 1


def test_editing_an_approved_item_makes_a_new_version_and_v1_stays_live(app, level4, author,
                                                                      reviewer):
    item = approved_item(author, reviewer)
    v1 = item.head
    with pytest.raises(BankError, match="change note"):
        authoring.save_item(item, data(answer="A"), actor=author)
    action = authoring.save_item(item, data(answer="A"), actor=author,
                                  change_note="Key corrected: A")
    db.session.commit()
    assert action == "new_version"
    assert [v.number for v in item.versions] == [1, 2]
    assert item.live_version == v1 and v1.key == {"correct": "B"}
    assert item.head.status == "draft" and item.head.change_note == "Key corrected: A"
    assert authoring.save_item(item, data(answer="A"), actor=author) == "unchanged"
    reviewing.submit_for_review(item, actor=author)
    reviewing.approve(item.head, reviewer=reviewer)
    db.session.commit()
    assert v1.status == "superseded" and item.live_version.number == 2
    assert v1.key == {"correct": "B"}  # never changed


def test_an_attempt_on_v1_still_shows_v1_after_an_edit(app, level4, author, reviewer, candidate):
    item = approved_item(author, reviewer, stem="Original wording: which metric is IoU?")
    sitting = make_sitting(make_exam(level4))
    attempt = make_attempt(enrol(sitting, candidate), [item])
    authoring.save_item(item, data(stem="New wording: which metric is IoU?"), actor=author,
                         change_note="reworded")
    reviewing.submit_for_review(item, actor=author)
    reviewing.approve(item.head, reviewer=reviewer)
    db.session.commit()
    db.session.expire_all()
    attempt_version = attempt.items[0].version
    assert attempt_version.number == 1
    assert "Original wording" in candidate_item(attempt_version)["stem_html"]
    assert "New wording" in candidate_item(item.live_version)["stem_html"]


def test_retiring_never_deletes_and_can_be_undone(app, level4, author, reviewer):
    item = approved_item(author, reviewer)
    authoring.retire(item, actor=author, reason="outdated law")
    db.session.commit()
    assert item.status == "retired" and item.retired_dt is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ItemVersion)) == 1
    with pytest.raises(BankError, match="retired"):
        authoring.save_item(item, data(stem="x?"), actor=author)
    authoring.reinstate(item, actor=author)
    assert item.status == "approved"


def test_a_newer_draft_can_be_discarded_but_never_version_1(app, level4, author, reviewer):
    item = approved_item(author, reviewer)
    with pytest.raises(reviewing.ReviewError):
        authoring.discard_draft(item, actor=author)
    authoring.save_item(item, data(answer="C"), actor=author, change_note="try C")
    authoring.discard_draft(item, actor=author)
    db.session.commit()
    db.session.expire_all()
    assert [v.number for v in item.versions] == [1] and item.status == "approved"


def test_only_examiners_change_the_bank(app, level4, admin, author):
    with pytest.raises(reviewing.ReviewError):
        authoring.create_item(data(), actor=admin)


def test_ref_is_unique_and_type_fixed(app, level4, author):
    item = authoring.create_item(data(), actor=author)
    with pytest.raises(BankError, match="already used"):
        authoring.create_item(data(), actor=author)
    with pytest.raises(BankError, match="cannot change"):
        authoring.save_item(item, data(2, ref="T-001"), actor=author)


def test_unknown_units_are_refused(app, level4, author):
    with pytest.raises(BankError) as error:
        authoring.create_item(data(units="L4:9.9; L3:2.1"), actor=author)
    assert {p.column for p in error.value.problems} == {"units"}
    assert "L4:9.9" in str(error.value)
