"""Certificate pages: public verification (states, JSON, rate limit), downloads and who may make
them, the Open Badges credential against the published key, and the administrators' pages."""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from datetime import UTC, datetime

import pytest
import time_machine
from pypdf import PdfReader

from certify.auth.models import Role
from certify.certificates import operations
from certify.certificates.badges import CredentialError, verify_credential
from certify.certificates.verification import format_code
from certify.db import db
from tests.certificates.certificate_helpers import render_png, require

BASE = "https://certs.example.org"
ISSUED = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


@pytest.fixture
def holder(make_user):
    return make_user(Role.CANDIDATE, name="欧阳娜娜", candidate_id="11010519491231002X")


@pytest.fixture
def certificate(app, holder, make_pass, admin):
    app.config["PUBLIC_BASE_URL"] = BASE
    with time_machine.travel(ISSUED, tick=False):
        issued, _ = operations.issue_certificate(make_pass(holder), actor=admin)
    db.session.commit()
    return issued


def verify_page(client, number, code=None, **kwargs):
    query = {"code": code} if code else {}
    return client.get(f"/verify/{number}", query_string=query, **kwargs)


# --------------------------------------------------------------------------- verification

def test_valid_with_code_shows_holder_and_level(client, certificate):
    response = verify_page(client, certificate.number, format_code(certificate.verification_code))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Valid" in html and "欧阳娜娜" in html and "Level 4 — Intermediate" in html
    assert "2028-03-09" in html
    assert "11010519491231002X" not in html and "1101" not in html  # no ID number at all


def test_number_alone_shows_state_and_level_but_not_the_holder(client, certificate):
    html = verify_page(client, certificate.number.lower()).get_data(as_text=True)
    assert "Valid" in html and "Level 4" in html
    assert "欧阳娜娜" not in html and "Enter the verification code" in html


def test_wrong_code_says_so_and_reveals_nothing(client, certificate):
    code = certificate.verification_code
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = verify_page(client, certificate.number, wrong)
    html = response.get_data(as_text=True)
    assert "does not match" in html
    assert "欧阳娜娜" not in html and "Level 4" not in html and "Valid" not in html
    data = verify_page(client, certificate.number, wrong, headers={"Accept": "application/json"})
    assert data.get_json() == {"number": certificate.number, "state": "code_mismatch",
                               "code_checked": True}


def test_unknown_number_is_not_found(client, certificate):
    response = verify_page(client, "AIT-L4-2026-000099")
    assert response.status_code == 404 and "No certificate has the number" in \
        response.get_data(as_text=True)
    assert verify_page(client, "not-a-number", headers={"Accept": "application/json"}) \
        .get_json()["state"] == "not_found"


def test_expired_after_the_last_day(client, certificate):
    code = certificate.verification_code
    with time_machine.travel(datetime(2028, 3, 9, 12, tzinfo=UTC), tick=False):
        assert "Valid" in verify_page(client, certificate.number, code).get_data(as_text=True)
    with time_machine.travel(datetime(2028, 3, 10, 12, tzinfo=UTC), tick=False):
        html = verify_page(client, certificate.number, code).get_data(as_text=True)
        assert "Expired" in html and "validity has ended" in html
        assert verify_page(client, certificate.number, code, headers={
            "Accept": "application/json"}).get_json()["state"] == "expired"


def test_revoked_with_its_date(client, certificate, admin):
    with time_machine.travel(datetime(2026, 5, 2, 3, tzinfo=UTC), tick=False):
        operations.revoke(certificate, "Fraud", actor=admin)
        db.session.commit()
    html = verify_page(client, certificate.number).get_data(as_text=True)
    assert "Revoked" in html and "2026-05-02" in html and "Fraud" not in html
    answer = client.get(f"/verify/{certificate.number}?format=json").get_json()
    assert answer["state"] == "revoked" and answer["revoked_on"] == "2026-05-02"


def test_replaced_points_at_the_new_number(client, certificate, admin, holder):
    holder.name = "欧阳娜"
    new = operations.reissue(certificate, "Name corrected", actor=admin)
    db.session.commit()
    html = verify_page(client, certificate.number, certificate.verification_code) \
        .get_data(as_text=True)
    assert "Replaced" in html and new.number in html
    answer = client.get(f"/verify/{certificate.number}?format=json").get_json()
    assert answer == {"number": certificate.number, "state": "replaced", "code_checked": False,
                      "level": {"number": 4, "en": "Level 4 — Intermediate",
                                "zh": "四级 / 中级工"},
                      "replaced_by": new.number}
    fresh = client.get(f"/verify/{new.number}",
                       query_string={"code": new.verification_code, "format": "json"}).get_json()
    assert fresh["state"] == "valid" and fresh["holder_name"] == "欧阳娜"


