"""Offline navigation and outages in a real browser (issue 12 §5, §6).

- A candidate who loses the connection moves through the whole form (Next, Back, the overview,
  the review page) and keeps answering; the page says how many changes wait; back online, the
  database holds every answer. The pages kept for this contain nothing a candidate may not see,
  and nothing is left after the submit.
- When the database is down the page says "server unavailable" (not "logged out"), keeps the
  answers, and sends them when the database is back. The outage is real: the same site is served
  for a while by the app pointed at a PostgreSQL address where nothing listens.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from certify import create_app
from certify.banks.models import ItemVersion
from certify.db import db
from tests.browser.browser_helpers import drag_select, span, wait_for
from tests.browser.conftest import VIEWPORT
from tests.browser.test_exam_e2e import NEWS, NEWS_2, build_exam, log_in_and_start, saved
from tests.helpers import TEST_PASSWORD, make_settings

pytestmark = pytest.mark.browser

#: Texts only an examiner may see: an explanation, a model answer. None may reach the browser.
SECRET_EXPLANATION = "EXPLANATION-ONLY-FOR-MARKERS-7Q2"
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/certify_outage"


#: The texts of each language the tests read.
TEXTS = {
    "en": {"waiting": "{n} changes waiting for the connection", "one": "1 change waiting for the connection",
           "unavailable": "server is unavailable", "logged_out": "logged out"},
    "zh": {"waiting": "有 {n} 处修改等待联网后发送", "one": "有 1 处修改等待联网后发送",
           "unavailable": "服务器暂时无法使用", "logged_out": "已退出登录"},
}


@pytest.fixture(params=["en", "zh"])
def language(request):
    return request.param


@pytest.fixture
def lpage(browser, language):
    """A page whose browser speaks ``language``; script errors and CSP violations fail the test."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN" if language == "zh" else "en-GB")
    context.set_default_timeout(15000)
    problems: list[str] = []
    new_page = context.new_page()
    new_page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    new_page.on("console", lambda message: problems.append(f"CSP: {message.text}")
                if "Content Security Policy" in message.text else None)
    yield new_page
    context.close()
    assert not problems, "\n".join(problems)


