"""The bundled banks: the demo loader imports all of question_banks/ with no error, approved by a
second examiner, and the default exams of levels 5, 4 and 3 have no coverage gap."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from certify.auth.demo import load_accounts
from certify.banks.coverage import coverage
from certify.banks.demo import AUTHOR, REVIEWER, load_banks
from certify.banks.models import Item
from certify.banks.practical import task_spec
from certify.banks.scoring import score_objective
from certify.db import db
from certify.syllabus.demo import load_syllabus
from certify.tasks import get_task_type, task_types


@pytest.fixture
def bundled(app):
    messages: list[str] = []
    load_syllabus(messages.append)
    load_accounts(messages.append)
    load_banks(messages.append)
    db.session.commit()
    return messages


def test_the_whole_bundled_bank_loads_approved(bundled):
    items = db.session.scalars(sa.select(Item)).all()
    types = Counter(i.type for i in items)
    assert sum(n for t, n in types.items() if t != "practical") >= 300
    assert types["practical"] >= 10
    assert all(i.status == "approved" and i.live_version is not None for i in items)
    for item in items:
        version = item.live_version
        assert version.created_by.email == AUTHOR and version.approved_by.email == REVIEWER
    assert "all approved" in bundled[-1]
    check_every_task_type_is_bundled_with_valid_gold()
    check_every_objective_key_scores_full_marks()


def check_every_task_type_is_bundled_with_valid_gold():
    practical = db.session.scalars(sa.select(Item).where(Item.type == "practical")).all()
    kinds = Counter(i.live_version.content["task"]["task_type"] for i in practical)
    auto = {name for name, t in task_types().items() if t.auto_scored}
    assert auto <= set(kinds), f"no bundled task of type {auto - set(kinds)}"
    assert kinds["rubric"] >= 2
    for item in practical:
        version = item.live_version
        spec = task_spec(version.content, version.key)
        task_type = get_task_type(spec.task_type)
        assert task_type.validate_task(spec) == [], item.ref
        if task_type.auto_scored:
            perfect = {g["id"]: g[task_type.gold_field] for g in spec.gold}
            assert task_type.score(spec, perfect).score == 100, item.ref


def check_every_objective_key_scores_full_marks():
    for item in db.session.scalars(sa.select(Item).where(
            Item.type.in_(["single", "multiple", "true_false", "fill_in"]))):
        version = item.live_version
        key = version.key
        if item.type == "fill_in":
            answer = [str(b["numeric"]) if "numeric" in b else b["accepted"][0]
                      for b in key["blanks"]]
        else:
            answer = key["correct"]
        result = score_objective(item.type, version.content, key, version.points, answer)
        assert result.points == float(version.points), item.ref


def test_no_coverage_gap_for_the_default_exams(bundled, author, login_as):
    gaps = {}
    for level in (5, 4, 3):
        for component in ("theory", "skills"):
            report = coverage(level, component)
            if not report.ok:
                gaps[(level, component)] = [(r.ref, r.needed, r.available) for r in report.gaps]
    assert gaps == {}
    page = login_as(author).get("/bank/coverage?level=3&component=skills")
    assert 'class="is-gap"' not in page.text and "every unit has enough" in page.text


def test_the_level_4_chinese_bank_meets_the_item_writing_targets(app, runner):
    """Issue 15 §3: the bundled level 4 Chinese bank (level4-zh.csv with basic-requirements-zh.csv)
    supplies the official paper twice over with no blocking flaw, and a candidate who knows nothing
    earns no more than chance + 5 points on the pool and on every one of 100 drawn papers."""
    import json

    result = runner.invoke(args=["lint-bank", "--level", "4", "--language", "zh", "--forms", "100",
                                 "--json"])
    assert result.exit_code == 0, result.output[-2000:]
    report = json.loads(result.output)
    (pool,) = report["pools"]
    assert pool["by_type"] == {"single": pool["by_type"]["single"],
                               "true_false": pool["by_type"]["true_false"]}
    assert pool["items"] >= 400 and report["summary"]["blocking"] == 0
    assert all(f["severity"] == "warning" for f in pool["findings"])
    assert pool["testwise"]["margin"] <= 5 and pool["forms"]["worst"]["margin"] <= 5
    assert pool["key_longest"]["share"] <= 0.30 and pool["key_longest"]["much_longer"] == 0
    assert 0.45 <= pool["true_false"]["share"] <= 0.55
    assert pool["near_duplicates"] == []
    forms = pool["forms"]
    assert forms["definition"] == "50 true_false + 150 single" and forms["drawn"] == 100
    assert forms["fraction"] in ("1", "1/1")
    assert all(s["available"] >= s["quota"] for s in forms["slots"])
    # Every element point of the level 4 table has an item (true/false or single choice).
    import csv
    from pathlib import Path

    from certify.syllabus.spec import load_yaml
    folder = Path(app.root_path).parent / "question_banks"
    spec = load_yaml((folder / "syllabus" / "ai-trainer.yaml").read_text(encoding="utf-8"))
    level = next(lv for lv in spec.levels if lv.number == 4)
    points = {u.code for u, _parent in level.walk() if u.code.count(".") == 3 and "S" not in u.code}
    tagged = set()
    for name in ("level4-zh.csv", "basic-requirements-zh.csv"):
        with open(folder / "theory" / name, encoding="utf-8") as f:
            tagged |= {unit.strip().removeprefix("L4:") for r in csv.DictReader(f)
                       for unit in r["units"].split(";") if unit.strip().startswith("L4:")}
    assert len(points) == 250 and points <= tagged
