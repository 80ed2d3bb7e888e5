"""Uploaded images and audio: checked by content, refused with a message, served with safe headers."""

from __future__ import annotations

import io
import wave

import pytest
from PIL import Image

from certify.banks import assets
from certify.banks.assets import AssetError, check_image, check_media
from certify.banks.models import Asset
from certify.db import db


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, fmt)
    return buffer.getvalue()


def wav_bytes() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as clip:
        clip.setnchannels(1)
        clip.setsampwidth(2)
        clip.setframerate(16000)
        clip.writeframes(b"\0\0" * 1600)
    return buffer.getvalue()


def test_real_images_and_audio_are_accepted(app):
    png = check_image(image_bytes(), "a.png")
    assert (png.mime, png.width, png.height) == ("image/png", 40, 30)
    assert check_image(image_bytes("JPEG"), "a.jpg").mime == "image/jpeg"
    assert check_media(wav_bytes(), "a.wav").mime == "audio/wav"


@pytest.mark.parametrize(("content", "message"), [
    (b"Just some text pretending to be a PNG", "not a readable image"),
    (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "not a readable image"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>', "SVG"),
    (b'<?xml version="1.0"?><svg></svg>', "SVG"),
])
def test_fake_images_are_refused_with_a_message(app, content, message):
    with pytest.raises(AssetError, match=message):
        check_image(content, "photo.png")


def test_a_truncated_image_is_refused(app):
    data = image_bytes("PNG", (200, 200))
    with pytest.raises(AssetError, match="not a readable image"):
        check_image(data[: len(data) // 2], "cut.png")


def test_oversized_images_are_refused(app_factory):
    app = app_factory(MAX_IMAGE_BYTES=1000, MAX_IMAGE_PIXELS=10_000)
    with app.app_context():
        big = image_bytes("BMP", (40, 30))  # BMP: uncompressed, > 1000 bytes
        with pytest.raises(AssetError, match="images may be at most"):
            check_image(big, "big.bmp")
        with pytest.raises(AssetError, match="pixels"):
            check_image(image_bytes("PNG", (200, 100)), "wide.png")


def test_bmp_and_other_formats_are_refused(app):
    with pytest.raises(AssetError, match="PNG, JPEG, GIF or WebP"):
        check_image(image_bytes("BMP", (4, 4)), "x.bmp")


def test_upload_page_refuses_a_fake_image_with_a_message(app, level4, author, login_as):
    client = login_as(author)
    response = client.post("/bank/assets/", data={
        "file": (io.BytesIO(b"not an image at all"), "cat.png")},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "not a readable image" in response.text
    assert db.session.query(Asset).count() == 0
    response = client.post("/bank/assets/", data={
        "file": (io.BytesIO(image_bytes()), "diagram.png")}, content_type="multipart/form-data")
    assert response.status_code == 200
    asset = db.session.query(Asset).one()
    assert f"![diagram](asset:{asset.sha256})" in response.text


def test_assets_are_served_with_the_checked_type_and_safe_headers(app, author, candidate,
                                                                  login_as, client):
    checked = check_image(image_bytes(), "x.png")
    assets.save_asset(checked)
    db.session.commit()
    url = f"/bank/assets/{checked.sha256}"
    assert client.get(url).status_code == 302  # anonymous: log in first
    with login_as(candidate).get(url) as response:
        assert response.status_code == 200 and response.data == checked.data
        assert response.headers["Content-Type"] == "image/png"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "private, max-age=31536000, immutable"
        assert response.headers["Content-Disposition"].startswith("inline;")
        assert "sandbox" in response.headers["Content-Security-Policy"]
    assert login_as(candidate).get("/bank/assets/" + "0" * 64).status_code == 404
    assert login_as(candidate).get("/bank/assets/not-a-hash").status_code == 404


def test_the_same_file_is_stored_once(app):
    first = assets.save_asset(check_image(image_bytes(), "a.png"))
    second = assets.save_asset(check_image(image_bytes(), "b.png"))
    assert first.id == second.id
    assert assets.asset_path(first.sha256).read_bytes() == image_bytes()
