"""L5-bbox-shelf: 40 photo-like supermarket-shelf images (640x480 JPEG), tight gold boxes of the visible part.

Rendered procedurally with _photo.Scene (numpy + Pillow + scipy, fixed seed): textured back walls and shelf
boards, shelf lighting and the shadow of the board above, cast and contact shadows, cylinder shading and
highlights on bottles and cans, cartons with their side and top faces in perspective, printed labels in
Chinese and Latin, price tags, hanging promotion signs, a second (back) row of products partly hidden by the
front row, display cards showing a picture of a product, then a camera (perspective tilt, uneven light,
vignette, colour cast, blur or motion blur, sensor noise, JPEG).

Gold: every product is drawn between Scene.begin/end, so the visible part of each is known per pixel after
occlusion, truncation and the perspective warp. A product is labeled when at least 30 % of it is visible
(rule 3 of the instructions); the gold box is the tight box of its visible pixels. Scenes are re-planned so
that no product is between 20 % and 45 % visible (no knife-edge cases around the 30 % rule).

Each record is planted with one rule case (gold "rule_case"), or none; "difficulty" 1-5 is the quintile of a
score made of box count, occlusion, small boxes, blur, noise and darkness.

Run: .venv/bin/python question_banks/practical/_generators/gen_bbox_shelf.py
"""

from __future__ import annotations

import random

import numpy as np
from _common import difficulty_levels, fresh_media_dir, write_task
from _photo import Scene, darker, font, fractal_noise, lighter, save_jpeg

REF = "L5-bbox-shelf"
W, H, MARGIN = 640, 480, 110
SEED = 4242
COUNT = 40
MAX_BYTES = 110_000
SANS = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
SANS_R = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
LATIN = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
LABEL_AT, HIDDEN_BELOW, CLEAR_ABOVE = 0.30, 0.20, 0.45

BRANDS = ["清溪", "禾丰", "果然鲜", "晨光", "蓝湾", "悦饮", "麦田", "椰风", "山野", "甘露", "云朵", "橙意"]
LATIN_BRANDS = ["AQUA", "FRESH", "Cola", "JUICE", "TEA", "SODA", "MILK", "Pure", "ZERO", "Lemon"]
PRINT_COLOURS = [
    (200, 30, 40),
    (30, 70, 160),
    (240, 190, 30),
    (40, 140, 70),
    (230, 110, 30),
    (120, 40, 130),
    (20, 20, 25),
    (235, 235, 230),
    (60, 170, 200),
    (190, 60, 110),
]
CASES = [
    "edge_truncated",
    "occluded_visible_part",
    "hidden_over_70",
    "picture_not_product",
    "box_side_top_faces",
    "touching_facings",
]


# -- shading helpers ----------------------------------------------------------------------------------


def cylinder(base, cx, r, gloss=0.35, light=-0.35, tex=None):
    """Fill function: a vertical cylinder of colour ``base`` lit from the side ``light``."""
    base = np.asarray(base, np.float32)

    def fill(X, Y):
        t = np.clip((X - cx) / max(r, 1), -1, 1)
        lam = 0.45 + 0.6 * np.sqrt(1 - t * t) * (1 - 0.25 * t * np.sign(light))
        spec = gloss * np.exp(-(((t - light) / 0.13) ** 2)) + 0.25 * gloss * np.exp(
            -(((t + 0.8) / 0.08) ** 2)
        )
        out = base * lam[..., None] + 255 * spec[..., None]
        if tex is not None:
            out *= 1 + tex * 0.04 * np.sin(X * 1.7 + Y * 0.3)[..., None]
        return out

    return fill


def flat(base, amount, seed, scale=6.0):
    """Fill function: a printed/painted flat surface with a little low-frequency texture."""
    base = np.asarray(base, np.float32)
    rng = np.random.default_rng(seed)
    phase = rng.uniform(0, 6.3, 4)

    def fill(X, Y):
        n = np.sin(X / scale + phase[0]) * np.sin(Y / (scale * 1.3) + phase[1]) + 0.5 * np.sin(
            X / (scale * 0.37) + phase[2]
        ) * np.sin(Y / (scale * 0.41) + phase[3])
        return base * (1 + amount * n)[..., None]

    return fill


