"""Browser tests: Playwright (Python) driving Debian's Chromium, headless, at 1280×720.

Fixtures:

- ``browser`` (session): Chromium from ``CERTIFY_CHROMIUM`` or ``/usr/bin/chromium``, through the
  ``playwright`` package's ``executable_path`` (no browser download). Missing either skips with a
  one-line reason outside CI and fails with ``CI=true`` (``.ci/browser-deps`` installs Chromium).
- ``page``: a fresh browser context and page; an uncaught script error or a Content Security
  Policy violation in it fails the test.
- ``harness`` (session): a small static server of the tests' own (not a route of the app) that
  serves ``certify/static`` and a page mounting one widget with given options, under the app's
  CSP. ``harness.open(page, task_type, records, config=…, values=…)`` mounts it;
  ``harness.values(page)`` and ``harness.changes(page)`` read what the widget reported.
- ``live_server``: the real app (``app_factory``, CSRF on) served by werkzeug in a thread on
  127.0.0.1 and a free port, on this test's database.
- ``shot(page, name)``: a screenshot under ``test-artifacts/browser/`` (git-ignored).
"""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template, send_from_directory
from werkzeug.serving import make_server

from certify.config import CONTENT_SECURITY_POLICY
from tests.helpers import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).resolve().parent / "harness"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 720}
WIDGETS = ("classification", "multilabel", "ner", "bbox", "transcription", "rating", "ranking",
           "rubric")


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("CERTIFY_CHROMIUM") or "/usr/bin/chromium"
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        skip_or_fail(f"no Chromium at {path} (set CERTIFY_CHROMIUM or run .ci/browser-deps)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path, headless=True,
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in a new context; script errors and CSP violations fail the test."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    # Generous: only a failing test waits this long, and a loaded CI machine can take seconds to
    # answer a login or render a page.
    context.set_default_timeout(15000)
    problems: list[str] = []
    new_page = context.new_page()
    new_page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    new_page.on("console", lambda message: problems.append(f"CSP: {message.text}")
                if "Content Security Policy" in message.text else None)
    yield new_page
    context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def shot() -> Callable[..., Path]:
    """Return ``shot(page, name, full_page=False)``: save a screenshot as a test artifact."""

    def take(page: Any, name: str, full_page: bool = False) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


# The widget harness ---------------------------------------------------------------------------

def _harness_app(cases: dict[str, dict[str, Any]]) -> Flask:
    harness = Flask("certify_widget_harness", static_folder=str(ROOT / "certify" / "static"),
                    static_url_path="/static", template_folder=str(HARNESS))

    @harness.get("/harness/<name>")
    def case(name: str) -> str:
        spec = cases[name]
        return render_template("page.html", case=spec, title=spec["task"]["title"],
                               task_type=spec["task"]["task_type"], widgets=WIDGETS)

    @harness.get("/blank")
    def blank() -> str:
        """A page of the harness's origin, for tests that import a module of static/js."""
        return "<!doctype html><html lang=\"en\"><head><title>blank</title></head><body></body></html>"

    @harness.get("/harness-assets/<path:path>")
    def asset(path: str) -> Any:
        return send_from_directory(HARNESS, path)

    @harness.get("/banks/<path:path>")
    def bank_file(path: str) -> Any:
        return send_from_directory(ROOT / "question_banks" / "practical", path)

    @harness.after_request
    def headers(response: Any) -> Any:
        response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        response.headers["Cache-Control"] = "no-store"
        return response

    return harness


class Harness:
    """Mount one widget on a test page and read back what it reported."""

    def __init__(self, url: str, cases: dict[str, dict[str, Any]]) -> None:
        self.url = url
        self.cases = cases
        self._names = itertools.count(1)

    def open(self, page: Any, task_type: str, records: list[dict[str, Any]], *,
             config: dict[str, Any] | None = None, values: dict[str, Any] | None = None,
             read_only: bool = False, title: str | None = None, **extra: Any) -> Any:
        name = f"case{next(self._names)}"
        self.cases[name] = {
            "task": {"task_type": task_type, "config": config or {},
                     "title": title or f"{task_type.capitalize()} task"},
            "records": records, "values": values or {}, "readOnly": read_only, **extra}
        page.goto(f"{self.url}/harness/{name}")
        page.wait_for_selector("html[data-harness-ready]", state="attached")
        return page

    @staticmethod
    def values(page: Any) -> dict[str, Any]:
        return page.evaluate("window.harness.values")

    @staticmethod
    def changes(page: Any) -> list[list[Any]]:
        return page.evaluate("window.harness.changes")


def _serve(app: Any) -> tuple[str, Callable[[], None]]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()

    return f"http://127.0.0.1:{server.server_port}", stop


@pytest.fixture(scope="session")
def harness() -> Iterator[Harness]:
    cases: dict[str, dict[str, Any]] = {}
    url, stop = _serve(_harness_app(cases))
    yield Harness(url, cases)
    stop()


# The live app -----------------------------------------------------------------------------------

@dataclass
class LiveServer:
    app: Flask
    url: str


@pytest.fixture
def live_server(app: Flask, app_factory: Callable[..., Flask]) -> Iterator[LiveServer]:
    """The app served over HTTP on this test's database, CSRF on; ``app`` holds a context for
    setting up data (both apps use the same database)."""
    served = app_factory(WTF_CSRF_ENABLED=True)
    url, stop = _serve(served)
    yield LiveServer(served, url)
    stop()


@pytest.fixture
def live_server_with(app: Flask, app_factory: Callable[..., Flask]) -> Iterator[Callable[..., LiveServer]]:
    """Return ``start(**config)``: the live app (as ``live_server``) with settings of the test's
    own, e.g. a short exam grace period."""
    stops: list[Callable[[], None]] = []

    def start(**config: Any) -> LiveServer:
        served = app_factory(WTF_CSRF_ENABLED=True, **config)
        url, stop = _serve(served)
        stops.append(stop)
        return LiveServer(served, url)

    yield start
    for stop in stops:
        stop()
