"""The Simplified Chinese catalog: complete, current, placeholder-safe; pages really switch language;
the labeling widgets get their texts in the page's language and nothing else through that block."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import render_template

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "certify" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"
WIDGET_STRINGS_JS = ROOT / "certify" / "static" / "js" / "widgets" / "strings.js"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}

PERCENT = re.compile(r"%\((\w+)\)[sdf]")
BRACES = re.compile(r"\{(\w+)\}")


def _catalog():  # type: ignore[no-untyped-def]
    with PO.open("rb") as handle:
        return read_po(handle)


def _text(string) -> str:  # type: ignore[no-untyped-def]
    return string if isinstance(string, str) else " ".join(string or ())


@pytest.fixture(scope="module")
def extracted() -> set[str]:
    """Every msgid in the code and templates now, extracted the way `make translations-update` does."""
    method_map = [("certify/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"}}
    found: set[str] = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options, keywords=KEYWORDS):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_string_in_the_code_is_in_the_catalog_and_translated(extracted):
    catalog = _catalog()
    missing = sorted(m for m in extracted if m not in catalog)
    assert not missing, (f"{len(missing)} strings are not in {PO.name}; run `make translations-update` "
                         f"and translate them: {missing[:10]}")
    untranslated = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in catalog
                          if m.id and (not _text(m.string).strip() or m.fuzzy))
    assert not untranslated, (f"{len(untranslated)} strings have no (or a fuzzy) translation: "
                              f"{untranslated[:10]}")


def test_translations_keep_every_placeholder():
    wrong = []
    for message in _catalog():
        if not message.id:
            continue
        # Chinese has one plural form: it carries the placeholders of the English plural.
        source = message.id if isinstance(message.id, str) else message.id[-1]
        targets = [message.string] if isinstance(message.string, str) else list(message.string)
        for target in targets:
            for pattern in (PERCENT, BRACES):
                if set(pattern.findall(source)) != set(pattern.findall(target)):
                    wrong.append((source, target))
    assert not wrong, f"translations that drop or invent placeholders: {wrong[:5]}"


def _default_strings() -> dict[str, str]:
    source = WIDGET_STRINGS_JS.read_text(encoding="utf-8")
    block = source[source.index("export const DEFAULT_STRINGS = {"):]
    block = block[:block.index("\n};")]
    pairs = re.findall(r'^\s+(\w+): ("(?:[^"\\]|\\.)*")', block, re.M)
    return {key: json.loads(value) for key, value in pairs}


def _widget_strings(app, language: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with app.test_request_context(headers={"Accept-Language": language}):
        html = render_template("tasks/_widget_strings.html")
    body = re.search(r'<script type="application/json" id="widget-strings">(.*)</script>', html, re.S)
    assert body, html
    return json.loads(body.group(1))


def test_the_widget_block_has_exactly_the_widgets_keys_with_their_english_defaults(app):
    defaults = _default_strings()
    assert len(defaults) > 100  # the parser found the table, not an empty match
    assert _widget_strings(app, "en") == defaults


def test_the_widgets_speak_chinese_with_their_placeholders_intact(app):
    defaults, chinese = _default_strings(), _widget_strings(app, "zh-CN")
    assert chinese.keys() == defaults.keys()
    assert chinese["previous"] != defaults["previous"]
    assert re.search(r"[\u4e00-\u9fff]", chinese["record_n"])
    for key, english in defaults.items():
        assert sorted(BRACES.findall(chinese[key])) == sorted(BRACES.findall(english)), key


def test_a_visitor_gets_the_language_their_browser_asks_for(client):
    english = client.get("/login", headers={"Accept-Language": "en"}).get_data(as_text=True)
    chinese = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert "Password" in english and 'lang="en"' in english
    assert "密码" in chinese and "Password" not in chinese and 'lang="zh-Hans"' in chinese


def test_a_user_s_chosen_language_wins_over_the_browser(app, make_user, login_as):
    from certify.db import db

    user = make_user("candidate")
    user.locale = "zh"
    db.session.commit()
    page = login_as(user).get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="zh-Hans"' in page and "退出登录" in page
