"""Draw the certificate's default logo and the SAMPLE seal and signature used in demos and tests.

Run by a developer when the designs change; the PNGs are committed::

    python tools/make_certificate_images.py

- ``certificate-logo.png``: the default examining-body logo, used when the configuration names
  none (a neutral emblem: a ring and a small network of nodes; no words).
- ``certificate-seal-sample.png``: a red round seal that reads 样章 / SAMPLE.  It is for demos,
  tests and the benchmark only; a real examining body configures its own seal image.
- ``certificate-signature-sample.png``: a pen-like flourish, likewise for demos only.

Everything is drawn four times larger and scaled down, which anti-aliases the edges.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

HERE = Path(__file__).resolve().parents[1] / "certify" / "static" / "img"
FONT = HERE.parent / "fonts" / "WenQuanYiMicroHei-certify.ttf"
NAVY = (31, 58, 95, 255)
GOLD = (184, 137, 59, 255)
RED = (200, 16, 46, 235)
INK = (26, 42, 108, 255)
SCALE = 4


def _finish(image: Image.Image, size: tuple[int, int], path: Path) -> None:
    """Scale *image* down to *size* and save it as an optimised PNG."""
    image.resize(size, Image.Resampling.LANCZOS).save(path, optimize=True)
    print(f"{path.name}: {path.stat().st_size:,} bytes")


def _ring(size: int, margin: float, colour: tuple[int, ...], width: float):
    """Start a transparent square of *size* (× SCALE) with a ring *margin* from its edges.

    :return: the side in drawing pixels, the image, its drawing context and the centre.
    """
    s = size * SCALE
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((s * margin, s * margin, s * (1 - margin), s * (1 - margin)), outline=colour,
                 width=int(s * width))
    return s, image, draw, s / 2


def logo(path: Path, size: int = 320) -> None:
    """Draw the default logo: a navy ring, a gold inner ring and a network of seven nodes."""
    s, image, draw, c = _ring(size, 0.02, NAVY, 0.06)
    draw.ellipse((s * 0.12, s * 0.12, s * 0.88, s * 0.88), outline=GOLD, width=int(s * 0.015))
    radius = s * 0.25
    nodes = [(c + radius * math.cos(math.radians(90 + 60 * k)),
              c - radius * math.sin(math.radians(90 + 60 * k))) for k in range(6)]
    line = int(s * 0.018)
    for k, (x, y) in enumerate(nodes):
        nx, ny = nodes[(k + 1) % 6]
        draw.line((x, y, nx, ny), fill=NAVY, width=line)
        draw.line((x, y, c, c), fill=NAVY, width=line)
        ox, oy = nodes[(k + 2) % 6]
        if k % 2 == 0:
            draw.line((x, y, ox, oy), fill=(*NAVY[:3], 140), width=line // 2)
    dot = s * 0.045
    for x, y in nodes:
        draw.ellipse((x - dot, y - dot, x + dot, y + dot), fill=NAVY)
    draw.ellipse((c - dot * 1.6, c - dot * 1.6, c + dot * 1.6, c + dot * 1.6), fill=GOLD)
    _finish(image, (size, size), path)


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    """Return the ten corners of a five-pointed star pointing up."""
    inner = outer * 0.382
    return [(cx + (outer if k % 2 == 0 else inner) * math.sin(math.pi * k / 5),
             cy - (outer if k % 2 == 0 else inner) * math.cos(math.pi * k / 5)) for k in range(10)]


def seal(path: Path, size: int = 360) -> None:
    """Draw a red round SAMPLE seal: ring, star, an arc of characters and a bottom line."""
    s, image, draw, c = _ring(size, 0.03, RED, 0.035)
    draw.polygon(_star(c, c, s * 0.15), fill=RED)
    font = ImageFont.truetype(str(FONT), int(s * 0.11))
    text = "人工智能训练师评价样章"
    span = 220.0  # degrees covered by the arc of characters
    for k, char in enumerate(text):
        angle = -span / 2 + span * k / (len(text) - 1)
        glyph = Image.new("RGBA", (int(s * 0.14), int(s * 0.14)), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), char, font=font,
                                   fill=RED, anchor="mm", stroke_width=int(s * 0.004),
                                   stroke_fill=RED)
        glyph = glyph.rotate(-angle, resample=Image.Resampling.BICUBIC)
        r = s * 0.35
        x = c + r * math.sin(math.radians(angle)) - glyph.width / 2
        y = c - r * math.cos(math.radians(angle)) - glyph.height / 2
        image.alpha_composite(glyph, (int(x), int(y)))
    small = ImageFont.truetype(str(FONT), int(s * 0.075))
    draw.text((c, s * 0.74), "SAMPLE", font=small, fill=RED, anchor="mm",
              stroke_width=int(s * 0.003), stroke_fill=RED)
    _finish(image, (size, size), path)


def signature(path: Path, size: tuple[int, int] = (420, 160)) -> None:
    """Draw a pen flourish: a looping stroke with an underline, in dark blue ink."""
    w, h = size[0] * SCALE, size[1] * SCALE
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    points = []
    for i in range(900):
        t = i / 899
        phase = 2 * math.pi * (4.0 * t + 2.0 * t * t)  # loops tighten towards the end
        envelope = 0.22 * (1.0 - 0.55 * t) * (0.75 + 0.25 * math.sin(9 * t))
        y = h * (0.48 - 0.10 * math.sin(t * math.pi) + envelope * math.cos(phase))
        x = w * (0.05 + 0.78 * t) + w * 0.045 * math.sin(phase) - (y - h / 2) * 0.45
        points.append((x, y))
    draw.line(points, fill=INK, width=int(SCALE * 3.2), joint="curve")
    tail = [(w * (0.10 + 0.82 * t), h * (0.82 - 0.10 * t + 0.05 * math.sin(t * math.pi * 3)))
            for t in (i / 199 for i in range(200))]
    draw.line(tail, fill=INK, width=int(SCALE * 2.4), joint="curve")
    _finish(image, size, path)


if __name__ == "__main__":
    logo(HERE / "certificate-logo.png")
    seal(HERE / "certificate-seal-sample.png")
    signature(HERE / "certificate-signature-sample.png")
