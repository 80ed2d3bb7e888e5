"""Draw a certificate as a one-page PDF (A4 landscape) with reportlab: pure, no Flask, no database.

Usage::

    from certify.certificates.pdf import Branding, CertificateData, render_certificate

    pdf_bytes = render_certificate(data, branding)

:class:`CertificateData` carries what differs between certificates, :class:`Branding` what the
examining body configures once.  Both are frozen dataclasses of plain values, so the caller
(the issuing code, a CLI, a test) builds them from whatever it has.

Fonts
    Latin text is set in the standard Times, Helvetica and Courier (not embedded, present
    in every PDF viewer).  Everything else, the holder's name in particular, goes
    through :func:`split_runs`, which picks per word (else per character) the first font of a
    chain that has the glyphs: the standard font, then the embedded WenQuanYi Micro Hei subset
    shipped in ``certify/static/fonts`` (Latin, Greek, Cyrillic, kana, Hangul, CJK; reportlab
    embeds only the glyphs a PDF uses), then reportlab's built-in CID font STSong-Light for
    the rare ideographs the subset lacks (most of CJK Extension A; not embedded, the viewer
    supplies it).  Characters beyond the Basic Multilingual Plane (CJK Extension B and later)
    have no glyph in either font, since reportlab's CID fonts are UCS-2 encoded: they print
    as a missing-glyph box, while the name stays exact in the database, on the verification
    page and in the Open Badges credential.

Speed (``bench/bench_certificates.py`` measures it)
    What is the same on every certificate is prepared once per process and written into each
    document as finished bytes: the guilloché frame, the watermark rosette and the rules (a
    compressed form XObject, :class:`_PreparedForm`); the logo, seal and signature images
    and their masks (:class:`_PreparedImage`); the standard fonts' dictionaries
    (:class:`_StandardFont`).  What is the same for one examining body (titles, labels, names,
    signatory) is a second form whose text is drawn once per process and replayed in later
    documents (:func:`_branding_form`); its Chinese glyphs come from a font of their own
    (:data:`CJK_STATIC`), whose subset is therefore the same in every document and is built,
    checksummed and compressed once (:class:`_EmbeddedFont`).  Per document there remain the
    holder's data, the QR code (Reed-Solomon codewords and mask choice computed faster than
    reportlab does, with the same results: :func:`qr_modules`), a small font subset with the
    glyphs of the name, level and dates, and reportlab writing the objects.  reportlab's
    optional C accelerator (``rl-accel``, reportlab's ``accel`` extra) roughly halves what is
    left; everything works without it.

    These shortcuts use a few reportlab internals (``canvas._doc``, ``canvas._code``,
    ``TTFont.splitString`` and its per-document state, the document's ``BasicFonts``
    dictionary); the tests compare their output with reportlab's own, byte for byte where
    it applies, so that an upgrade that changes them fails loudly.

Global effect
    Importing this module sets ``reportlab.rl_config.useA85 = 0``: streams are written binary
    instead of ASCII85-armoured, which is 20 % smaller and, without reportlab's optional C
    accelerator, many times faster.  Every PDF reader accepts both.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import itertools
import math
import re
import unicodedata
import weakref
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from reportlab import rl_config
from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.barcode.qrencoder import QRUtil
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from .numbers import (
    OCCUPATION_CODE,
    OCCUPATION_EN,
    OCCUPATION_ZH,
    level_labels,
    mask_candidate_id,
)
from .verification import format_code

rl_config.useA85 = 0

STATIC = Path(__file__).resolve().parent.parent / "static"
#: The embedded font (see certify/static/fonts/LICENSE-WenQuanYiMicroHei.txt).
CJK_FONT_PATH = STATIC / "fonts" / "WenQuanYiMicroHei-certify.ttf"
#: The logo used when the branding names none.
DEFAULT_LOGO = STATIC / "img" / "certificate-logo.png"
#: Demo images; a real examining body configures its own seal and signature.
SAMPLE_SEAL = STATIC / "img" / "certificate-seal-sample.png"
SAMPLE_SIGNATURE = STATIC / "img" / "certificate-signature-sample.png"

#: reportlab font names.
CJK = "CertifyCJK"
#: The same face for the text every certificate of a branding shows (titles, labels, names of
#: the body and signatory): its subset is the same in every document, so it is built once.
CJK_STATIC = "CertifyCJKStatic"
CID = "STSong-Light"
#: The standard (not embedded) fonts, registered under names of their own (:class:`_StandardFont`).
SERIF = "CertifyTimes-Roman"
SERIF_BOLD = "CertifyTimes-Bold"
SERIF_ITALIC = "CertifyTimes-Italic"
SANS = "CertifyHelvetica"
MONO = "CertifyCourier-Bold"
_STANDARD_FACES = {SERIF: "Times-Roman", SERIF_BOLD: "Times-Bold", SERIF_ITALIC: "Times-Italic",
                   SANS: "Helvetica", MONO: "Courier-Bold"}
_STANDARD_FONTS = frozenset(_STANDARD_FACES)
_WIDE_FONTS = frozenset({CJK, CJK_STATIC, CID})

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
CENTRE_X = PAGE_WIDTH / 2

NAVY = HexColor("#1F3A5F")
GOLD = HexColor("#B08434")
INK = HexColor("#1E2430")
MUTED = HexColor("#5B6472")
PAPER = HexColor("#FCFAF4")
RULE = HexColor("#D8CFBC")
GUILLOCHE = HexColor("#2F6F73")
GUILLOCHE_GOLD = HexColor("#C9A45C")
WATERMARK = HexColor("#E4ECE8")

TITLE_ZH = "职业技能等级证书"
TITLE_EN = "VOCATIONAL SKILL LEVEL CERTIFICATE"


@dataclass(frozen=True, slots=True)
class CertificateData:
    """What one certificate says.  Plain values only; the PDF is a pure function of this.

    :param number: e.g. ``AIT-L3-2026-000123`` (see :mod:`certify.certificates.numbers`).
    :param holder_name: in any script; NFC-normalised before drawing.
    :param candidate_id: the full identity-document number; only a masked form is printed.
    :param level: 5 (junior) … 1 (senior technician).
    :param issued_on: date of issue.
    :param expires_on: last day of validity, or ``None`` for no expiry.
    :param verification_code: compact or grouped; printed grouped.
    :param verification_url: what the QR code encodes (the public verification page).
    """

    number: str
    holder_name: str
    candidate_id: str
    level: int
    issued_on: date
    expires_on: date | None
    verification_code: str
    verification_url: str
    occupation_code: str = OCCUPATION_CODE
    occupation_en: str = OCCUPATION_EN
    occupation_zh: str = OCCUPATION_ZH


@dataclass(frozen=True, slots=True)
class Branding:
    """What the examining body configures once: names, images, signatory.

    Image paths may be ``None`` to leave the element out (``logo_path`` defaults to the
    shipped neutral logo).  PNG with transparency suits seal and signature; images are read
    once per process and path, so replace a file under a new name to change it while running.

    :param body_name_en: examining body's name in English.
    :param body_name_zh: examining body's name in Chinese.
    :param signatory_name: printed under the signature line, e.g. ``张伟``.
    :param signatory_title: e.g. ``主任 Director``.
    :param keywords: extra PDF keywords.
    """

    body_name_en: str
    body_name_zh: str
    logo_path: str | Path | None = DEFAULT_LOGO
    seal_path: str | Path | None = None
    signature_path: str | Path | None = None
    signatory_name: str = ""
    signatory_title: str = ""
    keywords: tuple[str, ...] = ()


#: A complete branding with the SAMPLE seal and signature, for demos, tests and the benchmark.
SAMPLE_BRANDING = Branding(
    body_name_en="National Vocational Skill Assessment Centre for AI Trainers",
    body_name_zh="人工智能训练师职业技能等级评价中心",
    seal_path=SAMPLE_SEAL,
    signature_path=SAMPLE_SIGNATURE,
    signatory_name="张伟",
    signatory_title="主任 Director",
)


# --------------------------------------------------------------------------- fonts and runs

class _Literal(pdfdoc.PDFObject):
    """A PDF object serialised once and written into any number of documents as it is.

    Only for objects that refer to no other object (a font file stream, an image mask), so
    that their bytes do not depend on the document's object numbering.  Documents are never
    encrypted here; an encrypted document would need the streams encrypted per object.
    Always an indirect object (reportlab writes a reference wherever it is used).
    """

    __RefOnly__ = 1

    def __init__(self, data: bytes):
        self.data = data

    def format(self, document):
        """Return the stored serialisation (called by reportlab when the document is saved)."""
        return self.data


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
        literal = _Literal(data)
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
                "FontFile2": doc.Reference(_Literal(prepared.font_file), f"fontFile:{base}"),
                "MissingWidth": face.defaultWidth,
            })
            font = pdfdoc.PDFTrueTypeFont()
            font.Name = internal_name
            font.BaseFont = base
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = _InlineLiteral(prepared.widths)
            font.ToUnicode = doc.Reference(_Literal(prepared.to_unicode), f"toUnicodeCMap:{base}")
            font.FontDescriptor = doc.Reference(descriptor, f"fontDescriptor:{base}")
            doc.Reference(font, internal_name)
            doc.idToObject["BasicFonts"].dict[internal_name] = font
        del self.state[doc]


@functools.cache
def register_fonts() -> None:
    """Register the embedded CJK fonts and the CID fallback with reportlab (once per process)."""
    for name, face in _STANDARD_FACES.items():
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
    if font_name in _STANDARD_FONTS:
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
        wanted = bool(embolden) and font in _WIDE_FONTS
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


# --------------------------------------------------------------------------- prepared XObjects

class _PreparedForm(pdfdoc.PDFObject):
    """A form XObject whose content stream was compressed once and is copied into documents.

    It uses no resources (no fonts, no images): only paths and colours.
    """

    def __init__(self, compressed: bytes, bbox: tuple[float, float, float, float]):
        self.compressed = compressed
        self.bbox = bbox

    def format(self, document):
        """Write the stream object (called by reportlab when the document is saved)."""
        stream = pdfdoc.PDFStream(content=self.compressed)
        entries = stream.dictionary
        entries["Type"] = pdfdoc.PDFName("XObject")
        entries["Subtype"] = pdfdoc.PDFName("Form")
        entries["FormType"] = 1
        entries["BBox"] = pdfdoc.PDFArray(list(self.bbox))
        entries["Filter"] = pdfdoc.PDFName("FlateDecode")
        entries["Length"] = len(self.compressed)
        return stream.format(document)


@dataclass(frozen=True, slots=True)
class _PreparedImage:
    """An image decoded, compressed and serialised once, to be placed into any documents.

    reportlab's ``drawImage`` decodes, hashes and zlib-compresses an image again for every
    document, which for a logo, a seal and a signature costs more than the rest of the page.
    This keeps the image XObject and its alpha soft mask as finished PDF objects; the image
    refers to its mask, so its bytes are kept in two parts with the reference spliced between
    them in each document (:class:`_LiteralWithReference`).
    """

    name: str
    #: The image object; with a mask, the parts before and after the mask's reference.
    parts: tuple[bytes, ...]
    mask: bytes | None
    width: int
    height: int


class _InlineLiteral(pdfdoc.PDFObject):
    """A serialised value written in place, e.g. a font's widths array."""

    def __init__(self, data: bytes):
        self.data = data

    def format(self, document):
        """Return the stored serialisation."""
        return self.data


