"""L5-ocr-lines-zh: 12 images of Chinese text lines (receipts, labels, addresses) made to look scanned.

Each line is rendered with WenQuanYi Micro Hei (Droid Sans Fallback has no Latin digits, so it is not used),
then rotated slightly, blurred, given paper tint, noise and a scanner shading band, and saved as JPEG. The
generator asserts that the font has a real glyph for every character; the gold is the exact rendered string.

Run: .venv/bin/python question_banks/practical/_generators/gen_ocr_lines_zh.py
"""
import random

import numpy as np
from _common import task_dir, write_task
from PIL import Image, ImageDraw, ImageFilter, ImageFont

REF = "L5-ocr-lines-zh"
SEED = 1688
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"

LINES = [
    ("收货地址：浙江省杭州市西湖区文三路398号", "快递面单"),
    ("规格：250毫升，12盒装", "商品标签"),
    ("合计金额128.50元", "购物小票"),
    ("生产日期：2024年05月18日", "食品包装"),
    ("保质期：12个月，请置于阴凉干燥处", "食品包装"),
    ("收银员：李晓梅，流水号0038217", "购物小票"),
    ("配料：小麦粉、白砂糖、植物油、鸡蛋、食用盐", "食品包装"),
    ("联系电话：0571-88234567", "商品标签"),
    ("本次获得积分36分，累计积分1280分", "购物小票"),
    ("退换货须在签收后7日内办理", "购物小票"),
    ("北京市朝阳区建国路88号华贸中心3号楼", "快递面单"),
    ("本店支持微信、支付宝付款，谢谢惠顾", "购物小票"),
]


def render(text: str, rng: random.Random) -> Image.Image:
    size = rng.randint(26, 32)
    font = ImageFont.truetype(FONT, size)
    missing = font.getmask("\ue000").getbbox()  # what an unsupported character renders as
    for ch in set(text):
        assert ch == " " or font.getmask(ch).getbbox() not in (None, missing), f"no glyph for {ch!r}"
    tw = int(font.getlength(text))
    pad_x, pad_y = rng.randint(14, 24), rng.randint(12, 18)
    w, h = tw + 2 * pad_x, size + 2 * pad_y + 6
    paper = tuple(rng.randint(232, 250) for _ in range(3))
    img = Image.new("RGB", (w, h), paper)
    d = ImageDraw.Draw(img)
    ink = tuple(rng.randint(20, 60) for _ in range(3))
    d.text((pad_x, pad_y), text, font=font, fill=ink)
    angle = rng.uniform(-1.5, 1.5)
    img = img.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=paper)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
    arr = np.asarray(img).astype(np.float32)
    nrng = np.random.default_rng(rng.randint(0, 2**31))
    arr += nrng.normal(0, rng.uniform(4, 9), arr.shape[:2])[..., None]
    # a faint vertical shading band, as from a scanner lid
    x = np.linspace(0, 1, arr.shape[1])
    arr -= (12 * np.exp(-((x - rng.uniform(0.2, 0.8)) ** 2) / 0.02))[None, :, None]
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def main() -> None:
    rng = random.Random(SEED)
    folder = task_dir(REF)
    (folder / "images").mkdir(exist_ok=True)
    records, gold = [], []
    for i, (text, source) in enumerate(LINES, 1):
        rid = f"r{i:02d}"
        path = f"images/{rid}.jpg"
        render(text, rng).save(folder / path, quality=85, optimize=True)
        records.append({"id": rid, "image": path, "text": f"来源：{source}"})
        gold.append({"id": rid, "text": text})
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
