"""L4-asr-cs-en: 10 short English customer-service utterances synthesised with espeak-ng, 16 kHz mono WAV.

Needs the `espeak-ng` program (Debian: apt-get install espeak-ng). The spoken text is the gold transcript
written with punctuation for natural prosody; the gold is the same text in lower case without punctuation,
numbers spoken and written as words. A little white noise (about 35 dB SNR) is added so the clips sound like
a phone line. Output differs slightly between espeak-ng versions; the gold does not.

Run: .venv/bin/python question_banks/practical/_generators/gen_asr_cs_en.py
"""
import io
import re
import subprocess
import wave

import numpy as np
from _common import task_dir, write_task
from scipy.signal import resample_poly

REF = "L4-asr-cs-en"
SEED = 5150

# (spoken text, espeak voice, words per minute)
CLIPS = [
    ("Hello, I am calling about my order. It has not arrived yet.", "en-us", 140),
    ("Could you please change the delivery address to my office?", "en-gb", 140),
    ("My card was charged twice for the same jacket.", "en-us+f3", 140),
    ("I would like to return these shoes, because they are too small.", "en-us+m2", 140),
    ("The parcel was left outside in the rain, and the box is soaking wet.", "en-us+f2", 145),
    ("Please send the new password to my email address.", "en-gb+f2", 140),
    ("My order number is four seven two nine one.", "en-us", 130),
    ("Is the blue kettle available in a larger size?", "en-us+f4", 140),
    ("The driver said he would come back on Friday morning.", "en-us+m3", 140),
    ("Thank you very much for your help. Have a nice evening.", "en-gb+m3", 140),
]


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^a-z' ]", " ", text.lower()).split())


def synthesise(text: str, voice: str, wpm: int, rng: np.random.Generator) -> bytes:
    # fixed program and arguments from this file, no shell
    raw = subprocess.run(["espeak-ng", "-v", voice, "-s", str(wpm), "--stdout", text],  # noqa: S603, S607
                         check=True, capture_output=True).stdout
    with wave.open(io.BytesIO(raw)) as w:
        rate, data = w.getframerate(), w.readframes(w.getnframes())
    x = np.frombuffer(data, dtype=np.int16).astype(np.float64)
    x = resample_poly(x, 16000, rate)
    x = np.concatenate([np.zeros(3200), x, np.zeros(3200)])  # 0.2 s of silence either side
    rms = np.sqrt(np.mean(x[x != 0] ** 2))
    x = x + rng.normal(0, rms / 56.2, x.shape)  # ~35 dB SNR
    x = np.clip(x * (9000 / max(1.0, np.abs(x).max())), -32768, 32767).astype(np.int16)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(x.tobytes())
    return buf.getvalue()


def main() -> None:
    rng = np.random.default_rng(SEED)
    folder = task_dir(REF)
    (folder / "audio").mkdir(exist_ok=True)
    records, gold = [], []
    for i, (text, voice, wpm) in enumerate(CLIPS, 1):
        rid = f"r{i:02d}"
        path = f"audio/{rid}.wav"
        (folder / path).write_bytes(synthesise(text, voice, wpm, rng))
        records.append({"id": rid, "audio": path, "text": "A customer calling an online shop's hotline."})
        gold.append({"id": rid, "text": normalise(text)})
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