class _LiteralWithReference(_Literal):
    """A serialised PDF object with one reference to a named object spliced into it."""

    def __init__(self, head: bytes, tail: bytes, target: str):
        self.head, self.tail, self.target = head, tail, target

    def format(self, document):
        """Return the object with the target's number filled in (called when saving)."""
        return self.head + pdfdoc.PDFObjectReference(self.target).format(document) + self.tail


def _document(canvas: Canvas):
    """Return the canvas's reportlab document (reportlab keeps it in a private attribute)."""
    return canvas._doc


def _register(canvas: Canvas, name: str, make) -> None:
    """Register the XObject made by ``make()`` under *name* once per document."""
    doc = _document(canvas)
    if doc.getXObjectName(name) not in doc.idToObject:
        doc.addForm(name, make())


_MASK_MARK = b"\x00certify-mask-reference\x00"


@functools.lru_cache(maxsize=32)
def _prepare_image(path: str, mtime_ns: int) -> _PreparedImage:
    """Decode, compress and serialise the image at *path* (modified at *mtime_ns*) once."""
    reader = ImageReader(path)
    name = f"certifyImg{zlib.crc32(f'{path}|{mtime_ns}'.encode()):08x}"
    xobject = pdfdoc.PDFImageXObject(name, reader, mask="auto")
    smask = xobject.__dict__.pop("_smask", None)
    scratch = pdfdoc.PDFDocument()  # formatting needs a document; these objects refer to none
    mask = None
    if smask is not None:
        mask = smask.format(scratch)
        xobject.smask = _InlineLiteral(_MASK_MARK)
    parts = tuple(xobject.format(scratch).split(_MASK_MARK))
    width, height = reader.getSize()
    return _PreparedImage(name, parts, mask, width, height)


