"""NER widget: spans by real mouse selection and by keyboard, offsets in Unicode code points
(Python ``str`` indexes) even after an emoji and a CJK Extension B character, overlaps refused,
relabel, remove by click or key, undo, and an explicit "no entities"."""

from __future__ import annotations

import pytest

from tests.browser.browser_helpers import drag_select, span

pytestmark = pytest.mark.browser

# 🙂 (U+1F642) and 𠀋 (U+2000B, CJK Extension B) are one code point each but two UTF-16 units.
ZH = "🙂𠀋记者王海燕从深圳市气象台获悉，深圳明天下午将出现暴雨。"
EN = "Hi, this is  Maria Gonzalez from 42 Elm Street."
LABELS = {"labels": ["PER", "ORG", "LOC", "TIME"]}


def test_mouse_selection_gives_code_point_offsets(page, harness):
    harness.open(page, "ner", [{"id": "z", "text": ZH}, {"id": "e", "text": EN}], config=LABELS,
                 title="Named entities in news")
    drag_select(page, "王海燕")
    page.keyboard.press("1")
    drag_select(page, "深圳市气象台")
    page.get_by_role("button", name="2 ORG").click()
    drag_select(page, "深圳", occurrence=1)
    page.keyboard.press("3")
    drag_select(page, "明天下午")
    page.keyboard.press("4")
    expected = sorted([span(ZH, "王海燕", "PER"), span(ZH, "深圳市气象台", "ORG"),
                       span(ZH, "深圳", "LOC", 1), span(ZH, "明天下午", "TIME")])
    assert expected[0] == [4, 7, "PER"]  # after 🙂𠀋记者: code points, not UTF-16 units (6)
    assert harness.values(page) == {"z": expected}
    assert page.locator("mark.lw-ent").all_inner_texts() == ["王海燕", "深圳市气象台", "深圳", "明天下午"]

    # An overlapping selection is refused with a message naming the entity it overlaps.
    drag_select(page, "气象台获悉")
    page.keyboard.press("2")
    assert "overlaps “深圳市气象台” (ORG)" in page.locator(".lw-message").inner_text()
    assert harness.values(page) == {"z": expected}

    # Selecting exactly an entity and choosing another label relabels it.
    drag_select(page, "明天下午")
    page.keyboard.press("1")
    assert harness.values(page)["z"][-1] == [*span(ZH, "明天下午", "PER")[:2], "PER"]

    # Clicking an entity removes it; U undoes.
    page.locator("mark.lw-ent", has_text="王海燕").click()
    assert [s[2] for s in harness.values(page)["z"]] == ["ORG", "LOC", "PER"]
    page.keyboard.press("u")
    assert harness.values(page)["z"][0] == [4, 7, "PER"]

    # English: whitespace dragged along at either end is dropped.
    page.keyboard.press("n")
    drag_select(page, "Maria Gonzalez", pad=1)
    page.keyboard.press("1")
    assert harness.values(page)["e"] == [span(EN, "Maria Gonzalez", "PER")]


def test_keyboard_selection_and_removal(page, harness):
    harness.open(page, "ner", [{"id": "z", "text": ZH}, {"id": "empty", "text": "今天天气很好。"}],
                 config=LABELS)
    text = page.locator(".lw-ner-text")
    text.focus()
    page.keyboard.press("Home")
    for _ in range(4):
        page.keyboard.press("ArrowRight")  # past 🙂 𠀋 记 者: one press per code point
    for _ in range(3):
        page.keyboard.press("Shift+ArrowRight")
    assert page.evaluate("window.getSelection().toString()") == "王海燕"
    page.keyboard.press("1")
    assert harness.values(page) == {"z": [[4, 7, "PER"]]}

    # Without a selection a label key explains what to do.
    page.keyboard.press("2")
    assert page.locator(".lw-message").inner_text() == "Select some text first, then choose a label."

    # Tab to the entity in the list: a number relabels it, Delete removes it.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "lw-span-pick"
    page.keyboard.press("3")
    assert harness.values(page) == {"z": [[4, 7, "LOC"]]}
    assert page.locator("mark.lw-ent").get_attribute("data-label") == "LOC"
    page.keyboard.press("Delete")
    assert harness.values(page) == {"z": []}
    assert page.locator(".lw-span-list").inner_text() == "No entities marked in this record."

    # A record without entities is confirmed with X (and then counts as done).
    page.keyboard.press("n")
    page.keyboard.press("x")
    assert harness.values(page)["empty"] == []
    assert page.locator(".lw-progress").inner_text() == "2 of 2 done"


def test_saved_spans_shown_and_removed_from_the_list(page, harness, shot):
    # Bank text (L4-ner-news-zh r03); the test machine has no emoji font, so the screenshot
    # uses a text without emoji.
    news = "记者王海燕从深圳市气象台获悉，受台风影响，深圳明天下午将出现暴雨。"
    saved = {"r03": [span(news, "王海燕", "PER"), span(news, "深圳市气象台", "ORG"),
                     span(news, "深圳", "LOC", 1), span(news, "明天下午", "TIME")]}
    records = [{"id": f"r0{i}", "text": news if i == 3 else "2024年3月15日，浙江大学在杭州签署协议。"}
               for i in range(1, 6)]
    harness.open(page, "ner", records, config=LABELS, values=saved, record="r03",
                 title="Named entities in news (L4-ner-news-zh)")
    assert page.locator("mark.lw-ent").all_inner_texts() == ["王海燕", "深圳市气象台", "深圳", "明天下午"]
    assert page.locator("mark.lw-ent").first.get_attribute("data-label") == "PER"
    drag_select(page, "台风")
    shot(page, "ner")
    page.get_by_role("button", name="Remove “深圳” (LOC)").click()
    assert harness.values(page)["r03"] == [span(news, "王海燕", "PER"), span(news, "深圳市气象台", "ORG"),
                                           span(news, "明天下午", "TIME")]


def test_read_only_shows_spans_and_changes_nothing(page, harness):
    saved = {"z": [span(ZH, "王海燕", "PER")]}
    harness.open(page, "ner", [{"id": "z", "text": ZH}], config=LABELS, values=saved, read_only=True)
    page.locator("mark.lw-ent").click()
    drag_select(page, "深圳市气象台")
    page.keyboard.press("2")
    assert harness.changes(page) == []
    assert page.locator("mark.lw-ent").all_inner_texts() == ["王海燕"]
    assert page.locator(".lw-remove").count() == 0
