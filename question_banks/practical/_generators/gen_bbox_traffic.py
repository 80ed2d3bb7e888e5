"""L4-bbox-traffic: 40 photo-like dash-camera street scenes (640x480 JPEG), tight boxes of the visible part.

Rendered procedurally with _photo.Scene (numpy + Pillow + scipy, fixed seed) in true perspective: a pinhole
camera 1.4 m above the road looks along a street; the road, lane markings, kerbs, pavements, building facades
(with windows and shop fronts), trees, lamp posts and every object are placed in metres and projected, so far
objects are small and near ones large. Cars (rear or front view, shaded bodies, glass, lights, number plates,
cast shadows), pedestrians (shaded clothes, arms and legs, shadows) and traffic signs (speed limit, warning,
mandatory, parking; the face only, the pole is a distractor) are labeled; traffic lights, billboards showing a
car or a person, trees and street furniture are not. Day, overcast and dusk light; then a camera (perspective
tilt, uneven light, vignette, colour cast, blur or motion blur, sensor noise, JPEG).

Gold: each labeled object is drawn between Scene.begin/end, far to near, so its visible pixels are known after
occlusion, truncation and the warp. Labeled: at least 30 % visible and a visible box at least 12 px tall (the
instructions' rules). Objects between 20 % and 45 % visible, or between 9 and 16 px tall, are removed from the
plan and the scene re-rendered, so no case sits on a rule's edge.

Each record is planted with one rule case (gold "rule_case"), or none; "difficulty" 1-5 is the quintile of a
score made of box count, occlusion, small boxes, blur, noise and darkness.

Run: .venv/bin/python question_banks/practical/_generators/gen_bbox_traffic.py
"""

from __future__ import annotations

import random

import numpy as np
from _common import difficulty_levels, fresh_media_dir, write_task
from _photo import Scene, darker, font, fractal_noise, save_jpeg

REF = "L4-bbox-traffic"
W, H, MARGIN = 640, 480, 110
SEED = 777
COUNT = 40
MAX_BYTES = 115_000
F, CAM_H = 520.0, 1.4
SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
LATIN = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
LABEL_AT, HIDDEN_BELOW, CLEAR_ABOVE = 0.30, 0.20, 0.45
MIN_H, SMALL_MAX, CLEAR_H = 12, 9, 16
CASES = [
    "occluded_visible_part",
    "edge_truncated",
    "hidden_over_70",
    "too_small",
    "picture_not_object",
    "traffic_light_not_sign",
    "group_separate",
]
CAR_COLOURS = [
    (200, 30, 40),
    (30, 60, 150),
    (235, 235, 235),
    (30, 30, 35),
    (120, 125, 130),
    (230, 180, 30),
    (40, 110, 70),
    (170, 175, 180),
    (90, 40, 30),
    (240, 240, 245),
]
SHIRTS = [
    (200, 60, 60),
    (60, 90, 180),
    (240, 200, 60),
    (60, 150, 90),
    (150, 80, 160),
    (230, 130, 40),
    (240, 240, 240),
    (40, 40, 45),
    (120, 160, 200),
]
TROUSERS = [(40, 40, 60), (70, 70, 80), (40, 60, 110), (110, 80, 50), (30, 30, 30), (150, 140, 120)]
SKIN = [(235, 195, 165), (210, 165, 125), (180, 130, 95)]


class Cam:
    def __init__(self, horizon: float, vx: float):
        self.hy, self.vx = horizon, vx

    def p(self, X: float, Y: float, Z: float) -> tuple[float, float]:
        """Project a point X metres right, Y metres up (from the road), Z metres ahead."""
        return self.vx + F * X / Z, self.hy + F * (CAM_H - Y) / Z

    def s(self, Z: float) -> float:
        return F / Z


def vgrad(base, y0, y1, top=1.15, bottom=0.75):
    base = np.asarray(base, np.float32)

    def fill(X, Y):
        t = np.clip((Y - y0) / max(1e-3, y1 - y0), 0, 1)
        return base * (top + (bottom - top) * t)[..., None]

    return fill


# -- objects -------------------------------------------------------------------------------------------


