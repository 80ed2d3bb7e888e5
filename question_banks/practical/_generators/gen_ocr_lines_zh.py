"""L5-ocr-lines-zh: 160 photographed/scanned Chinese text lines (receipts, waybills, labels, signs, forms).

The text of each line comes from templates with invented values (fixed seed): amounts, dates, times, phone and
order numbers, addresses, product names, Latin where it is natural (VIP, Wi-Fi, USB-C, ml, kg, SKU). Each line
is typeset on its material (thermal receipt paper, a printed waybill, a kraft or white label, a blue or
green street sign plate, a red banner, a photocopied form) with one of four CJK fonts, then photographed:
perspective tilt, curl, uneven light and a shadow edge, defocus or motion blur, sensor noise, JPEG. Planted
rule cases (gold "rule_case"): full-width digits/Latin printed but typed half-width, clock times with
a half-width colon, a character hidden by a stain typed as □, wide column gaps typed without spaces, printing
errors typed as printed, leading zeros. The generator asserts every font has a real glyph for every
character; the gold is the string typeset ("□" where a stain covers the character completely).

Run: .venv/bin/python question_banks/practical/_generators/gen_ocr_lines_zh.py
"""

from __future__ import annotations

import random

import numpy as np
from _common import difficulty_levels, fresh_media_dir, write_task
from _photo import fractal_noise, save_jpeg
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from scipy import ndimage

REF = "L5-ocr-lines-zh"
SEED = 1688
COUNT = 160
ILLEGIBLE = "□"
FONTS = {
    "sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2: SC
    "sans_bold": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    "serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    "microhei": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
}
QUOTA = {
    "as_printed_error": 12,
    "halfwidth_alnum": 14,
    "illegible_char": 16,
    "time_colon": 16,
    "column_gap_no_space": 14,
    "leading_zeros": 14,
    "fullwidth_punct": 16,
}  # records per rule case
PLANTED = ("illegible_char", "fullwidth_punct", "as_printed_error")  # made from any template's line
FULLWIDTH = {
    c: chr(ord(c) + 0xFEE0) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-./"
}