# -- products -----------------------------------------------------------------------------------------


def draw_bottle(sc: Scene, p: dict, label: bool = True, dim: float = 1.0):
    x, base, w, h = p["x"], p["base"], p["w"], p["h"]
    cx, r = x + w / 2, w / 2
    nw = w * p["neck"]
    shoulder, neck_y, cap_y = base - h * 0.62, base - h * 0.80, base - h * 0.92
    left = [(x, base - 3), (x, shoulder), (cx - nw / 2, neck_y), (cx - nw / 2, cap_y)]
    right = [(cx + nw / 2, cap_y), (cx + nw / 2, neck_y), (x + w, shoulder), (x + w, base - 3)]
    body = sc.poly(left + right + [(x + w - 3, base), (x + 3, base)])
    if label:
        sc.begin("bottle")
    sc.paint(body, cylinder(darker(p["colour"], dim), cx, r, gloss=0.5))
    band = sc.rect(x, base - h * 0.52, x + w, base - h * 0.22) & body
    sc.paint(band, cylinder(darker(p["print"], dim), cx, r, gloss=0.2))
    sc.text(
        (cx, base - h * 0.37),
        p["brand"],
        font(SANS, min(w * 0.42, h * 0.12)),
        darker(p["ink"], dim * 0.9),
        clip=body,
    )
    cap = sc.rect(cx - nw / 2 - 1.5, base - h, cx + nw / 2 + 1.5, cap_y + 1, radius=1.5)
    sc.paint(cap, cylinder(darker(p["cap"], dim), cx, nw / 2 + 1.5, gloss=0.25))
    if label:
        sc.end()


def draw_can(sc: Scene, p: dict, label: bool = True, dim: float = 1.0):
    x, base, w, h = p["x"], p["base"], p["w"], p["h"]
    cx, r = x + w / 2, w / 2
    top = base - h
    eh = p["top_view"] * w
    if label:
        sc.begin("can")
    body = sc.rect(x, top, x + w, base - 2) | sc.ellipse(x, base - 5, x + w, base)
    sc.paint(body, cylinder(darker(p["colour"], dim), cx, r, gloss=0.7, tex=1))
    stripe = sc.rect(x, base - h * 0.62, x + w, base - h * 0.48) & body
    sc.paint(stripe, cylinder(darker(p["print"], dim), cx, r, gloss=0.5))
    sc.text((cx, base - h * 0.33), p["brand"], font(SANS, w * 0.34), darker(p["ink"], dim), clip=body)
    rim = sc.rect(x + 1, top - 1, x + w - 1, top + 4)
    sc.paint(rim, cylinder(darker((200, 200, 205), dim), cx, r, gloss=0.8))
    if eh > 1:
        lid = sc.ellipse(x + 0.5, top - eh / 2, x + w - 0.5, top + eh / 2)
        sc.paint(lid, cylinder(darker((185, 185, 192), dim), cx, r, gloss=0.6))
        inner = sc.ellipse(x + w * 0.12, top - eh * 0.35, x + w * 0.88, top + eh * 0.35)
        sc.paint(inner, darker((150, 150, 158), dim))
    if label:
        sc.end()


