r"""Bank text → safe HTML: a small Markdown subset, sanitised with nh3.

Everything a bank file or an examiner writes (stems, options, task instructions) reaches a candidate's
browser through :func:`render_markdown` and nowhere else. Two layers keep script out:

1. markdown-it runs with raw HTML off (``<script>`` in a stem is shown as text) and only images of
   uploaded assets (``![alt](asset:<sha256>)``) become ``<img>``; any other image becomes its alt text;
2. nh3 (ammonia) then keeps only the tags and attributes of the subset below, so that even a bug in
   step 1 cannot let an event handler, ``style``, ``javascript:`` URL or unknown tag through.

Links are not part of the subset: in an exam a link would lead the candidate away from the page (the
text stays, the ``<a>`` goes). Fill-in stems mark blanks with ``[[1]]``, ``[[2]]`` …; they are shown as
numbered gaps (``<span class="blank-ref">``) that the answer fields below the stem refer to.

An audio asset is written ``![description](asset:<sha256> "audio")`` and shown as an ``<audio>``
player. TeX between ``\(…\)``, ``\[…\]`` or ``$$…$$`` is kept out of Markdown (its ``_`` and ``\``
stay as written) and shown as ``<span class="math-tex">``, which ``static/js/math.js`` typesets with
the vendored KaTeX; without script the TeX stays readable as it is.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

from certify.banks.assets import asset_url

#: Tags of the Markdown subset (see docs/formats.md §2).
ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "hr",
    "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img", "del", "audio",
})
ALLOWED_ATTRIBUTES = {
    "img": {"src", "alt", "loading"},
    "ol": {"start"},
    "audio": {"src", "controls", "preload"},
}
#: ``asset:`` followed by a SHA-256 in hex: the only image source a bank text may use.
ASSET_REF = re.compile(r"^asset:([0-9a-f]{64})$")
BLANK_MARKER = re.compile(r"\[\[(\d{1,2})\]\]")
# Private-use characters survive Markdown and nh3 untouched and never occur in real text.
_BLANK_OPEN, _BLANK_CLOSE = "\ue000", "\ue001"
_BLANK_TOKEN = re.compile(_BLANK_OPEN + r"(\d{1,2})" + _BLANK_CLOSE)
#: TeX as Moodle's filters (and MathJax/KaTeX defaults) delimit it.
MATH = re.compile(r"(\$\$.+?\$\$|\\\(.+?\\\)|\\\[.+?\\\])", re.S)
_MATH_TOKEN = re.compile("\ue002(\\d+)\ue003")


def _default_asset_url(sha256: str) -> str:
    return asset_url(sha256)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    # Headings inside a stem start at h3: the page around it owns h1 and h2.
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("heading_close", _heading_close)
    return md


def _heading_level(token) -> int:  # type: ignore[no-untyped-def]
    return min(6, int(token.tag[1]) + 2)


def _heading_open(self, tokens, idx, options, env):  # type: ignore[no-untyped-def]
    return f"<h{_heading_level(tokens[idx])}>"


def _heading_close(self, tokens, idx, options, env):  # type: ignore[no-untyped-def]
    return f"</h{_heading_level(tokens[idx])}>\n"


def _images(tokens, asset_url: Callable[[str], str]) -> None:  # type: ignore[no-untyped-def]
    """Point asset images at their URL; replace any other image by its alt text."""
    for token in tokens:
        if token.children:
            _images(token.children, asset_url)
        if token.type != "image":
            continue
        match = ASSET_REF.match(token.attrGet("src") or "")
        if match and token.attrGet("title") == "audio":
            alt = "".join(child.content for child in token.children or [])
            token.type, token.tag, token.children, token.attrs = "html_inline", "", None, {}
            token.content = (f'<audio controls preload="none" src="{html.escape(asset_url(match.group(1)))}">'
                             f"{html.escape(alt)}</audio>")
        elif match:
            token.attrSet("src", asset_url(match.group(1)))
            token.attrSet("loading", "lazy")
        else:
            token.type = "text"
            token.tag = ""
            token.content = "".join(child.content for child in token.children or [])
            token.children = None
            token.attrs = {}


def render_markdown(text: str | None, *, asset_url: Callable[[str], str] | None = None,
                    inline: bool = False) -> str:
    """Render bank text (Markdown subset) as sanitised HTML, safe to mark ``|safe`` in a template.

    :param text: the Markdown source; ``None`` and ``""`` give ``""``.
    :param asset_url: maps an asset's SHA-256 to its URL (default: the bank's asset route).
    :param inline: render without the surrounding paragraph (for option texts).
    """
    if not text:
        return ""
    maths: list[str] = []

    def keep_math(match: re.Match) -> str:
        maths.append(match.group(0))
        return f"\ue002{len(maths) - 1}\ue003"

    source = MATH.sub(keep_math, text)
    source = BLANK_MARKER.sub(lambda m: f"{_BLANK_OPEN}{m.group(1)}{_BLANK_CLOSE}", source)
    md = _parser()
    env: dict = {}
    tokens = md.parseInline(source, env) if inline else md.parse(source, env)
    _images(tokens, asset_url or _default_asset_url)
    rendered = md.renderer.render(tokens, md.options, env)
    clean = sanitize_html(rendered)
    clean = _MATH_TOKEN.sub(lambda m: _math_span(maths[int(m.group(1))]), clean)
    return _BLANK_TOKEN.sub(r'<span class="blank-ref">(\1)</span>', clean).strip()


def _math_span(tex: str) -> str:
    display = tex.startswith(("$$", "\\["))
    return (f'<span class="math-tex{" math-display" if display else ""}">'
            f"{html.escape(tex, quote=False)}</span>")


def sanitize_html(html: str) -> str:
    """Keep only the tags and attributes of the bank's Markdown subset (nh3 / ammonia)."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        # Only relative URLs (our own asset route) survive: no http:, data:, javascript: …
        url_schemes=set(),
        link_rel=None,
        strip_comments=True,
    )


def asset_refs(text: str | None) -> set[str]:
    """The SHA-256 of every ``asset:`` image a text uses."""
    if not text:
        return set()
    return set(re.findall(r"\(asset:([0-9a-f]{64})(?:\s+\"[^\"]*\")?\)", text))


def blank_numbers(stem: str) -> list[int]:
    """The blank numbers ``[[n]]`` of a fill-in stem, in order of appearance."""
    return [int(n) for n in BLANK_MARKER.findall(stem or "")]
