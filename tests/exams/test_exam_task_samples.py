"""Per-candidate samples of a practical task's pool, stored with the attempt (issue 16 §1)."""

from __future__ import annotations

import sqlalchemy as sa

from certify.banks.practical import task_spec
from certify.db import db
from certify.exams.attempts import reading
from certify.exams.models import AttemptItem
from certify.grading.models import ItemScore
from certify.grading.on_submit import grade_attempt
from certify.grading.regrading import regrade
from certify.tasks.sampling import draw_sample
from tests.exams.exam_helpers import make_definition, save, start
from tests.factories import enrol, make_practical_item, make_sitting, make_syllabus, submit

LABELS = ["positive", "negative", "neutral"]


def pooled_task(level):
    records = [{"id": f"p{i:02}", "text": f"评论第{i}条"} for i in range(30)]
    gold = {f"p{i:02}": {"id": f"p{i:02}", "label": LABELS[i % 3], "difficulty": 1 + i % 3,
                         **({"rule_case": "sarcasm"} if i in (4, 17) else {})} for i in range(30)}
    return make_practical_item("classification", units=[level.unit_by_code("2.1")], records=records,
                               gold=gold, metric="accuracy", sample={"size": 6})


def started(app, candidate, other=None):
    level = make_syllabus(4, codes=("2.1",), components=("skills",))
    item = pooled_task(level)
    sitting = make_sitting(make_definition(level, component="skills", total=1))
    attempts = [start(enrol(sitting, person)) for person in (candidate, other) if person]
    return item, sitting, attempts


def test_each_attempt_draws_and_stores_its_seeded_sample(app, candidate, make_user):
    other = make_user("candidate")
    _item, _sitting, attempts = started(app, candidate, other)
    samples = []
    for attempt in attempts:
        attempt_item = db.session.scalar(sa.select(AttemptItem).where(
            AttemptItem.attempt_id == attempt.id))
        version = attempt_item.version
        spec = task_spec(version.content, version.key)
        assert attempt_item.sample == list(draw_sample(spec, 6, f"{attempt.id}:{version.id}"))
        drawn_labels = {spec.gold[int(i[1:])]["label"] for i in attempt_item.sample}
        assert drawn_labels == set(LABELS)  # stratified: every label
        assert {"p04", "p17"} & set(attempt_item.sample)  # and the rule case
        samples.append(attempt_item.sample)
        assert [r["id"] for r in reading.records_for(attempt, version)] == attempt_item.sample
        assert reading.overview(attempt)[0].records_total == 6
    assert samples[0] != samples[1]


def test_the_page_shows_and_autosave_accepts_only_the_drawn_records(app, candidate, login_as):
    _item, _sitting, (attempt,) = started(app, candidate)
    drawn = db.session.scalar(sa.select(AttemptItem.sample).where(AttemptItem.attempt_id == attempt.id))
    other = next(f"p{i:02}" for i in range(30) if f"p{i:02}" not in drawn)
    client = login_as(candidate)
    page = client.get(f"/attempts/{attempt.id}/items/1").text
    for record_id in drawn:
        assert f"评论第{int(record_id[1:])}条" in page
    assert f"评论第{int(other[1:])}条" not in page
    refused = save(client, attempt.id, 1, [{"position": 1, "record": other, "value": "positive"}])
    assert refused.status_code == 422 and "no such record" in refused.get_json()["error"]
    saved = save(client, attempt.id, 2, [{"position": 1, "record": drawn[0], "value": "positive"}])
    assert saved.status_code == 200


def test_grading_and_regrading_use_the_drawn_sample(app, candidate, login_as, admin):
    _item, sitting, (attempt,) = started(app, candidate)
    drawn = db.session.scalar(sa.select(AttemptItem.sample).where(AttemptItem.attempt_id == attempt.id))
    client = login_as(candidate)
    gold = {f"p{i:02}": LABELS[i % 3] for i in range(30)}
    answers = [{"position": 1, "record": rid, "value": gold[rid]} for rid in drawn[:5]]
    answers.append({"position": 1, "record": drawn[5], "value": "positive" if gold[drawn[5]] !=
                    "positive" else "negative"})
    assert save(client, attempt.id, 1, answers).status_code == 200
    submit(db.session.get(type(attempt), attempt.id))
    grade_attempt(attempt.id)
    db.session.commit()
    score = db.session.scalar(sa.select(ItemScore))
    assert [r["record_id"] for r in score.per_record] == drawn
    assert score.metrics["accuracy"] == 5 / 6
    before = score.points
    regrade(sitting=sitting, reason="Check the sample is kept", actor=admin)
    db.session.commit()
    score = db.session.scalar(sa.select(ItemScore))
    assert score.points == before and [r["record_id"] for r in score.per_record] == drawn
    assert db.session.scalar(sa.select(AttemptItem.sample)) == drawn
