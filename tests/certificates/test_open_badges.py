"""Open Badges 3.0: the credential's shape, its VC-JWT signature, keys and the published JWKS."""

from __future__ import annotations

import base64
import json
import stat
from datetime import UTC, date, datetime

import pytest
from joserfc import jws
from joserfc.jwk import OKPKey

from certify.certificates.badges import (
    CONTEXT,
    CredentialError,
    IssuerProfile,
    build_credential,
    generate_signing_key,
    key_id,
    load_or_create_signing_key,
    load_signing_key,
    public_jwks,
    save_signing_key,
    sign_credential,
    verify_credential,
)
from tests.certificates.certificate_helpers import NUMBER, make_data

BASE = "https://certify.example.org"
JWKS_URL = f"{BASE}/.well-known/jwks.json"
ISSUER = IssuerProfile(id=f"{BASE}/issuer", name="人工智能训练师职业技能等级评价中心",
                       url=BASE, email="certificates@example.org", image=f"{BASE}/logo.png")
KEY = generate_signing_key()
JWKS = public_jwks(KEY)


def b64decode(segment: str) -> bytes:
    """Decode base64url without padding."""
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def b64encode(data: bytes) -> str:
    """Encode base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed(data=None, key=KEY) -> tuple[dict, str]:
    """Return a credential for *data* (the sample by default) and its VC-JWT."""
    credential = build_credential(data or make_data(), ISSUER, BASE)
    return credential, sign_credential(credential, key, jwks_url=JWKS_URL)


def test_credential_follows_open_badges_3():
    credential = build_credential(make_data(), ISSUER, BASE + "/",
                                  status_url=f"{BASE}/credentials/status")
    assert credential["@context"] == CONTEXT == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == f"{BASE}/credentials/{NUMBER}"
    assert credential["issuer"] == {"id": f"{BASE}/issuer", "type": ["Profile"],
                                    "name": ISSUER.name, "url": BASE,
                                    "email": "certificates@example.org",
                                    "image": {"id": f"{BASE}/logo.png", "type": "Image"}}
    assert credential["validFrom"] == "2026-06-30T00:00:00Z"
    assert credential["validUntil"] == "2028-06-29T23:59:59Z"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["licenseNumber"] == NUMBER
    assert subject["identifier"] == [{"type": "IdentityObject", "identityHash": "欧阳娜娜",
                                      "identityType": "name", "hashed": False}]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "Certificate"
    assert achievement["id"] == f"{BASE}/achievements/4-04-05-05/level-3"
    assert "Level 3 — Senior" in achievement["name"] and "三级" in achievement["name"]
    assert achievement["criteria"]["narrative"]
    assert achievement["alignment"][0]["targetCode"] == "4-04-05-05"
    assert achievement["alignment"][0]["type"] == ["Alignment"]
    assert achievement["alignment"][0]["targetUrl"] == f"{BASE}/occupations/4-04-05-05"
    assert "4-04-05-05" in achievement["tag"]
    assert credential["credentialStatus"] == {"id": f"{BASE}/credentials/status",
                                              "type": "1EdTechRevocationList"}
    assert "11010519491231002X" not in json.dumps(credential, ensure_ascii=False)
    json.dumps(credential)  # JSON-ready


def test_credential_without_expiry_and_with_an_explicit_issue_time():
    when = datetime(2026, 6, 30, 9, 30, tzinfo=UTC)
    credential = build_credential(make_data(expires_on=None), ISSUER, BASE, issued_at=when)
    assert "validUntil" not in credential
    assert credential["validFrom"] == credential["awardedDate"] == "2026-06-30T09:30:00Z"
    with pytest.raises(ValueError, match="timezone"):
        build_credential(make_data(), ISSUER, BASE, issued_at=datetime(2026, 6, 30))
    _, token = signed(make_data(expires_on=None))
    assert "exp" not in verify_credential(token, JWKS)


def test_signature_verifies_with_the_published_key():
    credential, token = signed()
    header = json.loads(b64decode(token.split(".")[0]))
    assert header == {"alg": "EdDSA", "typ": "JWT", "kid": f"{JWKS_URL}#{key_id(KEY)}"}
    payload = verify_credential(token, JWKS)
    assert payload["iss"] == ISSUER.id
    assert payload["jti"] == credential["id"]
    assert payload["nbf"] == int(datetime(2026, 6, 30, tzinfo=UTC).timestamp())
    assert payload["exp"] == int(datetime(2028, 6, 29, 23, 59, 59, tzinfo=UTC).timestamp())
    assert {k: v for k, v in payload.items() if k not in ("iss", "jti", "nbf", "exp")} == \
        credential


def test_tampered_payload_fails():
    _, token = signed()
    header, payload, signature = token.split(".")
    claims = json.loads(b64decode(payload))
    claims["credentialSubject"]["achievement"]["name"] = claims["credentialSubject"][
        "achievement"]["name"].replace("Level 3", "Level 1")
    forged = ".".join([header, b64encode(json.dumps(claims).encode()), signature])
    with pytest.raises(CredentialError, match="signature"):
        verify_credential(forged, JWKS)


@pytest.mark.parametrize("position", [0, 10, -2])
def test_tampered_signature_fails(position):
    _, token = signed()
    header, payload, signature = token.split(".")
    raw = bytearray(b64decode(signature))
    raw[position] ^= 0x01
    with pytest.raises(CredentialError):
        verify_credential(".".join([header, payload, b64encode(bytes(raw))]), JWKS)


def test_another_key_fails():
    other = generate_signing_key()
    _, token = signed(key=other)
    with pytest.raises(CredentialError, match="no published key"):
        verify_credential(token, JWKS)
    # The same forgery claiming the published key's id: the signature gives it away.
    header, payload, signature = token.split(".")
    claimed = json.loads(b64decode(header)) | {"kid": f"{JWKS_URL}#{key_id(KEY)}"}
    retitled = b64encode(json.dumps(claimed).encode())
    with pytest.raises(CredentialError, match="signature"):
        verify_credential(".".join([retitled, payload, signature]), JWKS)
    # And the genuine token does not verify against the other key's set.
    _, genuine = signed()
    with pytest.raises(CredentialError):
        verify_credential(genuine, public_jwks(other))


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c", "not a jwt", "é.é.é"])
def test_malformed_tokens_raise_credential_error(token):
    with pytest.raises(CredentialError):
        verify_credential(token, JWKS)


def test_unsigned_or_other_algorithm_is_refused():
    _, token = signed()
    _header, payload, _signature = token.split(".")
    none = b64encode(json.dumps({"alg": "none", "kid": f"{JWKS_URL}#{key_id(KEY)}"}).encode())
    with pytest.raises(CredentialError):
        verify_credential(f"{none}.{payload}.", JWKS)


def test_fully_specified_ed25519_algorithm_is_accepted():
    credential = build_credential(make_data(), ISSUER, BASE)
    payload = dict(credential, iss=ISSUER.id, jti=credential["id"])
    token = jws.serialize_compact({"alg": "Ed25519", "kid": key_id(KEY)},
                                  json.dumps(payload).encode(), KEY, algorithms=["Ed25519"])
    assert verify_credential(token, JWKS)["jti"] == credential["id"]


def test_claims_must_agree_with_the_credential():
    credential = build_credential(make_data(), ISSUER, BASE)
    payload = dict(credential, iss="https://elsewhere.example", jti=credential["id"])
    token = jws.serialize_compact({"alg": "Ed25519", "kid": key_id(KEY)},
                                  json.dumps(payload).encode(), KEY, algorithms=["Ed25519"])
    with pytest.raises(CredentialError, match="claims"):
        verify_credential(token, JWKS)


def test_jwks_publishes_public_keys_only():
    old = generate_signing_key()
    document = public_jwks(KEY, old)
    assert [entry["kid"] for entry in document["keys"]] == [key_id(KEY), key_id(old)]
    for entry in document["keys"]:
        assert set(entry) == {"kty", "crv", "x", "kid", "use", "alg"}
        assert (entry["kty"], entry["crv"], entry["use"], entry["alg"]) == \
            ("OKP", "Ed25519", "sig", "EdDSA")
    json.dumps(document)
    # A credential signed with the rotated-out key still verifies against the published set.
    _, token = signed(key=old)
    assert verify_credential(token, document)["credentialSubject"]["licenseNumber"] == NUMBER


def test_keys_round_trip_through_pem_files(tmp_path):
    path = tmp_path / "instance" / "badge_signing_key.pem"
    save_signing_key(KEY, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    loaded = load_signing_key(path)
    assert key_id(loaded) == key_id(KEY)
    _, token = signed(key=loaded)
    assert verify_credential(token, JWKS)


def test_load_or_create_keeps_the_first_key(tmp_path):
    path = tmp_path / "key.pem"
    first = load_or_create_signing_key(path)
    assert key_id(load_or_create_signing_key(path)) == key_id(first)


def test_loading_a_public_key_is_refused(tmp_path):
    path = tmp_path / "public.pem"
    public = OKPKey.import_key(KEY.as_dict(private=False))
    path.write_bytes(public.as_pem(private=False))
    with pytest.raises(ValueError, match="private Ed25519"):
        load_signing_key(path)


def test_dates_are_the_certificate_dates():
    credential = build_credential(make_data(issued_on=date(2027, 1, 5),
                                            expires_on=date(2030, 1, 4)), ISSUER, BASE)
    assert (credential["validFrom"], credential["validUntil"]) == \
        ("2027-01-05T00:00:00Z", "2030-01-04T23:59:59Z")
