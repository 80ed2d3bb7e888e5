"""Routes of the question banks: examiners author and review, admins look, everyone else is refused."""

from __future__ import annotations

import io

from PIL import Image

from certify.banks import assets
from tests.security.matrix import EXAMINERS, STAFF, USERS, Route, World

#: Reading the bank: examiners, and administrators who oversee it.
READERS = STAFF
#: Changing the bank needs the examiner role.
WRITERS = EXAMINERS


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def build(world: World) -> None:
    from certify.db import db
    from tests.factories import make_item, make_practical_item

    asset = assets.save_asset(assets.check_image(_png(), "red.png"))
    world.asset_sha = asset.sha256
    world.item_id = make_item("single").id
    world.practical_id = make_practical_item().id
    db.session.commit()


def item(w: World) -> dict:
    return {"item_id": w.item_id}


ROUTES = [
    Route("banks.index", READERS),
    Route("banks.new", WRITERS),
    Route("banks.new_item", WRITERS, args=lambda w: {"item_type": "single"}),
    Route("banks.new_item", WRITERS, method="POST", args=lambda w: {"item_type": "single"},
          data=lambda w: {}),
    Route("banks.item", READERS, args=item),
    Route("banks.edit_item", WRITERS, args=item),
    Route("banks.edit_item", WRITERS, method="POST", args=item, data=lambda w: {}),
    Route("banks.preview", READERS, args=item),
    Route("banks.diff", READERS, args=item),
    Route("banks.data_file", READERS,
          args=lambda w: {"item_id": w.practical_id, "number": 1, "kind": "gold"}),
    Route("banks.submit", WRITERS, method="POST", args=item),
    Route("banks.review", WRITERS, method="POST", args=item, data=lambda w: {}),
    Route("banks.retire", WRITERS, method="POST", args=item, data=lambda w: {"reason": "test"}),
    Route("banks.reinstate", WRITERS, method="POST", args=item),
    Route("banks.discard", WRITERS, method="POST", args=item),
    Route("banks.review_queue", READERS),
    Route("banks.coverage_view", READERS),
    Route("banks.import_file", WRITERS),
    Route("banks.import_file", WRITERS, method="POST", data=lambda w: {}),
    Route("banks.export", READERS),
    Route("banks.template", READERS, args=lambda w: {"fmt": "xlsx"}),
    Route("banks.asset_library", WRITERS),
    Route("banks.asset_library", WRITERS, method="POST", data=lambda w: {}),
    Route("banks.asset", USERS, args=lambda w: {"sha256": w.asset_sha}),
]
