"""Fonts of the certificate: registration, embedding with cached subsets, and runs of text per font."""

from __future__ import annotations

import copy
import functools
import hashlib
import re
import unicodedata
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .objects import InlineLiteral, Literal
from .style import CID, CJK, CJK_FONT_PATH, CJK_STATIC, SERIF, STANDARD_FACES, STANDARD_FONTS, WIDE_FONTS


class _StandardFont(pdfmetrics.Font):
    """One of the 14 standard PDF fonts, WinAnsi-encoded, whose font dictionary is serialised
    once per internal name (``/F1`` …) rather than rebuilt, encoding differences and all, in
    every document.  Registered under a name of its own, so reportlab's shared font objects of
    the same face stay untouched."""

    def __init__(self, name: str, face: str):
        super().__init__(name, face, "WinAnsiEncoding")
        self._serialised: dict[str, bytes] = {}

    def addObjects(self, doc) -> None:
        """Add the font dictionary to *doc* (as reportlab's ``Font.addObjects`` does)."""
        internal = f"F{len(doc.fontMapping) + 1}"
        data = self._serialised.get(internal)
        if data is None:
            font = pdfdoc.PDFType1Font()
            font.Name = internal
            font.BaseFont = self.face.name
            font.Encoding = self.encoding.makePDFObject()
            data = self._serialised[internal] = font.format(doc)
        literal = Literal(data)
        doc.Reference(literal, internal)
        doc.idToObject["BasicFonts"].dict[internal] = literal
        doc.fontMapping[self.fontName] = "/" + internal


@dataclass(frozen=True, slots=True)
class _SubsetObjects:
    """The document-independent parts of one embedded font subset, serialised."""

    tag: str
    widths: bytes
    to_unicode: bytes
    font_file: bytes