def start_in(page, live_server, sitting_id, email, language):
    """Log in (the login form is English in both: the labels are looked up by text) and start."""
    if language == "en":
        return log_in_and_start(page, live_server, sitting_id, email)
    page.goto(f"{live_server.url}/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(f"{live_server.url}/sittings/{sitting_id}/start")
    page.locator(".exam-start-button").click()
    page.wait_for_url("**/items/1")
    return int(page.url.split("/attempts/")[1].split("/")[0])


def pages_kept(page):
    """{path: text} of everything the attempt's service worker keeps."""
    return page.evaluate("""async () => {
        const out = {};
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
                const response = await cache.match(request);
                const type = response.headers.get('Content-Type') || '';
                out[new URL(request.url).pathname] = /text|json|javascript/.test(type)
                    ? await response.text() : '(binary)';
            }
        }
        return out;
    }""")


def wait_until_kept(page, attempt_id, total):
    wait_for(page, "navigator.serviceWorker && navigator.serviceWorker.controller !== null")
    # Poll the cache (evaluate awaits the promise; wait_for_function would need eval).
    for _ in range(300):
        kept = pages_kept(page)
        if all(f"/attempts/{attempt_id}/items/{n}" in kept for n in range(1, total + 1)) and \
                f"/attempts/{attempt_id}/submit" in kept and any("/bank/assets/" in p for p in kept):
            return kept
        page.wait_for_timeout(100)
    raise AssertionError(f"the offline pages were not kept: {sorted(pages_kept(page))}")


def status(page):
    return page.locator("#exam-save").inner_text()


def click_nav(page, selector, position):
    page.locator(selector).click()
    page.wait_for_url(f"**/items/{position}")
    wait_for(page, "window.CertifyExam !== undefined")


def test_offline_the_candidate_moves_through_the_whole_form_and_keeps_answering(
        app, make_user, live_server, lpage, shot, language):
    page, texts = lpage, TEXTS[language]
    sitting_id, email = build_exam(make_user)
    db.session.execute(sa.update(ItemVersion).values(explanation=SECRET_EXPLANATION))
    db.session.commit()
    attempt_id = start_in(page, live_server, sitting_id, email, language)
    kept = wait_until_kept(page, attempt_id, 4)
    # What is kept is what the candidate is shown: no key, gold or explanation.
    everything = "\n".join(kept.values())
    assert SECRET_EXPLANATION not in everything
    assert '"gold"' not in everything and '"key"' not in everything
    assert "深圳市气象台" in everything  # the NER text is there (the records)…
    assert '"spans"' not in everything  # …its gold spans are not

    page.context.set_offline(True)
    # 1: answer, then Next (the queue is not empty: the page cannot reach the server).
    page.get_by_text("Macro-F1").click()
    wait_for(page, "document.getElementById('exam-save').dataset.state === 'offline'")
    click_nav(page, "a[data-exam-nav=next]", 2)
    assert page.locator("html[data-offline-copy]").count() == 1
    page.get_by_text("A phone number").click()
    page.get_by_text("An e-mail address").click()
    click_nav(page, "a[data-exam-nav=next]", 3)
    page.wait_for_selector(".lw-ner-text")
    drag_select(page, "王海燕")
    page.keyboard.press("1")
    click_nav(page, "a[data-exam-nav=next]", 4)
    page.wait_for_selector(".lw-stage-img")
    # Back to 3: the span entered offline is there (from the queue).
    click_nav(page, "a[data-exam-nav=prev]", 3)
    assert page.locator("mark.lw-ent").all_inner_texts() == ["王海燕"]
    page.locator(".lw-next").click()
    drag_select(page, "浙江大学")
    page.keyboard.press("2")
    # The overview: back to 1, which shows the offline answer; change it.
    click_nav(page, ".exam-grid a[data-position='1']", 1)
    assert page.get_by_label("Macro-F1").is_checked()
    assert page.locator(".exam-grid a.is-answered").count() == 3
    page.get_by_text("Accuracy").click()
    wait_for(page, "window.CertifyExam.pending() === 4")
    assert texts["waiting"].format(n=4) in status(page)
    shot(page, f"exam-offline-navigation-{language}")
    # The review page works offline too.
    page.locator("a[data-exam-nav=submit]").click()
    page.wait_for_url("**/submit")
    assert page.locator("#exam-submit-form").count() == 1
    assert saved(attempt_id) == {}

    # Back online: everything reaches the database.
    page.context.set_offline(False)
    page.go_back()
    page.wait_for_url("**/items/1")
    wait_for(page, "window.CertifyExam && window.CertifyExam.pending() === 0")
    wait_for(page, "document.getElementById('exam-save').dataset.state === 'saved'")
    stored = saved(attempt_id)
    assert stored[(1, None)] == "A"
    assert sorted(stored[(2, None)]) == ["A", "C"]
    assert stored[(3, "r01")] == [span(NEWS, "王海燕", "PER")]
    assert stored[(3, "r02")] == [span(NEWS_2, "浙江大学", "ORG")]

    # Submitting leaves nothing of the attempt on this computer.
    page.goto(f"{live_server.url}/attempts/{attempt_id}/submit")
    page.locator("input[name=confirm]").check()
    page.locator("#exam-submit-form button[type=submit]").click()
    page.wait_for_url("**/done")
    wait_for(page, "caches.keys().then(k => k.length === 0)")
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    assert page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('certify-exam')).length") == 0


class Switch:
    """A WSGI app that forwards to one of two apps: the site, or the same site with its database
    unreachable."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


def test_a_database_outage_says_server_unavailable_and_keeps_the_answers(
        app, make_user, app_factory, lpage, shot, language, tmp_path: Path):
    page, texts = lpage, TEXTS[language]
    site = app_factory(WTF_CSRF_ENABLED=True)
    down = create_app(make_settings(tmp_path / "down", UNREACHABLE, WTF_CSRF_ENABLED=True,
                                    PROPAGATE_EXCEPTIONS=False))
    switch = Switch(site)
    server = make_server("127.0.0.1", 0, switch, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        class Live:
            url = f"http://127.0.0.1:{server.server_port}"
        sitting_id, email = build_exam(make_user, practical=False)
        attempt_id = start_in(page, Live, sitting_id, email, language)
        page.get_by_text("Macro-F1").click()
        wait_for(page, "window.CertifyExam && window.CertifyExam.pending() === 0")
        wait_for(page, "document.getElementById('exam-save').dataset.state === 'saved'")

        switch.app = down  # PostgreSQL is gone
        page.get_by_text("Accuracy").click()
        wait_for(page, "document.getElementById('exam-save').dataset.state === 'unavailable'")
        text = status(page)
        assert texts["unavailable"] in text and texts["logged_out"] not in text
        assert texts["one"] in text
        shot(page, f"exam-server-unavailable-{language}")
        assert saved(attempt_id)[(1, None)] == "B"

        switch.app = site  # back
        page.evaluate("window.CertifyExam.flush()")
        wait_for(page, "window.CertifyExam.pending() === 0")
        wait_for(page, "document.getElementById('exam-save').dataset.state === 'saved'")
        assert saved(attempt_id)[(1, None)] == "A"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
