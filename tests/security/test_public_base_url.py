"""Signed credentials and printed QR codes never follow the request's Host header (issue 13 §1)."""

from __future__ import annotations

import base64
import json

import pytest

from certify.certificates import operations
from tests.certificates.pass_helpers import build_pass, build_sitting
from tests.helpers import AuthActions


def _payload(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def test_a_forged_host_does_not_reach_the_signed_credential_or_the_qr_code(app, candidate,
                                                                           admin):
    certificate, _ = operations.issue_certificate(build_pass(candidate, build_sitting()),
                                                  actor=admin)
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = "evil.example"  # every request, the login's too
    assert AuthActions(client).login(candidate).status_code == 302
    response = client.get(f"/certificates/{certificate.id}/open-badge.jwt")
    assert response.status_code == 200
    token = response.get_data(as_text=True)
    assert "evil.example" not in json.dumps(_payload(token))
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert "evil.example" not in json.dumps(header)
    issuer = client.get("/issuer").get_json()
    assert "evil.example" not in json.dumps(issuer)
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        data = operations.certificate_data(certificate, operations.public_base_url())
    assert "evil.example" not in data.verification_url


def test_outside_debug_and_testing_nothing_is_issued_or_signed_without_a_public_url(
        app_factory, make_user):
    app = app_factory(TESTING=False, PUBLIC_BASE_URL=None)
    with app.app_context():
        from certify.auth.models import Role
        admin = make_user(Role.ADMIN)
        candidate = make_user(Role.CANDIDATE)
        level_pass = build_pass(candidate, build_sitting())
        with pytest.raises(operations.CertificateError, match="CERTIFY_PUBLIC_BASE_URL"):
            operations.issue_certificate(level_pass, actor=admin)
        app.config["PUBLIC_BASE_URL"] = "https://certify.example.org"
        certificate, created = operations.issue_certificate(level_pass, actor=admin)
        assert created
        assert operations.certificate_data(
            certificate, operations.public_base_url()).verification_url.startswith(
                "https://certify.example.org/verify/")
