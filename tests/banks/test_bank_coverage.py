"""Coverage: weight tables apportioned to exam sizes, approved items per unit, gaps highlighted."""

from __future__ import annotations

from decimal import Decimal

from certify.apportion import apportion
from certify.banks.coverage import coverage, max_matching, pool, required_counts
from certify.banks.queries import live_versions
from certify.db import db
from tests.banks.bankfiles import VALID_ROWS, csv_bytes
from tests.factories import make_item, make_practical_item


def test_largest_remainder_apportionment():
    weights = {"0.1": Decimal(5), "0.2": Decimal(15), "1.1": Decimal(15), "1.2": Decimal(10),
               "2.1": Decimal(15), "2.2": Decimal(20), "3.1": Decimal(10), "3.2": Decimal(10)}
    counts = apportion(weights, 50)
    assert sum(counts.values()) == 50
    # quotas 2.5, 7.5, 7.5, 5, 7.5, 10, 5, 5: the four .5 remainders share 2 places, first in order
    assert counts == {"0.1": 3, "0.2": 8, "1.1": 7, "1.2": 5, "2.1": 7, "2.2": 10, "3.1": 5,
                      "3.2": 5}
    assert apportion(weights, 0) == dict.fromkeys(weights, 0)
    # quotas .45, .45, 1.05, 1.05: c and d get one each, the tie for the last place goes to a
    three = apportion({"a": Decimal(15), "b": Decimal(15), "c": Decimal(35), "d": Decimal(35)}, 3)
    assert three == {"a": 1, "b": 0, "c": 1, "d": 1}


def test_required_counts_name_units_by_ref(app, level4):
    counts = required_counts(4, "theory", 10)
    assert counts == {"L4:1.1": 3, "L4:1.2": 3, "L4:2.1": 2, "L4:2.2": 2}
    assert required_counts(level4, "skills", 3) == {"L4:1.1": 1, "L4:1.2": 1, "L4:2.1": 1,
                                                    "L4:2.2": 0}


def test_coverage_counts_approved_items_and_highlights_gaps(app, level4, import_bytes):
    units = {u.code: u for u in level4.units}
    for _ in range(3):
        make_item("single", units=[units["1.1"]])
    make_item("true_false", units=[units["1.2"]])
    make_item("single", units=[units["2.1"]], status="draft")  # not approved: pending
    retired = make_item("single", units=[units["2.2"]])
    retired.status = "retired"
    db.session.commit()
    report = coverage(level4, "theory", 8)
    rows = {r.ref: r for r in report.rows}
    assert [(rows[r].needed, rows[r].available) for r in sorted(rows)] == [
        (2, 3), (2, 1), (2, 0), (2, 0)]
    assert [r.ref for r in report.gaps] == ["L4:1.2", "L4:2.1", "L4:2.2"]
    assert rows["L4:2.1"].pending == 1 and not report.ok


def test_items_on_sub_units_count_and_shared_items_fill_one_place(app, level4):
    from certify.syllabus.models import Unit

    parent = next(u for u in level4.units if u.code == "2.1")
    knowledge = Unit(level=level4, parent=parent, code="2.1.K1", kind="knowledge",
                     title_en="Labeling basics", title_zh="标注基础", position=99)
    db.session.add(knowledge)
    db.session.commit()
    make_practical_item(units=[knowledge, next(u for u in level4.units if u.code == "1.1")])
    available = pool(level4, "skills")
    assert len(available["L4:2.1"]) == 1 and len(available["L4:1.1"]) == 1
    report = coverage(level4, "skills", 2)  # needs L4:1.1 and L4:1.2 → gap at 1.2
    assert [r.ref for r in report.gaps] == ["L4:1.2"]
    assert max_matching(["L4:1.1", "L4:2.1"], {"L4:1.1": [1], "L4:2.1": [1]}) == 1


def test_live_versions_filters(app, level4):
    units = {u.code: u for u in level4.units}
    make_item("single", units=[units["1.1"]], difficulty=2)
    make_item("fill_in", units=[units["1.1"]], difficulty=4)
    make_practical_item(units=[units["2.1"]])
    assert len(live_versions(4, component="theory")) == 2
    assert len(live_versions(4, component="skills")) == 1
    assert len(live_versions(4, unit="L4:1.1", types=["fill_in"])) == 1
    assert len(live_versions(4, difficulty=[2, 4])) == 2
    assert len(live_versions(4, difficulty=2)) == 1
    assert live_versions(5) == []


def test_coverage_page_highlights_gaps(app, level4, author, login_as, import_bytes):
    import_bytes(csv_bytes(VALID_ROWS), "bank.csv")
    page = login_as(author).get("/bank/coverage?level=4&component=theory&total=8")
    assert page.status_code == 200
    assert page.text.count('class="is-gap"') == 4
    assert "4 units lack approved items." in page.text