CITIES = [
    ("浙江省杭州市", "西湖区", "文三路"),
    ("北京市", "朝阳区", "建国路"),
    ("上海市", "浦东新区", "张杨路"),
    ("广东省深圳市", "南山区", "科技园路"),
    ("四川省成都市", "武侯区", "人民南路"),
    ("湖北省武汉市", "洪山区", "珞喻路"),
    ("江苏省南京市", "鼓楼区", "中山北路"),
    ("陕西省西安市", "雁塔区", "小寨东路"),
    ("山东省青岛市", "市南区", "香港中路"),
]
GOODS = [
    ("纯牛奶", "250ml"),
    ("矿泉水", "550ml"),
    ("全麦面包", "400g"),
    ("洗衣液", "2kg"),
    ("抽纸", "3层×120抽"),
    ("鸡蛋", "10枚"),
    ("大米", "5kg"),
    ("酸奶", "100g×8"),
    ("橙汁", "1L"),
    ("牙膏", "120g"),
    ("数据线", "USB-C"),
    ("苹果", "1.5kg"),
    ("咖啡豆", "500g"),
    ("电池", "AA×4"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["晓梅", "建国", "丽华", "志强", "海燕", "文博", "雨桐", "子涵", "国庆", "秀英", "浩然", "佳怡"]


def phone(r):
    return "1" + r.choice("3589") + "".join(r.choice("0123456789") for _ in range(9))


def landline(r):
    return (
        r.choice(["010", "021", "0571", "0755", "028", "027"])
        + "-"
        + "".join(r.choice("0123456789") for _ in range(8))
    )


def money(r, lo=1, hi=300):
    return f"{r.uniform(lo, hi):.2f}"


def date(r, sep="-"):
    y, m, d = r.choice([2023, 2024, 2025]), r.randint(1, 12), r.randint(1, 28)
    return f"{y}{sep}{m:02d}{sep}{d:02d}" if sep else f"{y}年{m:02d}月{d:02d}日"


def clock(r):
    return f"{r.randint(7, 22):02d}:{r.randint(0, 59):02d}"


def digits(r, n):
    return "".join(r.choice("0123456789") for _ in range(n))


# (source, template(r) -> (text, rule_case or None))
def templates():
    def receipt_total(r):
        return f"合计：{money(r, 20, 600)}元", None

    def receipt_item(r):
        g, spec = r.choice(GOODS)
        return f"{g}{spec}  ×{r.randint(1, 6)}    {money(r, 2, 90)}", "column_gap_no_space"

    def receipt_cashier(r):
        return (
            f"收银员：{r.choice(SURNAMES)}{r.choice(GIVEN)}，流水号{digits(r, 3).rjust(7, '0')}",
            "leading_zeros",
        )

    def receipt_time(r):
        return f"交易时间：{date(r, '')} {clock(r)}", "time_colon"

    def receipt_points(r):
        return f"本次积分{r.randint(5, 90)}分，累计{r.randint(100, 9000)}分（VIP会员）", None

    def receipt_pay(r):
        return (
            f"支付方式：{r.choice(['微信支付', '支付宝', '银行卡', '现金'])}，找零{money(r, 0, 20)}元",
            None,
        )

    def receipt_thanks(r):
        text = r.choice(
            ["谢谢惠顾，欢迎再次光临！", "本店支持微信、支付宝付款。", "请保留小票，7日内凭票退换。"]
        )
        return text, None

    def receipt_typo(r):
        return r.choice(
            ["谢谢惠顾顾，欢迎再次光临", "请妥善保管管小票", "会员日全场九五折折"]
        ), "as_printed_error"

    def waybill_addr(r):
        prov, dist, road = r.choice(CITIES)
        return (
            f"收件地址：{prov}{dist}{road}{r.randint(1, 999)}号{r.randint(1, 30)}栋{r.randint(101, 2808)}室",
            None,
        )

    def waybill_name(r):
        return (
            f"收件人：{r.choice(SURNAMES)}{r.choice(GIVEN)}  电话：{phone(r)[:3]}****{digits(r, 4)}",
            "column_gap_no_space",
        )

    def waybill_no(r):
        return f"运单号：SF{digits(r, 12)}", None

    def waybill_weight(r):
        return f"重量：{r.uniform(0.2, 15):.1f}kg，件数：{r.randint(1, 5)}", None

    def label_spec(r):
        g, spec = r.choice(GOODS)
        return f"品名：{g}，规格：{spec}", None

    def label_date(r):
        return f"生产日期：{date(r, '')}", "leading_zeros"

    def label_shelf(r):
        return f"保质期：{r.choice([6, 9, 12, 18, 24])}个月，请置于阴凉干燥处。", None

    def label_ingredients(r):
        items = r.sample(
            ["小麦粉", "白砂糖", "植物油", "鸡蛋", "食用盐", "奶粉", "酵母", "食品添加剂（碳酸氢钠）"], 4
        )
        return "配料：" + "、".join(items), None

    def label_sku(r):
        return f"SKU：{r.choice('ABCDEFGH')}{digits(r, 6)}-{r.randint(10, 99)}", None

    def label_fullwidth(r):
        code = f"{r.choice('ABCDEFGH')}{digits(r, 4)}"
        text = f"货号：{code}，净含量{r.choice(['500', '250', '750'])}ml"
        return text, "halfwidth_alnum"

    def label_price(r):
        return f"零售价：{money(r, 3, 200)}元（含税）", None

    def label_tel(r):
        return f"客服电话：{landline(r)}", None

    def sign_shop(r):
        return r.choice(["营业时间：", "开放时间："]) + f"{clock(r)}-{clock(r)}", "time_colon"

    def sign_wifi(r):
        return f"Wi-Fi：Shop_{digits(r, 4)}，密码：{digits(r, 8)}", None

    def sign_address(r):
        _, _, road = r.choice(CITIES)
        return f"{road}{r.randint(1, 400)}号", None

    def sign_notice(r):
        return r.choice(
            [
                "请勿吸烟，违者罚款200元。",
                "小心地滑！",
                "前方施工，请绕行。",
                "车辆出入，禁止停车。",
                "电梯维修中，请走楼梯（B1-3F）。",
            ]
        ), None

    def sign_floor(r):
        return (
            r.choice(["B1", "1F", "2F", "3F"])
            + "："
            + r.choice(["超市", "美食广场", "停车场", "服装", "家电"]),
            None,
        )

    def form_field(r):
        return (
            f"身份证号：{digits(r, 6)}{r.randint(1960, 2005)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}"
            f"{digits(r, 3)}X",
            None,
        )

    def form_date(r):
        return f"申请日期：{date(r, '')}，经办人：{r.choice(SURNAMES)}{r.choice(GIVEN)}", None

    def form_check(r):
        return f"第{r.randint(1, 9)}项：是否同意（是/否）", None

    def form_ratio(r):
        return f"比例尺1:{r.choice([500, 1000, 2000])}，误差不超过{r.randint(1, 5)}%", "time_colon"

    return [
        ("购物小票", receipt_total),
        ("购物小票", receipt_item),
        ("购物小票", receipt_cashier),
        ("购物小票", receipt_time),
        ("购物小票", receipt_points),
        ("购物小票", receipt_pay),
        ("购物小票", receipt_thanks),
        ("购物小票", receipt_typo),
        ("快递面单", waybill_addr),
        ("快递面单", waybill_name),
        ("快递面单", waybill_no),
        ("快递面单", waybill_weight),
        ("商品标签", label_spec),
        ("食品包装", label_date),
        ("食品包装", label_shelf),
        ("食品包装", label_ingredients),
        ("商品标签", label_sku),
        ("商品标签", label_fullwidth),
        ("商品标签", label_price),
        ("商品标签", label_tel),
        ("店铺告示", sign_shop),
        ("店铺告示", sign_wifi),
        ("路牌门牌", sign_address),
        ("店铺告示", sign_notice),
        ("商场指示牌", sign_floor),
        ("登记表", form_field),
        ("登记表", form_date),
        ("登记表", form_check),
        ("图纸说明", form_ratio),
    ]


MATERIALS = {  # source -> candidate materials
    "购物小票": ["thermal"],
    "快递面单": ["waybill"],
    "商品标签": ["white_label", "kraft"],
    "食品包装": ["white_label", "kraft"],
    "店铺告示": ["white_label", "banner"],
    "路牌门牌": ["blue_plate", "green_plate"],
    "商场指示牌": ["blue_plate"],
    "登记表": ["form"],
    "图纸说明": ["form"],
}
LOOK = {  # material -> (paper RGB, ink RGB, fonts)
    "thermal": ((238, 238, 235), (45, 45, 55), ["sans", "microhei"]),
    "waybill": ((245, 245, 242), (15, 15, 20), ["sans_bold", "sans", "microhei"]),
    "white_label": ((246, 244, 236), (25, 25, 30), ["sans", "serif", "sans_bold"]),
    "kraft": ((196, 160, 118), (45, 30, 20), ["sans_bold", "serif"]),
    "banner": ((190, 25, 30), (252, 225, 80), ["sans_bold"]),
    "blue_plate": ((25, 70, 160), (245, 245, 245), ["sans_bold", "sans"]),
    "green_plate": ((20, 110, 70), (245, 245, 245), ["sans_bold"]),
    "form": ((236, 236, 232), (30, 30, 35), ["serif", "sans", "microhei"]),
}


def check_glyphs(fnt: ImageFont.FreeTypeFont, text: str) -> None:
    def drawn(ch):
        mask = fnt.getmask(ch)
        return mask.size, bytes(mask)

    missing = drawn("\U0010fffd")
    for ch in set(text):
        if ch != " ":
            assert fnt.getmask(ch).getbbox() is not None and drawn(ch) != missing, (
                f"{fnt.path}: no glyph for {ch!r}"
            )


def typeset(
    text: str, shown: str, material: str, r: random.Random, nrng: np.random.Generator, stain_at: int | None
) -> Image.Image:
    paper, ink, names = LOOK[material]
    path, index = FONTS[r.choice(names)]
    size = r.randint(30, 40)
    fnt = ImageFont.truetype(path, size, index=index)
    check_glyphs(fnt, shown)
    tw = int(fnt.getlength(shown))
    pad_x, pad_y = r.randint(18, 40), r.randint(14, 26)
    w, h = tw + 2 * pad_x, size + 2 * pad_y + 8
    base = np.asarray(paper, np.float32)
    tex = fractal_noise(nrng, h, w, cell=24, octaves=4)
    grain = {"kraft": 0.10, "thermal": 0.03, "form": 0.05}.get(material, 0.04)
    arr = base * (1 + grain * tex)[..., None]
    if material == "kraft":
        arr *= (1 + 0.05 * nrng.normal(0, 1, (h, w)))[..., None]
    mask = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(mask)
    d.text((pad_x, pad_y), shown, font=fnt, fill=255)
    if material == "form":  # an underline of the form field and a margin line
        d.line([(pad_x - 6, pad_y + size + 8), (w - pad_x + 6, pad_y + size + 8)], fill=140, width=1)
    m = np.asarray(mask, np.float32) / 255
    if material == "thermal":  # faded, dotty thermal print
        fade = 0.65 + 0.35 * (fractal_noise(nrng, h, w, cell=w / 3, octaves=2) * 0.5 + 0.5)
        m = m * fade * (nrng.uniform(0.8, 1.0, (h, w)))
    ink_a = np.asarray(ink, np.float32)
    arr = arr * (1 - m[..., None]) + ink_a * m[..., None]
    if stain_at is not None:  # an opaque stain hiding one character completely
        x0 = pad_x + fnt.getlength(shown[:stain_at])
        x1 = pad_x + fnt.getlength(shown[: stain_at + 1])
        cx, cy = (x0 + x1) / 2, pad_y + size * 0.62
        rad = max(x1 - x0, size) * 0.75
        yy, xx = np.mgrid[0:h, 0:w]
        blob = fractal_noise(nrng, h, w, cell=rad / 1.5, octaves=2)
        dist = np.hypot((xx - cx) / rad, (yy - cy) / (rad * 0.95)) - 0.22 * blob
        alpha = np.clip((1.0 - dist) * 6, 0, 1)
        stain = np.asarray(r.choice([(60, 40, 30), (35, 35, 40), (110, 70, 40)]), np.float32)
        arr = arr * (1 - alpha[..., None]) + stain * alpha[..., None]
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    # the photograph: a perspective/curl warp inside a slightly larger view with background around
    bg = tuple(int(v) for v in r.choice([(90, 85, 80), (160, 150, 140), (60, 60, 65), (200, 195, 185)]))
    mx, my = r.randint(6, 16), r.randint(5, 12)
    canvas = Image.new("RGB", (w + 2 * mx, h + 2 * my), bg)
    canvas.paste(img, (mx, my))
    cw_, ch_ = canvas.size
    j = [r.uniform(-0.025, 0.025) * cw_ for _ in range(4)] + [r.uniform(-0.08, 0.08) * ch_ for _ in range(4)]
    quad = (0 + j[0], 0 + j[4], 0 + j[1], ch_ + j[5], cw_ + j[2], ch_ + j[6], cw_ + j[3], 0 + j[7])
    canvas = canvas.transform(canvas.size, Image.QUAD, quad, Image.BICUBIC, fillcolor=bg)
    canvas = canvas.rotate(r.uniform(-2.5, 2.5), Image.BICUBIC, expand=False, fillcolor=bg)
    arr = np.asarray(canvas, np.float32)
    hh, ww = arr.shape[:2]
    if material in ("thermal", "waybill", "white_label", "form"):  # paper curl: a vertical sine displacement
        amp, per = r.uniform(0, 2.5), r.uniform(0.6, 1.6) * ww
        yy, xx = np.mgrid[0:hh, 0:ww].astype(np.float32)
        coords = [yy + amp * np.sin(xx / per * 2 * np.pi), xx]
        arr = np.stack(
            [ndimage.map_coordinates(arr[..., i], coords, order=1, mode="nearest") for i in range(3)], -1
        )
    # light: a gradient, sometimes the shadow edge of a hand or a phone
    yy, xx = np.mgrid[0:hh, 0:ww].astype(np.float32)
    ang = r.uniform(0, 2 * np.pi)
    gain = 1 + r.uniform(0.05, 0.25) * ((xx / ww - 0.5) * np.cos(ang) + (yy / hh - 0.5) * np.sin(ang))
    if r.random() < 0.35:
        edge = r.uniform(0.1, 0.9) * ww + (yy - hh / 2) * r.uniform(-1, 1)
        gain *= 1 - r.uniform(0.2, 0.4) * (1 / (1 + np.exp(np.clip(-(xx - edge) / 6, -50, 50))))
    arr *= gain[..., None]
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    if r.random() < 0.3:
        k = r.choice([3, 5])
        img = img.filter(
            ImageFilter.Kernel((k, k), [1 if i // k == k // 2 else 0 for i in range(k * k)], scale=k)
        )  # horizontal motion blur
    img = img.filter(ImageFilter.GaussianBlur(r.uniform(0.4, 1.1)))
    arr = np.asarray(img, np.float32)
    arr += nrng.normal(0, r.uniform(2.5, 7), arr.shape[:2])[..., None] + nrng.normal(0, 1.5, arr.shape)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    scale = r.uniform(0.8, 1.0)  # a phone photo of a line is not always at full resolution
    return img.resize((int(img.width * scale), int(img.height * scale)), Image.LANCZOS)


def main() -> None:
    r = random.Random(SEED)
    nrng = np.random.default_rng(SEED)
    folder = fresh_media_dir(REF, "images")
    tpls = templates()
    schedule = [c for c, n in QUOTA.items() for _ in range(n)] + [None] * (COUNT - sum(QUOTA.values()))
    r.shuffle(schedule)
    records, gold, seen, raw = [], [], set(), []
    for target in schedule:
        while True:
            source, make = r.choice(tpls)
            text, case = make(r)
            if target in PLANTED:
                if case is not None and case != target:
                    continue
            elif case != target:
                continue
            if target == "fullwidth_punct" and not any(c in text for c in "：，、（）。！；"):
                continue
            stain_at = None
            if target == "illegible_char":  # an opaque stain over one Chinese character
                cjk = [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff" and i > 1]
                if not cjk:
                    continue
                stain_at = r.choice(cjk)
            if target == "as_printed_error" and case is None:  # a character printed twice
                cjk = [i for i, c in enumerate(text) if "\u4e00" <= c <= "\u9fff" and i > 2]
                if not cjk:
                    continue
                i = r.choice(cjk)
                text = text[: i + 1] + text[i] + text[i + 1 :]
            if text not in seen:
                break
        seen.add(text)
        case = target
        # full-width digits and Latin in the print for that rule case; the gold stays half-width
        shown = "".join(FULLWIDTH.get(c, c) for c in text) if case == "halfwidth_alnum" else text
        gold_text = text.replace(" ", "")
        if stain_at is not None:
            gold_text = (text[:stain_at] + ILLEGIBLE + text[stain_at + 1 :]).replace(" ", "")
        material = r.choice(MATERIALS[source])
        img = typeset(text, shown, material, r, nrng, stain_at)
        rid = f"o{len(records) + 1:03d}"
        path = f"images/{rid}.jpg"
        quality = r.randint(60, 85)
        save_jpeg(img, folder / path, quality=quality, max_bytes=30_000)
        records.append({"id": rid, "image": path, "text": f"来源：{source}"})
        line = {"id": rid, "text": gold_text}
        if case:
            line["rule_case"] = case
        gold.append(line)
        raw.append(
            len(gold_text) / 10
            + (material in ("thermal", "kraft", "banner"))
            + (100 - quality) / 20
            + sum(not ("\u4e00" <= c <= "\u9fff") for c in gold_text) / 8
        )
    for line, level in zip(gold, difficulty_levels(raw), strict=True):
        line["difficulty"] = level
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
