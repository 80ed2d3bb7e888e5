"""Shared data and helpers for the certificate tests (pure: no app, no database)."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from certify.certificates.pdf import SAMPLE_BRANDING, CertificateData
from certify.certificates.verification import content_fields, verification_code, verification_url

SECRET = b"test-secret-0123456789abcdef"
NUMBER = "AIT-L3-2026-000123"
HOLDER = "欧阳娜娜"
CANDIDATE_ID = "11010519491231002X"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(available: bool, reason: str) -> None:
    """Skip with *reason* when a tool is missing, except on CI (CI=true), where it fails."""
    if not available:
        if IN_CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)


def make_data(**changes) -> CertificateData:
    """Return the sample certificate, with *changes* applied and its code recomputed."""
    values = {"number": NUMBER, "holder_name": HOLDER, "candidate_id": CANDIDATE_ID, "level": 3,
              "issued_on": date(2026, 6, 30), "expires_on": date(2028, 6, 29)}
    values.update(changes)
    fields = content_fields(holder_name=values["holder_name"],
                            candidate_id=values["candidate_id"], occupation_code="4-04-05-05",
                            level=values["level"], issued_on=values["issued_on"],
                            expires_on=values["expires_on"])
    code = verification_code(SECRET, values["number"], fields)
    return CertificateData(**values, verification_code=code,
                           verification_url=verification_url("https://certify.example.org",
                                                             values["number"], code))


BRANDING = SAMPLE_BRANDING


def render_png(pdf: bytes, out: Path, dpi: int) -> Path:
    """Rasterise the first page of *pdf* with pdftoppm into *out* (a .png path)."""
    require(shutil.which("pdftoppm") is not None, "pdftoppm (poppler-utils) is not installed")
    source = out.with_suffix(".pdf")
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(source),
                    str(out.with_suffix(""))], check=True, capture_output=True, timeout=60)
    return out
