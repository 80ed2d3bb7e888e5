"""Procedural "photograph" rendering shared by the box and OCR generators (numpy + Pillow + scipy only).

A :class:`Scene` is drawn in output-pixel ("world") coordinates on a supersampled canvas with a margin around
the frame, so objects can stick out of the picture (truncation). Every labeled object is drawn between
:meth:`Scene.begin` and :meth:`Scene.end`; each painted pixel remembers its owner (the object drawn last on
it), so after the scene is finished the visible part of every object is known exactly, also under occlusion
and under the camera's perspective warp. :meth:`Scene.finish` applies the camera (perspective, down-sampling,
uneven light, colour cast, blur, sensor noise) and returns the picture and each object's visible box and
visible fraction. :func:`save_jpeg` writes a JPEG under a size budget.

Nothing here draws a particular kind of object; the generators do (gen_bbox_shelf.py, gen_bbox_traffic.py).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

SS = 2  # supersampling factor of the canvas
BACKGROUND, DISTRACTOR = -1, -2

Fill = Callable[[np.ndarray, np.ndarray], np.ndarray] | tuple


class Mask:
    """A boolean mask on the canvas, stored only inside its bounding box (``a`` at canvas offset x0, y0)."""

    __slots__ = ("a", "x0", "y0")

    def __init__(self, x0: int, y0: int, a: np.ndarray):
        self.x0, self.y0, self.a = x0, y0, a

    @property
    def box(self) -> tuple[int, int, int, int]:
        return self.x0, self.y0, self.x0 + self.a.shape[1], self.y0 + self.a.shape[0]

    def any(self) -> bool:
        return bool(self.a.size) and bool(self.a.any())

    def _part(self, box) -> np.ndarray:
        x0, y0, x1, y1 = box
        out = np.zeros((y1 - y0, x1 - x0), bool)
        a0, b0, a1, b1 = self.box
        ix0, iy0, ix1, iy1 = max(x0, a0), max(y0, b0), min(x1, a1), min(y1, b1)
        if ix0 < ix1 and iy0 < iy1:
            out[iy0 - y0 : iy1 - y0, ix0 - x0 : ix1 - x0] = self.a[iy0 - b0 : iy1 - b0, ix0 - a0 : ix1 - a0]
        return out

    def __and__(self, other: Mask) -> Mask:
        a0, b0, a1, b1 = self.box
        c0, d0, c1, d1 = other.box
        box = (max(a0, c0), max(b0, d0), min(a1, c1), min(b1, d1))
        if box[0] >= box[2] or box[1] >= box[3]:
            return Mask(0, 0, np.zeros((0, 0), bool))
        return Mask(box[0], box[1], self._part(box) & other._part(box))

    def __or__(self, other: Mask) -> Mask:
        if not self.a.size:
            return other
        if not other.a.size:
            return self
        a0, b0, a1, b1 = self.box
        c0, d0, c1, d1 = other.box
        box = (min(a0, c0), min(b0, d0), max(a1, c1), max(b1, d1))
        return Mask(box[0], box[1], self._part(box) | other._part(box))


def fractal_noise(
    rng: np.random.Generator, h: int, w: int, cell: float = 32, octaves: int = 4, persistence: float = 0.5
) -> np.ndarray:
    """Smooth value noise in about [-1, 1] of shape (h, w); ``cell``: the coarsest feature size in pixels."""
    out = np.zeros((h, w), np.float32)
    amp, total = 1.0, 0.0
    for _ in range(octaves):
        gh, gw = max(2, int(h / cell) + 2), max(2, int(w / cell) + 2)
        grid = Image.fromarray(rng.uniform(-1, 1, (gh, gw)).astype(np.float32), mode="F")
        out += amp * np.asarray(grid.resize((w, h), Image.BICUBIC), np.float32)
        total += amp
        amp *= persistence
        cell /= 2
    return np.clip(out / total * 1.6, -1, 1)


def lighter(c, f=0.5):
    return tuple(int(v + (255 - v) * f) for v in c)


def darker(c, f=0.6):
    return tuple(int(v * f) for v in c)


def font(path: str, size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(6, round(size)))


class Scene:
    """A supersampled canvas with per-pixel owners; see the module docstring."""

    def __init__(self, w: int, h: int, margin: int, rng: np.random.Generator):
        self.w, self.h, self.m, self.rng = w, h, margin, rng
        self.cw, self.ch = (w + 2 * margin) * SS, (h + 2 * margin) * SS
        self.rgb = np.zeros((self.ch, self.cw, 3), np.float32)
        self.owner = np.full((self.ch, self.cw), BACKGROUND, np.int32)
        self.labels: dict[int, str] = {}
        self.area: dict[int, int] = {}
        self._current: int | None = None
        self._union: np.ndarray | None = None

    # coordinates ---------------------------------------------------------------------------------
    def c(self, x: float, y: float) -> tuple[float, float]:
        """World (output pixel) coordinates to canvas coordinates."""
        return (x + self.m) * SS, (y + self.m) * SS

    def grid(self, box) -> tuple[np.ndarray, np.ndarray, tuple[slice, slice]]:
        """World coordinate grids (X, Y) of the canvas pixels inside a canvas-space box, and its slices."""
        x0, y0, x1, y1 = box
        xs = (np.arange(x0, x1) + 0.5) / SS - self.m
        ys = (np.arange(y0, y1) + 0.5) / SS - self.m
        X, Y = np.meshgrid(xs, ys)
        return X.astype(np.float32), Y.astype(np.float32), (slice(y0, y1), slice(x0, x1))

    # masks -----------------------------------------------------------------------------------------
    def mask(self, draw: Callable[[ImageDraw.ImageDraw, Callable], None]) -> Mask:
        """A canvas mask drawn by ``draw(d, c)`` where ``c`` maps world to canvas coordinates."""
        img = Image.new("1", (self.cw, self.ch), 0)
        draw(ImageDraw.Draw(img), self.c)
        box = img.getbbox()
        if box is None:
            return Mask(0, 0, np.zeros((0, 0), bool))
        return Mask(box[0], box[1], np.array(img.crop(box), bool))

    def full(self, a: np.ndarray) -> Mask:
        """A whole-canvas boolean array as a Mask."""
        return Mask(0, 0, a)

    def poly(self, pts) -> Mask:
        return self.mask(lambda d, c: d.polygon([c(*p) for p in pts], fill=1))

    def ellipse(self, x0, y0, x1, y1) -> Mask:
        return self.mask(lambda d, c: d.ellipse([*c(x0, y0), *c(x1, y1)], fill=1))

    def rect(self, x0, y0, x1, y1, radius: float = 0) -> Mask:
        if radius:
            return self.mask(
                lambda d, c: d.rounded_rectangle([*c(x0, y0), *c(x1, y1)], radius=radius * SS, fill=1)
            )
        return self.mask(lambda d, c: d.rectangle([*c(x0, y0), *c(x1, y1)], fill=1))

    # painting --------------------------------------------------------------------------------------
    def begin(self, label: str) -> int:
        oid = len(self.labels)
        self.labels[oid] = label
        self._current = oid
        self._union = np.zeros((self.ch, self.cw), bool)
        return oid

    def end(self) -> None:
        self.area[self._current] = int(self._union.sum())
        self._current, self._union = None, None

    def paint(self, mask: Mask, fill: Fill, owner: int | None = None, alpha: float = 1.0) -> None:
        """Paint ``fill`` (an RGB tuple or ``fill(X, Y) -> (h, w, 3)``) where ``mask`` is set.

        The owner is the object being drawn (between begin and end), else ``owner`` (default: the pixels
        become a distractor's, i.e. they hide what is behind them but are not labeled). With ``alpha`` < 1
        the paint is translucent and the owner does not change (shadows, glare, dirt).
        """
        if not mask.any():
            return
        X, Y, sl = self.grid(mask.box)
        m = mask.a
        if callable(fill):
            colour = np.asarray(fill(X, Y), np.float32)
            if colour.ndim == 1:
                colour = np.broadcast_to(colour, (*X.shape, 3))
        else:
            colour = np.broadcast_to(np.asarray(fill, np.float32), (*X.shape, 3))
        region = self.rgb[sl]
        if alpha >= 1:
            region[m] = colour[m]
            if self._current is not None:
                self.owner[sl][m] = self._current
                self._union[sl] |= m
            else:
                self.owner[sl][m] = DISTRACTOR if owner is None else owner
        else:
            region[m] = region[m] * (1 - alpha) + colour[m] * alpha

    def shade(self, mask: Mask, factor: float | Callable) -> None:
        """Multiply the colour under ``mask`` (shadows, light falloff); owners do not change."""
        if not mask.any():
            return
        X, Y, sl = self.grid(mask.box)
        f = factor(X, Y) if callable(factor) else np.full(X.shape, factor, np.float32)
        m = mask.a
        sub = self.rgb[sl]
        sub[m] *= f[m][:, None] if f.ndim == 2 else f[m]

    def soft_shadow(self, mask: Mask, strength: float, blur: float) -> None:
        """Darken the canvas under a blurred copy of ``mask`` (a cast shadow; owners do not change)."""
        if not mask.any() or strength <= 0:
            return
        pad = int(3 * blur * SS) + 2
        bx0, by0, bx1, by1 = mask.box
        y0, y1 = max(0, by0 - pad), min(self.ch, by1 + pad)
        x0, x1 = max(0, bx0 - pad), min(self.cw, bx1 + pad)
        soft = ndimage.gaussian_filter(mask._part((x0, y0, x1, y1)).astype(np.float32), blur * SS)
        self.rgb[y0:y1, x0:x1] *= (1 - strength * soft)[..., None]

    def text(
        self,
        xy,
        s: str,
        fnt: ImageFont.FreeTypeFont,
        fill,
        anchor="mm",
        owner: int | None = None,
        clip: Mask | None = None,
    ) -> None:
        """Text painted in world coordinates; ``fnt`` is sized in world pixels (scaled here).

        ``clip``: a mask the text may not leave (print on a product stays on the product).
        """
        big = fnt.font_variant(size=int(fnt.size * SS))
        mask = self.mask(lambda d, c: d.text(c(*xy), s, font=big, fill=1, anchor=anchor))
        if clip is not None:
            mask = mask & clip
        self.paint(mask, fill, owner=owner)

    # the camera ------------------------------------------------------------------------------------
    def finish(
        self,
        rng: np.random.Generator,
        *,
        tilt: float = 0.03,
        blur: float = 0.6,
        motion: float = 0.0,
        noise: float = 4.0,
        light: float = 0.25,
        vignette: float = 0.3,
        cast: float = 0.06,
    ) -> tuple[Image.Image, dict[int, dict]]:
        """Photograph the scene; returns the picture and, per labeled object, its visible box and fraction.

        ``tilt``: corner jitter of the perspective warp (fraction of the frame); ``blur`` Gaussian sigma and
        ``motion`` motion-blur length in output pixels; ``noise`` sensor noise sigma (0–255 scale);
        ``light`` strength of the uneven illumination; ``vignette`` darkening of the corners; ``cast`` colour
        cast strength. The box of an object is the bounding box of the output pixels at least half covered
        by its visible part; ``visible`` is that part's canvas area over the object's whole drawn area.
        """
        w, h, m = self.w, self.h, self.m
        # perspective: output frame corners map to jittered canvas points
        jit = rng.uniform(-tilt, tilt, (4, 2)) * np.array([w, h])
        dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], float)
        src = (dst + jit + m) * SS
        coeffs = _perspective_coeffs(dst * SS, src)
        size = (w * SS, h * SS)
        img = Image.fromarray(np.clip(self.rgb, 0, 255).astype(np.uint8))
        img = img.transform(size, Image.PERSPECTIVE, coeffs, Image.BICUBIC)
        owner = Image.fromarray(self.owner).transform(
            size, Image.PERSPECTIVE, coeffs, Image.NEAREST, fillcolor=BACKGROUND
        )
        owner = np.asarray(owner, np.int32)
        objects: dict[int, dict] = {}
        lab = np.where(owner >= 0, owner + 1, 0)
        counts = np.bincount(lab.ravel(), minlength=len(self.labels) + 1)
        where = ndimage.find_objects(lab, max_label=len(self.labels))
        for oid, label in self.labels.items():
            box = None
            sl = where[oid] if oid < len(where) else None
            if sl is not None:  # output pixels at least half covered, looked for inside the object's slice
                y0, x0 = sl[0].start // SS, sl[1].start // SS
                y1, x1 = -(-sl[0].stop // SS), -(-sl[1].stop // SS)
                vis = owner[y0 * SS : y1 * SS, x0 * SS : x1 * SS] == oid
                cover = vis.reshape(y1 - y0, SS, x1 - x0, SS).mean(axis=(1, 3)) >= 0.5
                ys, xs = np.nonzero(cover)
                if len(xs):
                    box = [
                        int(x0 + xs.min()),
                        int(y0 + ys.min()),
                        int(xs.max() - xs.min() + 1),
                        int(ys.max() - ys.min() + 1),
                    ]
            n = int(counts[oid + 1])
            objects[oid] = {"label": label, "box": box, "visible": n / max(1, self.area.get(oid, 0))}
        out = np.asarray(img.resize((w, h), Image.LANCZOS), np.float32)
        # uneven light, vignette, colour cast
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        r = np.hypot((xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2)) / np.sqrt(2)
        gain = 1 + light * fractal_noise(rng, h, w, cell=w / 2, octaves=2) - vignette * r**2
        out *= gain[..., None]
        out *= 1 + rng.uniform(-cast, cast, 3)
        if motion > 0.5:
            angle = rng.uniform(0, 180)
            k = _motion_kernel(motion, angle)
            out = np.stack([ndimage.convolve(out[..., i], k, mode="nearest") for i in range(3)], axis=-1)
        if blur > 0:
            out = ndimage.gaussian_filter(out, (blur, blur, 0))
        # sensor noise: signal-dependent luminance noise plus a little chroma noise
        lum = rng.normal(0, 1, (h, w, 1)) * noise * (0.5 + np.sqrt(np.clip(out, 0, 255) / 255))
        out = out + lum + rng.normal(0, noise * 0.35, out.shape)
        return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)), objects


def _perspective_coeffs(dst: np.ndarray, src: np.ndarray) -> list[float]:
    """Coefficients for Image.transform(PERSPECTIVE) mapping output points ``dst`` to input points ``src``."""
    rows, rhs = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        rhs += [u, v]
    return list(np.linalg.solve(np.array(rows, float), np.array(rhs, float)))


def _motion_kernel(length: float, angle: float) -> np.ndarray:
    n = int(np.ceil(length)) | 1
    k = np.zeros((n, n), np.float32)
    c = n // 2
    t = np.deg2rad(angle)
    for s in np.linspace(-length / 2, length / 2, 4 * n):
        k[round(c + s * np.sin(t)), round(c + s * np.cos(t))] = 1
    return k / k.sum()


def save_jpeg(img: Image.Image, path: Path, quality: int, max_bytes: int) -> int:
    """Save as JPEG at ``quality``, lowered until the file is at most ``max_bytes``; return the quality."""
    while True:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=quality, optimize=True, progressive=False)
        if buf.tell() <= max_bytes or quality <= 40:
            path.write_bytes(buf.getvalue())
            return quality
        quality -= 5
