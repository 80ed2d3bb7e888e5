"""L5-bbox-shelf: 10 synthetic supermarket-shelf images (640x480 PNG) with tight gold boxes.

Each product is drawn twice with the same primitives: in colour onto the scene and in white onto its own mask;
the gold box is the mask's bounding box, so it is exactly tight (Pillow draws without anti-aliasing).
Products never overlap each other; a product may be cut off by the image border (the box is then the visible
part). Price tags and the wall sign are distractors and are not labeled.

Run: .venv/bin/python question_banks/practical/_generators/gen_bbox_shelf.py
"""
import random

from _common import task_dir, write_task
from PIL import Image, ImageDraw, ImageFont

REF = "L5-bbox-shelf"
W, H = 640, 480
SEED = 4242
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"

BOTTLE_COLOURS = [(40, 110, 200), (30, 150, 160), (70, 90, 170), (20, 130, 90)]
CAN_COLOURS = [(200, 40, 40), (190, 190, 200), (230, 120, 20), (120, 40, 140)]
BOX_COLOURS = [(240, 200, 40), (90, 170, 60), (230, 90, 60), (250, 160, 180)]


def darker(c, f=0.6):
    return tuple(int(v * f) for v in c)


def lighter(c, f=0.5):
    return tuple(int(v + (255 - v) * f) for v in c)


def draw_bottle(draws, x, base, rng):
    bw, bh = rng.randint(28, 40), rng.randint(80, 98)
    nw, nh, ch = max(10, bw * 2 // 5), rng.randint(14, 18), rng.randint(7, 9)
    col = rng.choice(BOTTLE_COLOURS)
    body = [x, base - bh, x + bw - 1, base - 1]
    nx = x + (bw - nw) // 2
    neck = [nx, base - bh - nh, nx + nw - 1, base - bh + 4]
    cap = [nx - 1, base - bh - nh - ch, nx + nw, base - bh - nh]
    for d, fill in draws:
        d.rounded_rectangle(body, radius=8, fill=fill or col)
        d.rectangle(neck, fill=fill or lighter(col, 0.2))
        d.rectangle(cap, fill=fill or darker(col, 0.45))
    scene = draws[0][0]
    scene.rectangle([x + 3, base - bh * 2 // 3, x + bw - 4, base - bh // 3], fill=(245, 245, 240))
    scene.line([x + 6, base - bh // 2, x + bw - 7, base - bh // 2], fill=col, width=3)
    return bw


def draw_can(draws, x, base, rng):
    cw, chh = rng.randint(36, 46), rng.randint(52, 68)
    eh = max(8, cw // 4)
    col = rng.choice(CAN_COLOURS)
    for d, fill in draws:
        d.rectangle([x, base - chh, x + cw - 1, base - 1], fill=fill or col)
        d.ellipse([x, base - chh - eh // 2, x + cw - 1, base - chh + eh // 2],
                  fill=fill or lighter(col, 0.55))
    scene = draws[0][0]
    scene.rectangle([x, base - chh * 2 // 3, x + cw - 1, base - chh * 2 // 3 + 8], fill=(250, 250, 250))
    return cw


def draw_box(draws, x, base, rng):
    bw, bh = rng.randint(58, 88), rng.randint(78, 120)
    col = rng.choice(BOX_COLOURS)
    for d, fill in draws:
        d.rectangle([x, base - bh, x + bw - 1, base - 1], fill=fill or col)
    scene = draws[0][0]
    r = bw // 4
    cx, cy = x + bw // 2, base - bh * 3 // 5
    scene.ellipse([cx - r, cy - r, cx + r, cy + r], fill=darker(col, 0.55))
    scene.rectangle([x + 5, base - bh // 4, x + bw - 6, base - bh // 4 + 6], fill=darker(col, 0.75))
    return bw


DRAWERS = {"bottle": draw_bottle, "can": draw_can, "box": draw_box}


def render(idx, rng, font):
    img = Image.new("RGB", (W, H))
    d = ImageDraw.Draw(img)
    for y in range(H):  # wall with a gentle vertical gradient
        t = y / H
        d.line([0, y, W, y], fill=(int(236 - 20 * t), int(228 - 22 * t), int(212 - 24 * t)))
    n_shelves = rng.choice([2, 3])
    shelf_tops = [150, 305, 460] if n_shelves == 3 else [215, 440]
    if n_shelves == 2 and rng.random() < 0.6:  # wall sign above the products, a distractor
        sx, sy = rng.randint(20, 440), 22
        tw = int(font.getlength("SALE -20%"))
        d.rectangle([sx, sy, sx + tw + 28, sy + 34], fill=(200, 30, 30))
        d.text((sx + 14, sy + 5), "SALE -20%", font=font, fill=(255, 255, 255))
    objects = []
    target = rng.randint(3, 8)
    per_shelf = [0] * n_shelves
    for _ in range(target):
        per_shelf[rng.randrange(n_shelves)] += 1
    for s, top in enumerate(shelf_tops):
        d.rectangle([0, top, W, top + 14], fill=(150, 100, 55))
        d.line([0, top, W, top], fill=(190, 140, 90), width=2)
        n = per_shelf[s]
        if n == 0:
            continue
        # a cut-off product at the left or right border on some shelves
        cut = rng.random() < 0.3
        x = -rng.randint(8, 13) if cut else rng.randint(8, 260)
        for _ in range(n):
            kind = rng.choice(list(DRAWERS))
            mask = Image.new("L", (W, H), 0)
            draws = [(d, None), (ImageDraw.Draw(mask), 255)]
            width = DRAWERS[kind](draws, x, top, rng)
            box = mask.getbbox()
            if box is None or box[0] >= W:
                break
            x0, y0, x1, y1 = box
            objects.append([x0, y0, x1 - x0, y1 - y0, kind])
            gap = rng.choice([0, 2, 6, 12, 20, 30, 45, 70, 100])  # sometimes touching neighbours
            x += width + gap
            if x > W - 20:
                break
        # price tags on the shelf edge (distractors)
        for tx in range(rng.randint(30, 60), W - 50, rng.randint(140, 200)):
            d.rectangle([tx, top + 2, tx + 38, top + 13], fill=(255, 255, 255))
            d.text((tx + 3, top + 1), "¥9.9", font=ImageFont.truetype(FONT, 9), fill=(210, 20, 20))
    return img, objects


def main() -> None:
    rng = random.Random(SEED)
    font = ImageFont.truetype(FONT, 20)
    folder = task_dir(REF)
    (folder / "images").mkdir(exist_ok=True)
    records, gold = [], []
    idx = 0
    while len(records) < 10:
        img, objects = render(idx, rng, font)
        idx += 1
        if not 2 <= len(objects) <= 8:
            continue
        rid = f"r{len(records) + 1:02d}"
        path = f"images/{rid}.png"
        img.save(folder / path, optimize=True)
        records.append({"id": rid, "image": path, "width": W, "height": H})
        gold.append({"id": rid, "boxes": objects})
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
