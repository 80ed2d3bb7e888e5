"""Draw a certificate as a one-page PDF (A4 landscape) with reportlab: pure, no Flask, no database.

The package, one idea per module: :mod:`.style` (page, colours, font names, positions),
:mod:`.data` (the plain input values), :mod:`.fonts` (registration, embedding, runs of text
per font), :mod:`.objects` (PDF objects serialised once, over reportlab internals),
:mod:`.ornaments` (the shared vector background), :mod:`.branding` (the examining body's text,
drawn once and replayed), :mod:`.qr` (the QR code) and :mod:`.page` (one certificate).

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
    and their masks (:class:`.objects.PreparedImage`); the standard fonts' dictionaries
    (:class:`.fonts._StandardFont`).  What is the same for one examining body (titles, labels, names,
    signatory) is a second form whose text is drawn once per process and replayed in later
    documents (:func:`.branding.branding_form`); its Chinese glyphs come from a font of their own
    (:data:`CJK_STATIC`), whose subset is therefore the same in every document and is built,
    checksummed and compressed once (:class:`.fonts._EmbeddedFont`).  Per document there remain the
    holder's data, the QR code (encoded by zxing-cpp: :mod:`.qr`), a small font subset with the
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

from reportlab import rl_config

from .data import SAMPLE_BRANDING, Branding, CertificateData
from .fonts import register_fonts, split_runs
from .page import render_certificate
from .qr import qr_modules
from .style import CID, CJK, CJK_STATIC, MONO, SANS, SERIF, SERIF_BOLD, SERIF_ITALIC

rl_config.useA85 = 0

__all__ = [
           "CID",
           "CJK",
           "CJK_STATIC",
           "MONO",
           "SAMPLE_BRANDING",
           "SANS",
           "SERIF",
           "SERIF_BOLD",
           "SERIF_ITALIC",
           "Branding",
           "CertificateData",
           "qr_modules",
           "register_fonts",
           "render_certificate",
           "split_runs",
]
