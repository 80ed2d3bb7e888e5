"""Open Badges 3.0: a certificate as a signed, offline-verifiable credential. Pure, no Flask.

A certificate becomes an ``OpenBadgeCredential`` (JSON-LD, Open Badges 3.0 on the Verifiable
Credentials Data Model 2.0) by :func:`build_credential`, which :func:`sign_credential`
secures as a VC-JWT: a JWS in compact form, algorithm EdDSA with an Ed25519 key.  Following
the Open Badges 3.0 JWT proof format, the JWT payload is the credential itself plus the
registered claims ``iss`` (issuer id), ``jti`` (credential id), ``nbf`` (validFrom), ``exp``
(validUntil, when it expires) and ``sub`` (subject id, when there is one); the JOSE header
carries ``alg``, ``typ: JWT`` and a ``kid`` that is the URL of the published key set with
the key's RFC 7638 thumbprint as fragment (``https://…/.well-known/jwks.json#<thumbprint>``).

Anyone can then check a credential offline with the issuer's public key set (JWKS) from
:func:`public_jwks`, which the application publishes at ``/.well-known/jwks.json``;
:func:`verify_credential` is that check.

Keys are Ed25519 pairs kept as unencrypted PKCS #8 PEM (the application keeps its own in the
``instance/`` folder, readable by its user only): :func:`load_or_create_signing_key`.
Rotating means signing with a new key while :func:`public_jwks` keeps publishing the old
public keys, so that credentials issued earlier still verify.

Algorithm name
    RFC 9864 (2025) deprecates the polymorphic ``EdDSA`` in favour of ``Ed25519``, and joserfc
    warns about it.  Open Badges 3.0 and the verifiers in the field know ``EdDSA``, so that is
    what is signed; :func:`verify_credential` accepts both names for an Ed25519 key.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any, ClassVar

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwa import EdDSAAlgorithm
from joserfc.jwk import OKPKey
from joserfc.jws import JWSAlgModel

from .numbers import level_labels
from .pdf import CertificateData

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]
#: The occupational classification the achievement aligns to.
OCCUPATION_FRAMEWORK = "Occupational Classification of the People's Republic of China (2022)"
SIGNING_ALGORITHM = "EdDSA"
ACCEPTED_ALGORITHMS = ("EdDSA", "Ed25519")


class CredentialError(ValueError):
    """A credential that does not verify: bad signature, unknown key, malformed or altered."""


class _EdDSA(EdDSAAlgorithm):
    """joserfc's EdDSA (RFC 8037) without its RFC 9864 deprecation warning (see module doc)."""

    security_warning = None


class _Registry(jws.JWSRegistry):
    """A JWS registry that knows only the Edwards-curve algorithms this module uses."""

    algorithms: ClassVar[dict[str, JWSAlgModel]] = {
        "EdDSA": _EdDSA(), "Ed25519": jws.JWSRegistry.algorithms["Ed25519"]}
    recommended: ClassVar[list[str]] = []


_REGISTRY = _Registry(algorithms=list(ACCEPTED_ALGORITHMS))