def draw_box(sc: Scene, p: dict, label: bool = True, dim: float = 1.0):
    x, base, w, h = p["x"], p["base"], p["w"], p["h"]
    side, topv = p["side"], p["top_view"] * p["depth"]
    if label:
        sc.begin("box")
    front = sc.rect(x, base - h, x + w, base)
    paper = flat(darker(p["colour"], dim), 0.05, p["seed"])
    sc.paint(front, lambda X, Y: paper(X, Y) * (1.08 - 0.16 * (Y - base + h) / h)[..., None])
    if side:  # side face: to the right for a box left of the camera, to the left otherwise
        sx = x + w if side > 0 else x
        pts = [(sx, base), (sx, base - h), (sx + side, base - h - abs(side) * 0.35), (sx + side, base - 1)]
        sc.paint(sc.poly(pts), darker(p["colour"], 0.68 * dim))
    if topv > 1:
        lo, hi = (x, x + w + max(0, side)) if side >= 0 else (x + side, x + w)
        pts = [(x, base - h), (x + w, base - h), (hi, base - h - topv), (lo, base - h - topv)]
        sc.paint(sc.poly(pts), lighter(darker(p["colour"], dim), 0.18))
    logo_r = min(w, h) * 0.22
    cx, cy = x + w * 0.5, base - h * 0.62
    sc.paint(sc.ellipse(cx - logo_r, cy - logo_r, cx + logo_r, cy + logo_r), darker(p["print"], dim))
    sc.text((cx, cy), p["brand"][:1], font(SANS, logo_r * 1.1), darker(p["ink"], dim))
    sc.paint(sc.rect(x, base - h * 0.28, x + w, base - h * 0.18), darker(p["print"], dim))
    sc.text(
        (cx, base - h * 0.09),
        p["brand"],
        font(SANS, min(w / (len(p["brand"]) + 1), h * 0.12)),
        darker(p["ink"], dim),
        clip=front,
    )
    if label:
        sc.end()


DRAW = {"bottle": draw_bottle, "can": draw_can, "box": draw_box}


def product(rng: random.Random, kind: str, room: float, eye: float) -> dict:
    p = {
        "kind": kind,
        "seed": rng.randint(0, 2**31),
        "colour": rng.choice(PRINT_COLOURS),
        "print": rng.choice(PRINT_COLOURS),
        "brand": rng.choice(BRANDS + LATIN_BRANDS),
    }
    p["ink"] = (250, 250, 245) if sum(p["print"]) < 420 else (25, 25, 30)
    if kind == "bottle":
        p["w"] = rng.uniform(26, 44)
        p["h"] = min(room - 8, p["w"] * rng.uniform(2.6, 3.6))
        p["neck"] = rng.uniform(0.32, 0.45)
        p["cap"] = rng.choice([(240, 240, 240), (30, 90, 200), (200, 30, 30), (30, 140, 60), (240, 200, 30)])
        p["colour"] = rng.choice(
            [(170, 205, 225), (90, 150, 90), (150, 90, 40), (200, 200, 205), p["colour"]]
        )
    elif kind == "can":
        p["w"] = rng.uniform(32, 48)
        p["h"] = min(room - 8, p["w"] * rng.uniform(1.5, 2.2))
    else:
        p["w"] = rng.uniform(44, 96)
        p["h"] = min(room - 8, rng.uniform(50, 140))
        p["depth"] = p["w"] * rng.uniform(0.35, 0.7)
    return p


