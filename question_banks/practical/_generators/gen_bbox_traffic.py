"""L4-bbox-traffic: 10 synthetic street scenes (640x480 PNG) with tight gold boxes of the VISIBLE part.

Objects are drawn far-to-near (by the y of their ground contact), each also onto its own mask; an object's
visible mask is its mask minus the masks of everything drawn later, and the gold box is the bounding box of
the visible mask. For traffic signs only the sign face is boxed (the pole is drawn separately and not boxed).
Scenes are rejected and redrawn when any object is less than 60 % visible or tiny, so every labeled object is
clearly recognisable. Traffic lights, trees, buildings and road markings are distractors.

Run: .venv/bin/python question_banks/practical/_generators/gen_bbox_traffic.py
"""
import random

import numpy as np
from _common import task_dir, write_task
from PIL import Image, ImageDraw, ImageFont

REF = "L4-bbox-traffic"
W, H = 640, 480
HORIZON, KERB = 200, 252
SEED = 777
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
CAR_COLOURS = [(200, 30, 40), (30, 60, 150), (240, 240, 240), (40, 40, 45), (120, 125, 130), (230, 180, 30),
               (40, 120, 70)]
SHIRTS = [(200, 60, 60), (60, 90, 180), (240, 200, 60), (60, 150, 90), (150, 80, 160), (230, 130, 40)]
TROUSERS = [(40, 40, 60), (70, 70, 80), (40, 60, 110), (110, 80, 50)]
SKIN = [(240, 200, 170), (200, 150, 110), (150, 100, 70)]


def background(rng):
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    for y in range(HORIZON):
        t = y / HORIZON
        d.line([0, y, W, y], fill=(int(150 + 70 * t), int(195 + 40 * t), 245))
    x = -rng.randint(0, 40)
    while x < W:  # buildings
        bw, bh = rng.randint(70, 150), rng.randint(70, 170)
        col = rng.choice([(170, 160, 150), (140, 130, 125), (190, 175, 150), (120, 125, 135)])
        d.rectangle([x, HORIZON - bh, x + bw, HORIZON], fill=col)
        for wy in range(HORIZON - bh + 10, HORIZON - 20, 24):
            for wx in range(x + 8, x + bw - 16, 22):
                d.rectangle([wx, wy, wx + 10, wy + 12], fill=(90, 110, 140))
        x += bw + rng.randint(0, 12)
    d.rectangle([0, HORIZON, W, KERB], fill=(185, 185, 180))  # pavement
    d.line([0, KERB, W, KERB], fill=(230, 230, 225), width=4)  # kerb
    d.rectangle([0, KERB + 2, W, H], fill=(80, 82, 86))  # road
    for x in range(-rng.randint(0, 60), W, 90):  # lane markings
        d.rectangle([x, 372, x + 50, 378], fill=(235, 235, 235))
    if rng.random() < 0.5:  # zebra crossing
        zx = rng.randint(60, 480)
        for y in range(KERB + 10, H, 26):
            d.rectangle([zx, y, zx + 90, y + 12], fill=(225, 225, 225))
    return img, d


def tree(d, x, base, rng):
    d.rectangle([x - 4, base - 70, x + 4, base], fill=(100, 70, 40))
    r = rng.randint(26, 36)
    d.ellipse([x - r, base - 70 - 2 * r + 10, x + r, base - 60], fill=(60, 130, 60))


def traffic_light(d, x, base):
    d.rectangle([x - 3, base - 120, x + 3, base], fill=(90, 90, 95))
    d.rectangle([x - 11, base - 160, x + 11, base - 104], fill=(30, 30, 30))
    for i, col in enumerate([(220, 40, 40), (90, 80, 30), (40, 90, 50)]):
        d.ellipse([x - 7, base - 155 + i * 17, x + 7, base - 141 + i * 17], fill=col)


# Each drawer paints on the scene and on the mask with identical geometry.
# It returns the ground contact y used for depth ordering.