@dataclass(frozen=True, slots=True)
class IssuerProfile:
    """The examining body as an Open Badges ``Profile``.

    :param id: a URL that identifies the issuer, e.g. ``https://certify.example.org/issuer``.
    :param name: display name, e.g. ``人工智能训练师职业技能等级评价中心 (…Centre for AI Trainers)``.
    :param url: the body's home page.
    :param email: a contact address.
    :param image: URL of the logo.
    """

    id: str
    name: str
    url: str | None = None
    email: str | None = None
    image: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the ``Profile`` object."""
        profile: dict[str, Any] = {"id": self.id, "type": ["Profile"], "name": self.name}
        if self.url:
            profile["url"] = self.url
        if self.email:
            profile["email"] = self.email
        if self.image:
            profile["image"] = {"id": self.image, "type": "Image"}
        return profile


def _timestamp(value: datetime) -> str:
    """Format an aware datetime as XML Schema dateTime in UTC, e.g. ``2026-06-30T00:00:00Z``."""
    if value.tzinfo is None:
        raise ValueError("datetimes in a credential must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_credential(data: CertificateData, issuer: IssuerProfile, base_url: str, *,
                     issued_at: datetime | None = None,
                     status_url: str | None = None) -> dict[str, Any]:
    """Describe a certificate as an Open Badges 3.0 ``OpenBadgeCredential`` (unsigned JSON-LD).

    Identifiers derive from *base_url*: the credential is ``{base}/credentials/{number}``, the
    achievement (one per occupation and level) ``{base}/achievements/{code}/level-{n}``, the
    alignment target ``{base}/occupations/{code}``.  The subject carries the holder's name as
    a plain ``IdentityObject`` (the public verification page shows it too) and the certificate
    number as ``licenseNumber``; the candidate ID is left out, since a hash of a structured
    national ID number is easy to reverse.

    :param issued_at: ``validFrom`` and ``awardedDate``; default midnight UTC of the issue day.
    :param status_url: when given, a ``1EdTechRevocationList`` status entry pointing there.
    :return: a JSON-ready ``dict``.
    """
    base = base_url.rstrip("/")
    level_en, level_zh = level_labels(data.level)
    name = unicodedata.normalize("NFC", data.holder_name)
    valid_from = issued_at or datetime.combine(data.issued_on, time(0, 0), UTC)
    title = f"{data.occupation_en}, {level_en} ({data.occupation_zh} {level_zh})"
    achievement = {
        "id": f"{base}/achievements/{data.occupation_code}/level-{data.level}",
        "type": ["Achievement"],
        "achievementType": "Certificate",
        "name": title,
        "description": (f"Vocational skill level certificate (职业技能等级证书) for the occupation "
                        f"{data.occupation_en} ({data.occupation_zh}, {data.occupation_code}), "
                        f"{level_en} ({level_zh})."),
        "criteria": {"narrative": (
            f"Passed every component of the national vocational skill level assessment for "
            f"{data.occupation_en} at {level_en}: the theory examination and the skills "
            f"assessment, and for levels 2 and 1 the review of a work report, each under "
            f"invigilation and marked to the national occupational skill standard.")},
        "humanCode": f"{data.occupation_code} L{data.level}",
        "alignment": [{
            "type": ["Alignment"],
            "targetName": f"{data.occupation_en} ({data.occupation_zh})",
            "targetCode": data.occupation_code,
            "targetFramework": OCCUPATION_FRAMEWORK,
            "targetType": "ext:Occupation",
            "targetUrl": f"{base}/occupations/{data.occupation_code}",
        }],
        "tag": [data.occupation_code, data.occupation_en, data.occupation_zh, level_en,
                level_zh],
    }
    credential: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": f"{base}/credentials/{data.number}",
        "type": list(CREDENTIAL_TYPE),
        "name": title,
        "issuer": issuer.as_json(),
        "validFrom": _timestamp(valid_from),
        "awardedDate": _timestamp(valid_from),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityHash": name,
                            "identityType": "name", "hashed": False}],
            "licenseNumber": data.number,
            "achievement": achievement,
        },
    }
    if data.expires_on is not None:
        credential["validUntil"] = _timestamp(
            datetime.combine(data.expires_on, time(23, 59, 59), UTC))
    if status_url:
        credential["credentialStatus"] = {"id": status_url, "type": "1EdTechRevocationList"}
    return credential


# --------------------------------------------------------------------------- keys

def generate_signing_key() -> OKPKey:
    """Generate a new Ed25519 key pair."""
    return OKPKey.generate_key("Ed25519", private=True)


def key_id(key: OKPKey) -> str:
    """Return the key's RFC 7638 thumbprint, its ``kid`` in the published key set."""
    return key.thumbprint()


