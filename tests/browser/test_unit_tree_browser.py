"""The syllabus-unit picker in a real browser (issue 12 §17): a searchable tree of checkboxes over
the old multiple select. Plain clicks add units (earlier choices stay), the search box filters,
the keyboard ticks a box, and the form submits the same values the select did."""

from __future__ import annotations

import re

import pytest

from certify.auth.models import Role
from certify.banks.models import Item
from certify.db import db
from tests.factories import make_syllabus
from tests.helpers import TEST_PASSWORD

pytestmark = pytest.mark.browser


def box(tree, ref):
    """A unit's checkbox, by its accessible name (the code, then the title)."""
    return tree.get_by_role("checkbox", name=re.compile("^" + re.escape(ref) + " "))


def test_the_tree_keeps_earlier_choices_and_submits_them(app, make_user, live_server, page, shot):
    make_syllabus(4, codes=("1.1", "1.2", "2.1", "2.2"))
    make_syllabus(3, codes=("1.1", "2.1"))
    author = make_user(Role.EXAMINER, name="Author Liu")
    email = author.email
    db.session.commit()
    page.goto(f"{live_server.url}/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server.url}/bank/items/new/single")

    assert not page.locator("select.unit-select").is_visible()  # enhanced, still in the form
    tree = page.locator(".unit-tree")
    tree.get_by_role("button", name="Level 4").click()
    tree.get_by_role("button", name="L4:1", exact=True).click()
    box(tree, "L4:1.1").click()
    box(tree, "L4:1.2").click()  # a plain click: the earlier choice stays
    assert box(tree, "L4:1.1").is_checked() and box(tree, "L4:1.2").is_checked()
    # Search, then tick with the keyboard.
    page.get_by_label("Search units by code or title").fill("L3:2.1")
    assert box(tree, "L4:1.1").is_hidden()
    box(tree, "L3:2.1").focus()
    page.keyboard.press("Space")
    assert page.locator(".unit-tree-summary").inner_text() == "Chosen: 3"
    shot(page, "unit-tree-picker")
    page.get_by_label("Search units by code or title").fill("")
    assert box(tree, "L4:1.1").is_checked()
    selected = page.locator("select.unit-select").evaluate(
        "s => [...s.selectedOptions].map(o => o.value)")
    assert sorted(selected) == ["L3:2.1", "L4:1.1", "L4:1.2"]

    page.get_by_label("Reference").fill("T-tree")
    page.locator("[name='stem']").fill("Which metric is for boxes?")
    page.locator("[name='options-0']").fill("IoU")
    page.locator("[name='options-1']").fill("WER")
    page.locator("[name='correct'][value='A']").check()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(lambda url: "/new/" not in url)
    db.session.rollback()
    item = db.session.scalars(db.select(Item).filter_by(ref="T-tree")).one()
    assert sorted(u.ref for u in item.head.units) == ["L3:2.1", "L4:1.1", "L4:1.2"]
    db.session.rollback()
