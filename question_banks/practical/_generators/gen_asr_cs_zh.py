"""L4-asr-cs-zh: 160 short Mandarin customer-service utterances, synthetic speech.

Clips of 2-6.5 s, MP3 16 kHz mono at 32 kbit/s.

The voice is concatenated from human recordings of single Mandarin syllables shipped by Debian's
`gcin-voice` package (apt-get install gcin-voice): one syllable file per toned syllable, two speakers —
"5" (female, voice actress Chu Lo / ChionMeilin project, CC BY 3.0) and "3" (male, Edward Der-Hua Liu,
GPL-3 or LGPL-3). pypinyin (pip, MIT) gives each character's reading in zhuyin; the generator applies the
tone sandhi of 一, 不 and third-tone pairs, picks the syllable recording, trims its silences, levels and
shortens it (neutral-tone syllables softer and shorter), and joins syllables with short cross-fades, longer
pauses at commas. English product terms (App, VIP, iPad, USB, ...) are spoken by espeak-ng (en-us, pitch
matched to the speaker) — the code-switching of real calls. Each clip then gets a speaker variation (pitch
shift, tempo), a room or telephone channel (sox: band-pass 300-3400 Hz, mild reverb) and background noise of a
call centre (pink noise, murmur made of the other speaker's syllables, keyboard clicks) at 12-30 dB SNR.

Transcripts follow the task's rules: Chinese characters exactly as spoken, numbers in Chinese characters as
they are said (幺 for a spoken "yāo"), fillers written 嗯/啊/呃/哦, English terms in Latin letters, no
punctuation, no spaces. The gold is the script minus its punctuation, so it is exactly what was synthesised.

Needs: sox with MP3 support (Debian: sox libsox-fmt-all), espeak-ng, gcin-voice, and pypinyin in the venv.
Output differs slightly between sox/espeak-ng versions; the gold does not.

Run: .venv/bin/python question_banks/practical/_generators/gen_asr_cs_zh.py
"""

from __future__ import annotations

import io
import random
import re
import subprocess
import wave
from functools import cache
from pathlib import Path

import numpy as np
from _common import difficulty_levels, fresh_media_dir, write_task
from scipy.signal import lfilter, resample_poly

REF = "L4-asr-cs-zh"
SEED = 5150
COUNT = 160
RATE = 16000
VOICES = Path("/usr/share/gcin-voice/ogg")
PUNCT = "，。？！、"
TONES = {"ˊ": "2", "ˇ": "3", "ˋ": "4", "˙": "1"}  # gcin: no digit = 1st tone, "1" = neutral tone
READING = {"嗯": ("ㄣ", "")}  # the filler is said "ēn"; pypinyin gives the rare "ńg"
NUMERALS = set("零幺一二两三四五六七八九十百千万")

PRODUCTS = [
    "蓝牙耳机",
    "洗衣机",
    "电饭煲",
    "羽绒服",
    "运动鞋",
    "保温杯",
    "空气炸锅",
    "扫地机器人",
    "行李箱",
    "台灯",
    "充电宝",
    "电动牙刷",
    "床单",
    "净水器",
    "手机壳",
    "咖啡机",
]
EN_TERMS = [
    "App",
    "VIP",
    "iPad",
    "USB",
    "PDF",
    "SIM",
    "OK",
    "Pro",
    "Plus",
    "mini",
    "logo",
]  # the task's glossary
PLACES = [
    "北京市朝阳区建国路",
    "上海市浦东新区张杨路",
    "杭州市西湖区文三路",
    "广州市天河区体育西路",
    "成都市武侯区人民南路",
    "南京市鼓楼区中山北路",
    "武汉市洪山区珞喻路",
    "深圳市南山区科技园",
]
RAW = ["-t", "raw", "-r", str(RATE), "-e", "float", "-b", "32", "-c", "1"]  # sox: 32-bit float mono
DIGITS = "零幺二三四五六七八九"
CN = "零一二三四五六七八九"


def say_digits(r, n, first="幺"):
    return first + "".join(r.choice(DIGITS) for _ in range(n - 1))


def say_int(n: int) -> str:
    """A whole number below 10000 as it is read: 一百二十八, 十五, 两千零五十."""
    if n < 10:
        return CN[n]
    if n < 20:
        return "十" + (CN[n % 10] if n % 10 else "")
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            if zero:
                out += "零"
            digit = "两" if d == 2 and value >= 1000 else CN[d]
            out += digit + unit
            zero = False
        elif out:
            zero = True
    return out


def say_money(r) -> str:
    yuan = r.choice([r.randint(9, 99), r.randint(100, 999), r.randint(1000, 3000)])
    jiao = r.choice([0, 0, 5, r.randint(1, 9)])
    return say_int(yuan).replace("二千", "两千") + "块" + (CN[jiao] if jiao else "")


