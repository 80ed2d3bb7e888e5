"""Routes of the question banks: examiners author and review, admins look, everyone else is refused."""

from __future__ import annotations

import io

from matrix import USERS, Route, World
from PIL import Image

from certify.banks import assets


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def build(world: World) -> None:
    asset = assets.save_asset(assets.check_image(_png(), "red.png"))
    world.asset_sha = asset.sha256
    from certify.db import db

    db.session.commit()


ROUTES = [
    Route("banks.asset", USERS, args=lambda w: {"sha256": w.asset_sha}),
]