def test_json_answer_for_employers(client, certificate):
    response = client.get(f"/verify/{certificate.number}",
                          query_string={"code": certificate.verification_code},
                          headers={"Accept": "application/json"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.get_json() == {
        "number": certificate.number, "state": "valid", "code_checked": True,
        "holder_name": "欧阳娜娜", "issued_on": "2026-03-10", "expires_on": "2028-03-09",
        "level": {"number": 4, "en": "Level 4 — Intermediate", "zh": "四级 / 中级工"}}


def test_the_form_goes_to_the_numbers_page(client, certificate):
    page = client.get("/verify")
    assert page.status_code == 200 and 'name="number"' in page.get_data(as_text=True)
    typed = client.get("/verify", query_string={
        "number": f" {certificate.number.lower()} ",
        "code": format_code(certificate.verification_code).lower()})
    assert typed.status_code == 302
    assert typed.location.endswith(f"/verify/{certificate.number}?code="
                                   f"{certificate.verification_code}")


def test_verification_is_rate_limited_per_address(app_factory):
    app = app_factory(CERTIFICATE_VERIFY_RATE_LIMIT="5 per minute")
    client = app.test_client()
    statuses = [client.get("/verify/AIT-L4-2026-000001").status_code for _ in range(5)]
    statuses.append(client.get("/verify").status_code)  # the form shares the budget
    assert statuses == [404] * 5 + [429]
    other = client.get("/verify", environ_base={"REMOTE_ADDR": "198.51.100.7"})
    assert other.status_code == 200


def test_verification_default_limit_is_thirty_per_minute(client):
    assert [client.get("/verify").status_code for _ in range(31)] == [200] * 30 + [429]


# --------------------------------------------------------------------------- downloads

def test_holder_downloads_the_pdf_with_number_level_and_name(login_as, holder, certificate):
    response = login_as(holder).get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert f'filename="{certificate.number}.pdf"' in response.headers["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    for expected in (certificate.number, "欧阳娜娜", "Level 4 — Intermediate", "四级",
                     "1101**********002X", format_code(certificate.verification_code)):
        assert expected in text, expected


def test_the_qr_code_carries_the_verification_url(tmp_path, login_as, holder, certificate):
    try:
        import zxingcpp
    except ImportError:
        zxingcpp = None
    require(zxingcpp is not None, "zxing-cpp (a test dependency) is not installed")
    from PIL import Image

    pdf = login_as(holder).get(f"/certificates/{certificate.id}.pdf").data
    png = render_png(pdf, tmp_path / "issued.png", dpi=150)
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(png))
             if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert found == [f"{BASE}/verify/{certificate.number}?code={certificate.verification_code}"]


@pytest.mark.parametrize("suffix", [".pdf", "/open-badge.jwt"])
def test_only_the_holder_and_administrators_download(login_as, make_user, examiner, admin,
                                                     holder, certificate, client, suffix):
    url = f"/certificates/{certificate.id}{suffix}"
    assert login_as(holder).get(url).status_code == 200
    assert login_as(admin).get(url).status_code == 200
    assert login_as(make_user(Role.CANDIDATE)).get(url).status_code == 404
    assert login_as(examiner).get(url).status_code == 404
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    assert login_as(holder).get(f"/certificates/{certificate.id + 1}{suffix}").status_code == 404


def test_holder_cannot_download_a_revoked_certificate(login_as, holder, certificate, admin):
    operations.revoke(certificate, "Fraud", actor=admin)
    db.session.commit()
    assert login_as(holder).get(f"/certificates/{certificate.id}.pdf").status_code == 404
    assert login_as(admin).get(f"/certificates/{certificate.id}.pdf").status_code == 200


def test_admin_downloads_a_zip_of_a_sittings_valid_certificates(login_as, admin, make_user,
                                                                make_pass, certificate, sitting):
    other, _ = operations.issue_certificate(make_pass(make_user(name="Ann Lee")), actor=admin)
    revoked, _ = operations.issue_certificate(make_pass(make_user()), actor=admin)
    operations.revoke(revoked, "Mistake", actor=admin)
    db.session.commit()
    response = login_as(admin).get(f"/admin/certificates/sittings/{sitting.id}/certificates.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    response.close()  # as the WSGI server does: closes the spooled archive
    assert sorted(archive.namelist()) == sorted([f"{certificate.number}.pdf",
                                                 f"{other.number}.pdf"])
    text = PdfReader(io.BytesIO(archive.read(f"{other.number}.pdf"))).pages[0].extract_text()
    assert "Ann Lee" in text


# --------------------------------------------------------------------------- Open Badges

def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def test_open_badge_verifies_with_the_published_key_and_not_after_tampering(
        client, login_as, holder, certificate):
    token = login_as(holder).get(f"/certificates/{certificate.id}/open-badge.jwt") \
        .get_data(as_text=True)
    jwks = client.get("/.well-known/jwks.json").get_json()
    assert all("d" not in key for key in jwks["keys"])  # never the private half
    payload = verify_credential(token, jwks)
    assert payload["credentialSubject"]["licenseNumber"] == certificate.number
    assert payload["credentialSubject"]["identifier"][0]["identityHash"] == "欧阳娜娜"
    assert payload["issuer"]["id"] == f"{BASE}/issuer"
    assert payload["validUntil"] == "2028-03-09T23:59:59Z"
    header, body, signature = token.split(".")
    altered = json.loads(_b64decode(body))
    altered["credentialSubject"]["identifier"][0]["identityHash"] = "王小明"
    forged_body = base64.urlsafe_b64encode(json.dumps(altered).encode()).rstrip(b"=").decode()
    with pytest.raises(CredentialError):
        verify_credential(f"{header}.{forged_body}.{signature}", jwks)
    issuer = client.get("/issuer").get_json()
    assert issuer["id"] == f"{BASE}/issuer" and issuer["type"] == ["Profile"]


def test_the_signing_key_is_kept_in_the_instance_folder(app, client, login_as, holder,
                                                        certificate):
    first = client.get("/.well-known/jwks.json").get_json()
    path = operations.signing_key_path()
    assert path.exists() and oct(path.stat().st_mode & 0o777) == "0o600"
    app.extensions["certify_certificates"].clear()  # as a restarted worker would
    assert client.get("/.well-known/jwks.json").get_json() == first


# --------------------------------------------------------------------------- administrators

def test_admin_issues_from_the_sitting_page(login_as, admin, make_user, make_pass, sitting):
    passes = [make_pass(make_user(name=f"候选人{i}")) for i in range(3)]
    client = login_as(admin)
    page = client.get(f"/admin/certificates/sittings/{sitting.id}").get_data(as_text=True)
    assert "Issue all 3 certificates" in page and "候选人2" in page
    response = client.post(f"/admin/certificates/passes/{passes[0].id}/issue")
    assert response.status_code == 302
    page = client.get(f"/admin/certificates/sittings/{sitting.id}").get_data(as_text=True)
    assert "AIT-L4-" in page and "Issue all 2 certificates" in page
    client.post(f"/admin/certificates/sittings/{sitting.id}/issue")
    assert operations.eligible_passes(sitting) == []
    overview = client.get("/admin/certificates/sittings/").get_data(as_text=True)
    assert sitting.title in overview


def test_admin_list_filters_and_detail_actions(login_as, admin, make_user, make_pass,
                                               certificate):
    other, _ = operations.issue_certificate(make_pass(make_user(name="Ann Lee")), actor=admin)
    db.session.commit()
    client = login_as(admin)
    listing = client.get("/admin/certificates/", query_string={"q": "ann"}).get_data(as_text=True)
    assert other.number in listing and certificate.number not in listing
    client.post(f"/admin/certificates/{other.id}/revoke", data={"reason": "Mistake"})
    revoked = client.get("/admin/certificates/", query_string={"status": "revoked"}) \
        .get_data(as_text=True)
    assert other.number in revoked and certificate.number not in revoked
    detail = client.get(f"/admin/certificates/{certificate.id}").get_data(as_text=True)
    assert "欧阳娜娜" in detail and "Revoke" in detail and "Reissue" in detail
    refused = client.post(f"/admin/certificates/{certificate.id}/revoke", data={"reason": ""})
    assert refused.status_code == 302 and operations.find_by_number(certificate.number) \
        .status == "valid"
    moved = client.post(f"/admin/certificates/{certificate.id}/reissue",
                        data={"reason": "Name corrected"})
    new_id = int(re.search(r"/admin/certificates/(\d+)$", moved.location).group(1))
    assert new_id != certificate.id
    assert "Replaces" in client.get(moved.location).get_data(as_text=True)


def test_withdrawn_passes_are_listed_for_review(login_as, admin, certificate):
    from certify.clock import now_utc

    certificate.level_pass.withdrawn_dt = now_utc()
    db.session.commit()
    client = login_as(admin)
    assert "Passes withdrawn by a regrade" in client.get("/admin/certificates/") \
        .get_data(as_text=True)
    assert "withdrawn by a regrade" in client.get("/dashboard").get_data(as_text=True)


def test_dashboard_panels(login_as, holder, admin, certificate):
    mine = login_as(holder).get("/dashboard").get_data(as_text=True)
    assert "My certificates" in mine and certificate.number in mine
    assert f"/certificates/{certificate.id}.pdf" in mine
    admin_page = login_as(admin).get("/dashboard").get_data(as_text=True)
    assert "Issue by sitting" in admin_page
    assert certificate.number in login_as(holder).get("/certificates/").get_data(as_text=True)