def car(layers, x, base, w, rng, small_font):
    col = rng.choice(CAR_COLOURS)
    facing_right = rng.random() < 0.5
    wr = max(7, int(w * 0.09))
    bh = int(w * 0.24)
    body = [x, base - wr - bh, x + w, base - wr + 2]
    ch = int(w * 0.19)
    top = base - wr - bh - ch
    cabin = [(x + int(w * 0.18), base - wr - bh + 1), (x + int(w * 0.30), top), (x + int(w * 0.66), top),
             (x + int(w * 0.80), base - wr - bh + 1)]
    window = [(x + int(w * 0.24), base - wr - bh), (x + int(w * 0.33), top + 4), (x + int(w * 0.63), top + 4),
              (x + int(w * 0.74), base - wr - bh)]
    for d, fill in layers:
        d.polygon(cabin, fill=fill or col)
        d.rounded_rectangle(body, radius=max(4, w // 20), fill=fill or col)
        for cx in (x + int(w * 0.2), x + int(w * 0.8)):
            d.ellipse([cx - wr, base - 2 * wr, cx + wr, base], fill=fill or (25, 25, 25))
    scene = layers[0][0]
    scene.polygon(window, fill=(170, 200, 225))
    scene.line([x + int(w * 0.49), top + 4, x + int(w * 0.49), base - wr - bh], fill=col, width=3)
    for cx in (x + int(w * 0.2), x + int(w * 0.8)):
        scene.ellipse([cx - wr // 2, base - wr - wr // 2, cx + wr // 2, base - wr + wr // 2],
                      fill=(160, 160, 165))
    lx = x + w - 8 if facing_right else x + 2
    scene.rectangle([lx, base - wr - bh + 6, lx + 6, base - wr - bh + 12], fill=(250, 230, 120))


def pedestrian(layers, x, base, h, rng, small_font):
    shirt, trousers, skin = rng.choice(SHIRTS), rng.choice(TROUSERS), rng.choice(SKIN)
    hr = max(4, int(h * 0.09))
    cx = x
    head = [cx - hr, base - h, cx + hr, base - h + 2 * hr]
    neck_y = base - h + 2 * hr
    tw = max(6, int(h * 0.2))
    hip_y = base - int(h * 0.45)
    torso = [cx - tw // 2, neck_y + 1, cx + tw // 2, hip_y]
    lw = max(3, int(h * 0.07))
    step = rng.randint(0, max(1, int(h * 0.14)))
    legs = [((cx - tw // 4, hip_y), (cx - tw // 4 - step, base - 1)),
            ((cx + tw // 4, hip_y), (cx + tw // 4 + step, base - 1))]
    arm_out = rng.randint(2, max(3, int(h * 0.12)))
    arms = [((cx - tw // 2, neck_y + 3), (cx - tw // 2 - arm_out, hip_y + 4)),
            ((cx + tw // 2, neck_y + 3), (cx + tw // 2 + arm_out, hip_y + 4))]
    aw = max(2, int(h * 0.05))
    for d, fill in layers:
        for a, b in legs:
            d.line([a, b], fill=fill or trousers, width=lw)
        for a, b in arms:
            d.line([a, b], fill=fill or shirt, width=aw)
        d.rectangle(torso, fill=fill or shirt)
        d.ellipse(head, fill=fill or skin)


def sign(layers, x, base, size, rng, small_font, pole_layers):
    kind = rng.choice(["limit", "warning", "mandatory", "parking"])
    top = base - rng.randint(95, 115)
    for d, fill in pole_layers:  # the pole hides what is behind it but is not part of the box
        d.rectangle([x - 2, top + size // 2, x + 2, base], fill=fill or (120, 120, 125))
    s = size
    x0, y0 = x - s // 2, top
    for d, fill in layers:
        if kind == "warning":
            d.polygon([(x, y0), (x0 + s, y0 + s - 4), (x0, y0 + s - 4)], fill=fill or (200, 30, 30))
        elif kind == "parking":
            d.rectangle([x0, y0, x0 + s, y0 + s], fill=fill or (30, 80, 180))
        else:
            face = (200, 30, 30) if kind == "limit" else (30, 80, 180)
            d.ellipse([x0, y0, x0 + s, y0 + s], fill=fill or face)
    sc = layers[0][0]
    f = ImageFont.truetype(FONT, max(9, s // 3))
    if kind == "limit":
        sc.ellipse([x0 + 5, y0 + 5, x0 + s - 5, y0 + s - 5], fill=(250, 250, 250))
        sc.text((x, y0 + s // 2), rng.choice(["30", "40", "60"]), font=f, fill=(20, 20, 20), anchor="mm")
    elif kind == "warning":
        sc.polygon([(x, y0 + 9), (x0 + s - 7, y0 + s - 8), (x0 + 7, y0 + s - 8)], fill=(250, 210, 40))
        sc.text((x, y0 + s * 2 // 3 - 2), "!", font=f, fill=(20, 20, 20), anchor="mm")
    elif kind == "parking":
        sc.text((x, y0 + s // 2), "P", font=ImageFont.truetype(FONT, s * 2 // 3), fill=(250, 250, 250),
                anchor="mm")
    else:
        sc.line([x0 + s // 2, y0 + s - 7, x0 + s // 2, y0 + 9], fill=(250, 250, 250), width=4)
        sc.polygon([(x, y0 + 5), (x - 7, y0 + 14), (x + 7, y0 + 14)], fill=(250, 250, 250))


def plan(rng):
    """Random object list: (kind, depth_y, params)."""
    objs = []
    n = rng.randint(3, 8)
    for _ in range(n):
        r = rng.random()
        if r < 0.4:
            base = rng.randint(300, 470)
            w = int(110 + (base - 300) * 0.7)
            objs.append(("car", base, {"x": rng.randint(-w // 3, W - w + w // 3), "base": base, "w": w}))
        elif r < 0.75:
            base = rng.randint(215, 250) if rng.random() < 0.5 else rng.randint(290, 470)
            h = int(52 + (base - 215) * 0.3)
            objs.append(("pedestrian", base, {"x": rng.randint(15, W - 15), "base": base, "h": h}))
        else:
            base = rng.randint(222, 246)
            objs.append(("traffic_sign", base - 0.5, {"x": rng.randint(25, W - 25), "base": base,
                                                           "size": rng.randint(28, 40)}))
    return sorted(objs, key=lambda o: o[1])


def render(rng):
    img, d = background(rng)
    for _ in range(rng.randint(0, 2)):
        tree(d, rng.randint(20, W - 20), rng.randint(205, 230), rng)
    if rng.random() < 0.6:
        traffic_light(d, rng.randint(30, W - 30), rng.randint(225, 248))
    small_font = ImageFont.truetype(FONT, 10)
    masks = []  # (mask, label or None for a pole), in drawing order
    for kind, _, p in plan(rng):
        m = Image.new("L", (W, H), 0)
        layers = [(d, None), (ImageDraw.Draw(m), 255)]
        if kind == "car":
            car(layers, p["x"], p["base"], p["w"], rng, small_font)
        elif kind == "pedestrian":
            pedestrian(layers, p["x"], p["base"], p["h"], rng, small_font)
        else:
            pole = Image.new("L", (W, H), 0)
            pole_layers = [(d, None), (ImageDraw.Draw(pole), 255)]
            sign(layers, p["x"], p["base"], p["size"], rng, small_font, pole_layers)
            masks.append((np.array(pole) > 0, None))
        masks.append((np.array(m) > 0, kind))
    boxes = []
    later = np.zeros((H, W), bool)
    for full, label in reversed(masks):
        vis = full & ~later
        later |= full
        if label is None:
            continue
        if full.sum() == 0:
            return None, None
        if vis.sum() < 0.6 * full.sum():
            return None, None
        ys, xs = np.nonzero(vis)
        x0, y0, x1, y1 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
        if x1 - x0 < 10 or y1 - y0 < 14:
            return None, None
        boxes.append([int(x0), int(y0), int(x1 - x0), int(y1 - y0), label])
    boxes.reverse()
    return img, boxes


def main() -> None:
    rng = random.Random(SEED)
    folder = task_dir(REF)
    (folder / "images").mkdir(exist_ok=True)
    records, gold = [], []
    while len(records) < 10:
        img, boxes = render(rng)
        if img is None or not 2 <= len(boxes) <= 8:
            continue
        if len({b[4] for b in boxes}) < 2:
            continue
        rid = f"r{len(records) + 1:02d}"
        path = f"images/{rid}.png"
        img.save(folder / path, optimize=True)
        records.append({"id": rid, "image": path, "width": W, "height": H})
        gold.append({"id": rid, "boxes": boxes})
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
