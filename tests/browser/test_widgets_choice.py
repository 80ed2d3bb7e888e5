"""Classification, multi-label and rating widgets: buttons, checkboxes and number keys give the
values of docs/formats.md §3, record by record, and the navigator shows what is done."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

REVIEWS = [{"id": "r1", "text": "好评，物流很快，包装也很用心。"},
           {"id": "r2", "text": "质量太差了，用了两天就坏。"},
           {"id": "r3", "text": "一般般吧，跟描述差不多。"}]
SENTIMENT = {"labels": ["positive", "negative", "neutral"]}


def test_classification_by_keys_and_buttons(page, harness, shot):
    harness.open(page, "classification", REVIEWS, config=SENTIMENT, title="Sentiment of reviews")
    # Nothing is focused: keys go to the page's only widget.
    assert page.evaluate("document.activeElement === document.body")
    page.keyboard.press("1")  # r1 positive, then on to r2 at once (auto-advance)
    expect_current(page, "r2")
    page.get_by_role("radio", name="negative").click()
    expect_current(page, "r3")
    page.keyboard.press("3")
    assert harness.values(page) == {"r1": "positive", "r2": "negative", "r3": "neutral"}
    # A fast labeller's keys land on consecutive records.
    page.keyboard.press("p")
    page.keyboard.press("p")
    page.keyboard.press("2")
    page.keyboard.press("2")
    assert harness.values(page) == {"r1": "negative", "r2": "negative", "r3": "neutral"}
    assert page.locator(".lw-progress").inner_text() == "3 of 3 done"
    shot(page, "classification")

    # Back to the first record: its choice is shown; Delete clears it, P/N navigate.
    page.keyboard.press("p")
    page.keyboard.press("p")
    expect_current(page, "r1")
    assert page.get_by_role("radio", name="negative").get_attribute("aria-checked") == "true"
    page.keyboard.press("Delete")
    assert "r1" not in harness.values(page)
    assert harness.changes(page)[-1] == ["r1", None]
    assert page.locator(".lw-chip[data-record='r1']").get_attribute("aria-label") == "Record 1, not done"
    page.keyboard.press("n")
    expect_current(page, "r2")
    page.keyboard.press("t")  # next not done: wraps round to r1
    expect_current(page, "r1")


def test_destroy_removes_the_widget_and_its_keys(page, harness):
    harness.open(page, "classification", REVIEWS, config=SENTIMENT)
    page.evaluate("window.harness.handle.destroy()")
    assert page.locator("#widget").inner_html() == ""
    assert page.locator("#widget").get_attribute("class") == "task-widget"
    page.keyboard.press("1")
    assert harness.changes(page) == []
    page.evaluate("window.CertifyWidgets.mount(document.getElementById('widget'), {})")
    assert page.locator("#widget").inner_text() == "0 of 0 done\n\nThis task has no records."
    page.evaluate("""() => {
      const root = document.getElementById('widget');
      root.dataset.taskType = 'diarisation';
      window.CertifyWidgets.mount(root, {});
    }""")
    assert page.locator("#widget [role=alert]").inner_text() == "This task type cannot be shown: diarisation."


def test_classification_image_records_and_saved_values(page, harness):
    records = [{"id": "i1", "image": "/banks/L5-bbox-shelf/images/s001.jpg", "text": "Shelf photo"},
               {"id": "i2", "image": "/banks/L5-bbox-shelf/images/s002.jpg"}]
    harness.open(page, "classification", records, config={"labels": ["tidy", "messy"]},
                 values={"i2": "messy"}, record="i2")
    expect_current(page, "i2")
    assert page.get_by_role("radio", name="messy").get_attribute("aria-checked") == "true"
    assert page.locator(".lw-image").evaluate("img => img.complete && img.naturalWidth") == 640
    assert page.locator(".lw-progress").inner_text() == "1 of 2 done"


def test_read_only_reports_nothing(page, harness):
    harness.open(page, "classification", REVIEWS, config=SENTIMENT, values={"r1": "neutral"},
                 read_only=True)
    assert page.get_by_role("radio", name="neutral").get_attribute("aria-checked") == "true"
    assert page.get_by_role("radio", name="positive").is_disabled()
    page.locator(".lw").focus()
    page.keyboard.press("1")
    assert harness.changes(page) == []
    assert page.locator(".lw-keys").count() == 0


def test_multilabel_checkboxes_keys_and_none(page, harness, shot):
    labels = ["bug", "performance", "usability", "pricing", "ads", "privacy", "feature_request"]
    records = [{"id": "a", "text": "Full-screen ads pop up while I'm typing and the app then crashes."},
               {"id": "b", "text": "Love it, five stars."}]
    harness.open(page, "multilabel", records, config={"labels": labels}, title="App review tags")
    page.get_by_label("ads").check()
    page.locator(".lw").focus()
    page.keyboard.press("1")  # bug
    page.keyboard.press("2")  # performance on …
    page.keyboard.press("2")  # … and off again
    assert harness.values(page) == {"a": ["bug", "ads"]}  # in the task's label order
    shot(page, "multilabel")
    page.keyboard.press("n")
    assert harness.values(page).get("b") is None
    page.keyboard.press("x")  # none apply: an explicit empty answer
    assert harness.values(page)["b"] == []
    assert page.locator(".lw-progress").inner_text() == "2 of 2 done"


def test_rating_scale_labels_and_keys(page, harness, shot):
    scale = {"min": 1, "max": 5, "labels": {
        "1": "有害/违规 Harmful", "2": "没有帮助 Unhelpful", "3": "部分解决 Partly resolves",
        "4": "基本解决 Resolves, minor flaw", "5": "完全解决 Fully resolves"}}
    records = [{"id": "r01", "prompt": "现货一般多久发货？",
                "reply": "您好！现货商品会在48小时内发货，预售商品以页面标注的时间为准。"},
               {"id": "r02", "prompt": "人工客服几点上班？", "reply": "人工客服的服务时间是每天9:00–21:00。"}]
    harness.open(page, "rating", records, config={"scale": scale}, title="Rate the replies")
    assert page.locator(".lw-choice").count() == 5
    page.locator(".lw").focus()
    page.keyboard.press("4")
    expect_current(page, "r02")
    page.get_by_role("radio", name="5 完全解决 Fully resolves").click()
    assert harness.values(page) == {"r01": 4, "r02": 5}
    page.keyboard.press("p")
    shot(page, "rating")


def test_rating_wide_scale_uses_positions(page, harness):
    harness.open(page, "rating", [{"id": "x", "text": "How good is this?"}],
                 config={"scale": {"min": 0, "max": 10, "labels": {}}})
    page.locator(".lw").focus()
    page.keyboard.press("0")  # the tenth choice of 0…10 is 9
    assert harness.values(page) == {"x": 9}


def expect_current(page, record_id):
    page.wait_for_selector(f".lw-chip.is-current[data-record='{record_id}']")