def _draw_image(canvas: Canvas, path: str | Path, x: float, y: float, width: float,
                height: float) -> None:
    """Draw the image at *path* fitted (aspect ratio kept) and centred in the given box."""
    image = _prepare_image(str(path), Path(path).stat().st_mtime_ns)

    def make():
        if image.mask is None:
            return _Literal(image.parts[0])
        doc = _document(canvas)
        mask_name = doc.getXObjectName(image.name + "Mask")
        doc.Reference(_Literal(image.mask), mask_name)
        return _LiteralWithReference(*image.parts, mask_name)

    _register(canvas, image.name, make)
    scale = min(width / image.width, height / image.height)
    w, h = image.width * scale, image.height * scale
    canvas.saveState()
    canvas.transform(w, 0, 0, h, x + (width - w) / 2, y + (height - h) / 2)
    canvas.doForm(image.name)
    canvas.restoreState()


# --------------------------------------------------------------------------- static geometry

def _rgb(color: Color, operator: str) -> str:
    """Return the PDF operator setting *color* (``rg`` fill, ``RG`` stroke)."""
    return f"{color.red:.3f} {color.green:.3f} {color.blue:.3f} {operator}"


def _smooth_closed(points: Sequence[tuple[float, float]]) -> str:
    """Return PDF path operators for a smooth closed curve through *points* (Catmull-Rom)."""
    n = len(points)
    ops = [f"{points[0][0]:.1f} {points[0][1]:.1f} m"]
    for i in range(n):
        (ax, ay), (bx, by) = points[i - 1], points[i]
        (cx, cy), (dx, dy) = points[(i + 1) % n], points[(i + 2) % n]
        ops.append(f"{bx + (cx - ax) / 6:.1f} {by + (cy - ay) / 6:.1f} "
                   f"{cx - (dx - bx) / 6:.1f} {cy - (dy - by) / 6:.1f} {cx:.1f} {cy:.1f} c")
    ops.append("h")
    return "\n".join(ops)


def _rounded_rect_walk(inset: float, radius: float, step: float):
    """Yield ``(x, y, nx, ny)`` evenly around a rounded rectangle: point and outward normal.

    The number of points is the whole number nearest to perimeter / *step*.
    """
    left, bottom = inset + radius, inset + radius
    right, top = PAGE_WIDTH - inset - radius, PAGE_HEIGHT - inset - radius
    across, up = right - left, top - bottom
    arc = math.pi * radius / 2

    def corner(cx: float, cy: float, start: float):
        def point(d: float):
            angle = math.radians(start + 90 * d / arc)
            nx, ny = math.cos(angle), math.sin(angle)
            return cx + radius * nx, cy + radius * ny, nx, ny
        return point

    segments = [
        (across, lambda d: (left + d, bottom - radius, 0.0, -1.0)),
        (arc, corner(right, bottom, -90)),
        (up, lambda d: (right + radius, bottom + d, 1.0, 0.0)),
        (arc, corner(right, top, 0)),
        (across, lambda d: (right - d, top + radius, 0.0, 1.0)),
        (arc, corner(left, top, 90)),
        (up, lambda d: (left - radius, top - d, -1.0, 0.0)),
        (arc, corner(left, bottom, 180)),
    ]
    perimeter = sum(length for length, _ in segments)
    count = round(perimeter / step)
    for k in range(count):
        distance = perimeter * k / count
        for length, point in segments:
            if distance <= length:
                yield point(distance)
                break
            distance -= length


