"""Verification codes: an HMAC-SHA256 of a certificate's number and content, 100 bits, readable.

The code printed on a certificate lets anyone holding the paper prove to the public verification
page that the printed content is what was issued: the server recomputes the code from the
stored record and compares it in constant time with what the visitor typed.

What is signed
    The message is the UTF-8 of a JSON document with sorted keys and no insignificant spaces::

        {"domain": "certify/certificate-code/v1", "fields": {...}, "number": "AIT-L3-2026-000123"}

    JSON quoting makes the serialisation unambiguous (no separator can be forged by a name that
    contains it); every string is NFC-normalised first, so that the same name typed on two
    systems gives the same code.  :func:`content_fields` builds the recommended ``fields``:
    ``holder_name``, ``candidate_id`` (full, not masked), ``occupation_code``, ``level``,
    ``issued_on`` and ``expires_on`` (ISO dates, ``""`` for no expiry).  Changing any of them
    (a name correction is a reissue) changes the code.

What is shown
    The first 100 bits of the HMAC in Crockford base32: 20 symbols from
    ``0123456789ABCDEFGHJKMNPQRSTVWXYZ``, grouped by five: ``7KQ2M-9XD4T-1H8VB-ZP3RC``.
    :func:`normalise_code` forgives case, spaces, dashes, full-width characters and the
    confusable letters O (→ 0) and I, L (→ 1).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from collections.abc import Mapping
from datetime import date
from urllib.parse import quote, urlencode

#: Crockford's base32 alphabet: digits and upper-case letters without I, L, O and U.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Number of symbols in a code; 20 × 5 bits = 100 bits of the HMAC.
CODE_LENGTH = 20
#: Symbols per displayed group.
GROUP = 5
#: Domain separation: a code can never be confused with another HMAC made with the same secret.
DOMAIN = "certify/certificate-code/v1"

_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_.\t\r\n\u00a0\u2010\u2011\u2012\u2013\u2014\u2212")


def content_fields(*, holder_name: str, candidate_id: str, occupation_code: str, level: int,
                   issued_on: date, expires_on: date | None) -> dict[str, str]:
    """Return the canonical content fields a certificate's code covers.

    Use the same values the certificate prints (the full candidate ID, not the masked one).

    :return: a ``dict`` of strings ready for :func:`verification_code`.
    """
    return {
        "holder_name": holder_name,
        "candidate_id": candidate_id,
        "occupation_code": occupation_code,
        "level": str(level),
        "issued_on": issued_on.isoformat(),
        "expires_on": expires_on.isoformat() if expires_on is not None else "",
    }


def _message(number: str, fields: Mapping[str, str]) -> bytes:
    """Serialise the number and fields canonically (see the module docstring)."""
    for key, value in fields.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(f"fields must map str to str; {key!r} → {type(value).__name__}")
    document = {
        "domain": DOMAIN,
        "number": unicodedata.normalize("NFC", number),
        "fields": {unicodedata.normalize("NFC", key): unicodedata.normalize("NFC", value)
                   for key, value in fields.items()},
    }
    return json.dumps(document, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode("utf-8")


def _base32(data: bytes, symbols: int) -> str:
    """Encode the first ``5 × symbols`` bits of *data* in Crockford base32."""
    bits = symbols * 5
    value = int.from_bytes(data, "big") >> (len(data) * 8 - bits)
    return "".join(ALPHABET[(value >> shift) & 31] for shift in range(bits - 5, -1, -5))


def verification_code(secret: bytes, number: str, fields: Mapping[str, str]) -> str:
    """Compute a certificate's verification code, in compact form (20 symbols, no dashes).

    :param secret: the server secret, at least 16 bytes (keep it out of the database).
    :param number: the certificate number, e.g. ``AIT-L3-2026-000123``.
    :param fields: the content fields, normally from :func:`content_fields`.
    :return: e.g. ``7KQ2M9XD4T1H8VBZP3RC``; :func:`format_code` groups it for display.
    """
    if len(secret) < 16:
        raise ValueError("the verification secret must be at least 16 bytes")
    digest = hmac.new(secret, _message(number, fields), hashlib.sha256).digest()
    return _base32(digest, CODE_LENGTH)


def format_code(code: str) -> str:
    """Group a code for display: ``7KQ2M9XD4T1H8VBZP3RC`` → ``7KQ2M-9XD4T-1H8VB-ZP3RC``.

    Accepts any input :func:`normalise_code` accepts.
    """
    compact = normalise_code(code)
    return "-".join(compact[i:i + GROUP] for i in range(0, len(compact), GROUP))


def normalise_code(user_input: str) -> str:
    """Turn what a person typed into the compact code form (which may still be invalid).

    Full-width forms become ASCII (NFKC), case is ignored, spaces, dashes, dots and underscores
    are dropped, and Crockford's confusables are mapped: O → 0, I and L → 1.
    """
    text = unicodedata.normalize("NFKC", user_input).upper()
    return text.translate(_SEPARATORS).translate(_CONFUSABLES)


def is_well_formed(code: str) -> bool:
    """Tell whether a compact code has the right length and only alphabet symbols."""
    return len(code) == CODE_LENGTH and all(symbol in ALPHABET for symbol in code)


def check_code(secret: bytes, number: str, fields: Mapping[str, str], user_input: str) -> bool:
    """Tell whether *user_input* is the verification code of this certificate.

    The comparison runs in constant time with respect to the code's content.

    :param user_input: what the visitor typed, in any form :func:`normalise_code` accepts.
    """
    candidate = normalise_code(user_input)
    expected = verification_code(secret, number, fields)
    if not is_well_formed(candidate):
        return False
    return hmac.compare_digest(candidate.encode("ascii"), expected.encode("ascii"))


def verification_url(base_url: str, number: str, code: str | None = None) -> str:
    """Build the public verification URL a certificate's QR code carries.

    :param base_url: the site's external root, e.g. ``https://certify.example.org``.
    :param number: the certificate number (path segment of ``/verify/<number>``).
    :param code: when given, appended compact as ``?code=…`` so that scanning checks it too.
    """
    url = f"{base_url.rstrip('/')}/verify/{quote(number, safe='')}"
    if code:
        url += "?" + urlencode({"code": normalise_code(code)})
    return url
