"""Bank pages: the item list, authoring, review, coverage, import/export, and serving assets."""

from __future__ import annotations

from flask import Blueprint, abort, send_file

from certify.auth.decorators import login_required
from certify.banks import assets

bp = Blueprint("banks", __name__, url_prefix="/bank")

#: How long browsers may keep an asset: its URL is its content hash, so it never changes.
ASSET_MAX_AGE = 365 * 24 * 3600


@bp.route("/assets/<sha256>")
@login_required
def asset(sha256: str):
    """Serve an uploaded image or audio clip with the type its content was checked as.

    Anyone logged in may fetch an asset: candidates need them during exams, and an asset's URL is
    the SHA-256 of its content, which cannot be guessed. No gold or key is ever an asset.
    """
    if not assets.SHA256.match(sha256):
        abort(404)
    row = assets.find_asset(sha256)
    path = assets.asset_path(sha256)
    if row is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=row.mime, conditional=True, etag=sha256,
                         download_name=f"{sha256}.{assets.EXTENSIONS.get(row.mime, 'bin')}",
                         as_attachment=False, max_age=ASSET_MAX_AGE)
    response.headers["Content-Type"] = row.mime
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = f"private, max-age={ASSET_MAX_AGE}, immutable"
    response.headers["Content-Disposition"] = (
        f'inline; filename="{sha256}.{assets.EXTENSIONS.get(row.mime, "bin")}"')
    # Even if a browser rendered the file as a document, it could run nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