class _EmbeddedFont(TTFont):
    """reportlab's subsetting TrueType font, with three changes for certificates.

    - No "ASCII-readable" subset: reportlab otherwise puts all 96 ASCII glyphs into every
      subset, which is most of a certificate's font data when Latin text is set in the
      standard fonts anyway.
    - Each subset is tagged from a hash of its glyphs (``ABCDEF+Name``, as PDF asks: different
      subsets have different names), rather than ``AAAAAA`` for the first subset of any font,
      so two fonts made from one face never share a name in one document.
    - With ``cache_subsets``, the serialised font file, widths and ToUnicode map of a subset
      are kept by its characters and reused by every later document with the same subset:
      the static text of a branding gives the same subset every time, and building it
      (reportlab's pure-Python subsetter, checksums, compression) costs more than the rest
      of the page.  The font tables are read once (reportlab copies the 3.6 MB ``glyf``
      table on every subset otherwise).
    """

    def __init__(self, name: str, face_of: TTFont | None = None, *, cache_subsets: bool):
        if face_of is None:
            super().__init__(name, str(CJK_FONT_PATH), asciiReadable=0)
            self.face.get_table = functools.cache(self.face.get_table)
            self.postscript_name = self.face.name.decode("latin-1")
        else:  # share the parsed font: one copy in memory
            self.__dict__.update(face_of.__dict__)
            self.fontName = name
            self.state = weakref.WeakKeyDictionary()
            # reportlab registers one font per face name and aliases later ones to it.
            self.face = copy.copy(face_of.face)
            self.face.name = f"{self.postscript_name}-{name}".encode("latin-1")
        self.cache_subsets = cache_subsets
        self._subsets: dict[tuple[int, ...], _SubsetObjects] = {}

    def _prepare(self, subset: list[int], doc) -> _SubsetObjects:
        """Serialise the parts of *subset* that do not depend on the document."""
        key = tuple(subset)
        prepared = self._subsets.get(key)
        if prepared is not None:
            return prepared
        digest = hashlib.sha256(repr((self.fontName, key)).encode()).digest()
        tag = "".join(chr(65 + byte % 26) for byte in digest[:6])
        base = f"{tag}+{self.postscript_name}"
        filters = [pdfdoc.PDFZCompress] if doc.compression else None
        cmap = pdfdoc.PDFStream(content=ttfonts.makeToUnicodeCMap(base, subset), filters=filters)
        font_file = pdfdoc.PDFStream(content=self.face.makeSubset(subset), filters=filters)
        font_file.dictionary["Length1"] = len(font_file.content)
        widths = pdfdoc.PDFArray([self.face.getCharWidth(code) for code in subset])
        prepared = _SubsetObjects(tag, widths.format(doc), cmap.format(doc),
                                  font_file.format(doc))
        if self.cache_subsets:
            if len(self._subsets) >= 64:
                self._subsets.clear()
            self._subsets[key] = prepared
        return prepared

    def addObjects(self, doc) -> None:
        """Add this font's subsets used in *doc* (called by reportlab when it is saved)."""
        state = self._assignState(doc)
        state.frozen = 1
        face = self.face
        for n, subset in enumerate(state.subsets):
            internal_name = self.getSubsetInternalName(n, doc)[1:]
            prepared = self._prepare(subset, doc)
            base = f"{prepared.tag}+{self.postscript_name}"
            descriptor = pdfdoc.PDFDictionary({
                "Type": "/FontDescriptor", "Ascent": face.ascent, "CapHeight": face.capHeight,
                "Descent": face.descent,
                "Flags": (face.flags & ~ttfonts.FF_NONSYMBOLIC) | ttfonts.FF_SYMBOLIC,
                "FontBBox": pdfdoc.PDFArray(face.bbox), "FontName": pdfdoc.PDFName(base),
                "ItalicAngle": face.italicAngle, "StemV": face.stemV,
                "FontFile2": doc.Reference(Literal(prepared.font_file), f"fontFile:{base}"),
                "MissingWidth": face.defaultWidth,
            })
            font = pdfdoc.PDFTrueTypeFont()
            font.Name = internal_name
            font.BaseFont = base
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = InlineLiteral(prepared.widths)
            font.ToUnicode = doc.Reference(Literal(prepared.to_unicode), f"toUnicodeCMap:{base}")
            font.FontDescriptor = doc.Reference(descriptor, f"fontDescriptor:{base}")
            doc.Reference(font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = font
        del self.state[doc]


@functools.cache
def register_fonts() -> None:
    """Register the embedded CJK fonts and the CID fallback with reportlab (once per process)."""
    for name, face in STANDARD_FACES.items():
        pdfmetrics.registerFont(_StandardFont(name, face))
    dynamic = _EmbeddedFont(CJK, cache_subsets=False)
    pdfmetrics.registerFont(dynamic)
    pdfmetrics.registerFont(_EmbeddedFont(CJK_STATIC, dynamic, cache_subsets=True))
    pdfmetrics.registerFont(UnicodeCIDFont(CID))


@functools.lru_cache(maxsize=16384)
def has_glyph(font_name: str, char: str) -> bool:
    """Tell whether the registered font *font_name* can draw *char*.

    Standard Type 1 fonts draw what WinAnsi (cp1252) encodes; a TrueType font what its cmap
    maps; a CID font (reportlab's are UCS-2 encoded) any assigned character of the Basic
    Multilingual Plane: its glyph set cannot be queried, it is the last resort of a chain.
    """
    if font_name in STANDARD_FONTS:
        try:
            char.encode("cp1252")
        except UnicodeEncodeError:
            return False
        return char.isprintable()
    font = pdfmetrics.getFont(font_name)
    if isinstance(font, TTFont):
        return ord(char) in font.face.charToGlyph
    return ord(char) <= 0xFFFF and unicodedata.category(char) not in ("Cn", "Co", "Cs", "Cc")


def _is_mark(char: str) -> bool:
    """Tell whether *char* is a combining mark (it belongs with the character before it)."""
    return unicodedata.category(char).startswith("M")


@functools.lru_cache(maxsize=4096)
def split_runs(text: str, fonts: tuple[str, ...] = (SERIF, CJK, CID), *,
               single: bool = False) -> tuple[tuple[str, str], ...]:
    """Split *text* into ``(font name, substring)`` runs, each drawable in its font.

    The text is NFC-normalised, then cut into words and spaces.  A word goes whole into the
    first font of *fonts* (the last, catch-all font excepted) that has all its characters,
    so that ``李Wei`` or ``Łukasz`` is set in one face; otherwise each character takes the
    first font that has it.  Spaces and combining marks stay in the run before them.  A
    character no font has (outside the Basic Multilingual Plane, e.g. CJK Extension B) goes
    to the first embedded TrueType font of the chain, which prints its missing-glyph box.

    :param fonts: font chain, most preferred first; the names must be registered.
    :param single: first try the whole text as one word, so that a name mixing scripts
        (``Nguyễn Văn An``, ``Wei 李``) is set in a single face when one face has it all.
    :return: runs whose substrings concatenate to the NFC form of *text* (cached: the same
        labels recur on every certificate).
    """
    register_fonts()
    text = unicodedata.normalize("NFC", text)
    if single:
        whole = next((name for name in fonts[:-1]
                      if all(has_glyph(name, char) for char in text)), None)
        if whole is not None:
            return ((whole, text),) if text else ()
    missing = next((name for name in fonts if isinstance(pdfmetrics.getFont(name), TTFont)),
                   fonts[-1])
    runs: list[tuple[str, str]] = []

    def add(font: str, chars: str) -> None:
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + chars)
        else:
            runs.append((font, chars))

    for token in re.findall(r"\s+|\S+", text):
        if token.isspace():
            add(runs[-1][0] if runs else fonts[0], token)
            continue
        whole = next((name for name in fonts[:-1]
                      if all(has_glyph(name, char) for char in token)), None)
        if whole is not None:
            add(whole, token)
            continue
        for char in token:
            if runs and _is_mark(char):
                add(runs[-1][0], char)
            else:
                add(next((name for name in fonts if has_glyph(name, char)), missing), char)
    return tuple(runs)


