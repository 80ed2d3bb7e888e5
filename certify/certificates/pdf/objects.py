"""PDF objects serialised once and written into many documents (reportlab internals, used here only).

The tests compare their output with reportlab's own, so that an upgrade that changes the
internals fails loudly.
"""

from __future__ import annotations

import functools
import zlib
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas


class Literal(pdfdoc.PDFObject):
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


class PreparedForm(pdfdoc.PDFObject):
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
class PreparedImage:
    """An image decoded, compressed and serialised once, to be placed into any documents.

    reportlab's ``drawImage`` decodes, hashes and zlib-compresses an image again for every
    document, which for a logo, a seal and a signature costs more than the rest of the page.
    This keeps the image XObject and its alpha soft mask as finished PDF objects; the image
    refers to its mask, so its bytes are kept in two parts with the reference spliced between
    them in each document (:class:`LiteralWithReference`).
    """

    name: str
    #: The image object; with a mask, the parts before and after the mask's reference.
    parts: tuple[bytes, ...]
    mask: bytes | None
    width: int
    height: int


class InlineLiteral(pdfdoc.PDFObject):
    """A serialised value written in place, e.g. a font's widths array."""

    def __init__(self, data: bytes):
        self.data = data

    def format(self, document):
        """Return the stored serialisation."""
        return self.data


class LiteralWithReference(Literal):
    """A serialised PDF object with one reference to a named object spliced into it."""

    def __init__(self, head: bytes, tail: bytes, target: str):
        self.head, self.tail, self.target = head, tail, target

    def format(self, document):
        """Return the object with the target's number filled in (called when saving)."""
        return self.head + pdfdoc.PDFObjectReference(self.target).format(document) + self.tail


def document_of(canvas: Canvas):
    """Return the canvas's reportlab document (reportlab keeps it in a private attribute)."""
    return canvas._doc


def register_xobject(canvas: Canvas, name: str, make) -> None:
    """Register the XObject made by ``make()`` under *name* once per document."""
    doc = document_of(canvas)
    if doc.getXObjectName(name) not in doc.idToObject:
        doc.addForm(name, make())


_MASK_MARK = b"\x00certify-mask-reference\x00"


@functools.lru_cache(maxsize=32)
def _prepare_image(path: str, mtime_ns: int) -> PreparedImage:
    """Decode, compress and serialise the image at *path* (modified at *mtime_ns*) once."""
    reader = ImageReader(path)
    name = f"certifyImg{zlib.crc32(f'{path}|{mtime_ns}'.encode()):08x}"
    xobject = pdfdoc.PDFImageXObject(name, reader, mask="auto")
    smask = xobject.__dict__.pop("_smask", None)
    scratch = pdfdoc.PDFDocument()  # formatting needs a document; these objects refer to none
    mask = None
    if smask is not None:
        mask = smask.format(scratch)
        xobject.smask = InlineLiteral(_MASK_MARK)
    parts = tuple(xobject.format(scratch).split(_MASK_MARK))
    width, height = reader.getSize()
    return PreparedImage(name, parts, mask, width, height)


def draw_image(canvas: Canvas, path: str | Path, x: float, y: float, width: float,
                height: float) -> None:
    """Draw the image at *path* fitted (aspect ratio kept) and centred in the given box."""
    image = _prepare_image(str(path), Path(path).stat().st_mtime_ns)

    def make():
        if image.mask is None:
            return Literal(image.parts[0])
        doc = document_of(canvas)
        mask_name = doc.getXObjectName(image.name + "Mask")
        doc.Reference(Literal(image.mask), mask_name)
        return LiteralWithReference(*image.parts, mask_name)

    register_xobject(canvas, image.name, make)
    scale = min(width / image.width, height / image.height)
    w, h = image.width * scale, image.height * scale
    canvas.saveState()
    canvas.transform(w, 0, 0, h, x + (width - w) / 2, y + (height - h) / 2)
    canvas.doForm(image.name)
    canvas.restoreState()