def draw_car(sc: Scene, cam: Cam, o: dict, label=True, sun=0.0):
    X, Z, col, front = o["X"], o["Z"], o["colour"], o["front"]
    s = cam.s(Z)
    cx, base = cam.p(X, 0, Z)
    w, hb, hc = 1.8 * s, 0.75 * s, 0.62 * s
    x0, x1 = cx - w / 2, cx + w / 2
    belt = base - 0.25 * s - hb
    sc.soft_shadow(
        sc.ellipse(x0 - 0.1 * s + sun * s, base - 0.12 * s, x1 + 0.1 * s + sun * s, base + 0.1 * s),
        0.6,
        max(1, 0.08 * s),
    )
    if label:
        sc.begin("car")
    wheels = sc.rect(x0 + 0.05 * s, base - 0.35 * s, x0 + 0.3 * s, base) | sc.rect(
        x1 - 0.3 * s, base - 0.35 * s, x1 - 0.05 * s, base
    )
    sc.paint(wheels, (22, 22, 24))
    body = sc.rect(x0, belt, x1, base - 0.18 * s, radius=0.12 * s)
    sc.paint(body, vgrad(col, belt, base, 1.1, 0.7))
    cabin = sc.poly(
        [
            (x0 + 0.12 * s, belt + 1),
            (x0 + 0.3 * s, belt - hc),
            (x1 - 0.3 * s, belt - hc),
            (x1 - 0.12 * s, belt + 1),
        ]
    )
    sc.paint(cabin, vgrad(col, belt - hc, belt, 1.2, 0.95))
    glass = sc.poly(
        [
            (x0 + 0.2 * s, belt - 0.03 * s),
            (x0 + 0.34 * s, belt - hc + 0.07 * s),
            (x1 - 0.34 * s, belt - hc + 0.07 * s),
            (x1 - 0.2 * s, belt - 0.03 * s),
        ]
    )
    sky = np.array([150, 175, 200], np.float32)
    sc.paint(
        glass,
        lambda Xg, Yg: (
            40
            + (sky - 40)[None, None, :]
            * np.clip(0.6 - (Yg - belt + hc) / hc + 0.15 * np.sin((Xg - Yg) / (0.2 * s + 1)), 0, 1)[..., None]
        ),
    )
    lamp = (250, 240, 200) if front else (200, 20, 25)
    for lx in (x0 + 0.08 * s, x1 - 0.32 * s):
        sc.paint(sc.rect(lx, belt + 0.1 * s, lx + 0.24 * s, belt + 0.24 * s, radius=0.04 * s), lamp)
    if s > 12:
        plate = sc.rect(cx - 0.22 * s, belt + 0.32 * s, cx + 0.22 * s, belt + 0.46 * s)
        sc.paint(plate, (30, 60, 170) if o["plate"] == "blue" else (40, 170, 80))
        if s > 30:
            sc.text((cx, belt + 0.39 * s), o["plate_text"], font(SANS, 0.1 * s), (245, 245, 245), clip=plate)
    if front:
        sc.paint(sc.rect(cx - 0.35 * s, belt + 0.12 * s, cx + 0.35 * s, belt + 0.26 * s), (35, 35, 38))
    if label:
        sc.end()