def scripts(r: random.Random):
    """(script with punctuation, rule case or None) — the script is spoken as written."""
    p = lambda: r.choice(PRODUCTS)  # noqa: E731
    day = lambda: f"{say_int(r.randint(1, 12))}月{say_int(r.randint(1, 28))}号"  # noqa: E731
    qty = lambda: r.choice(["一", "两", "三", "四", "五"])  # noqa: E731
    make = [
        (
            lambda: f"你好，我想查一下我的订单，订单号是{say_digits(r, 8, r.choice(DIGITS))}。",
            "digits_as_spoken",
        ),
        (lambda: f"我的手机号是{say_digits(r, 11)}，麻烦帮我登记一下。", "digits_as_spoken"),
        (lambda: f"我买的{p()}一共{say_money(r)}，为什么扣了两次钱？", "amount_as_spoken"),
        (lambda: f"这个{p()}现在多少钱？是不是{say_money(r)}？", "amount_as_spoken"),
        (lambda: f"我是{day()}下的单，到现在还没有发货。", "date_as_spoken"),
        (lambda: f"能不能改到{day()}送货？那天我在家。", "date_as_spoken"),
        (lambda: "我在App上申请了退款，一直没有人处理。", "english_term"),
        (lambda: f"你们的{r.choice(['VIP', 'Plus'])}会员可以免运费吗？", "english_term"),
        (lambda: f"我买的是{p()}{r.choice(['Pro', 'Plus', 'mini'])}版，收到的不是这个型号。", "english_term"),
        (
            lambda: r.choice(
                [
                    "这个充电宝是USB接口的吗？",
                    "发票能不能发PDF格式的？",
                    "有没有适合iPad的保护壳？",
                    "SIM卡放不进去，卡槽好像坏了。",
                    f"{p()}上的logo印歪了。",
                    "好的，OK，那我等你们的消息。",
                    "App里面的订单一直显示待发货。",
                    "我是VIP会员，能不能优先发货？",
                ]
            ),
            "english_term",
        ),
        (lambda: f"嗯，那个，我想问一下{p()}怎么退货。", "filler_words"),
        (lambda: f"呃，我上周买了{qty()}件，只收到一件。", "filler_words"),
        (lambda: f"啊，对，就是那个{p()}，还没有到。", "filler_words"),
        (
            lambda: f"我我想改一下收货地址，改到{r.choice(PLACES)}{say_int(r.randint(1, 300))}号。",
            "repetition",
        ),
        (lambda: f"这个这个{p()}用了三天就坏了。", "repetition"),
        (lambda: f"请帮我把地址改成{r.choice(PLACES)}{say_int(r.randint(1, 500))}号。", None),
        (lambda: f"我收到的{p()}有点问题，可以换一个新的吗？", None),
        (lambda: "快递员说放在门口了，可是我没有看到。", None),
        (lambda: "我想取消刚才的订单，还没有发货吧？", None),
        (lambda: "发票可以开公司的抬头吗？", None),
        (lambda: f"{p()}的颜色和图片上不一样，我想退货。", None),
        (lambda: f"我买了{qty()}个{p()}，能不能便宜一点？", None),
        (lambda: "优惠券用不了，显示已经过期了。", None),
        (lambda: f"退款多久能到账？我已经等了{say_int(r.randint(3, 15))}天了。", None),
        (lambda: f"请问{p()}有没有保修？保修多长时间？", None),
    ]
    return make


# -- syllables ------------------------------------------------------------------------------------------


def run(args: list[str], data: bytes | None = None) -> bytes:
    """Run one of the fixed tools of this file (sox, espeak-ng) without a shell; its standard output."""
    return subprocess.run(args, input=data, check=True, capture_output=True).stdout  # noqa: S603


