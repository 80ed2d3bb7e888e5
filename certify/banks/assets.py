"""Uploaded images and audio: checked by content, stored by SHA-256, served with safe headers.

A file is accepted only when its bytes prove its type — never by its name or the browser's claim:

- images (PNG, JPEG, GIF, WebP) must decode completely with Pillow, within ``MAX_IMAGE_BYTES`` and
  ``MAX_IMAGE_PIXELS`` (a decompression bomb is refused before it is decoded); SVG is refused
  outright because it can carry script;
- audio (WAV, MP3, Ogg) must have a valid header (WAV: the ``wave`` module reads its frames), within
  ``MAX_AUDIO_BYTES``.

Files live in ``<instance>/assets/<first two hex digits>/<sha256>``; the same bytes uploaded twice are
one asset. Bank text refers to an asset as ``asset:<sha256>`` (``![alt](asset:…)`` in Markdown, the
``image``/``audio`` field of practical records); :func:`asset_url` turns that into a URL.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from certify.auth.models import User
from certify.banks.models import Asset
from certify.db import db
from certify.settings import setting

#: Pillow format → the Content-Type the file is served with.
IMAGE_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
AUDIO_TYPES = {"WAV": "audio/wav", "MP3": "audio/mpeg", "OGG": "audio/ogg"}
EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
              "audio/wav": "wav", "audio/mpeg": "mp3", "audio/ogg": "ogg"}
SHA256 = re.compile(r"^[0-9a-f]{64}$")
ASSET_PREFIX = "asset:"


class AssetError(ValueError):
    """A file that is not an acceptable image or audio clip; ``str()`` says why, for the user."""


@dataclass(frozen=True)
class CheckedFile:
    """A file whose content was checked, not yet stored."""

    sha256: str
    mime: str
    data: bytes
    filename: str
    width: int | None = None
    height: int | None = None

    @property
    def ref(self) -> str:
        return ASSET_PREFIX + self.sha256

    @property
    def size(self) -> int:
        return len(self.data)


def _limit(name: str) -> int:
    return int(setting(name))


def _human(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def check_image(data: bytes, filename: str = "") -> CheckedFile:
    """Accept ``data`` only if it is a real PNG/JPEG/GIF/WebP image within the size limits.

    :raise AssetError: naming the file and what is wrong.
    """
    name = filename or _("the image")
    max_bytes = _limit("MAX_IMAGE_BYTES")
    max_pixels = _limit("MAX_IMAGE_PIXELS")
    if len(data) > max_bytes:
        raise AssetError(_("%(name)s is %(size)s; images may be at most %(limit)s.", name=name,
                           size=_human(len(data)), limit=_human(max_bytes)))
    head = data[:512].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) or b"<svg" in head:
        raise AssetError(_("%(name)s is an SVG drawing; SVG can contain script, so upload a PNG or "
                           "JPEG instead.", name=name))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in IMAGE_TYPES:
                raise AssetError(_("%(name)s is a %(format)s image; upload PNG, JPEG, GIF or WebP.",
                                   name=name, format=fmt or "?"))
            if width * height > max_pixels:
                raise AssetError(_("%(name)s has %(pixels)s pixels (%(w)s × %(h)s); at most "
                                   "%(limit)s are accepted.", name=name, pixels=width * height,
                                   w=width, h=height, limit=max_pixels))
            probe.verify()
        # verify() checks the structure; a full decode proves the pixel data is there too.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except AssetError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow refuses to even read the header's size past twice its own limit.
        raise AssetError(_("%(name)s has more than %(limit)s pixels; at most %(limit)s are "
                           "accepted.", name=name, limit=max_pixels)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise AssetError(_("%(name)s is not a readable image (PNG, JPEG, GIF or WebP): its content "
                           "does not decode as one.", name=name)) from exc
    return CheckedFile(hashlib.sha256(data).hexdigest(), IMAGE_TYPES[fmt], data,
                       filename, width, height)


def _audio_format(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "WAV"
    if data[:4] == b"OggS":
        return "OGG"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "MP3"
    return None


def check_audio(data: bytes, filename: str = "") -> CheckedFile:
    """Accept ``data`` only if it is a WAV, MP3 or Ogg clip within ``MAX_AUDIO_BYTES``.

    :raise AssetError: naming the file and what is wrong.
    """
    name = filename or _("the audio clip")
    max_bytes = _limit("MAX_AUDIO_BYTES")
    if len(data) > max_bytes:
        raise AssetError(_("%(name)s is %(size)s; audio clips may be at most %(limit)s.",
                           name=name, size=_human(len(data)), limit=_human(max_bytes)))
    fmt = _audio_format(data)
    if fmt is None:
        raise AssetError(_("%(name)s is not a WAV, MP3 or Ogg audio file.", name=name))
    if fmt == "WAV":
        try:
            with wave.open(io.BytesIO(data)) as clip:
                if clip.getnframes() <= 0:
                    raise AssetError(_("%(name)s is a WAV file without sound.", name=name))
        except wave.Error as exc:
            raise AssetError(_("%(name)s is not a readable WAV file.", name=name)) from exc
    return CheckedFile(hashlib.sha256(data).hexdigest(), AUDIO_TYPES[fmt], data, filename)


def check_media(data: bytes, filename: str = "", kind: str | None = None) -> CheckedFile:
    """Check an image or audio file; ``kind`` (``image``/``audio``) or the content decides which."""
    if kind is None:
        kind = "audio" if _audio_format(data) else "image"
    return check_audio(data, filename) if kind == "audio" else check_image(data, filename)


def asset_dir() -> Path:
    return Path(current_app.instance_path) / "assets"


def asset_path(sha256: str) -> Path:
    """Where the file with this SHA-256 is stored."""
    if not SHA256.match(sha256):
        raise ValueError(f"not a SHA-256: {sha256!r}")
    return asset_dir() / sha256[:2] / sha256


def find_asset(sha256: str) -> Asset | None:
    return db.session.scalar(sa.select(Asset).where(Asset.sha256 == sha256))


def save_asset(checked: CheckedFile, *, actor: User | None = None) -> Asset:
    """Store a checked file (once per content) and return its :class:`Asset` row (flushed)."""
    path = asset_path(checked.sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename, so a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(checked.data)
        os.replace(tmp, path)
    asset = find_asset(checked.sha256)
    if asset is None:
        asset = Asset(sha256=checked.sha256, mime=checked.mime, size=checked.size,
                      width=checked.width, height=checked.height,
                      # a browser's file name may hold anything; no database text holds NUL
                      filename=(checked.filename or "").replace("\x00", "")[-255:],
                      created_by_id=actor.id if actor is not None else None)
        db.session.add(asset)
        db.session.flush()
    return asset


def discard_unused(shas: set[str]) -> None:
    """Delete the stored files of ``shas`` that no asset row names (after a refused import)."""
    for sha in shas:
        if find_asset(sha) is None:
            asset_path(sha).unlink(missing_ok=True)


def read_asset(sha256: str) -> tuple[bytes, str] | None:
    """The stored bytes and MIME type of an asset (``None`` when it is unknown or missing)."""
    row = find_asset(sha256)
    if row is None or not asset_path(sha256).is_file():
        return None
    return asset_path(sha256).read_bytes(), row.mime


def asset_url(sha256: str) -> str:
    """The URL an ``asset:<sha256>`` reference is served at (relative to the site)."""
    try:
        return url_for("banks.asset", sha256=sha256)
    except RuntimeError:  # outside a request and without SERVER_NAME: the route's own path
        return f"/bank/assets/{sha256}"


def ref_sha(value: Any) -> str | None:
    """The SHA-256 of an ``asset:<sha256>`` reference, else ``None``."""
    if isinstance(value, str) and value.startswith(ASSET_PREFIX) and SHA256.match(value[6:]):
        return value[len(ASSET_PREFIX):]
    return None


def url_or_value(value: Any) -> Any:
    """Replace an ``asset:`` reference with its URL; leave anything else as it is."""
    sha = ref_sha(value)
    return asset_url(sha) if sha else value