def draw_person(sc: Scene, cam: Cam, o: dict, label=True, sun=0.0):
    X, Z = o["X"], o["Z"]
    s = cam.s(Z)
    cx, base = cam.p(X, 0, Z)
    h = o["height"] * s
    sc.soft_shadow(
        sc.ellipse(
            cx - 0.25 * s + sun * s * 0.6, base - 0.05 * s, cx + 0.3 * s + sun * s * 1.2, base + 0.06 * s
        ),
        0.5,
        max(1, 0.05 * s),
    )
    if label:
        sc.begin("pedestrian")
    hr = 0.115 * s
    hip = base - 0.48 * h
    neck = base - h + 2 * hr
    tw = 0.42 * s
    step = o["step"] * s
    lw = 0.14 * s
    for sgn in (-1, 1):  # legs
        hx = cx + sgn * tw * 0.22
        fx = hx + sgn * step
        sc.paint(
            sc.poly(
                [
                    (hx - lw / 2, hip),
                    (hx + lw / 2, hip),
                    (fx + lw / 2, base - 0.06 * s),
                    (fx - lw / 2, base - 0.06 * s),
                ]
            ),
            vgrad(o["trousers"], hip, base, 1.05, 0.8),
        )
        sc.paint(sc.rect(fx - lw / 2 - 0.02 * s, base - 0.07 * s, fx + lw / 2 + 0.05 * s, base), (25, 25, 25))
    torso = sc.rect(cx - tw / 2, neck + 0.02 * s, cx + tw / 2, hip + 0.04 * s, radius=0.06 * s)
    sc.paint(
        torso,
        lambda Xt, Yt: (
            np.asarray(o["shirt"], np.float32)
            * (0.8 + 0.35 * np.clip(1 - np.abs(Xt - cx + 0.1 * tw) / tw, 0, 1))[..., None]
        ),
    )
    aw = 0.09 * s
    for sgn in (-1, 1):  # arms
        sx = cx + sgn * (tw / 2 - aw * 0.3)
        hx = sx + sgn * o["arm"] * s
        sc.paint(
            sc.poly(
                [
                    (sx - aw / 2, neck + 0.05 * s),
                    (sx + aw / 2, neck + 0.05 * s),
                    (hx + aw / 2, hip + 0.02 * s),
                    (hx - aw / 2, hip + 0.02 * s),
                ]
            ),
            darker(o["shirt"], 0.85),
        )
        sc.paint(sc.ellipse(hx - aw * 0.6, hip - 0.01 * s, hx + aw * 0.6, hip + 0.1 * s), o["skin"])
    sc.paint(sc.ellipse(cx - hr * 0.85, base - h, cx + hr * 0.85, base - h + 2 * hr), o["skin"])
    sc.paint(sc.ellipse(cx - hr * 0.9, base - h - 0.01 * s, cx + hr * 0.9, base - h + hr * 0.9), o["hair"])
    if o.get("bag") and s > 8:
        bx = cx + tw / 2
        sc.paint(
            sc.rect(bx - 0.02 * s, hip - 0.28 * s, bx + 0.2 * s, hip - 0.02 * s, radius=0.03 * s), o["bag"]
        )
    if label:
        sc.end()


def draw_sign(sc: Scene, cam: Cam, o: dict, label=True, sun=0.0):
    X, Z, kind = o["X"], o["Z"], o["kind"]
    s = cam.s(Z)
    size = o["size"] * s
    cx, cy = cam.p(X, o["mount"], Z)
    _, ground = cam.p(X, 0, Z)
    pole = sc.rect(cx - 0.04 * s, cy, cx + 0.04 * s, ground)
    sc.paint(pole, vgrad((140, 140, 145), cy, ground, 1.1, 0.8))
    sc.soft_shadow(sc.rect(cx + 0.02 * s, cy - size / 2, cx + 0.2 * s, ground), 0.0, 1)
    if label:
        sc.begin("traffic_sign")
    x0, y0, x1, y1 = cx - size / 2, cy - size / 2, cx + size / 2, cy + size / 2
    if kind == "warning":
        outer = sc.poly([(cx, y0), (x1, y1 - size * 0.12), (x0, y1 - size * 0.12)])
        sc.paint(outer, (25, 25, 25))
        inner = sc.poly(
            [
                (cx, y0 + size * 0.16),
                (x1 - size * 0.13, y1 - size * 0.19),
                (x0 + size * 0.13, y1 - size * 0.19),
            ]
        )
        sc.paint(inner, vgrad((245, 200, 30), y0, y1, 1.05, 0.9))
        sc.text((cx, cy + size * 0.1), "!", font(LATIN, size * 0.42), (20, 20, 20), clip=inner)
    elif kind == "parking":
        face = sc.rect(x0, y0, x1, y1, radius=size * 0.08)
        sc.paint(face, vgrad((30, 80, 180), y0, y1, 1.1, 0.85))
        sc.text((cx, cy), "P", font(LATIN, size * 0.7), (245, 245, 245), clip=face)
    else:
        face = sc.ellipse(x0, y0, x1, y1)
        if kind == "limit":
            sc.paint(face, (200, 25, 30))
            inner = sc.ellipse(x0 + size * 0.12, y0 + size * 0.12, x1 - size * 0.12, y1 - size * 0.12)
            sc.paint(inner, vgrad((245, 245, 240), y0, y1, 1.05, 0.9))
            sc.text((cx, cy), o["number"], font(LATIN, size * 0.36), (20, 20, 20), clip=inner)
        else:
            sc.paint(face, vgrad((30, 80, 180), y0, y1, 1.1, 0.85))
            sc.paint(
                sc.poly(
                    [
                        (cx, y0 + size * 0.18),
                        (cx + size * 0.2, cy - size * 0.02),
                        (cx + size * 0.07, cy - size * 0.02),
                        (cx + size * 0.07, y1 - size * 0.18),
                        (cx - size * 0.07, y1 - size * 0.18),
                        (cx - size * 0.07, cy - size * 0.02),
                        (cx - size * 0.2, cy - size * 0.02),
                    ]
                ),
                (245, 245, 245),
            )
    if label:
        sc.end()