def plan(rng: random.Random, case: str | None) -> dict:
    comp = rng.uniform(165, 215)
    lip = rng.uniform(15, 22)
    first = rng.uniform(-comp * 0.55, 30)
    eye = rng.uniform(120, 360)
    vp = rng.uniform(240, 400)
    boards = [first + k * comp for k in range(-1, 5) if -MARGIN < first + k * comp < H + MARGIN - 10]
    scene = {
        "comp": comp,
        "lip": lip,
        "boards": boards,
        "eye": eye,
        "vp": vp,
        "wall": rng.choice([(205, 205, 200), (225, 222, 212), (190, 195, 200), (120, 125, 130)]),
        "board": rng.choice(["metal", "wood", "white"]),
        "products": [],
        "signs": [],
        "cards": [],
        "upright": None,
    }
    for b in boards:
        top = b - comp + lip  # the shelf board above this one ends here
        room = comp - lip
        if top + room < -30 or b < 40:
            continue
        if rng.random() < 0.05 and case is None:
            continue  # an empty shelf
        rows = [0]
        if case in ("hidden_over_70", "occluded_visible_part") or rng.random() < 0.35:
            rows = [1, 0]
        for row in rows:
            x = rng.uniform(-70, 10) if rng.random() < 0.6 else rng.uniform(60, 200)
            stop = W + 40 if rng.random() < 0.5 else rng.uniform(400, W)  # out-of-stock stretches
            while x < stop:
                kind = rng.choice(
                    ["bottle", "can", "box"]
                    if case != "box_side_top_faces"
                    else ["box", "box", "can", "bottle"]
                )
                p = product(rng, kind, room * (0.9 if row else 1), eye)
                n = rng.choice([1, 2, 3] if case != "touching_facings" else [3, 4])
                gap = 0.0 if case == "touching_facings" or rng.random() < 0.5 else rng.uniform(1, 5)
                for _ in range(n):
                    q = dict(
                        p,
                        x=x,
                        row=row,
                        base=b - (rng.uniform(3, 6) if row else 0),
                        seed=rng.randint(0, 2**31),
                    )
                    if row:
                        q["w"], q["h"] = p["w"] * 0.93, p["h"] * 0.93
                    q["top_view"] = max(0.0, (q["base"] - q["h"] - eye) / 520)
                    if kind == "box":
                        q["side"] = (vp - (x + q["w"] / 2)) / 600 * q["depth"]
                        if abs(q["side"]) < 2:
                            q["side"] = 0
                    scene["products"].append(q)
                    x += q["w"] + gap
                    if x > stop:
                        break
                x += rng.uniform(4, 45) if row == 0 else rng.uniform(10, 60)
        if case == "picture_not_product" or rng.random() < 0.12:
            # a display card standing on the shelf in front of the products, with a product's picture
            cw = rng.uniform(80, 120)
            scene["cards"].append(
                {
                    "x": rng.uniform(20, W - cw - 20),
                    "base": b,
                    "w": cw,
                    "h": min(room - 10, cw * rng.uniform(1.1, 1.4)),
                    "seed": rng.randint(0, 2**31),
                    "kind": rng.choice(["bottle", "can", "box"]),
                }
            )
        if case == "occluded_visible_part" or rng.random() < 0.2:
            sw = rng.uniform(60, 110)
            scene["signs"].append(
                {
                    "x": rng.uniform(0, W - sw),
                    "top": top - 4,
                    "w": sw,
                    "h": rng.uniform(40, 70),
                    "text": rng.choice(["特价", "新品", "买一送一", "限时折扣"]),
                }
            )
    if case == "edge_truncated" or rng.random() < 0.6:
        scene["shift"] = rng.choice([-1, 1]) * rng.uniform(15, 35)
    if rng.random() < 0.25:
        scene["upright"] = rng.choice([rng.uniform(-10, 20), rng.uniform(W - 45, W - 10)])
    return scene


