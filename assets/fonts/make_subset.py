#!/usr/bin/env python3
"""Builds the font embedded in ParkReview's PDFs: Noto Sans CJK SC Regular (SIL OFL 1.1, from
Debian's fonts-noto-cjk), subset to what official documents here need, so the repository and the
binary stay small while any park, enterprise or person name in GB 2312 prints.

Characters kept: ASCII and Latin-1 punctuation, general and CJK punctuation, full-width forms,
every character of GB 2312 (6,763 hanzi), and every character used in this repository's assets,
Rust sources and UI messages (which adds the rarer ones in place names, e.g. 浈).

Run after adding text with new characters:  pip install fonttools && python3 assets/fonts/make_subset.py
"""
import pathlib
from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = pathlib.Path(__file__).resolve().parents[2]
SOURCE = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
FACE_SC = 2  # the collection's Simplified Chinese face
OUT = pathlib.Path(__file__).with_name("NotoSansSC-ParkReview.otf")

chars = set()
for ranges in [(0x20, 0x7F), (0xA0, 0x100), (0x2000, 0x2070), (0x2100, 0x2200), (0x3000, 0x3040), (0xFF00, 0xFFF0)]:
    chars.update(chr(c) for c in range(*ranges))
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.update(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
for pattern in ["assets/**/*.json", "crates/**/*.rs", "ui/src/i18n/*.ts"]:
    for path in ROOT.glob(pattern):
        chars.update(path.read_text(encoding="utf-8"))

font = TTCollection(SOURCE).fonts[FACE_SC]
options = subset.Options()
options.name_IDs = ["*"]
options.name_languages = ["*"]
options.notdef_outline = True
options.hinting = False
subsetter = subset.Subsetter(options)
subsetter.populate(unicodes=[ord(c) for c in chars if not c.isspace() or c == " "])
subsetter.subset(font)
font.save(OUT)
print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KiB, {len(chars)} characters requested)")
