"""The vector background every certificate shares: guilloché band, rosette, frames and rules."""

from __future__ import annotations

import functools
import math
import zlib
from collections.abc import Sequence

from reportlab.lib.colors import Color

from .objects import PreparedForm
from .style import (
    CENTRE_X,
    GOLD,
    GUILLOCHE,
    GUILLOCHE_GOLD,
    LEFT_X,
    MUTED,
    NAME_RULE_Y,
    NAVY,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PAPER,
    RIGHT_X,
    ROWS,
    RULE,
    SIGN_X,
    TITLE_RULE_Y,
    WATERMARK,
)


def rgb(color: Color, operator: str) -> str:
    """Return the PDF operator setting *color* (``rg`` fill, ``RG`` stroke)."""
    return f"{color.red:.3f} {color.green:.3f} {color.blue:.3f} {operator}"


def _smooth_closed(points: Sequence[tuple[float, float]]) -> str:
    """Return PDF path operators for a smooth closed curve through *points* (Catmull-Rom)."""
    n = len(points)
    ops = [f"{points[0][0]:.1f} {points[0][1]:.1f} m"]
    for i in range(n):
        (ax, ay), (bx, by) = points[i - 1], points[i]
        (cx, cy), (dx, dy) = points[(i + 1) % n], points[(i + 2) % n]
        ops.append(f"{bx + (cx - ax) / 6:.1f} {by + (cy - ay) / 6:.1f} "
                   f"{cx - (dx - bx) / 6:.1f} {cy - (dy - by) / 6:.1f} {cx:.1f} {cy:.1f} c")
    ops.append("h")
    return "\n".join(ops)


def _rounded_rect_walk(inset: float, radius: float, step: float):
    """Yield ``(x, y, nx, ny)`` evenly around a rounded rectangle: point and outward normal.

    The number of points is the whole number nearest to perimeter / *step*.
    """
    left, bottom = inset + radius, inset + radius
    right, top = PAGE_WIDTH - inset - radius, PAGE_HEIGHT - inset - radius
    across, up = right - left, top - bottom
    arc = math.pi * radius / 2

    def corner(cx: float, cy: float, start: float):
        def point(d: float):
            angle = math.radians(start + 90 * d / arc)
            nx, ny = math.cos(angle), math.sin(angle)
            return cx + radius * nx, cy + radius * ny, nx, ny
        return point

    segments = [
        (across, lambda d: (left + d, bottom - radius, 0.0, -1.0)),
        (arc, corner(right, bottom, -90)),
        (up, lambda d: (right + radius, bottom + d, 1.0, 0.0)),
        (arc, corner(right, top, 0)),
        (across, lambda d: (right - d, top + radius, 0.0, 1.0)),
        (arc, corner(left, top, 90)),
        (up, lambda d: (left - radius, top - d, -1.0, 0.0)),
        (arc, corner(left, bottom, 180)),
    ]
    perimeter = sum(length for length, _ in segments)
    count = round(perimeter / step)
    for k in range(count):
        distance = perimeter * k / count
        for length, point in segments:
            if distance <= length:
                yield point(distance)
                break
            distance -= length


def _guilloche_band() -> str:
    """Return the operators of the frame's band: six interlaced waves on a rounded rectangle."""
    walk = list(_rounded_rect_walk(inset=33.5, radius=14.0, step=4.0))
    periods = round(len(walk) / 7)  # a whole number of waves, each about 28 points long
    strokes = {GUILLOCHE: [], GUILLOCHE_GOLD: []}
    for strand in range(6):
        phase = strand * math.pi / 3
        points = []
        for k, (x, y, nx, ny) in enumerate(walk):
            t = 2 * math.pi * periods * k / len(walk) + phase
            offset = 7.0 * math.sin(t) * (0.75 + 0.25 * math.cos(0.6 * t + phase))
            points.append((x + nx * offset, y + ny * offset))
        strokes[GUILLOCHE_GOLD if strand % 3 == 0 else GUILLOCHE].append(_smooth_closed(points))
    return "\n".join(f"{rgb(color, 'RG')}\n" + "\n".join(paths) + "\nS"
                     for color, paths in strokes.items())


