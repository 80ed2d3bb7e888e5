"""Make the certificate font: a subset of WenQuanYi Micro Hei for the scripts names are written in.

Run once by a developer when the font or the ranges change; the output is committed, so the
application and CI never need this script nor fontTools (a development-only tool)::

    pip install fonttools
    apt-get install fonts-wqy-microhei        # provides the source .ttc
    python tools/make_font_subset.py

The source is WenQuanYi Micro Hei 0.2.0-beta (Debian's fonts-wqy-microhei), dual licensed
Apache-2.0 or GPL-3+ with font exception; certify uses it under Apache-2.0 (see
LICENSE-WenQuanYiMicroHei.txt next to the output).  It is a TrueType (glyf) font, which
reportlab can embed and subsets again per PDF.

Kept: Latin (Basic, Latin-1, Extended-A/B, Extended Additional for Vietnamese), Greek, Cyrillic,
general punctuation (the middle dots · and ‧ of transliterated names), CJK symbols and
punctuation, kana, Hangul syllables, CJK Unified Ideographs (U+4E00–U+9FFF) with what the font
has of Extension A and the compatibility ideographs, and half/full-width forms.  Characters
outside the font (most of Extension A, Extension B and beyond) are drawn with reportlab's
built-in STSong-Light CID font instead; see ``certify.certificates.pdf.split_runs``.
Dropped: hinting (PDF viewers rasterise unhinted at print resolution), OpenType layout and
vertical metrics tables, which reportlab does not use.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

HERE = Path(__file__).resolve().parents[1] / "certify" / "static" / "fonts"
SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
OUTPUT = HERE / "WenQuanYiMicroHei-certify.ttf"

RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F),  # General Punctuation (‧ hyphenation point, – — ‘ ’ “ ”)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x3040, 0x30FF),  # Hiragana, Katakana (・ katakana middle dot)
    (0x3400, 0x4DBF),  # CJK Extension A (the few the font has)
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xAC00, 0xD7A3),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0xFF00, 0xFFEF),  # Half-width and full-width forms
]


def main() -> None:
    """Write the subset font and print its size and character count."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    font = TTCollection(str(args.source)).fonts[0]  # 0: Micro Hei, 1: Micro Hei Mono
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.drop_tables += ["vhea", "vmtx", "FFTM", "GDEF", "GPOS", "GSUB"]
    options.name_IDs = ["*"]  # keep copyright, licence and version strings
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for lo, hi in RANGES for c in range(lo, hi + 1)])
    subsetter.subset(font)
    font.save(str(args.output))
    print(f"{args.output}: {args.output.stat().st_size:,} bytes, "
          f"{len(font.getBestCmap()):,} characters")


if __name__ == "__main__":
    main()