def render(spec: dict, nrng: np.random.Generator, drop: set[int]) -> tuple:
    sc = Scene(W, H, MARGIN, nrng)
    comp, lip = spec["comp"], spec["lip"]
    shift = spec.get("shift", 0.0)
    cw, ch = sc.cw, sc.ch
    wall_tex = fractal_noise(nrng, ch, cw, cell=60 * 2)
    wall = np.asarray(spec["wall"], np.float32)
    sc.rgb[:] = wall * (1 + 0.06 * wall_tex)[..., None]
    # perforated back panel
    if spec["wall"][0] < 215:
        yy, xx = np.mgrid[0:ch, 0:cw]
        sc.shade(sc.full(((xx % 28) < 5) & ((yy % 28) < 5)), 0.55)
    boards = spec["boards"]
    # light: each compartment is darker right under the board above (the board's shadow)
    for b in boards:
        top = b - comp + lip
        region = sc.rect(-MARGIN, top, W + MARGIN, b)
        sc.shade(region, lambda X, Y, top=top: 0.55 + 0.45 * np.clip((Y - top) / 70, 0, 1))
    products = [p for i, p in enumerate(spec["products"]) if i not in drop]
    owners = []
    for i, p in enumerate(products):
        p = dict(p, x=p["x"] + shift)
        # cast shadow on the wall and on products behind, then the product itself
        sil = sc.rect(p["x"] + 4, p["base"] - p["h"] + 3, p["x"] + p["w"] + 7, p["base"])
        sc.soft_shadow(sil, 0.35, 4)
        DRAW[p["kind"]](sc, p, dim=0.8 if p["row"] else 1.0)
        owners.append(i)
    for card in spec["cards"]:
        x, b, w, h = card["x"], card["base"], card["w"], card["h"]
        sc.soft_shadow(sc.rect(x + 4, b - h + 3, x + w + 6, b), 0.4, 4)
        sc.paint(sc.rect(x, b - h, x + w, b), flat((248, 246, 238), 0.03, card["seed"]))
        sc.paint(sc.rect(x, b - h, x + w, b - h + h * 0.18), (210, 30, 40))
        sc.text((x + w / 2, b - h + h * 0.09), "新品上市", font(SANS, h * 0.11), (255, 245, 200))
        pic_h = h * 0.55
        pic = product(random.Random(card["seed"]), card["kind"], pic_h + 8, 0)
        pic.update(x=x + w / 2 - pic["w"] * 0.35, base=b - h * 0.2, top_view=0.05, side=0)
        pic["w"], pic["h"] = pic["w"] * 0.7, min(pic["h"], pic_h) * 0.9
        DRAW[card["kind"]](sc, pic, label=False)
        sc.text(
            (x + w / 2, b - h * 0.09),
            f"¥{random.Random(card['seed']).randint(3, 39)}.90",
            font(LATIN, h * 0.1),
            (200, 20, 30),
        )
    for b in boards:  # the board's front lip with price tags, over the bottom of everything on it
        lipm = sc.rect(-MARGIN, b, W + MARGIN, b + lip)
        if spec["board"] == "wood":
            fill = flat((150, 105, 65), 0.12, int(b * 7) % 9973, scale=2.0)
        elif spec["board"] == "white":
            fill = (225, 225, 222)
        else:
            fill = lambda X, Y, b=b: np.stack([150 + 60 * np.clip((Y - b) / lip, 0, 1)] * 3, -1)  # noqa: E731
        sc.paint(lipm, fill)
        sc.paint(sc.rect(-MARGIN, b + lip - 2, W + MARGIN, b + lip + 1), (70, 70, 72))
        rng = random.Random(int(b * 13))
        tx = rng.uniform(-20, 40)
        while tx < W:
            tw = rng.uniform(34, 48)
            colour = rng.choice([(250, 250, 245), (250, 230, 80)])
            sc.paint(sc.rect(tx, b + 2, tx + tw, b + lip - 3), colour)
            sc.text(
                (tx + tw / 2, b + lip / 2),
                f"{rng.randint(2, 59)}.{rng.choice(['00', '50', '80', '90'])}",
                font(LATIN, lip * 0.45),
                (30, 30, 30),
            )
            tx += tw + rng.uniform(40, 120)
    for s in spec["signs"]:
        x, top, w, h = s["x"], s["top"], s["w"], s["h"]
        sc.paint(sc.rect(x + w / 2 - 0.7, top, x + w / 2 + 0.7, top + 22), (60, 60, 60))
        sc.soft_shadow(sc.rect(x + 5, top + 24, x + w + 5, top + 22 + h), 0.3, 5)
        sc.paint(sc.rect(x, top + 20, x + w, top + 20 + h, radius=4), (235, 40, 40))
        sc.paint(sc.rect(x + 4, top + 24, x + w - 4, top + 16 + h, radius=3), (255, 215, 40))
        sc.text(
            (x + w / 2, top + 20 + h / 2),
            s["text"],
            font(SANS, min(h * 0.45, w / len(s["text"]))),
            (200, 20, 30),
        )
    if spec["upright"] is not None:
        ux = spec["upright"]
        sc.paint(
            sc.rect(ux, -MARGIN, ux + 26, H + MARGIN),
            lambda X, Y: np.stack([90 + 40 * np.cos((X - ux) / 26 * 3.1)] * 3, -1),
        )
    return sc, products