@cache
def syllable(path: str) -> np.ndarray:
    x = np.frombuffer(run(["sox", path, *RAW, "-"]), np.float32).astype(np.float64)
    env = np.convolve(np.abs(x), np.ones(160) / 160, mode="same")
    on = np.nonzero(env > env.max() * 0.06)[0]
    x = x[max(0, on[0] - 80) : on[-1] + 160]
    fade = min(160, len(x) // 4)
    x[:fade] *= np.linspace(0, 1, fade)
    x[-fade:] *= np.linspace(1, 0, fade)
    return x / (np.sqrt(np.mean(x**2)) + 1e-9) * 0.1


@cache
def recorded(voice: str) -> list[str]:
    return sorted(d.name for d in VOICES.iterdir() if (d / f"{voice}.ogg").exists())


def readings(text: str) -> list[tuple[str, str]]:
    """(zhuyin base, gcin tone digit, citation tone) per character; sandhi of 一, 不 and third tones."""
    from pypinyin import Style, lazy_pinyin

    zy = lazy_pinyin(text, style=Style.BOPOMOFO)
    out = []
    for p in zy:
        tone = TONES.get(p[-1], "") if p[-1] in TONES else ""
        out.append([p.rstrip("ˊˇˋ˙").lstrip("˙"), tone])
    for i, ch in enumerate(text):
        if ch in READING:
            out[i] = list(READING[ch])
    citation = [o[1] for o in out]
    for i, ch in enumerate(text):
        nxt = out[i + 1][1] if i + 1 < len(text) else None
        if ch == "不" and nxt == "4":
            out[i][1] = "2"
        if (
            ch == "一"
            and nxt is not None
            and text[i + 1] not in NUMERALS
            and (i == 0 or text[i - 1] not in NUMERALS)
        ):
            out[i][1] = "2" if nxt == "4" else "4"
    for i in range(len(text) - 2, -1, -1):  # 3-3 -> 2-3 (from the right, a simple approximation)
        if out[i][1] == "3" and out[i + 1][1] == "3":
            out[i][1] = "2"
    return [(base, tone, cite) for (base, tone), cite in zip(out, citation, strict=True)]


def syllable_file(base: str, tone: str, voice: str, cite: str | None = None) -> tuple[str, bool]:
    """The recording to use, and whether it is a stand-in for a neutral tone.

    A sandhi tone without a recording (wó for 我 before a third tone) falls back to the citation tone
    ``cite``: the same word, said as in careful speech.
    """
    # only a neutral tone may be stood in for (by a full tone, said softer and shorter); another missing tone
    # would be heard as a different word, so the clip goes to the other speaker instead (KeyError)
    order = [tone] + ([cite] if cite and cite != tone else []) + (["", "4", "2", "3"] if tone == "1" else [])
    for t in order:
        f = VOICES / f"{base}{t}" / f"{voice}.ogg"
        if f.exists():
            return str(f), tone == "1"
    raise KeyError(f"no recording for {base}{tone}")


def english(word: str, female: bool) -> np.ndarray:
    voice = "en-us" + ("+f3" if female else "+m3")
    out = run(["espeak-ng", "-v", voice, "-p", "60" if female else "35", "-s", "165", "--stdout", word])
    with wave.open(io.BytesIO(out)) as w:
        rate, data = w.getframerate(), w.readframes(w.getnframes())
    x = np.frombuffer(data, np.int16).astype(np.float64)
    x = resample_poly(x, RATE, rate)
    on = np.nonzero(np.abs(x) > np.abs(x).max() * 0.03)[0]
    x = x[on[0] : on[-1] + 1]
    return x / (np.sqrt(np.mean(x**2)) + 1e-9) * 0.1


def speak(script: str, voice: str, r: random.Random) -> np.ndarray:
    female = voice == "5"
    parts = re.findall(r"[A-Za-z]+|[\u4e00-\u9fff]+|[，。？！、]", script)
    out = np.zeros(int(RATE * r.uniform(0.25, 0.45)))
    pos = len(out)
    pieces = []
    for part in parts:
        if part in PUNCT:
            pos += int(RATE * r.uniform(0.18, 0.32))
            continue
        if part[0].isascii():
            seg = english(part, female)
            pieces.append((pos, seg * r.uniform(0.8, 1.0)))
            pos += len(seg) + int(RATE * 0.03)
            continue
        n = len(part)
        for i, (base, tone, cite) in enumerate(readings(part)):
            path, neutral = syllable_file(base, tone, voice, cite)
            seg = syllable(path).copy()
            keep = 0.55 if neutral else r.uniform(0.78, 0.95)
            cut = max(int(len(seg) * keep), 800)
            seg = seg[:cut]
            seg[-200:] *= np.linspace(1, 0, 200)
            gain = (0.6 if neutral else 1.0) * (1.05 - 0.25 * i / max(1, n))  # declination across a phrase
            pieces.append((pos, seg * gain))
            pos += len(seg) - int(
                RATE * r.uniform(0.012, 0.03)
            )  # overlap: a cross-fade into the next syllable
    out = np.zeros(pos + int(RATE * r.uniform(0.3, 0.5)))
    for start, seg in pieces:
        out[start : start + len(seg)] += seg
    return out


def sox(x: np.ndarray, *effects: str) -> np.ndarray:
    out = run(["sox", *RAW, "-", *RAW, "-", *effects], x.astype(np.float32).tobytes())
    return np.frombuffer(out, np.float32).astype(np.float64)


def pink(n: int, rng: np.random.Generator) -> np.ndarray:
    b, a = (
        [0.049922035, -0.095993537, 0.050612699, -0.004408786],
        [1, -2.494956002, 2.017265875, -0.522189400],
    )
    x = lfilter(b, a, rng.normal(0, 1, n))
    return x / (np.sqrt(np.mean(x**2)) + 1e-9)


def background(n: int, voice: str, r: random.Random, rng: np.random.Generator) -> np.ndarray:
    noise = pink(n, rng) * r.uniform(0.3, 1.0)
    other = "3" if voice == "5" else "5"
    murmur = np.zeros(n)
    for _ in range(r.randint(2, 4)):  # distant colleagues: random syllables of the other voice, muffled
        pos = r.randint(0, n // 3)
        while pos < n - 8000:
            base = r.choice(recorded(other))
            seg = syllable(str(VOICES / base / f"{other}.ogg"))
            end = min(n, pos + len(seg))
            murmur[pos:end] += seg[: end - pos]
            pos = end - 400 + (r.randint(2000, 8000) if r.random() < 0.15 else 0)
    murmur = sox(murmur, "lowpass", "1200", "reverb", "60") if murmur.any() else murmur
    murmur = murmur[:n] / (np.sqrt(np.mean(murmur[:n] ** 2)) + 1e-9)
    clicks = np.zeros(n)
    for _ in range(r.randint(0, 6)):  # keyboard
        at = r.randint(0, n - 400)
        clicks[at : at + 400] += rng.normal(0, 1, 400) * np.exp(-np.arange(400) / 40) * 3
    return noise + murmur * r.uniform(0.4, 1.0) + clicks


def encode_mp3(x: np.ndarray, path: Path) -> None:
    run(["sox", *RAW, "-", "-C", "32", str(path)], x.astype(np.float32).tobytes())


def clip(script: str, voice: str, r: random.Random, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    speech = speak(script, voice, r)
    tempo = r.uniform(1.05, 1.3)
    shift = r.randint(-150, 150)
    phone = r.random() < 0.5
    effects = ["tempo", "-s", f"{tempo:.3f}", "pitch", str(shift)]
    if r.random() < 0.4:
        effects += ["reverb", str(r.randint(10, 35)), "50", str(r.randint(20, 60))]
    speech = sox(speech, *effects)
    snr = r.uniform(12, 30)
    rms = np.sqrt(np.mean(speech[np.abs(speech) > 0.01 * np.abs(speech).max()] ** 2))
    noise = background(len(speech), voice, r, rng)
    x = speech + noise * rms / 10 ** (snr / 20)
    if phone:  # a little line saturation, then the telephone band
        x = np.tanh(x / (np.abs(x).max() + 1e-9) * 1.5)
        x = sox(x, "sinc", "300-3400")
    x = x / (np.abs(x).max() + 1e-9) * 10 ** (-r.uniform(1.5, 4) / 20)
    return x, {"tempo": tempo, "snr": snr, "phone": phone, "seconds": len(x) / RATE}


def gold_text(script: str) -> str:
    return re.sub(f"[{PUNCT}\\s]", "", script)


def main() -> None:
    r = random.Random(SEED)
    rng = np.random.default_rng(SEED)
    folder = fresh_media_dir(REF, "audio")
    makers = scripts(r)
    records, gold, raw, seen, voices = [], [], [], set(), []
    attempt = 0
    while len(records) < COUNT:
        make, case = makers[attempt % len(makers)] if attempt < 3 * len(makers) else r.choice(makers)
        attempt += 1
        script = make()
        text = gold_text(script)
        if text in seen:
            continue
        voice = r.choice(["5", "5", "3"])
        try:
            x, info = clip(script, voice, r, rng)
        except KeyError:  # a syllable this speaker never recorded: the other speaker says the whole clip
            voice = "3" if voice == "5" else "5"
            try:
                x, info = clip(script, voice, r, rng)
            except KeyError:
                continue
        if not 2.0 <= info["seconds"] <= 6.5:
            continue
        seen.add(text)
        rid = f"a{len(records) + 1:03d}"
        path = f"audio/{rid}.mp3"
        encode_mp3(x, folder / path)
        records.append({"id": rid, "audio": path, "text": "客户致电网店客服热线（合成语音）"})
        line = {"id": rid, "text": text}
        if case:
            line["rule_case"] = case
        gold.append(line)
        voices.append(voice)
        raw.append(
            len(text) / 6
            + (30 - info["snr"]) / 5
            + info["tempo"] * 2
            + info["phone"]
            + sum(c.isascii() for c in text) / 4
        )
    for line, level in zip(gold, difficulty_levels(raw), strict=True):
        line["difficulty"] = level
    write_task(REF, records, gold)
    male = [rec["id"] for rec, v in zip(records, voices, strict=True) if v == "3"]
    print(f"{REF}: {len(male)} clips use voice 3 (male): {' '.join(male)}")


if __name__ == "__main__":
    main()
