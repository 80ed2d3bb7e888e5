"""Ranking widget: reorder candidates by keys and by dragging; the value is ids best first."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

RECORDS = [
    {"id": "r01", "prompt": "What is 15% of 240? Answer with just the number.",
     "candidates": [{"id": "c1", "text": "32"}, {"id": "c2", "text": "36"},
                    {"id": "c3", "text": "Sorry, I can't help with calculations."},
                    {"id": "c4", "text": "15% of 240 is 36."}]},
    {"id": "r02", "prompt": "Summarise in one sentence: the council extends the bike-lane network.",
     "candidates": [{"id": "c1", "text": "The council voted to build 40 km of new roads."},
                    {"id": "c2", "text": "Bike lanes grow by 40 km in three years, paid by parking fees."},
                    {"id": "c3", "text": "The council met on Tuesday."}]},
]


def order(page):
    return page.locator(".lw-rank-card").evaluate_all("cards => cards.map(c => c.dataset.id)")


def test_ranking_by_keys(page, harness):
    harness.open(page, "ranking", RECORDS, title="Rank the model answers")
    assert order(page) == ["c1", "c2", "c3", "c4"]
    first = page.locator(".lw-rank-card").first
    first.focus()
    page.keyboard.press("ArrowDown")  # focus c2
    page.keyboard.press("Shift+ArrowUp")  # c2 to the top
    assert harness.values(page) == {"r01": ["c2", "c1", "c3", "c4"]}
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # focus c4 (last)
    page.keyboard.press("2")  # c4 to rank 2
    assert harness.values(page)["r01"] == ["c2", "c4", "c1", "c3"]
    assert page.evaluate("document.activeElement.dataset.id") == "c4"
    page.get_by_role("button", name="Move down: 32").click()
    assert harness.values(page)["r01"] == ["c2", "c4", "c3", "c1"]
    # Agreeing with the order as shown is an answer too (C).
    page.keyboard.press("n")
    page.keyboard.press("c")
    assert harness.values(page)["r02"] == ["c1", "c2", "c3"]
    assert page.locator(".lw-progress").inner_text() == "2 of 2 done"


def test_ranking_by_drag(page, harness, shot):
    harness.open(page, "ranking", RECORDS, values={"r02": ["c3", "c2", "c1"]},
                 title="Rank the model answers")
    cards = page.locator(".lw-rank-card")
    # Drag the last card (c4) above the first one.
    source = cards.nth(3).bounding_box()
    target = cards.nth(0).bounding_box()
    page.mouse.move(source["x"] + 20, source["y"] + source["height"] / 2)
    page.mouse.down()
    page.mouse.move(source["x"] + 20, target["y"] + 5, steps=8)
    page.mouse.up()
    assert harness.values(page) == {"r02": ["c3", "c2", "c1"], "r01": ["c4", "c1", "c2", "c3"]}
    # And c1 down to the third place.
    source = cards.nth(1).bounding_box()
    target = cards.nth(2).bounding_box()
    page.mouse.move(source["x"] + 20, source["y"] + source["height"] / 2)
    page.mouse.down()
    page.mouse.move(source["x"] + 20, target["y"] + target["height"] - 4, steps=8)
    page.mouse.up()
    assert harness.values(page)["r01"] == ["c4", "c2", "c1", "c3"]
    shot(page, "ranking")
    page.keyboard.press("n")
    assert order(page) == ["c3", "c2", "c1"]  # the saved order of the second record