def draw_light(sc: Scene, cam: Cam, o: dict, sun=0.0):
    """A traffic light on a pole (a distractor: not a traffic sign)."""
    X, Z = o["X"], o["Z"]
    s = cam.s(Z)
    cx, top = cam.p(X, 3.4, Z)
    _, ground = cam.p(X, 0, Z)
    sc.paint(sc.rect(cx - 0.05 * s, top, cx + 0.05 * s, ground), (90, 92, 95))
    bw, bh = 0.34 * s, 0.95 * s
    sc.paint(sc.rect(cx - bw / 2, top - bh, cx + bw / 2, top, radius=0.05 * s), (28, 28, 30))
    lit = o["lit"]
    for i, col in enumerate([(230, 40, 40), (240, 180, 30), (40, 200, 90)]):
        ly = top - bh + (i + 0.5) * bh / 3
        c = col if i == lit else darker(col, 0.3)
        sc.paint(sc.ellipse(cx - bw * 0.32, ly - bw * 0.32, cx + bw * 0.32, ly + bw * 0.32), c)


DRAW = {"car": draw_car, "pedestrian": draw_person, "traffic_sign": draw_sign}


# -- planning ------------------------------------------------------------------------------------------


def new_car(rng, X, Z, front=False):
    return {
        "type": "car",
        "X": X,
        "Z": Z,
        "colour": rng.choice(CAR_COLOURS),
        "front": front,
        "plate": rng.choice(["blue", "blue", "green"]),
        "plate_text": rng.choice("京沪粤浙苏川鄂湘")
        + rng.choice("ABCDEFG")
        + "·"
        + "".join(rng.choice("0123456789ABCDEFGHJK") for _ in range(5)),
    }


def new_person(rng, X, Z):
    return {
        "type": "pedestrian",
        "X": X,
        "Z": Z,
        "height": rng.uniform(1.55, 1.88),
        "shirt": rng.choice(SHIRTS),
        "trousers": rng.choice(TROUSERS),
        "skin": rng.choice(SKIN),
        "hair": rng.choice([(20, 18, 16), (50, 35, 25), (90, 70, 50), (160, 160, 160)]),
        "step": rng.uniform(0.0, 0.16),
        "arm": rng.uniform(0.02, 0.12),
        "bag": rng.choice([None, None, (110, 60, 30), (30, 30, 30), (180, 40, 60)]),
    }


def new_sign(rng, X, Z):
    return {
        "type": "traffic_sign",
        "X": X,
        "Z": Z,
        "kind": rng.choice(["limit", "warning", "mandatory", "parking"]),
        "size": rng.uniform(0.6, 0.85),
        "mount": rng.uniform(2.2, 2.8),
        "number": rng.choice(["30", "40", "50", "60", "80"]),
    }


