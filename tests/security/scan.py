"""Crawling the app as one visitor, and checking what comes back for executable markup.

:func:`crawl` follows every same-site link (pages, scripts, images, downloads) from a set of seed
URLs; :func:`executable_markup` parses HTML (or SVG) and lists whatever could run script that the
app's own templates never produce: inline ``<script>`` (the app has only ``src=/static/…`` and
``type=application/json`` data blocks, whose JSON must still parse), event-handler attributes,
``javascript:``/``vbscript:``/``data:`` URLs, embedding elements (``iframe``, ``object``, ``svg``,
``base`` …), ``style`` (CSP allows none), and images or scripts from other sites.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

#: Elements the app's templates never use and that embed or run foreign content.
FORBIDDEN_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg",
                  "math", "style", "portal", "template"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background",
                  "xlink:href", "srcset", "ping", "cite", "longdesc", "manifest"}
#: Attributes whose URL loads something into the page (must stay on this site).
RESOURCE = {("img", "src"), ("script", "src"), ("audio", "src"), ("video", "src"),
            ("source", "src"), ("link", "href"), ("input", "src"), ("track", "src")}
SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);", re.I)
#: Spreadsheets run a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?(e[+-]?\d+)?%?$", re.I)


def _scheme(value: str) -> str:
    # Browsers ignore whitespace and control characters inside a scheme ("java\tscript:").
    compact = re.sub(r"[\x00-\x20]", "", value).lower()
    return compact.split(":", 1)[0] + ":" if ":" in compact.split("/", 1)[0] else ""


class _Markup(HTMLParser):
    def __init__(self, svg: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.svg = svg
        self.problems: list[str] = []
        self._json: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag in FORBIDDEN_TAGS and not (self.svg and tag in ("svg", "style")):
            self.problems.append(f"<{tag}> element")
        if tag == "script":
            src, kind = values.get("src"), values.get("type", "").lower()
            if src:
                if not src.startswith("/static/"):
                    self.problems.append(f"<script src={src!r}>")
            elif kind == "application/json":
                self._json = []
            else:
                self.problems.append("inline <script>")
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…> event handler")
            elif name in ("style", "srcdoc") and not self.svg:
                self.problems.append(f"<{tag} {name}=…>")
            elif name in URL_ATTRIBUTES:
                scheme = _scheme(value)
                if scheme in ("javascript:", "vbscript:", "livescript:"):
                    self.problems.append(f"<{tag} {name}={value[:40]!r}> script URL")
                elif scheme == "data:" and not SAFE_DATA_IMAGE.match(value.strip()):
                    self.problems.append(f"<{tag} {name}={value[:40]!r}> data URL")
                elif (tag, name) in RESOURCE and (scheme or value.strip().startswith("//")) \
                        and scheme != "data:":
                    self.problems.append(f"<{tag} {name}={value[:60]!r}> from another site")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if self._json is not None:
            self._json.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._json is not None:
            text = "".join(self._json)
            self._json = None
            try:
                json.loads(text)
            except ValueError:
                self.problems.append(f"a JSON data block that does not parse: {text[:80]!r}")


def executable_markup(document: str, *, svg: bool = False) -> list[str]:
    """What in ``document`` could run script or load foreign content (see the module doc)."""
    parser = _Markup(svg)
    parser.feed(document)
    parser.close()
    return parser.problems


def formula_cells(rows: Iterable[Iterable[str]]) -> list[str]:
    """Cells a spreadsheet would run as a formula (numbers such as ``-1.5`` are fine)."""
    return [cell for row in rows for cell in row
            if cell.startswith(FORMULA_STARTS) and not NUMBER.match(cell.strip())]


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


@dataclass
class Page:
    url: str
    status: int
    mimetype: str
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("href", "src", "data-refresh-url") and tag != "form":
                self.urls.append(value)


def same_site(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and url.startswith("/")


#: Never followed: they change the session rather than show something.
NOT_FOLLOWED = ("/logout", "/language")


def crawl(client, seeds: Iterable[str], *, limit: int = 400, variants_per_path: int = 3,
          follow: bool = True) -> dict[str, Page]:
    """GET ``seeds`` and, when ``follow``, every same-site link they lead to (breadth first)."""
    pages: dict[str, Page] = {}
    per_path: dict[str, int] = defaultdict(int)
    queue = list(dict.fromkeys(seeds))
    while queue and len(pages) < limit:
        url = urldefrag(queue.pop(0))[0]
        path = urlsplit(url).path
        if url in pages or path.startswith(NOT_FOLLOWED) or per_path[path] >= variants_per_path:
            continue
        per_path[path] += 1
        response = client.get(url)
        pages[url] = Page(url, response.status_code, response.mimetype,
                          dict(response.headers), response.get_data())
        response.close()
        if follow and response.mimetype == "text/html":
            links = _Links()
            links.feed(pages[url].text)
            queue += [link for link in links.urls if same_site(link) and link not in pages]
    return pages
