"""The text and images every certificate of one examining body shows, drawn once and replayed."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from .data import Branding
from .fonts import draw_text, fit_size
from .objects import document_of, draw_image
from .style import (
    CENTRE_X,
    CJK_STATIC,
    INK,
    LEFT_LABELS,
    LEFT_X,
    MUTED,
    NAVY,
    QR_SIZE,
    QR_X,
    QR_Y,
    RIGHT_LABELS,
    RIGHT_X,
    ROWS,
    SANS,
    SERIF,
    SERIF_BOLD,
    SERIF_ITALIC,
    SIGN_X,
    TITLE_EN,
    TITLE_ZH,
)


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
    for x, labels in ((LEFT_X, LEFT_LABELS), (RIGHT_X, RIGHT_LABELS)):
        for y, (zh, en) in zip(ROWS, labels, strict=True):
            draw(canvas, zh, x, y + 7, 8.5, log=log)
            draw(canvas, en, x, y - 3, 7, latin=SANS, log=log)
    draw(canvas, "扫码验证 · Scan to verify", QR_X + QR_SIZE + 10, QR_Y + QR_SIZE - 9,
              8, latin=SANS, log=log)
    draw(canvas, "验证码 · Verification code", QR_X + QR_SIZE + 10, QR_Y + 44, 8,
              latin=SANS, log=log)

    canvas.setFillColor(INK)
    signatory = "  ".join(part for part in (branding.signatory_name, branding.signatory_title)
                          if part)
    if signatory:
        draw(canvas, signatory, SIGN_X, 112, 9, align="centre", log=log)
    draw(canvas, branding.body_name_zh, SIGN_X, 93,
              fit_size(branding.body_name_zh, SERIF, 12, 270, 8, CJK_STATIC), align="centre", log=log)
    draw(canvas, branding.body_name_en, SIGN_X, 80,
              fit_size(branding.body_name_en, SERIF, 9, 270, 6, CJK_STATIC), align="centre", log=log)
    canvas.setFillColor(MUTED)
    draw(canvas, "评价机构（盖章） Examining body (seal)", SIGN_X, 66, 7, latin=SANS,
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
    doc = document_of(canvas)
    for name, text in uses:
        font = pdfmetrics.getFont(name)
        if font._dynamicFont:
            for subset, _chunk in font.splitString(text, doc):
                font.getSubsetInternalName(subset, doc)
        else:
            doc.getInternalFontName(name)


def branding_form(canvas: Canvas, branding: Branding) -> None:
    """Draw what every certificate of *branding* shows into the form ``certifyBranding``.

    The text is drawn for real once per process and branding, right after the background
    in a new document.  Later documents reach the same state at the same point, so the
    recorded operators are valid in them as they stand: they are replayed after the same
    font uses (:func:`_use_fonts`), which saves most of the page's drawing time.
    ``test_certificate_pdf.py`` checks that replayed and drawn pages are byte-identical.
    """
    canvas.beginForm("certifyBranding")
    if branding.logo_path is not None:
        draw_image(canvas, branding.logo_path, CENTRE_X - 27, 480, 54, 54)
    if branding.signature_path is not None:
        draw_image(canvas, branding.signature_path, SIGN_X - 70, 125, 140, 46)
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
