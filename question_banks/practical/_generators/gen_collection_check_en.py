"""L5-collection-check-en: 30 entries of a collection manifest, checked against the collection plan.

Every entry is written as structured facts (name, format, size or sound, consent); the gold verdict is
computed from the plan's rules in task.yaml (priority: no_consent > wrong_format > out_of_spec >
bad_name > accept), never typed by hand, and each entry's expected verdict is asserted against it.

Run: .venv/bin/python question_banks/practical/_generators/gen_collection_check_en.py
"""
import re
from datetime import date

from _common import write_task

REF = "L5-collection-check-en"
PHOTO_NAME = re.compile(r"^store(\d{2})_(\d{8})_(\d{4})\.jpg$")
AUDIO_NAME = re.compile(r"^spk(\d{3})_(\d{8})_(\d{2})\.wav$")
#: the collection ran from Monday 11 to Friday 15 March 2024
FIRST, LAST = date(2024, 3, 11), date(2024, 3, 15)

# (file name, kind, format, details, consent, expected verdict)
#   photo details: (width, height); audio details: (sample rate kHz, channels, seconds)
DATA = [
    ("store03_20240311_0001.jpg", "photo", "JPEG", (1920, 1080), "C-2024-0101", "accept"),
    ("store03_20240311_0002.jpg", "photo", "JPEG", (1280, 720), "C-2024-0101", "accept"),
    ("spk014_20240312_01.wav", "audio", "WAV", (16, 1, 4.8), "C-2024-0214", "accept"),
    ("store11_20240313_0027.jpg", "photo", "JPEG", (1080, 1920), "C-2024-0133", "accept"),
    ("spk020_20240314_03.wav", "audio", "WAV", (16, 1, 14.9), "C-2024-0220", "accept"),
    ("spk007_20240315_12.wav", "audio", "WAV", (16, 1, 2.0), "C-2024-0207", "accept"),
    ("store05_20240315_0140.jpg", "photo", "JPEG", (4032, 3024), "C-2024-0105", "accept"),
    ("spk031_20240311_02.wav", "audio", "WAV", (16, 1, 9.3), "C-2024-0231", "accept"),
    # no_consent: missing, refused or still pending — wins over every other problem
    ("store08_20240312_0015.jpg", "photo", "JPEG", (1920, 1080), "none", "no_consent"),
    ("spk019_20240313_05.wav", "audio", "WAV", (16, 1, 6.1), "pending", "no_consent"),
    ("store02_20240314_0077.png", "photo", "PNG", (1920, 1080), "none", "no_consent"),
    ("spk022_20240311_01.wav", "audio", "WAV", (8, 1, 5.0), "refused", "no_consent"),
    ("IMG_4410.jpg", "photo", "JPEG", (640, 480), "pending", "no_consent"),
    # wrong_format: not JPEG / not WAV (whatever the extension says)
    ("store04_20240312_0031.png", "photo", "PNG", (1920, 1080), "C-2024-0104", "wrong_format"),
    ("spk009_20240312_02.mp3", "audio", "MP3", (16, 1, 5.5), "C-2024-0209", "wrong_format"),
    ("store06_20240313_0008.jpg", "photo", "HEIC", (4032, 3024), "C-2024-0106", "wrong_format"),
    ("spk012_20240314_07.m4a", "audio", "M4A", (44.1, 2, 3.0), "C-2024-0212", "wrong_format"),
    ("photo 1.heic", "photo", "HEIC", (1280, 720), "C-2024-0110", "wrong_format"),
    # out_of_spec: photo below 1280 × 720; audio not 16 kHz mono, or shorter than 2 s / longer
    # than 15 s
    ("store07_20240311_0044.jpg", "photo", "JPEG", (1024, 768), "C-2024-0107", "out_of_spec"),
    ("spk015_20240311_04.wav", "audio", "WAV", (44.1, 1, 6.0), "C-2024-0215", "out_of_spec"),
    ("spk016_20240312_09.wav", "audio", "WAV", (16, 2, 5.2), "C-2024-0216", "out_of_spec"),
    ("spk017_20240313_11.wav", "audio", "WAV", (16, 1, 1.4), "C-2024-0217", "out_of_spec"),
    ("spk018_20240314_02.wav", "audio", "WAV", (16, 1, 21.7), "C-2024-0218", "out_of_spec"),
    ("store09_20240314_0100.jpg", "photo", "JPEG", (1280, 640), "C-2024-0109", "out_of_spec"),
    ("Store10-0315-88.jpg", "photo", "JPEG", (800, 600), "C-2024-0110", "out_of_spec"),
    # bad_name: breaks store<NN>_<YYYYMMDD>_<NNNN>.jpg / spk<NNN>_<YYYYMMDD>_<NN>.wav, or a date
    # outside the collection week
    ("store3_20240311_0003.jpg", "photo", "JPEG", (1920, 1080), "C-2024-0101", "bad_name"),
    ("store12_2024-03-12_0009.jpg", "photo", "JPEG", (1920, 1080), "C-2024-0112", "bad_name"),
    ("spk021_20240318_01.wav", "audio", "WAV", (16, 1, 3.3), "C-2024-0221", "bad_name"),
    ("spk023_20240313_1.wav", "audio", "WAV", (16, 1, 7.7), "C-2024-0223", "bad_name"),
    ("store01_20240312_0012 (1).jpg", "photo", "JPEG", (1920, 1080), "C-2024-0101", "bad_name"),
]


def _date_ok(text: str) -> bool:
    try:
        day = date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return False
    return FIRST <= day <= LAST


def verdict(name: str, kind: str, fmt: str, details: tuple, consent: str) -> str:
    """The plan's rules, in priority order."""
    if not re.fullmatch(r"C-\d{4}-\d{4}", consent):
        return "no_consent"
    if fmt != ("JPEG" if kind == "photo" else "WAV"):
        return "wrong_format"
    if kind == "photo":
        width, height = details
        if max(width, height) < 1280 or min(width, height) < 720:
            return "out_of_spec"
    else:
        rate, channels, seconds = details
        if rate != 16 or channels != 1 or not 2.0 <= seconds <= 15.0:
            return "out_of_spec"
    match = (PHOTO_NAME if kind == "photo" else AUDIO_NAME).match(name)
    if not match or not _date_ok(match.group(2)):
        return "bad_name"
    return "accept"


def describe(name: str, kind: str, fmt: str, details: tuple, consent: str) -> str:
    if kind == "photo":
        width, height = details
        facts = f"photo · format {fmt} · {width} × {height} px"
    else:
        rate, channels, seconds = details
        facts = (f"audio · format {fmt} · {rate:g} kHz · {'mono' if channels == 1 else 'stereo'} · "
                 f"{seconds:.1f} s")
    return f"{name}\n{facts} · consent: {consent}"


def main() -> None:
    records, gold = [], []
    for i, (name, kind, fmt, details, consent, expected) in enumerate(DATA, start=1):
        label = verdict(name, kind, fmt, details, consent)
        assert label == expected, f"{name}: rules give {label}, the list says {expected}"
        rid = f"r{i:02d}"
        records.append({"id": rid, "text": describe(name, kind, fmt, details, consent)})
        gold.append({"id": rid, "label": label})
    # Shown in the order of the manifest (by file name), not grouped by verdict.
    order = sorted(range(len(records)), key=lambda i: DATA[i][0].lower())
    records = [records[i] for i in order]
    gold = [gold[i] for i in order]
    for i, (record, line) in enumerate(zip(records, gold, strict=True), start=1):
        record["id"] = line["id"] = f"r{i:02d}"
    write_task(REF, records, gold)


if __name__ == "__main__":
    main()