def _guilloche_band() -> str:
    """Return the operators of the frame's band: six interlaced waves on a rounded rectangle."""
    walk = list(_rounded_rect_walk(inset=33.5, radius=14.0, step=4.0))
    periods = round(len(walk) / 7)  # a whole number of waves, each about 28 points long
    strokes = {GUILLOCHE: [], GUILLOCHE_GOLD: []}
    for strand in range(6):
        phase = strand * math.pi / 3
        points = []
        for k, (x, y, nx, ny) in enumerate(walk):
            t = 2 * math.pi * periods * k / len(walk) + phase
            offset = 7.0 * math.sin(t) * (0.75 + 0.25 * math.cos(0.6 * t + phase))
            points.append((x + nx * offset, y + ny * offset))
        strokes[GUILLOCHE_GOLD if strand % 3 == 0 else GUILLOCHE].append(_smooth_closed(points))
    return "\n".join(f"{_rgb(color, 'RG')}\n" + "\n".join(paths) + "\nS"
                     for color, paths in strokes.items())


def _rosette() -> str:
    """Return the operators of the watermark: three rings of interlaced lobes, page centre."""
    cx, cy = CENTRE_X, PAGE_HEIGHT / 2 + 4
    paths = []
    for base, depth, lobes, turn in ((150.0, 34.0, 36, 0.0), (116.0, 26.0, 30, 0.5),
                                     (84.0, 18.0, 24, 0.25)):
        for strand in range(3):
            count = lobes * 6
            points = []
            for k in range(count):
                t = 2 * math.pi * k / count
                r = base + depth * math.sin(lobes * t + strand * 2 * math.pi / 3 + turn)
                points.append((cx + r * math.cos(t), cy + 0.9 * r * math.sin(t)))
            paths.append(_smooth_closed(points))
    return "\n".join(paths) + "\nS"


def _round_rect(inset: float, radius: float) -> str:
    """Return the operators of a rounded rectangle *inset* from the page edges."""
    k = 0.5523 * radius  # Bézier approximation of a quarter circle
    x0, y0, x1, y1 = inset, inset, PAGE_WIDTH - inset, PAGE_HEIGHT - inset
    return "\n".join([
        f"{x0 + radius:.2f} {y0:.2f} m", f"{x1 - radius:.2f} {y0:.2f} l",
        f"{x1 - radius + k:.2f} {y0:.2f} {x1:.2f} {y0 + radius - k:.2f} {x1:.2f} {y0 + radius:.2f} c",
        f"{x1:.2f} {y1 - radius:.2f} l",
        f"{x1:.2f} {y1 - radius + k:.2f} {x1 - radius + k:.2f} {y1:.2f} {x1 - radius:.2f} {y1:.2f} c",
        f"{x0 + radius:.2f} {y1:.2f} l",
        f"{x0 + radius - k:.2f} {y1:.2f} {x0:.2f} {y1 - radius + k:.2f} {x0:.2f} {y1 - radius:.2f} c",
        f"{x0:.2f} {y0 + radius:.2f} l",
        f"{x0:.2f} {y0 + radius - k:.2f} {x0 + radius - k:.2f} {y0:.2f} {x0 + radius:.2f} {y0:.2f} c",
        "h",
    ])


def _ornament_rule(y: float, half: float) -> str:
    """Return the operators of a thin gold rule with a diamond in its middle, page-centred."""
    cx = CENTRE_X
    return (f"{_rgb(GOLD, 'RG')} {_rgb(GOLD, 'rg')} 0.8 w\n"
            f"{cx - half:.1f} {y} m {cx - 9:.1f} {y} l {cx + 9:.1f} {y} m {cx + half:.1f} {y} l S\n"
            f"{cx - 6:.1f} {y} m {cx:.1f} {y + 3.5} l {cx + 6:.1f} {y} l {cx:.1f} {y - 3.5} l f")


# Layout of the details table: label column x, value column x, baselines of the three rows.
_LEFT_X, _RIGHT_X, _VALUE_DX = 96.0, 470.0, 94.0
_ROWS = (250.0, 222.0, 194.0)
_LEFT_LABELS = (("职业（工种）", "Occupation"), ("职业编码", "Occupation code"),
                ("技能等级", "Level"))
_RIGHT_LABELS = (("证书编号", "Certificate No."), ("发证日期", "Date of issue"),
                 ("有效期至", "Valid until"))
_QR_X, _QR_Y, _QR_SIZE = 74.0, 64.0, 82.0
_SIGN_X = PAGE_WIDTH - 215.0
_TITLE_RULE_Y, _NAME_RULE_Y = 406.0, 339.0