def plan(rng: random.Random, case: str | None) -> dict:
    lanes = rng.choice([2, 3])
    half = lanes * 3.5 / 2
    scene = {
        "horizon": rng.uniform(185, 250),
        "vx": rng.uniform(250, 390),
        "lanes": lanes,
        "half": half,
        "cam_x": rng.uniform(-half + 1.8, half - 1.8),
        "light": rng.choice(["day", "day", "overcast", "dusk"]),
        "sun": rng.uniform(-0.6, 0.6),
        "objects": [],
        "lights": [],
        "billboards": [],
        "trees": [],
        "zebra": rng.random() < 0.4,
        "seed": rng.randint(0, 2**31),
    }
    cam_x = scene["cam_x"]
    objs = scene["objects"]
    lane_xs = [-half + 1.75 + 3.5 * i - cam_x for i in range(lanes)]
    for _ in range(rng.randint(2, 5)):
        lx = rng.choice(lane_xs)
        objs.append(
            new_car(rng, lx + rng.uniform(-0.4, 0.4), rng.uniform(6, 35), front=lx < -1 and lanes == 3)
        )
    for _ in range(rng.randint(0, 3)):  # parked cars by the kerb
        side = rng.choice([-1, 1])
        objs.append(new_car(rng, side * (half + 1.0) - cam_x, rng.uniform(6, 30)))
    for _ in range(rng.randint(1, 6)):
        side = rng.choice([-1, 1])
        objs.append(new_person(rng, side * rng.uniform(half + 2.2, half + 5) - cam_x, rng.uniform(5, 30)))
    if scene["zebra"] and rng.random() < 0.6:  # people on the crossing
        for _ in range(rng.randint(1, 3)):
            objs.append(new_person(rng, rng.uniform(-half, half) - cam_x, rng.uniform(9, 14)))
    for _ in range(rng.randint(0, 2)):
        side = rng.choice([-1, 1])
        objs.append(new_sign(rng, side * (half + 1.6) - cam_x, rng.uniform(6, 18)))
    if case == "occluded_visible_part":
        car = objs[0]
        objs.append(new_person(rng, car["X"] + rng.uniform(-0.7, 0.7), car["Z"] + rng.uniform(1.5, 4)))
    elif case == "hidden_over_70":
        car = objs[0]
        objs.append(new_person(rng, car["X"] + rng.uniform(-0.3, 0.3), car["Z"] + rng.uniform(0.8, 2)))
    elif case == "too_small":
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.5:
                objs.append(new_car(rng, rng.choice(lane_xs), rng.uniform(95, 160)))
            else:
                objs.append(new_person(rng, rng.choice([-1, 1]) * (half + 3) - cam_x, rng.uniform(100, 160)))
    elif case == "edge_truncated":
        side = rng.choice([-1, 1])
        Z = rng.uniform(7, 14)
        objs.append(new_car(rng, side * (half + 1.0) - cam_x, Z))
    elif case == "group_separate":
        side = rng.choice([-1, 1])
        X, Z = side * rng.uniform(half + 2.5, half + 4) - cam_x, rng.uniform(8, 22)
        objs.append(new_person(rng, X, Z))
        objs.append(new_person(rng, X + rng.uniform(0.42, 0.55), Z + rng.uniform(-0.2, 0.2)))
    if case == "traffic_light_not_sign" or rng.random() < 0.3:
        scene["lights"].append(
            {
                "X": rng.choice([-1, 1]) * (half + 1.3) - cam_x,
                "Z": rng.uniform(10, 30),
                "lit": rng.randint(0, 2),
            }
        )
    if case == "picture_not_object" or rng.random() < 0.15:
        scene["billboards"].append(
            {
                "side": rng.choice([-1, 1]),
                "Z": rng.uniform(14, 30),
                "what": rng.choice(["car", "pedestrian"]),
                "seed": rng.randint(0, 2**31),
            }
        )
    for _ in range(rng.randint(0, 4)):
        scene["trees"].append(
            (rng.choice([-1, 1]) * (half + rng.uniform(5.5, 6.5)) - cam_x, rng.uniform(8, 70))
        )
    return scene


# -- rendering -----------------------------------------------------------------------------------------


