"""Wire the banks package into the app: blueprint, header links, dashboard panels, demo, CLI.

Configuration (defaults set here; override in instance/config.py or CERTIFY_* variables):

- ``MAX_IMAGE_BYTES`` / ``MAX_IMAGE_PIXELS`` (certify.config): limits of uploaded images;
- ``MAX_AUDIO_BYTES``: largest audio clip accepted (10 MB);
- ``BANK_MAX_FILE_BYTES``: largest bank file (CSV, XLSX, XML, JSON, zip) accepted (10 MB);
- ``BANK_MAX_ROWS``: most rows in one CSV/XLSX file (5,000);
- ``BANK_MAX_UNCOMPRESSED_BYTES`` / ``BANK_MAX_ZIP_ENTRIES``: what an XLSX or a zipped task folder
  may expand to (100 MB, 5,000 files) — checked before the archive is opened;
- ``BANK_PAGE_SIZE``: items per page in the bank list (25).
"""

from __future__ import annotations

from flask import Flask

from certify.banks import views
from certify.banks.importers import DEFAULT_LIMITS


def init_app(app: Flask) -> None:
    app.config.setdefault("MAX_AUDIO_BYTES", 10 * 1024 * 1024)
    app.config.setdefault("BANK_PAGE_SIZE", 25)
    for name, value in DEFAULT_LIMITS.items():
        app.config.setdefault(name, value)
    app.register_blueprint(views.bp)
