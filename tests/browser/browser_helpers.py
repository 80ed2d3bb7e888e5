"""Helpers shared by the browser tests: waiting under the app's CSP, selecting text and dragging
on the box widget's image with a real mouse, comparing boxes."""

from __future__ import annotations

import time
from typing import Any


def wait_for(page: Any, expression: str, timeout: float = 15.0) -> Any:
    """Poll a JS expression until it is truthy; return its value.

    (Playwright's ``wait_for_function`` compiles its predicate with ``eval`` inside the page when
    it has to poll, which the app's CSP rightly forbids; ``evaluate`` goes through the debugger.)
    """
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


def span(text, needle, label, occurrence=0):
    """The span [start, end, label] of ``needle`` in code points (Python indexes)."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return [start, start + len(needle), label]


def drag_select(page, needle, occurrence=0, pad=0):
    """Select ``needle`` in the NER text with the mouse, from its first to its last character.

    ``pad`` extends the drag by that many characters on each side (to catch spaces).
    """
    box = page.evaluate(
        """([needle, occurrence, pad]) => {
          const el = document.querySelector('.lw-ner-text');
          const full = el.textContent;
          let at = -1;
          for (let i = 0; i <= occurrence; i++) at = full.indexOf(needle, at + 1);
          const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
          const nodes = [];
          let seen = 0, n;
          while ((n = walker.nextNode())) { nodes.push([n, seen]); seen += n.nodeValue.length; }
          const rectOf = (index) => {
            const [node, base] = nodes.filter(([nd, b]) => b <= index).pop();
            const r = document.createRange();
            const len = full.codePointAt(index) > 0xffff ? 2 : 1;
            r.setStart(node, index - base); r.setEnd(node, index - base + len);
            return r.getBoundingClientRect();
          };
          const first = rectOf(at - pad), last = rectOf(at + needle.length - 1 + pad);
          return {x1: first.left + 1, y1: first.top + first.height / 2,
                  x2: last.right - 1, y2: last.top + last.height / 2};
        }""", [needle, occurrence, pad])
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move((box["x1"] + box["x2"]) / 2, box["y2"], steps=3)
    page.mouse.move(box["x2"], box["y2"], steps=3)
    page.mouse.up()
    wait_for(page, "!window.getSelection().isCollapsed")


def screen(page, x, y):
    """Where image pixel (x, y) is on the screen now."""
    rect = page.locator(".lw-stage-img").bounding_box()
    point = rect["x"] + x * rect["width"] / 640, rect["y"] + y * rect["height"] / 480
    size = page.viewport_size
    # A pointer event off the screen would not reach the page: scroll the image into view first.
    assert 0 <= point[0] < size["width"] and 0 <= point[1] < size["height"], f"{point} is off screen"
    return point


def drag(page, start, end):
    """Drag the mouse from one image pixel to another on the box widget."""
    page.mouse.move(*screen(page, *start))
    page.mouse.down()
    x1, y1 = screen(page, *start)
    x2, y2 = screen(page, *end)
    page.mouse.move((x1 + x2) / 2, (y1 + y2) / 2, steps=4)
    page.mouse.move(x2, y2, steps=4)
    page.mouse.up()


def close(actual, expected, tolerance=1):
    """Boxes equal up to a pixel of rounding (the pointer lands on whole screen pixels)."""
    return len(actual) == len(expected) and all(
        a[4] == e[4] and all(abs(p - q) <= tolerance for p, q in zip(a[:4], e[:4], strict=True))
        for a, e in zip(actual, expected, strict=True))