@functools.cache
def _background_form() -> _PreparedForm:
    """Build, once per process, the vector background every certificate shares."""
    ops = [
        "q", _rgb(PAPER, "rg"), f"0 0 {PAGE_WIDTH:.2f} {PAGE_HEIGHT:.2f} re f",
        _rgb(WATERMARK, "RG"), "0.5 w", _rosette(),
        "0.45 w", _guilloche_band(),
        _rgb(NAVY, "RG"), "2.4 w", _round_rect(14, 10), "S",
        "0.6 w", _round_rect(19, 7), "S",
        "1.2 w", _round_rect(48, 6), "S",
        _rgb(GOLD, "RG"), "0.5 w", _round_rect(52, 4), "S",
        _ornament_rule(_TITLE_RULE_Y, 150), _ornament_rule(_NAME_RULE_Y, 170),
        _rgb(RULE, "RG"), "0.4 w",
    ]
    for y in _ROWS[1:]:
        ops.append(f"{_LEFT_X} {y + 21} m {_LEFT_X + 334} {y + 21} l "
                   f"{_RIGHT_X} {y + 21} m {_RIGHT_X + 290} {y + 21} l S")
    ops.append(f"{_rgb(MUTED, 'RG')} 0.6 w {_SIGN_X - 95:.1f} 124 m {_SIGN_X + 95:.1f} 124 l S")
    ops.append("Q")
    content = "\n".join(ops).encode("ascii")
    return _PreparedForm(zlib.compress(content, 9), (0, 0, PAGE_WIDTH, PAGE_HEIGHT))


# --------------------------------------------------------------------------- per-branding form

def _branding_text(canvas: Canvas, branding: Branding, log: list[tuple[str, str]]) -> None:
    """Draw the text every certificate of *branding* shows, logging each (font, text)."""
    draw = functools.partial(draw_text, cjk=CJK_STATIC)
    canvas.setFillColor(NAVY)
    canvas.setStrokeColor(NAVY)
    draw(canvas, TITLE_ZH, CENTRE_X, 440, 30, align="centre", embolden=0.7,
              char_space=10, log=log)
    draw(canvas, TITLE_EN, CENTRE_X, 416, 14, latin=SERIF_BOLD, align="centre",
              char_space=2.2, log=log)

    canvas.setFillColor(MUTED)
    draw(canvas, "兹证明", CENTRE_X - 4, 384, 11.5, align="right", log=log)
    draw(canvas, "This is to certify that", CENTRE_X + 4, 384, 11.5, latin=SERIF_ITALIC,
              log=log)
    draw(canvas, "经职业技能等级认定合格，特发此证。", CENTRE_X, 300, 11, align="centre",
              log=log)
    draw(canvas, "has passed the national vocational skill level assessment "
              "and is awarded this certificate.", CENTRE_X, 285, 10.5, latin=SERIF_ITALIC,
              align="centre", log=log)
    for x, labels in ((_LEFT_X, _LEFT_LABELS), (_RIGHT_X, _RIGHT_LABELS)):
        for y, (zh, en) in zip(_ROWS, labels, strict=True):
            draw(canvas, zh, x, y + 7, 8.5, log=log)
            draw(canvas, en, x, y - 3, 7, latin=SANS, log=log)
    draw(canvas, "扫码验证 · Scan to verify", _QR_X + _QR_SIZE + 10, _QR_Y + _QR_SIZE - 9,
              8, latin=SANS, log=log)
    draw(canvas, "验证码 · Verification code", _QR_X + _QR_SIZE + 10, _QR_Y + 44, 8,
              latin=SANS, log=log)

    canvas.setFillColor(INK)
    signatory = "  ".join(part for part in (branding.signatory_name, branding.signatory_title)
                          if part)
    if signatory:
        draw(canvas, signatory, _SIGN_X, 112, 9, align="centre", log=log)
    draw(canvas, branding.body_name_zh, _SIGN_X, 93,
              fit_size(branding.body_name_zh, SERIF, 12, 270, 8, CJK_STATIC), align="centre", log=log)
    draw(canvas, branding.body_name_en, _SIGN_X, 80,
              fit_size(branding.body_name_en, SERIF, 9, 270, 6, CJK_STATIC), align="centre", log=log)
    canvas.setFillColor(MUTED)
    draw(canvas, "评价机构（盖章） Examining body (seal)", _SIGN_X, 66, 7, latin=SANS,
              align="centre", log=log)


@dataclass(frozen=True, slots=True)
class _Recording:
    """The branding text as drawn once: its PDF operators and the fonts and text it used."""

    operators: str
    uses: tuple[tuple[str, str], ...]


_RECORDINGS: dict[Branding, _Recording] = {}
_MAX_RECORDINGS = 16


def _use_fonts(canvas: Canvas, uses: Iterable[tuple[str, str]]) -> None:
    """Tell the canvas's document that *uses* (font, text) were drawn, in order.

    This is what drawing them does to the document besides writing operators: it names the
    fonts (F1, F2, … in order of first use) and assigns the TrueType font's subset codes
    (in order of first use of each character), through the calls reportlab's ``ttfonts``
    module documents for that purpose.
    """
    doc = _document(canvas)
    for name, text in uses:
        font = pdfmetrics.getFont(name)
        if font._dynamicFont:
            for subset, _chunk in font.splitString(text, doc):
                font.getSubsetInternalName(subset, doc)
        else:
            doc.getInternalFontName(name)


