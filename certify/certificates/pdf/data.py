"""The plain values a certificate is drawn from: what differs per certificate and per examining body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..numbers import OCCUPATION_CODE, OCCUPATION_EN, OCCUPATION_ZH
from .style import DEFAULT_LOGO, SAMPLE_SEAL, SAMPLE_SIGNATURE


@dataclass(frozen=True, slots=True)
class CertificateData:
    """What one certificate says.  Plain values only; the PDF is a pure function of this.

    :param number: e.g. ``AIT-L3-2026-000123`` (see :mod:`certify.certificates.numbers`).
    :param holder_name: in any script; NFC-normalised before drawing.
    :param candidate_id: the full identity-document number; only a masked form is printed.
    :param level: 5 (junior) … 1 (senior technician).
    :param issued_on: date of issue.
    :param expires_on: last day of validity, or ``None`` for no expiry.
    :param verification_code: compact or grouped; printed grouped.
    :param verification_url: what the QR code encodes (the public verification page).
    """

    number: str
    holder_name: str
    candidate_id: str
    level: int
    issued_on: date
    expires_on: date | None
    verification_code: str
    verification_url: str
    occupation_code: str = OCCUPATION_CODE
    occupation_en: str = OCCUPATION_EN
    occupation_zh: str = OCCUPATION_ZH


@dataclass(frozen=True, slots=True)
class Branding:
    """What the examining body configures once: names, images, signatory.

    Image paths may be ``None`` to leave the element out (``logo_path`` defaults to the
    shipped neutral logo).  PNG with transparency suits seal and signature; images are read
    once per process and path, so replace a file under a new name to change it while running.

    :param body_name_en: examining body's name in English.
    :param body_name_zh: examining body's name in Chinese.
    :param signatory_name: printed under the signature line, e.g. ``张伟``.
    :param signatory_title: e.g. ``主任 Director``.
    :param keywords: extra PDF keywords.
    """

    body_name_en: str
    body_name_zh: str
    logo_path: str | Path | None = DEFAULT_LOGO
    seal_path: str | Path | None = None
    signature_path: str | Path | None = None
    signatory_name: str = ""
    signatory_title: str = ""
    keywords: tuple[str, ...] = ()


#: A complete branding with the SAMPLE seal and signature, for demos, tests and the benchmark.
SAMPLE_BRANDING = Branding(
    body_name_en="National Vocational Skill Assessment Centre for AI Trainers",
    body_name_zh="人工智能训练师职业技能等级评价中心",
    seal_path=SAMPLE_SEAL,
    signature_path=SAMPLE_SIGNATURE,
    signatory_name="张伟",
    signatory_title="主任 Director",
)