def shoot(spec: dict, seed: int, case: str | None):
    """Render the planned scene, dropping products in the ambiguous 20-45 % visible band; photograph it."""
    drop: set[int] = set()
    for _ in range(4):
        nrng = np.random.default_rng(seed)
        sc, _ = render(spec, nrng, drop)
        crng = np.random.default_rng(seed + 1)
        camera = {
            "tilt": crng.uniform(0.0, 0.04),
            "blur": crng.uniform(0.3, 1.1),
            "motion": crng.choice([0, 0, 0, crng.uniform(1.5, 3.5)]),
            "noise": crng.uniform(2, 7),
            "light": crng.uniform(0.1, 0.35),
            "vignette": crng.uniform(0.1, 0.45),
            "cast": crng.uniform(0.02, 0.08),
        }
        img, objects = sc.finish(crng, **camera)
        kept = [i for i, p in enumerate(spec["products"]) if i not in drop]
        ambiguous = {kept[oid] for oid, o in objects.items() if HIDDEN_BELOW < o["visible"] < CLEAR_ABOVE}
        if not ambiguous:
            return img, objects, camera, kept
        drop |= ambiguous
    return None


def evidence(spec, objects, kept) -> set[str]:
    """The rule cases a finished picture actually shows."""
    found = set()
    for oid, o in objects.items():
        p = spec["products"][kept[oid]]
        if o["visible"] <= HIDDEN_BELOW:
            if o["visible"] > 0.01:
                found.add("hidden_over_70")
            continue
        x, y, w, h = o["box"]
        if (x == 0 or y == 0 or x + w == W or y + h == H) and o["visible"] < 0.95:
            found.add("edge_truncated")
        elif o["visible"] < 0.9:
            found.add("occluded_visible_part")
        if p["kind"] == "box" and (abs(p.get("side", 0)) >= 5 or p["top_view"] * p["depth"] >= 5):
            found.add("box_side_top_faces")
    if any(0 < c["x"] < W - c["w"] for c in spec["cards"]):
        found.add("picture_not_product")
    return found


def main() -> None:
    rng = random.Random(SEED)
    folder = fresh_media_dir(REF, "images")
    wanted = [CASES[i % len(CASES)] for i in range(36)] + [None] * (COUNT - 36)
    rng.shuffle(wanted)
    records, gold, raw = [], [], []
    for case in wanted:
        while True:
            spec = plan(rng, case)
            shot = shoot(spec, rng.randint(0, 2**31), case)
            if shot is None:
                continue
            img, objects, camera, kept = shot
            boxes = [
                [*o["box"], o["label"]]
                for o in objects.values()
                if o["box"] and o["visible"] >= LABEL_AT and min(o["box"][2:]) >= 4
            ]
            if not 3 <= len(boxes) <= 30:
                continue
            shows = evidence(spec, objects, kept) | ({"touching_facings"} if _touching(boxes) else set())
            if case is not None and case not in shows:
                continue
            break
        rid = f"s{len(records) + 1:03d}"
        path = f"images/{rid}.jpg"
        save_jpeg(img, folder / path, quality=rng.randint(70, 85), max_bytes=MAX_BYTES)
        records.append({"id": rid, "image": path, "width": W, "height": H})
        line = {"id": rid, "boxes": sorted(boxes, key=lambda b: (b[1] // 40, b[0]))}
        if case:
            line["rule_case"] = case
        gold.append(line)
        occl = sum(1 for o in objects.values() if LABEL_AT <= o["visible"] < 0.9)
        small = sum(1 for b in boxes if b[2] * b[3] < 1600)
        light = float(np.asarray(img.convert("L"), np.float32).mean())
        raw.append(
            len(boxes) / 6
            + occl * 0.6
            + small * 0.4
            + camera["blur"]
            + camera["motion"] / 2
            + camera["noise"] / 4
            + max(0.0, 110 - light) / 30
        )
    for line, level in zip(gold, difficulty_levels(raw), strict=True):
        line["difficulty"] = level
    write_task(REF, records, gold)


def _touching(boxes) -> bool:
    for a in boxes:
        for b in boxes:
            if a is not b and a[4] == b[4] and abs(a[0] + a[2] - b[0]) <= 2 and abs(a[1] - b[1]) < 8:
                return True
    return False


if __name__ == "__main__":
    main()
