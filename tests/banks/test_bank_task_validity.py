"""The item page's validity verdict and record exposure, and approving a task that is not
exam-ready (issue 16 §1, §3)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
import yaml

from certify.audit import AuditEvent
from certify.banks import authoring, reviewing
from certify.banks.exporters import task_yaml
from certify.banks.importers.practical import read_folder
from certify.banks.models import Item
from certify.banks.practical import build_item
from certify.db import db
from certify.exams.models import AttemptItem
from tests.factories import enrol, make_attempt, make_exam, make_sitting

LABELS = ["positive", "negative", "neutral"]


def small_task(author, level4) -> Item:
    """A 12-record task: far too few records for a reliable score, so not exam-ready."""
    records = [{"id": f"r{i}", "text": f"评论 {i}"} for i in range(12)]
    gold = [{"id": f"r{i}", "label": LABELS[i % 3]} for i in range(12)]
    data = build_item(ref="T-SMALL", task_type="classification", title="情感标注",
                      units=["L4:2.1"], records=records, gold=gold, config={"labels": LABELS},
                      metric="accuracy", policy={"kind": "linear", "zero_at": 0.3, "full_at": 0.9},
                      sample={"size": 6, "strata": ["label"]})
    item = authoring.create_item(data, actor=author)
    reviewing.submit_for_review(item, actor=author)
    db.session.commit()
    return item


def test_approving_a_task_that_is_not_exam_ready_needs_a_recorded_reason(app, level4, author,
                                                                          reviewer, login_as):
    item = small_task(author, level4)
    client = login_as(reviewer)
    page = client.get(f"/bank/items/{item.id}").text
    assert "not exam-ready" in page and "a labeler who gets one record in five wrong passes" in page
    assert "Reason for approving a task that is not exam-ready" in page
    refused = client.post(f"/bank/items/{item.id}/review", data={"decision": "approved"},
                          follow_redirects=True)
    assert "Give the reason for approving it all the same" in refused.text
    assert db.session.get(Item, item.id).head.status == "in_review"
    client.post(f"/bank/items/{item.id}/review",
                data={"decision": "approved", "reason": "Practice exam only, pool grows in May"})
    version = db.session.get(Item, item.id).head
    assert version.status == "approved"
    assert "Practice exam only, pool grows in May" in version.reviews[-1].comment
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "bank.approved"))
    assert event.details["not_exam_ready_reason"] == "Practice exam only, pool grows in May"


def test_the_approve_operation_refuses_a_blank_reason(app, level4, author, reviewer):
    item = small_task(author, level4)
    with pytest.raises(reviewing.ReviewError):
        reviewing.approve(item.head, reviewer=reviewer, reason="  ")


def test_the_item_page_counts_how_many_attempts_drew_each_record(app, level4, author, reviewer,
                                                                  candidate, make_user, login_as):
    item = small_task(author, level4)
    reviewing.approve(item.head, reviewer=reviewer, reason="test")
    db.session.commit()
    sitting = make_sitting(make_exam(level4, component="skills"))
    for person, sample in ((candidate, ["r0", "r1", "r2"]), (make_user(), ["r1", "r2", "r5"])):
        attempt = make_attempt(enrol(sitting, person), [db.session.get(Item, item.id)])
        db.session.scalar(sa.select(AttemptItem).where(AttemptItem.attempt_id == attempt.id)
                          ).sample = sample
        db.session.commit()
    page = login_as(reviewer).get(f"/bank/items/{item.id}").text
    exposure = page[page.index('id="exposure"'):]
    exposure = exposure[:exposure.index("</details>")]
    counts = dict(zip(*[iter(_cells(exposure))] * 2, strict=True))
    assert counts["r0"] == "1" and counts["r1"] == "2" and counts["r5"] == "1" and counts["r9"] == "0"


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", html)]


def test_a_pooled_task_folder_round_trips_its_sample(app, level4, tmp_path):
    folder = tmp_path / "T-POOL"
    folder.mkdir()
    (folder / "task.yaml").write_text(yaml.safe_dump({
        "ref": "T-POOL", "type": "practical", "task_type": "classification", "title": "池",
        "units": ["L4:2.1"], "config": {"labels": LABELS}, "sample": {"size": 3}}), "utf-8")
    (folder / "records.jsonl").write_text("\n".join(
        f'{{"id": "r{i}", "text": "t{i}"}}' for i in range(9)), "utf-8")
    (folder / "gold.jsonl").write_text("\n".join(
        f'{{"id": "r{i}", "label": "{LABELS[i % 3]}", "rule_case": "x", "difficulty": 2}}'
        for i in range(9)), "utf-8")
    parsed = read_folder(folder)
    assert not parsed.problems, parsed.problems
    (data,) = parsed.items
    assert data.content["task"]["sample"] == {"size": 3}
    assert yaml.safe_load(task_yaml(data))["sample"] == {"size": 3}
    (folder / "task.yaml").write_text(yaml.safe_dump({
        "ref": "T-POOL", "type": "practical", "task_type": "classification", "title": "池",
        "units": ["L4:2.1"], "config": {"labels": LABELS}, "sample": {"size": 30}}), "utf-8")
    problems = read_folder(folder).problems
    assert any("only 9 records" in p.message for p in problems)
