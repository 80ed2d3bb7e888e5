"""Charts as small hand-written SVG documents: a score histogram and a facility–discrimination plot.

Pure: numbers and (already translated) texts in, an SVG string out. Every text is XML-escaped. The
documents use presentation attributes only (no ``style`` and no script), so they pass the site's
Content-Security-Policy; the pages show them with ``<img>`` (a browser never runs anything in an SVG
loaded as an image) and give the same numbers in a table beside them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape, quoteattr

INK = "#1b2430"
MUTED = "#5f6b7a"
GRID = "#d8dee6"
BRAND = "#0f5c8c"
WARN = "#8a5a00"
BAD = "#a32020"
FONT = "system-ui, -apple-system, Segoe UI, PingFang SC, Microsoft YaHei, sans-serif"

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 40, 56


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, *, size: int = 12, anchor: str = "middle",
          fill: str = INK, rotate: bool = False, weight: str = "normal") -> str:
    transform = f' transform="rotate(-90 {_fmt(x)} {_fmt(y)})"' if rotate else ""
    return (f'<text x="{_fmt(x)}" y="{_fmt(y)}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}" font-weight="{weight}"{transform}>{escape(text)}</text>')


def _document(title: str, description: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="t d" '
            f'font-family={quoteattr(FONT)}>'
            f'<title id="t">{escape(title)}</title><desc id="d">{escape(description)}</desc>'
            f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>'
            + "".join(body) + "</svg>")


def nice_step(maximum: float, ticks: int = 5, *, whole: bool = False) -> float:
    """A 1-2-5 step giving about ``ticks`` intervals up to ``maximum`` (at least 1 if ``whole``)."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return max(1.0, step) if whole else step