def _branding_form(canvas: Canvas, branding: Branding) -> None:
    """Draw what every certificate of *branding* shows into the form ``certifyBranding``.

    The text is drawn for real once per process and branding, right after the background
    in a new document.  Later documents reach the same state at the same point, so the
    recorded operators are valid in them as they stand: they are replayed after the same
    font uses (:func:`_use_fonts`), which saves most of the page's drawing time.
    ``test_certificate_pdf.py`` checks that replayed and drawn pages are byte-identical.
    """
    canvas.beginForm("certifyBranding")
    if branding.logo_path is not None:
        _draw_image(canvas, branding.logo_path, CENTRE_X - 27, 480, 54, 54)
    if branding.signature_path is not None:
        _draw_image(canvas, branding.signature_path, _SIGN_X - 70, 125, 140, 46)
    recording = _RECORDINGS.get(branding)
    if recording is None:
        code = canvas._code
        start, log = len(code), []
        canvas.saveState()
        _branding_text(canvas, branding, log)
        canvas.restoreState()
        if len(_RECORDINGS) >= _MAX_RECORDINGS:
            _RECORDINGS.clear()
        _RECORDINGS[branding] = _Recording("\n".join(code[start:]), tuple(log))
    else:
        _use_fonts(canvas, recording.uses)
        canvas.addLiteral(recording.operators)
    canvas.endForm()


# --------------------------------------------------------------------------- QR code

def _gf_tables() -> tuple[list[int], list[int]]:
    """Return the exp and log tables of GF(256) with the QR polynomial x⁸+x⁴+x³+x²+1."""
    exp, log = [0] * 512, [0] * 256
    value = 1
    for power in range(255):
        exp[power], log[value] = value, power
        value <<= 1
        if value & 0x100:
            value ^= 0x11D
    for power in range(255, 512):
        exp[power] = exp[power - 255]
    return exp, log


_EXP, _LOG = _gf_tables()


@functools.cache
def _generator_products(degree: int) -> np.ndarray:
    """Return the Reed-Solomon generator of *degree* multiplied by every byte value.

    Row ``c`` holds ``c × g₁ … c × g_degree`` in GF(256) (the leading coefficient is 1).
    """
    poly = [1]
    for power in range(degree):
        factor = _EXP[power]
        poly = [a ^ (_EXP[_LOG[b] + _LOG[factor]] if b else 0)
                for a, b in zip([*poly, 0], [0, *poly], strict=True)]
    table = np.zeros((256, degree), dtype=np.uint8)
    for c in range(1, 256):
        table[c] = [_EXP[_LOG[c] + _LOG[g]] if g else 0 for g in poly[1:]]
    return table


def _ec_codewords(data: Sequence[int], degree: int) -> list[int]:
    """Return the *degree* Reed-Solomon error correction codewords of *data* (long division)."""
    products = _generator_products(degree)
    remainder = np.zeros(len(data) + degree, dtype=np.uint8)
    remainder[:len(data)] = data
    for i in range(len(data)):
        coefficient = remainder[i]
        if coefficient:
            remainder[i + 1:i + 1 + degree] ^= products[coefficient]
    return remainder[len(data):].tolist()