def save_signing_key(key: OKPKey, path: str | Path) -> None:
    """Write the private key as PKCS #8 PEM, readable by the owner only, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key.as_pem(private=True))
    os.replace(temporary, path)


def load_signing_key(path: str | Path) -> OKPKey:
    """Read a private Ed25519 key from a PEM file.

    :raises ValueError: when the file holds no private Ed25519 key.
    """
    key = OKPKey.import_key(Path(path).read_bytes())
    if not key.is_private or key.curve_name != "Ed25519":
        raise ValueError(f"{path} does not hold a private Ed25519 key")
    return key


def load_or_create_signing_key(path: str | Path) -> OKPKey:
    """Load the key at *path*, generating and saving one first if there is none."""
    if not Path(path).exists():
        save_signing_key(generate_signing_key(), path)
    return load_signing_key(path)


def public_jwks(*keys: OKPKey) -> dict[str, list[dict[str, str]]]:
    """Return the JWKS document of the public halves of *keys* (current key first).

    Serve it as JSON at ``/.well-known/jwks.json``; each entry has ``kid`` (thumbprint),
    ``use: sig`` and ``alg: EdDSA``, and never a private member.
    """
    entries = []
    for key in keys:
        public = key.as_dict(private=False)
        entries.append({"kty": public["kty"], "crv": public["crv"], "x": public["x"],
                        "kid": key_id(key), "use": "sig", "alg": SIGNING_ALGORITHM})
    return {"keys": entries}


# --------------------------------------------------------------------------- VC-JWT

def _epoch(timestamp: str) -> int:
    """Return the Unix time of a ``…Z`` timestamp written by :func:`_timestamp`."""
    return int(datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
               .timestamp())


def sign_credential(credential: Mapping[str, Any], key: OKPKey, *, jwks_url: str) -> str:
    """Sign a credential from :func:`build_credential` as a VC-JWT (compact JWS, EdDSA).

    :param key: the private signing key.
    :param jwks_url: where the public key set is published; the header's ``kid`` is this URL
        with the key's thumbprint as fragment.
    :return: the compact serialisation ``header.payload.signature``.
    """
    payload = dict(credential)
    payload["iss"] = credential["issuer"]["id"]
    payload["jti"] = credential["id"]
    payload["nbf"] = _epoch(credential["validFrom"])
    if "validUntil" in credential:
        payload["exp"] = _epoch(credential["validUntil"])
    subject_id = credential["credentialSubject"].get("id")
    if subject_id:
        payload["sub"] = subject_id
    header = {"alg": SIGNING_ALGORITHM, "typ": "JWT", "kid": f"{jwks_url}#{key_id(key)}"}
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return jws.serialize_compact(header, body, key, registry=_REGISTRY)


def _find_key(kid: Any, jwks: Mapping[str, Any]) -> OKPKey:
    """Return the public key of *jwks* that the header's *kid* names (URL#thumbprint or not)."""
    if not isinstance(kid, str) or not kid:
        raise CredentialError("the credential's header names no key (kid)")
    wanted = {kid, kid.rpartition("#")[2]}
    for entry in jwks.get("keys", []):
        if entry.get("kid") in wanted and entry.get("kty") == "OKP" \
                and entry.get("crv") == "Ed25519":
            public = {name: entry[name] for name in ("kty", "crv", "x")}
            key = OKPKey.import_key(public)
            if key.thumbprint() == entry["kid"] or entry["kid"] == kid:
                return key
            raise CredentialError(f"the published key {entry['kid']!r} does not match its kid")
    raise CredentialError(f"no published key {kid!r}")


def verify_credential(token: str, jwks: Mapping[str, Any]) -> dict[str, Any]:
    """Check a VC-JWT against the issuer's published key set and return its payload.

    Checks the signature (EdDSA or Ed25519 with the key the header's ``kid`` names), that
    the payload is an OpenBadgeCredential, and that the registered claims agree with the
    credential (``iss`` = issuer id, ``jti`` = id).  Validity dates and revocation are the
    caller's business: they change over time, the signature does not.

    :param jwks: the JWKS document, as from :func:`public_jwks` or the published URL.
    :raises CredentialError: on any failure, including a malformed token.
    """
    try:
        header = jws.extract_compact(token.encode("ascii"), registry=_REGISTRY).headers()
    except (JoseError, ValueError, UnicodeError) as error:
        raise CredentialError(f"not a compact JWS: {error}") from error
    if header.get("alg") not in ACCEPTED_ALGORITHMS:
        raise CredentialError(f"unexpected algorithm {header.get('alg')!r}")
    key = _find_key(header.get("kid"), jwks)
    try:
        signed = jws.deserialize_compact(token, key, registry=_REGISTRY)
    except JoseError as error:
        raise CredentialError(f"the signature does not verify: {error}") from error
    try:
        payload = json.loads(signed.payload)
    except (TypeError, ValueError) as error:
        raise CredentialError("the payload is not JSON") from error
    if not isinstance(payload, dict) or "OpenBadgeCredential" not in payload.get("type", []):
        raise CredentialError("the payload is not an OpenBadgeCredential")
    issuer = payload.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if payload.get("iss") != issuer_id or payload.get("jti") != payload.get("id"):
        raise CredentialError("the JWT claims disagree with the credential")
    return payload