def histogram_counts(values: Sequence[float], bins: int = 10, low: float = 0.0,
                     high: float = 100.0) -> list[int]:
    """Counts per equal-width bin over ``[low, high]``; the last bin includes ``high``."""
    counts = [0] * bins
    width = (high - low) / bins
    for value in values:
        index = min(bins - 1, max(0, int((float(value) - low) // width)))
        counts[index] += 1
    return counts


def histogram_svg(values: Sequence[float], *, title: str, x_label: str, y_label: str,
                  pass_mark: float | None = None, pass_label: str = "", bins: int = 10,
                  low: float = 0.0, high: float = 100.0) -> str:
    """A histogram of scores (e.g. component scores out of 100) with the pass mark drawn."""
    counts = histogram_counts(values, bins, low, high)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = nice_step(max(counts) or 1, whole=True)
    top_value = max(step, math.ceil((max(counts) or 1) / step) * step)
    body = [_text(WIDTH / 2, 22, title, size=15, weight="bold")]
    tick = 0.0
    while tick <= top_value + 1e-9:
        y = TOP + plot_h - tick / top_value * plot_h
        body.append(f'<line x1="{LEFT}" y1="{_fmt(y)}" x2="{LEFT + plot_w}" y2="{_fmt(y)}" '
                    f'stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(LEFT - 8, y + 4, f"{tick:g}", size=11, anchor="end", fill=MUTED))
        tick += step
    bar_w = plot_w / bins
    for i, count in enumerate(counts):
        x = LEFT + i * bar_w
        h = count / top_value * plot_h
        lo, hi = low + i * (high - low) / bins, low + (i + 1) * (high - low) / bins
        body.append(f'<rect x="{_fmt(x + 2)}" y="{_fmt(TOP + plot_h - h)}" '
                    f'width="{_fmt(bar_w - 4)}" height="{_fmt(h)}" fill="{BRAND}">'
                    f'<title>{escape(f"{lo:g}–{hi:g}: {count}")}</title></rect>')
        if count:
            body.append(_text(x + bar_w / 2, TOP + plot_h - h - 4, str(count), size=11))
    for i in range(bins + 1):
        x = LEFT + i * bar_w
        body.append(_text(x, TOP + plot_h + 16, f"{low + i * (high - low) / bins:g}", size=11,
                          fill=MUTED))
    body.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" '
                f'y2="{TOP + plot_h}" stroke="{INK}" stroke-width="1"/>')
    if pass_mark is not None and low <= pass_mark <= high:
        x = LEFT + (pass_mark - low) / (high - low) * plot_w
        body.append(f'<line x1="{_fmt(x)}" y1="{TOP}" x2="{_fmt(x)}" y2="{TOP + plot_h}" '
                    f'stroke="{BAD}" stroke-width="2" stroke-dasharray="6 4"/>')
        body.append(_text(x + 4, TOP + 12, pass_label, size=11, anchor="start", fill=BAD))
    body.append(_text(LEFT + plot_w / 2, HEIGHT - 12, x_label, size=12))
    body.append(_text(16, TOP + plot_h / 2, y_label, size=12, rotate=True))
    description = "; ".join(
        f"{low + i * (high - low) / bins:g}–{low + (i + 1) * (high - low) / bins:g}: {c}"
        for i, c in enumerate(counts))
    return _document(title, description, body)


def scatter_svg(points: Sequence[tuple[float, float, str, bool]], *, title: str, x_label: str,
                y_label: str, guides: Sequence[tuple[str, float]] = ()) -> str:
    """Facility (x, 0–1) against discrimination (y, −1–1); ``(x, y, label, flagged)`` points.

    :param guides: ``("x" | "y", value)`` dashed lines, e.g. the "easy" and "low discrimination"
        thresholds.
    """
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + max(0.0, min(1.0, x)) * plot_w

    def py(y: float) -> float:
        return TOP + plot_h - (max(-1.0, min(1.0, y)) + 1) / 2 * plot_h

    body = [_text(WIDTH / 2, 22, title, size=15, weight="bold")]
    for i in range(11):
        x = i / 10
        body.append(f'<line x1="{_fmt(px(x))}" y1="{TOP}" x2="{_fmt(px(x))}" '
                    f'y2="{TOP + plot_h}" stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(px(x), TOP + plot_h + 16, f"{x:.1f}", size=11, fill=MUTED))
    for i in range(-4, 5):
        y = i / 4
        body.append(f'<line x1="{LEFT}" y1="{_fmt(py(y))}" x2="{LEFT + plot_w}" '
                    f'y2="{_fmt(py(y))}" stroke="{INK if i == 0 else GRID}" stroke-width="1"/>')
        body.append(_text(LEFT - 8, py(y) + 4, f"{y:.2f}".rstrip("0").rstrip("."), size=11,
                          anchor="end", fill=MUTED))
    for axis, value in guides:
        if axis == "x":
            body.append(f'<line x1="{_fmt(px(value))}" y1="{TOP}" x2="{_fmt(px(value))}" '
                        f'y2="{TOP + plot_h}" stroke="{WARN}" stroke-dasharray="5 4"/>')
        else:
            body.append(f'<line x1="{LEFT}" y1="{_fmt(py(value))}" x2="{LEFT + plot_w}" '
                        f'y2="{_fmt(py(value))}" stroke="{WARN}" stroke-dasharray="5 4"/>')
    for x, y, label, flagged in points:
        colour = BAD if flagged else BRAND
        body.append(f'<circle cx="{_fmt(px(x))}" cy="{_fmt(py(y))}" r="5" fill="{colour}" '
                    f'fill-opacity="0.85"><title>{escape(f"{label}: {x:.2f}, {y:.2f}")}</title>'
                    f'</circle>')
        right = x > 0.9  # labels near the right edge go to the left of their point
        body.append(_text(px(x) + (-7 if right else 7), py(y) - 6, label, size=10,
                          anchor="end" if right else "start", fill=MUTED))
    body.append(_text(LEFT + plot_w / 2, HEIGHT - 12, x_label, size=12))
    body.append(_text(16, TOP + plot_h / 2, y_label, size=12, rotate=True))
    description = "; ".join(f"{label}: {x:.2f}, {y:.2f}" for x, y, label, _f in points)
    return _document(title, description, body)