def render(spec: dict, drop: set[int]) -> tuple[Scene, list[int]]:
    nrng = np.random.default_rng(spec["seed"])
    sc = Scene(W, H, MARGIN, nrng)
    cam = Cam(spec["horizon"], spec["vx"])
    half, cam_x, hy = spec["half"], spec["cam_x"], spec["horizon"]
    ch, cw = sc.ch, sc.cw
    light = spec["light"]
    sky_top = {"day": (95, 145, 210), "overcast": (175, 180, 188), "dusk": (60, 70, 110)}[light]
    sky_low = {"day": (190, 215, 235), "overcast": (210, 212, 215), "dusk": (235, 150, 100)}[light]
    clouds = fractal_noise(nrng, ch, cw, cell=300)
    yy = (np.arange(ch, dtype=np.float32) / 2 - MARGIN)[:, None]
    t = np.clip((yy + MARGIN) / (hy + MARGIN), 0, 1)
    sky = (
        np.asarray(sky_top, np.float32) * (1 - t[..., None]) + np.asarray(sky_low, np.float32) * t[..., None]
    )
    sc.rgb[:] = sky + (np.clip(clouds, 0, 1) * 50)[..., None]
    # ground: pavements, road with asphalt texture, kerbs
    far, near = 400.0, 1.2
    asphalt = fractal_noise(nrng, ch, cw, cell=6, octaves=3)
    tone = {"day": 1.0, "overcast": 0.9, "dusk": 0.6}[light]

    def ground(xl, xr, colour, amount):
        pts = [cam.p(xl, 0, far), cam.p(xr, 0, far), cam.p(xr, 0, near), cam.p(xl, 0, near)]
        base = np.asarray(colour, np.float32) * tone
        sc.paint(
            sc.poly(pts),
            lambda X, Y: (
                base
                * (
                    1
                    + amount
                    * asphalt[
                        np.clip(((Y + MARGIN) * 2).astype(int), 0, ch - 1),
                        np.clip(((X + MARGIN) * 2).astype(int), 0, cw - 1),
                    ]
                )[..., None]
            ),
            owner=-1,
        )

    ground(-60 - cam_x, 60 - cam_x, (150, 148, 140), 0.12)  # pavement
    ground(-half - cam_x, half - cam_x, (82, 84, 88), 0.18)  # road
    for side in (-1, 1):
        x = side * half - cam_x
        ground(x - 0.15, x + 0.15, (200, 200, 195), 0.05)
    for i in range(1, spec["lanes"]):  # dashed lane lines
        x = -half + 3.5 * i - cam_x
        z = 3.0 + nrng.uniform(0, 6)
        while z < 150:
            pts = [
                cam.p(x - 0.07, 0, z + 3),
                cam.p(x + 0.07, 0, z + 3),
                cam.p(x + 0.07, 0, z),
                cam.p(x - 0.07, 0, z),
            ]
            sc.paint(sc.poly(pts), (225 * tone, 225 * tone, 220 * tone), owner=-1)
            z += 9
    if spec["zebra"]:
        z0 = nrng.uniform(9, 20)
        x = -half - cam_x
        while x < half - cam_x:
            pts = [cam.p(x, 0, z0 + 4), cam.p(x + 0.45, 0, z0 + 4), cam.p(x + 0.45, 0, z0), cam.p(x, 0, z0)]
            sc.paint(sc.poly(pts), (230 * tone, 230 * tone, 225 * tone), owner=-1)
            x += 0.9
    # buildings: facades on both sides, from near to far blocks
    rng = random.Random(spec["seed"])
    for side in (-1, 1):
        xf = side * (half + 7.5) - cam_x
        z = 2.0
        while z < 160:
            depth, height = rng.uniform(10, 30), rng.uniform(8, 30)
            col = (
                np.asarray(
                    rng.choice(
                        [
                            (175, 165, 150),
                            (150, 140, 135),
                            (195, 185, 165),
                            (130, 135, 145),
                            (200, 200, 195),
                            (160, 120, 100),
                        ]
                    ),
                    np.float32,
                )
                * tone
            )
            pts = [
                cam.p(xf, 0, z),
                cam.p(xf, height, z),
                cam.p(xf, height, z + depth),
                cam.p(xf, 0, z + depth),
            ]
            lit = 0.9 + 0.2 * side * spec["sun"]
            sc.paint(
                sc.poly(pts),
                lambda X, Y, c=col, lit=lit: (
                    c
                    * lit
                    * (
                        1
                        + 0.08
                        * asphalt[
                            np.clip(((Y + MARGIN) * 2).astype(int), 0, ch - 1),
                            np.clip(((X + MARGIN) * 2).astype(int), 0, cw - 1),
                        ]
                    )[..., None]
                ),
                owner=-1,
            )
            for wy in np.arange(3.5, height - 1.5, 3.0):  # windows
                for wz in np.arange(z + 1.0, z + depth - 1.0, 2.5):
                    q = [
                        cam.p(xf, wy, wz),
                        cam.p(xf, wy + 1.5, wz),
                        cam.p(xf, wy + 1.5, wz + 1.3),
                        cam.p(xf, wy, wz + 1.3),
                    ]
                    g = rng.uniform(0.35, 0.6) if light != "dusk" or rng.random() < 0.6 else 1.4
                    sc.paint(sc.poly(q), tuple(np.array([120, 140, 160]) * g), owner=-1)
            # shop front at street level
            q = [
                cam.p(xf, 0.2, z + 0.5),
                cam.p(xf, 2.8, z + 0.5),
                cam.p(xf, 2.8, z + depth - 0.5),
                cam.p(xf, 0.2, z + depth - 0.5),
            ]
            sc.paint(sc.poly(q), tuple(np.array([70, 85, 95]) * tone), owner=-1)
            z += depth + rng.uniform(0, 3)
    # building shadow across the road on sunny days
    if light == "day" and abs(spec["sun"]) > 0.2:
        side = 1 if spec["sun"] > 0 else -1
        z0, z1 = rng.uniform(5, 20), rng.uniform(30, 80)
        xa, xb = -side * (half + 7.5) - cam_x, -side * (half + 7.5) + side * rng.uniform(4, 12) - cam_x
        pts = [cam.p(xa, 0, z0), cam.p(xb, 0, z0), cam.p(xb, 0, z1), cam.p(xa, 0, z1)]
        sc.shade(sc.poly(pts), 0.62)
    # everything standing on the ground, far to near
    items = []
    for X, Z in spec["trees"]:
        items.append((Z, "tree", {"X": X, "Z": Z}))
    for lt in spec["lights"]:
        items.append((lt["Z"], "light", lt))
    for bb in spec["billboards"]:
        items.append((bb["Z"], "billboard", bb))
    kept = [i for i in range(len(spec["objects"])) if i not in drop]
    for i in kept:
        items.append((spec["objects"][i]["Z"], "object", spec["objects"][i]))
    items.sort(key=lambda it: -it[0])
    sun = spec["sun"] if light == "day" else 0.0
    for _, kind, o in items:
        if kind == "tree":
            s = cam.s(o["Z"])
            cx, base = cam.p(o["X"], 0, o["Z"])
            sc.paint(sc.rect(cx - 0.12 * s, base - 3.0 * s, cx + 0.12 * s, base), (90, 65, 45))
            crown = sc.ellipse(cx - 1.6 * s, base - 6.2 * s, cx + 1.6 * s, base - 2.4 * s)
            leaf = fractal_noise(nrng, ch, cw, cell=max(4, 0.5 * s), octaves=2) if s > 6 else None
            sc.paint(
                crown,
                lambda X, Y, leaf=leaf: (
                    np.asarray((60, 120, 55), np.float32)
                    * tone
                    * (
                        1
                        + (
                            0.35
                            * leaf[
                                np.clip(((Y + MARGIN) * 2).astype(int), 0, ch - 1),
                                np.clip(((X + MARGIN) * 2).astype(int), 0, cw - 1),
                            ]
                            if leaf is not None
                            else 0
                        )
                    )[..., None]
                ),
            )
        elif kind == "light":
            draw_light(sc, cam, o)
        elif kind == "billboard":
            brng = random.Random(o["seed"])
            xf = o["side"] * (half + 7.3) - cam_x
            Z = o["Z"]
            pts = [cam.p(xf, 3.2, Z), cam.p(xf, 7.2, Z), cam.p(xf, 7.2, Z + 6), cam.p(xf, 3.2, Z + 6)]
            board = sc.poly(pts)
            sc.paint(board, (240, 238, 230))
            # the picture: an object drawn flat on the board's centre, at the board's scale
            zc = Z + 3
            s = cam.s(zc)
            mx, my = cam.p(xf, 5.2, zc)
            pic = Cam(0, 0)
            if o["what"] == "car":
                car = new_car(brng, 0, 1)
                pic.p = lambda X, Y, Z_, mx=mx, my=my, s=s: (mx + X * s * 0.9, my + 0.8 * s - Y * s * 0.9)
                pic.s = lambda Z_, s=s: s * 0.9
                draw_car(sc, pic, car, label=False)
            else:
                person = new_person(brng, 0, 1)
                pic.p = lambda X, Y, Z_, mx=mx, my=my, s=s: (mx + X * s, my + 1.5 * s - Y * s * 1.5)
                pic.s = lambda Z_, s=s: s * 1.0
                person["height"] = 1.7
                draw_person(sc, pic, person, label=False)
            sc.text(
                cam.p(xf, 3.6, zc),
                brng.choice(["新车上市", "安全出行", "城市生活"]),
                font(SANS, 0.5 * s),
                (200, 30, 40),
            )
        else:
            DRAW[o["type"]](sc, cam, o, sun=sun)
    if light == "dusk":
        sc.rgb *= np.array([1.0, 0.85, 0.75], np.float32) * 0.8
    return sc, kept


