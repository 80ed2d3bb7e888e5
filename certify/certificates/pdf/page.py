"""One certificate: the shared background and branding, then the holder's data and the QR code."""

from __future__ import annotations

import copy
import io
import unicodedata
from datetime import date

from reportlab.pdfgen.canvas import Canvas

from ..numbers import level_labels, mask_candidate_id
from ..verification import format_code
from .branding import branding_form
from .data import Branding, CertificateData
from .fonts import draw_runs, draw_text, fit_size, register_fonts, runs_width, split_runs
from .objects import draw_image, register_xobject
from .ornaments import background_form
from .qr import draw_qr
from .style import (
    CENTRE_X,
    CID,
    CJK,
    INK,
    LEFT_X,
    MONO,
    MUTED,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    QR_SIZE,
    QR_X,
    QR_Y,
    RIGHT_X,
    ROWS,
    SANS,
    SERIF,
    SERIF_BOLD,
    SIGN_X,
    TITLE_ZH,
    VALUE_DX,
)

#: English month names, independent of the process locale (``%B`` would follow it).
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")


def _date(day: date) -> str:
    """Return a date as ``2026年6月30日  30 June 2026``."""
    return f"{day.year}年{day.month}月{day.day}日  {day.day} {MONTHS_EN[day.month - 1]} {day.year}"


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
    register_xobject(canvas, "certifyBackground", lambda: copy.copy(background_form()))
    canvas.doForm("certifyBackground")
    branding_form(canvas, branding)
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
    left, right = LEFT_X + VALUE_DX, RIGHT_X + VALUE_DX
    occupation = f"{data.occupation_zh}  {data.occupation_en}"
    draw_text(canvas, occupation, left, ROWS[0], fit_size(occupation, SERIF, 12, 240, 8))
    draw_text(canvas, data.occupation_code, left, ROWS[1], 12)
    level = f"{level_zh}  {level_en}"
    draw_text(canvas, level, left, ROWS[2], fit_size(level, SERIF_BOLD, 12, 240, 8),
              latin=SERIF_BOLD, embolden=0.3)
    draw_text(canvas, data.number, right, ROWS[0], 12.5, latin=SERIF_BOLD)
    draw_text(canvas, _date(data.issued_on), right, ROWS[1], 12)
    expiry = "长期有效  No expiry" if data.expires_on is None else _date(data.expires_on)
    draw_text(canvas, expiry, right, ROWS[2], 12)

    draw_qr(canvas, data.verification_url, QR_X, QR_Y, QR_SIZE)
    text_x = QR_X + QR_SIZE + 10
    draw_text(canvas, format_code(data.verification_code), text_x, QR_Y + 28, 12, latin=MONO)
    canvas.setFillColor(MUTED)
    url_size = fit_size(data.verification_url, SANS, 6.5, 250, 4)
    draw_text(canvas, data.verification_url, text_x, QR_Y + 2, url_size, latin=SANS)

    if branding.seal_path is not None:  # on the page: a form cannot carry the blend mode
        canvas.saveState()
        canvas.setBlendMode("Multiply")  # red ink over the printed name, as a stamp leaves it
        draw_image(canvas, branding.seal_path, SIGN_X + 42, 52, 86, 86)
        canvas.restoreState()
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
