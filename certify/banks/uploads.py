"""The asset library: images and audio clips examiners upload for stems and tasks."""

from __future__ import annotations

import sqlalchemy as sa

from certify.audit import audit
from certify.auth.models import User
from certify.banks import assets
from certify.banks.authoring import require_examiner
from certify.banks.models import Asset
from certify.db import db


def upload_asset(data: bytes, filename: str, *, actor: User) -> Asset:
    """Check and store an image or audio file an examiner uploads for a stem or a task.

    :raise assets.AssetError: when the file is refused (the message says why).
    """
    require_examiner(actor)
    checked = assets.check_media(data, filename)
    asset = assets.save_asset(checked, actor=actor)
    audit("bank.asset_uploaded", asset, actor=actor, sha256=asset.sha256, mime=asset.mime,
          size=asset.size)
    return asset


def latest_assets(limit: int = 20) -> list[Asset]:
    return list(db.session.scalars(sa.select(Asset).order_by(Asset.created_dt.desc(),
                                                            Asset.id.desc()).limit(limit)))