def shoot(spec: dict, seed: int):
    drop: set[int] = set()
    for _ in range(5):
        sc, kept = render(spec, drop)
        crng = np.random.default_rng(seed)
        camera = {
            "tilt": crng.uniform(0.0, 0.03),
            "blur": crng.uniform(0.3, 1.0),
            "motion": crng.choice([0, 0, crng.uniform(1.5, 4.0)]),
            "noise": crng.uniform(2, 8),
            "light": crng.uniform(0.1, 0.3),
            "vignette": crng.uniform(0.15, 0.5),
            "cast": crng.uniform(0.02, 0.08),
        }
        if spec["light"] == "dusk":
            camera["noise"] += 3
        img, objects = sc.finish(crng, **camera)
        bad = set()
        for oid, o in objects.items():
            if HIDDEN_BELOW < o["visible"] < CLEAR_ABOVE or (
                o["box"] and o["visible"] >= CLEAR_ABOVE and SMALL_MAX < o["box"][3] < CLEAR_H
            ):
                bad.add(kept[oid])
        if not bad:
            return img, objects, camera, kept
        drop |= bad
    return None


def labeled(o) -> bool:
    return bool(o["box"]) and o["visible"] >= LABEL_AT and o["box"][3] >= MIN_H


def evidence(spec, objects, kept) -> set[str]:
    found = set()
    for o in objects.values():
        if not o["box"]:
            continue
        x, y, w, h = o["box"]
        if o["visible"] <= HIDDEN_BELOW:
            if o["visible"] > 0.02:
                found.add("hidden_over_70")
        elif h <= SMALL_MAX:
            found.add("too_small")
        elif (x == 0 or x + w == W or y + h == H) and o["visible"] < 0.95:
            found.add("edge_truncated")
        elif o["visible"] < 0.9:
            found.add("occluded_visible_part")
    boxes = [o["box"] for o in objects.values() if o["label"] == "pedestrian" and labeled(o)]
    for a in boxes:
        for b in boxes:
            if a is not b and a[0] < b[0] < a[0] + a[2] and abs(a[1] - b[1]) < a[3] * 0.3:
                found.add("group_separate")
    if spec["lights"]:
        found.add("traffic_light_not_sign")
    if spec["billboards"]:
        found.add("picture_not_object")
    return found


