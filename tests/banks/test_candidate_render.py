"""What a candidate's browser receives of an item: rendered, sanitised, in order, never a key."""

from __future__ import annotations

import json
from html.parser import HTMLParser

from flask import render_template

from certify.banks.render import candidate_item
from tests.factories import make_item, make_practical_item


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def assert_no_active_content(html: str) -> None:
    """No script-capable tag, no event handler, no javascript: URL in real markup (text is fine)."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag not in ("script", "iframe", "object", "embed", "style", "a", "svg"), tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert "style" not in attrs
        for value in attrs.values():
            assert not (value or "").strip().lower().startswith(("javascript:", "data:")), value


HOSTILE_STEM = ('Which is right? <script>alert("stem")</script>'
                '<img src=x onerror="alert(1)"> [click](javascript:alert(2)) '
                '<a href="http://evil.example" onclick="steal()">here</a> **bold**')
HOSTILE_OPTION = '<b onmouseover="alert(3)">A</b> <iframe src="http://evil.example"></iframe>'


def test_hostile_stem_and_option_lose_script_and_event_handlers(app):
    item = make_item("single", stem=HOSTILE_STEM, content={
        "options": [{"id": "A", "text": HOSTILE_OPTION}, {"id": "B", "text": "plain *em*"},
                    {"id": "C", "text": "![x](javascript:alert(4))"}], "shuffle": True})
    with app.test_request_context():
        rendered = candidate_item(item.live_version)
        html = render_template("items/_candidate_item.html", item=rendered, values=None)
    for text in (rendered["stem_html"], *(o["html"] for o in rendered["options"]), html):
        assert_no_active_content(text)
    assert "<strong>bold</strong>" in rendered["stem_html"]
    assert rendered["options"][1]["html"] == "plain <em>em</em>"


def test_options_follow_the_attempts_order_and_are_relabelled(app):
    item = make_item("single")
    rendered = candidate_item(item.live_version, option_order=["C", "A", "D", "B"])
    assert [(o["id"], o["label"]) for o in rendered["options"]] == [
        ("C", "A"), ("A", "B"), ("D", "C"), ("B", "D")]


def test_no_key_rubric_or_gold_reaches_the_candidate(app):
    items = [make_item(t) for t in ("single", "multiple", "true_false", "fill_in", "short_answer")]
    items.append(make_practical_item(rubric=[{"points": 10, "checkpoint": "SECRET-RUBRIC"}]))
    for item in items:
        version = item.live_version
        dumped = json.dumps(candidate_item(version), ensure_ascii=False)
        assert "correct" not in dumped and "查准率" not in dumped
        assert "SECRET-RUBRIC" not in dumped and "model_answer" not in dumped
        assert "Precision and recall trade off" not in dumped
        assert "gold" not in dumped


def test_practical_task_keeps_only_the_fields_its_type_shows(app):
    item = make_practical_item(records=[{"id": "r1", "text": "好评", "note": "internal"}],
                               gold={"r1": {"id": "r1", "label": "positive"}})
    task = candidate_item(item.live_version)["task"]
    assert task["records"] == [{"id": "r1", "text": "好评"}]
    assert task["task_type"] == "classification"
    assert task["config"] == {"labels": ["positive", "negative", "neutral"]}
    assert "positive" not in json.dumps(task["records"])


def test_asset_references_become_urls(app):
    sha = "ab" * 32
    item = make_practical_item("bbox", records=[{"id": "r1", "image": f"asset:{sha}",
                                                 "width": 10, "height": 10}],
                               gold={}, config={"labels": ["car"]})
    with app.test_request_context():
        record = candidate_item(item.live_version)["task"]["records"][0]
    assert record["image"] == f"/bank/assets/{sha}"


def test_template_markup_the_exam_script_relies_on(app):
    with app.test_request_context():
        single = candidate_item(make_item("single").live_version, ["B", "A", "C", "D"])
        html = render_template("items/_candidate_item.html", item=single, values="B", position=3)
        assert 'data-item-type="single" data-position="3"' in html
        assert '<input type="radio" name="answer" value="B"' in html
        assert 'value="B"\n' in html or 'value="B" id=' in html or "checked" in html
        multiple = candidate_item(make_item("multiple").live_version)
        html = render_template("items/_candidate_item.html", item=multiple, values=["A"])
        assert html.count('type="checkbox" name="answer"') == 5
        tf = candidate_item(make_item("true_false").live_version)
        html = render_template("items/_candidate_item.html", item=tf, values=False)
        assert 'name="answer" value="true"' in html and 'name="answer" value="false"' in html
        fill = candidate_item(make_item("fill_in").live_version)
        html = render_template("items/_candidate_item.html", item=fill, values=["x", "0.8"])
        assert 'name="blank" data-blank="0"' in html and 'name="blank" data-blank="1"' in html
        assert 'value="0.8"' in html
        short = candidate_item(make_item("short_answer").live_version)
        html = render_template("items/_candidate_item.html", item=short, values="my text")
        assert '<textarea name="answer"' in html and "my text</textarea>" in html
        practical = candidate_item(make_practical_item("classification").live_version)
        html = render_template("items/_candidate_item.html", item=practical,
                               values={"r1": "positive"})
        assert 'class="task-widget" data-task-type="classification"' in html
        assert '<script type="application/json" id="task-data">' in html
        data = html.split('id="task-data">')[1].split("</script>")[0]
        assert json.loads(data)["values"] == {"r1": "positive"}