def runs_width(runs: Iterable[tuple[str, str]], size: float) -> float:
    """Return the width in points of *runs* set at *size*."""
    return sum(pdfmetrics.stringWidth(text, font, size) for font, text in runs)


def draw_runs(canvas: Canvas, runs: Sequence[tuple[str, str]], x: float, y: float, size: float,
              *, align: str = "left", embolden: float = 0.0, char_space: float = 0.0,
              log: list[tuple[str, str]] | None = None) -> float:
    """Draw *runs* on one baseline in the current fill colour and return their width.

    :param align: ``left`` (x is the start), ``centre`` (x is the middle) or ``right``.
    :param embolden: stroke width, in points, added around the glyphs of CJK runs (the
        embedded face has no bold weight); 0 for none.  Uses the current stroke colour.
    :param char_space: extra space after every character, in points.
    :param log: when given, every (font, text) drawn is appended to it, in order.
    """
    width = runs_width(runs, size) + char_space * (sum(len(t) for _f, t in runs) - 1)
    if align == "centre":
        x -= width / 2
    elif align == "right":
        x -= width
    text = canvas.beginText(x, y)
    if char_space:
        text.setCharSpace(char_space)
    bold = False
    for font, chars in runs:
        text.setFont(font, size)
        wanted = bool(embolden) and font in WIDE_FONTS
        if wanted != bold:
            text.setTextRenderMode(2 if wanted else 0)
            bold = wanted
        text.textOut(chars)
        if log is not None:
            log.append((font, chars))
    if bold:
        text.setTextRenderMode(0)
    if char_space:
        text.setCharSpace(0)
    if embolden:
        canvas.setLineWidth(embolden)
    canvas.drawText(text)
    return width


def draw_text(canvas: Canvas, text: str, x: float, y: float, size: float, *,
              latin: str = SERIF, align: str = "left", embolden: float = 0.0,
              char_space: float = 0.0, log: list[tuple[str, str]] | None = None,
              cjk: str = CJK) -> float:
    """Draw text in any script, with *latin* for what that font has; return the width.

    :param cjk: the embedded font for what *latin* lacks (:data:`CJK_STATIC` for the text
        that is the same on every certificate of a branding).
    The other keyword arguments are those of :func:`draw_runs`.
    """
    return draw_runs(canvas, split_runs(text, (latin, cjk, CID)), x, y, size, align=align,
                     embolden=embolden, char_space=char_space, log=log)


def fit_size(text: str, latin: str, size: float, max_width: float, minimum: float,
             cjk: str = CJK) -> float:
    """Return *size* reduced just enough (not below *minimum*) for *text* to fit *max_width*."""
    width = runs_width(split_runs(text, (latin, cjk, CID)), size)
    return size if width <= max_width else max(minimum, size * max_width / width)