def main() -> None:
    rng = random.Random(SEED)
    folder = fresh_media_dir(REF, "images")
    wanted = [CASES[i % len(CASES)] for i in range(35)] + [None] * (COUNT - 35)
    rng.shuffle(wanted)
    records, gold, raw = [], [], []
    for case in wanted:
        while True:
            spec = plan(rng, case)
            shot = shoot(spec, rng.randint(0, 2**31))
            if shot is None:
                continue
            img, objects, camera, kept = shot
            boxes = [[*o["box"], o["label"]] for o in objects.values() if labeled(o)]
            if not 3 <= len(boxes) <= 20 or len({b[4] for b in boxes}) < 2:
                continue
            if case is not None and case not in evidence(spec, objects, kept):
                continue
            break
        rid = f"t{len(records) + 1:03d}"
        path = f"images/{rid}.jpg"
        save_jpeg(img, folder / path, quality=rng.randint(70, 85), max_bytes=MAX_BYTES)
        records.append({"id": rid, "image": path, "width": W, "height": H})
        line = {"id": rid, "boxes": sorted(boxes, key=lambda b: (b[0], b[1]))}
        if case:
            line["rule_case"] = case
        gold.append(line)
        occl = sum(1 for o in objects.values() if labeled(o) and o["visible"] < 0.9)
        small = sum(1 for b in boxes if b[3] < 30)
        lum = float(np.asarray(img.convert("L"), np.float32).mean())
        raw.append(
            len(boxes) / 5
            + occl * 0.6
            + small * 0.5
            + camera["blur"]
            + camera["motion"] / 2
            + camera["noise"] / 4
            + max(0.0, 110 - lum) / 30
        )
    for line, level in zip(gold, difficulty_levels(raw), strict=True):
        line["difficulty"] = level
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