class _BitBuffer:
    """reportlab's ``QRBitBuffer`` interface (put, putBit, getLengthInBits, buffer) on an int.

    The segments' ``write`` methods fill it bit group by bit group; reportlab's own buffer
    appends one bit at a time, which is the slowest step of encoding a URL.
    """

    def __init__(self) -> None:
        self.value = 0
        self.length = 0

    def put(self, num: int, length: int) -> None:
        """Append the *length* low bits of *num*, most significant first."""
        self.value = (self.value << length) | (num & ((1 << length) - 1))
        self.length += length

    def putBit(self, bit: bool) -> None:
        """Append one bit."""
        self.put(1 if bit else 0, 1)

    def getLengthInBits(self) -> int:
        """Return the number of bits appended."""
        return self.length

    @property
    def buffer(self) -> list[int]:
        """Return the bits as bytes, the last one padded with zero bits."""
        pad = -self.length % 8
        return list((self.value << pad).to_bytes((self.length + pad) // 8, "big"))


def qr_codewords(version: int, level: int, segments: Sequence) -> list[int]:
    """Return the interleaved data and error correction codewords of a QR symbol.

    The same result as reportlab's ``QRCode.createData`` (bit buffer, terminator, padding
    and block layout are reportlab's), with table-driven Reed-Solomon arithmetic, which is
    an order of magnitude faster than reportlab's polynomial objects.
    """
    blocks = qrencoder.QRRSBlock.getRSBlocks(version, level)
    buffer = _BitBuffer()
    for segment in segments:
        segment.write(buffer, version)
    capacity = 8 * sum(block.dataCount for block in blocks)
    if buffer.getLengthInBits() > capacity:
        raise ValueError(f"QR data too long for version {version}")
    if buffer.getLengthInBits() + 4 <= capacity:
        buffer.put(0, 4)
    while buffer.getLengthInBits() % 8:
        buffer.putBit(False)
    pads = itertools.cycle((qrencoder.QRCode.PAD0, qrencoder.QRCode.PAD1))
    while buffer.getLengthInBits() < capacity:
        buffer.put(next(pads), 8)
    stream = buffer.buffer
    data_blocks, ec_blocks, offset = [], [], 0
    for block in blocks:
        data = stream[offset:offset + block.dataCount]
        offset += block.dataCount
        data_blocks.append(data)
        ec_blocks.append(_ec_codewords(data, block.totalCount - block.dataCount))
    return [codeword for group in (data_blocks, ec_blocks)
            for column in itertools.zip_longest(*group) for codeword in column
            if codeword is not None]


@functools.lru_cache(maxsize=64)
def _mask_stack(size: int) -> np.ndarray:
    """Return reportlab's eight QR mask patterns as a boolean array of shape (8, size, size)."""
    rows, cols = np.indices((size, size))
    return np.stack([np.asarray(QRUtil.getMask(p)(rows, cols), dtype=bool) for p in range(8)])


_FINDER_LIKE = (0b10111010000, 0b00001011101)


def qr_penalties(symbols: np.ndarray) -> np.ndarray:
    """Score QR symbols by the four penalty rules of ISO/IEC 18004 (lower reads better).

    N1: runs of five or more same-colour modules in a row or column, 3 + (length − 5) each;
    N2: 2 × 2 blocks of one colour, 3 each; N3: the finder-like 1:1:3:1:1 pattern with four
    light modules before or after it, 40 each; N4: 10 per whole 5 % the dark share is away
    from 50 %.

    :param symbols: boolean array (k, n, n): k candidate symbols, True for dark.
    :return: k integer scores.
    """
    k, n, _ = symbols.shape
    scores = np.zeros(k, dtype=np.int64)
    for grid in (symbols, symbols.transpose(0, 2, 1)):
        edges = np.ones((k, n, 1), dtype=bool)
        changes = np.concatenate([edges, grid[:, :, 1:] != grid[:, :, :-1], edges], axis=2)
        starts = np.flatnonzero(changes)
        lengths = np.diff(starts)
        long = lengths >= 5
        scores += np.bincount(starts[:-1][long] // (n * (n + 1)), weights=lengths[long] - 2,
                              minlength=k).astype(np.int64)
        # Each run of 11 modules (four light ones added at both ends) as an 11-bit number,
        # built in place in 16 bits: the finder-like patterns are two such numbers.
        padded = np.zeros((k, n, n + 8), dtype=np.int16)
        padded[:, :, 4:n + 4] = grid
        windows = padded[:, :, :n - 2].copy()
        for i in range(1, 11):
            windows <<= 1
            windows |= padded[:, :, i:i + n - 2]
        scores += 40 * ((windows == _FINDER_LIKE[0]) | (windows == _FINDER_LIKE[1])) \
            .sum(axis=(1, 2))
    corner = symbols[:, :-1, :-1]
    blocks = ((corner == symbols[:, 1:, :-1]) & (corner == symbols[:, :-1, 1:])
              & (corner == symbols[:, 1:, 1:]))
    scores += 3 * blocks.sum(axis=(1, 2))
    scores += 10 * (np.abs(symbols.mean(axis=(1, 2)) * 100 - 50) // 5).astype(np.int64)
    return scores


@functools.lru_cache(maxsize=64)
def _qr_layout(version: int, level: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return reportlab's layout of a QR version: what does not depend on the data.

    :return: the function patterns with blank format information (as reportlab's mask
        scoring sees them) and zeroed data modules, then the rows and the columns of the data
        modules in placement order.
    """
    qr = qrencoder.QRCode(version, level)
    blocks = qrencoder.QRRSBlock.getRSBlocks(version, level)
    qr.dataCache = [0] * sum(block.totalCount for block in blocks)
    qr.makeImpl(True, 0)
    cols, rows = (np.array(axis) for axis in zip(*qr.dataPosIterator(), strict=True))
    base = np.array(qr.modules, dtype=bool)
    base[rows, cols] = False
    return base, rows, cols


def qr_modules(text: str) -> list[list[bool]]:
    """Encode *text* as a QR code (error correction M) and return its module matrix.

    The symbol is reportlab's: ``QrCodeWidget`` picks mode and version, reportlab's encoder
    supplies the bit stream, module placement, masks and format information.  Two slow steps
    are done faster here, with the same results: the Reed-Solomon codewords
    (:func:`qr_codewords`) and placing the data under each of the eight masks, which numpy
    does at once before scoring them by the ISO penalty rules (:func:`qr_penalties`).

    :return: rows of booleans, True for dark; no quiet zone.
    """
    qr = QrCodeWidget(text, barLevel="M", barBorder=0).qr
    if qr.version is None:
        qr.version = qr.calculate_version()
    codewords = qr_codewords(qr.version, qr.errorCorrectLevel, qr.dataList)
    base, rows, cols = _qr_layout(qr.version, qr.errorCorrectLevel)
    bits = np.unpackbits(np.array(codewords, dtype=np.uint8)).astype(bool)
    placed = np.zeros(len(rows), dtype=bool)  # remainder bits after the codewords are light
    placed[:min(len(bits), len(rows))] = bits[:len(rows)]
    unmasked = base.copy()
    unmasked[rows, cols] = placed
    data = np.zeros_like(base)
    data[rows, cols] = True
    candidates = unmasked ^ (_mask_stack(base.shape[0]) & data)
    best = int(np.argmin(qr_penalties(candidates)))
    qr.moduleCount = base.shape[0]
    qr.modules = candidates[best].tolist()
    qr.setupTypeInfo(False, best)  # format information and the dark module, by reportlab
    if qr.version >= 7:
        qr.setupTypeNumber(False)
    return qr.modules


def _draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of *text* with a two-module white quiet zone in a *size* square.

    Each horizontal run of dark modules is one rectangle of a single filled path, in module
    units (the matrix ``cm`` scales them), which keeps the operators short and exact.
    """
    modules = np.array(qr_modules(text), dtype=bool)
    count = modules.shape[0]
    box = size / (count + 4)
    edges = np.zeros((count, 1), dtype=bool)
    changes = np.diff(np.concatenate([edges, modules, edges], axis=1).astype(np.int8), axis=1)
    rows, starts = np.nonzero(changes == 1)
    ends = np.nonzero(changes == -1)[1]
    ops = [f"q 1 1 1 rg {x:.2f} {y:.2f} {size:.2f} {size:.2f} re f 0 0 0 rg "
           f"{box:.4f} 0 0 {box:.4f} {x + 2 * box:.3f} {y + 2 * box:.3f} cm"]
    ops += [f"{c} {count - 1 - r} {e - c} 1 re"
            for r, c, e in zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True)]
    ops.append("f Q")
    canvas.addLiteral("\n".join(ops))


# --------------------------------------------------------------------------- the page

def _date(day: date) -> str:
    """Return a date as ``2026年6月30日  30 June 2026``."""
    return f"{day.year}年{day.month}月{day.day}日  {day.day} {day:%B} {day.year}"


def _metadata(canvas: Canvas, data: CertificateData, branding: Branding, level_en: str) -> None:
    """Set the PDF's document information (title, author, subject, creator, keywords)."""
    canvas.setTitle(f"{TITLE_ZH} Vocational Skill Level Certificate {data.number}")
    canvas.setAuthor(f"{branding.body_name_zh} {branding.body_name_en}")
    canvas.setSubject(f"{data.occupation_zh} {data.occupation_en} ({data.occupation_code}), "
                      f"{level_en}: {unicodedata.normalize('NFC', data.holder_name)}")
    canvas.setCreator("certify")
    canvas.setKeywords([data.number, data.occupation_code, data.occupation_en,
                        data.occupation_zh, level_en, "certificate", TITLE_ZH,
                        *branding.keywords])


def render_certificate(data: CertificateData, branding: Branding) -> bytes:
    """Render one certificate as the bytes of a one-page A4 landscape PDF.

    Thread-safe in the sense reportlab is: each call has its own canvas; the shared prepared
    parts are immutable once built.

    :raises ValueError: for a level outside 1–5.
    """
    register_fonts()
    level_en, level_zh = level_labels(data.level)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    _metadata(canvas, data, branding, level_en)
    _register(canvas, "certifyBackground", lambda: copy.copy(_background_form()))
    canvas.doForm("certifyBackground")
    _branding_form(canvas, branding)
    canvas.doForm("certifyBranding")

    canvas.setFillColor(INK)
    canvas.setStrokeColor(INK)
    name = split_runs(data.holder_name, (SERIF_BOLD, CJK, CID), single=True)
    size = min(30.0, max(14.0, 30 * 540 / max(runs_width(name, 30), 1)))
    draw_runs(canvas, name, CENTRE_X, 348, size, align="centre", embolden=size / 40)
    canvas.setFillColor(MUTED)
    draw_text(canvas, f"证件号码  ID No.  {mask_candidate_id(data.candidate_id)}", CENTRE_X,
              322, 9.5, latin=SANS, align="centre")

    canvas.setFillColor(INK)
    left, right = _LEFT_X + _VALUE_DX, _RIGHT_X + _VALUE_DX
    occupation = f"{data.occupation_zh}  {data.occupation_en}"
    draw_text(canvas, occupation, left, _ROWS[0], fit_size(occupation, SERIF, 12, 240, 8))
    draw_text(canvas, data.occupation_code, left, _ROWS[1], 12)
    level = f"{level_zh}  {level_en}"
    draw_text(canvas, level, left, _ROWS[2], fit_size(level, SERIF_BOLD, 12, 240, 8),
              latin=SERIF_BOLD, embolden=0.3)
    draw_text(canvas, data.number, right, _ROWS[0], 12.5, latin=SERIF_BOLD)
    draw_text(canvas, _date(data.issued_on), right, _ROWS[1], 12)
    expiry = "长期有效  No expiry" if data.expires_on is None else _date(data.expires_on)
    draw_text(canvas, expiry, right, _ROWS[2], 12)

    _draw_qr(canvas, data.verification_url, _QR_X, _QR_Y, _QR_SIZE)
    text_x = _QR_X + _QR_SIZE + 10
    draw_text(canvas, format_code(data.verification_code), text_x, _QR_Y + 28, 12, latin=MONO)
    canvas.setFillColor(MUTED)
    url_size = fit_size(data.verification_url, SANS, 6.5, 250, 4)
    draw_text(canvas, data.verification_url, text_x, _QR_Y + 2, url_size, latin=SANS)

    if branding.seal_path is not None:  # on the page: a form cannot carry the blend mode
        canvas.saveState()
        canvas.setBlendMode("Multiply")  # red ink over the printed name, as a stamp leaves it
        _draw_image(canvas, branding.seal_path, _SIGN_X + 42, 52, 86, 86)
        canvas.restoreState()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