def _rosette() -> str:
    """Return the operators of the watermark: three rings of interlaced lobes, page centre."""
    cx, cy = CENTRE_X, PAGE_HEIGHT / 2 + 4
    paths = []
    for base, depth, lobes, turn in ((150.0, 34.0, 36, 0.0), (116.0, 26.0, 30, 0.5),
                                     (84.0, 18.0, 24, 0.25)):
        for strand in range(3):
            count = lobes * 6
            points = []
            for k in range(count):
                t = 2 * math.pi * k / count
                r = base + depth * math.sin(lobes * t + strand * 2 * math.pi / 3 + turn)
                points.append((cx + r * math.cos(t), cy + 0.9 * r * math.sin(t)))
            paths.append(_smooth_closed(points))
    return "\n".join(paths) + "\nS"


def _round_rect(inset: float, radius: float) -> str:
    """Return the operators of a rounded rectangle *inset* from the page edges."""
    k = 0.5523 * radius  # Bézier approximation of a quarter circle
    x0, y0, x1, y1 = inset, inset, PAGE_WIDTH - inset, PAGE_HEIGHT - inset
    return "\n".join([
        f"{x0 + radius:.2f} {y0:.2f} m", f"{x1 - radius:.2f} {y0:.2f} l",
        f"{x1 - radius + k:.2f} {y0:.2f} {x1:.2f} {y0 + radius - k:.2f} {x1:.2f} {y0 + radius:.2f} c",
        f"{x1:.2f} {y1 - radius:.2f} l",
        f"{x1:.2f} {y1 - radius + k:.2f} {x1 - radius + k:.2f} {y1:.2f} {x1 - radius:.2f} {y1:.2f} c",
        f"{x0 + radius:.2f} {y1:.2f} l",
        f"{x0 + radius - k:.2f} {y1:.2f} {x0:.2f} {y1 - radius + k:.2f} {x0:.2f} {y1 - radius:.2f} c",
        f"{x0:.2f} {y0 + radius:.2f} l",
        f"{x0:.2f} {y0 + radius - k:.2f} {x0 + radius - k:.2f} {y0:.2f} {x0 + radius:.2f} {y0:.2f} c",
        "h",
    ])


def _ornament_rule(y: float, half: float) -> str:
    """Return the operators of a thin gold rule with a diamond in its middle, page-centred."""
    cx = CENTRE_X
    return (f"{rgb(GOLD, 'RG')} {rgb(GOLD, 'rg')} 0.8 w\n"
            f"{cx - half:.1f} {y} m {cx - 9:.1f} {y} l {cx + 9:.1f} {y} m {cx + half:.1f} {y} l S\n"
            f"{cx - 6:.1f} {y} m {cx:.1f} {y + 3.5} l {cx + 6:.1f} {y} l {cx:.1f} {y - 3.5} l f")


@functools.cache
def background_form() -> PreparedForm:
    """Build, once per process, the vector background every certificate shares."""
    ops = [
        "q", rgb(PAPER, "rg"), f"0 0 {PAGE_WIDTH:.2f} {PAGE_HEIGHT:.2f} re f",
        rgb(WATERMARK, "RG"), "0.5 w", _rosette(),
        "0.45 w", _guilloche_band(),
        rgb(NAVY, "RG"), "2.4 w", _round_rect(14, 10), "S",
        "0.6 w", _round_rect(19, 7), "S",
        "1.2 w", _round_rect(48, 6), "S",
        rgb(GOLD, "RG"), "0.5 w", _round_rect(52, 4), "S",
        _ornament_rule(TITLE_RULE_Y, 150), _ornament_rule(NAME_RULE_Y, 170),
        rgb(RULE, "RG"), "0.4 w",
    ]
    for y in ROWS[1:]:
        ops.append(f"{LEFT_X} {y + 21} m {LEFT_X + 334} {y + 21} l "
                   f"{RIGHT_X} {y + 21} m {RIGHT_X + 290} {y + 21} l S")
    ops.append(f"{rgb(MUTED, 'RG')} 0.6 w {SIGN_X - 95:.1f} 124 m {SIGN_X + 95:.1f} 124 l S")
    ops.append("Q")
    content = "\n".join(ops).encode("ascii")
    return PreparedForm(zlib.compress(content, 9), (0, 0, PAGE_WIDTH, PAGE_HEIGHT))
