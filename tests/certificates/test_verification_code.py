"""Verification codes: HMAC-SHA256 over a canonical serialisation, 100 bits, Crockford base32."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import unicodedata
from datetime import date

import pytest

from certify.certificates.verification import (
    ALPHABET,
    CODE_LENGTH,
    DOMAIN,
    check_code,
    content_fields,
    format_code,
    normalise_code,
    verification_code,
    verification_url,
)

SECRET = b"0123456789abcdef0123456789abcdef"
NUMBER = "AIT-L3-2026-000123"
FIELDS = content_fields(holder_name="欧阳娜娜", candidate_id="11010519491231002X",
                        occupation_code="4-04-05-05", level=3, issued_on=date(2026, 6, 30),
                        expires_on=date(2028, 6, 29))
CODE = verification_code(SECRET, NUMBER, FIELDS)


def test_code_is_20_crockford_symbols_and_groups_by_five():
    assert len(CODE) == CODE_LENGTH == 20
    assert set(CODE) <= set(ALPHABET)
    assert not set("ILOU") & set(ALPHABET)
    assert re.fullmatch(r"([0-9A-Z]{5}-){3}[0-9A-Z]{5}", format_code(CODE))
    assert format_code(CODE).replace("-", "") == CODE


def test_code_is_the_first_100_bits_of_the_hmac_of_the_canonical_json():
    message = json.dumps({"domain": DOMAIN, "fields": FIELDS, "number": NUMBER},
                         ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    digest = hmac.new(SECRET, message, hashlib.sha256).digest()
    bits = int.from_bytes(digest, "big") >> (256 - 100)
    assert "".join(ALPHABET[(bits >> (95 - 5 * i)) & 31] for i in range(20)) == CODE


@pytest.mark.parametrize("typed", [
    CODE, format_code(CODE), format_code(CODE).lower(), " ".join(format_code(CODE).split("-")),
    unicodedata.normalize("NFKC", CODE).translate(str.maketrans("0123456789ABCDEFGHJKMNPQRSTVWXYZ",
                                                                "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＭＮＰＱＲＳＴＶＷＸＹＺ")),
    CODE.replace("0", "O").replace("1", "I"), CODE.replace("1", "l"),
    f"  {format_code(CODE)}\n",
])
def test_the_right_code_verifies_however_it_is_typed(typed):
    assert check_code(SECRET, NUMBER, FIELDS, typed)


def test_every_single_character_change_is_rejected():
    rejected = 0
    for position, original in enumerate(CODE):
        for symbol in ALPHABET:
            if symbol == original:
                continue
            changed = CODE[:position] + symbol + CODE[position + 1:]
            assert not check_code(SECRET, NUMBER, FIELDS, changed), changed
            assert not check_code(SECRET, NUMBER, FIELDS, format_code(changed))
            rejected += 1
    assert rejected == 20 * 31


@pytest.mark.parametrize("typed", ["", CODE[:-1], CODE + "0", CODE[:-1] + "U", CODE[:-1] + "*",
                                   CODE[:-1] + "é", "0" * 20])
def test_malformed_or_wrong_input_is_rejected(typed):
    assert not check_code(SECRET, NUMBER, FIELDS, typed)


@pytest.mark.parametrize(("field", "value"), [
    ("holder_name", "欧阳娜"), ("holder_name", "欧阳娜娜 "), ("candidate_id", "11010519491231002x"),
    ("occupation_code", "4-04-05-06"), ("level", "2"), ("issued_on", "2026-07-01"),
    ("expires_on", "2028-06-30"), ("expires_on", ""),
])
def test_a_change_of_any_content_field_changes_the_code(field, value):
    changed = {**FIELDS, field: value}
    assert verification_code(SECRET, NUMBER, changed) != CODE
    assert not check_code(SECRET, NUMBER, changed, CODE)


def test_number_secret_and_extra_fields_change_the_code():
    assert verification_code(SECRET, "AIT-L3-2026-000124", FIELDS) != CODE
    assert verification_code(SECRET[::-1], NUMBER, FIELDS) != CODE
    assert verification_code(SECRET, NUMBER, {**FIELDS, "note": ""}) != CODE


def test_serialisation_is_unambiguous():
    # A value that looks like a separator and the next field must not collide with two fields.
    one = {"holder_name": 'A","candidate_id":"B', "candidate_id": ""}
    two = {"holder_name": "A", "candidate_id": "B"}
    assert verification_code(SECRET, NUMBER, one) != verification_code(SECRET, NUMBER, two)
    assert verification_code(SECRET, "A", {"x": "B"}) != verification_code(SECRET, "AB", {"x": ""})


def test_canonically_equivalent_names_give_the_same_code():
    composed = {**FIELDS, "holder_name": "Zoë Müller"}
    decomposed = {**FIELDS, "holder_name": unicodedata.normalize("NFD", "Zoë Müller")}
    assert composed["holder_name"] != decomposed["holder_name"]
    assert verification_code(SECRET, NUMBER, composed) == verification_code(SECRET, NUMBER,
                                                                           decomposed)
    assert verification_code(SECRET, NUMBER, dict(reversed(FIELDS.items()))) == CODE


def test_content_fields_are_the_documented_strings():
    assert FIELDS == {"holder_name": "欧阳娜娜", "candidate_id": "11010519491231002X",
                      "occupation_code": "4-04-05-05", "level": "3",
                      "issued_on": "2026-06-30", "expires_on": "2028-06-29"}
    no_expiry = content_fields(holder_name="A", candidate_id="B", occupation_code="C", level=5,
                               issued_on=date(2026, 1, 2), expires_on=None)
    assert no_expiry["expires_on"] == ""


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="16 bytes"):
        verification_code(b"short", NUMBER, FIELDS)
    with pytest.raises(TypeError):
        verification_code(SECRET, NUMBER, {"level": 3})


def test_normalise_code_forgives_what_people_type():
    assert normalise_code(" 7kq2m-9xd4t–1h8vb—zp3rc ") == "7KQ2M9XD4T1H8VBZP3RC"
    assert normalise_code("OIL") == "011"
    assert normalise_code("７ＫＱ") == "7KQ"


def test_verification_url_carries_number_and_compact_code():
    assert verification_url("https://certify.example.org/", NUMBER, format_code(CODE)) == \
        f"https://certify.example.org/verify/{NUMBER}?code={CODE}"
    assert verification_url("https://x.org", "A B/C") == "https://x.org/verify/A%20B%2FC"
