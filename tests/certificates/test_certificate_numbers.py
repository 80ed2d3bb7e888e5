"""Certificate numbers, level labels and the masking of candidate IDs."""

from __future__ import annotations

import pytest

from certify.certificates.numbers import (
    LEVELS,
    CertificateNumber,
    format_number,
    level_labels,
    mask_candidate_id,
    parse_number,
)


def test_format_and_parse_are_inverse():
    assert format_number(3, 2026, 123) == "AIT-L3-2026-000123"
    assert parse_number("AIT-L3-2026-000123") == CertificateNumber("AIT", 3, 2026, 123)
    for level in range(1, 6):
        for sequence in (1, 42, 999_999):
            number = format_number(level, 2031, sequence)
            assert str(parse_number(number)) == number


def test_parse_forgives_case_and_spaces():
    assert parse_number("  ait-l5-2027-000001 ") == CertificateNumber("AIT", 5, 2027, 1)


@pytest.mark.parametrize("text", ["", "AIT-L3-2026-123", "AIT-L6-2026-000123",
                                  "AIT-L0-2026-000123", "AIT-L3-26-000123", "AIT-L3-2026-000000",
                                  "AIT-L3-2026-0001234", "AIT_L3_2026_000123", "A-L3-2026-000123",
                                  "AIT-L3-2026-000123x", "AIT-L３-2026-000123",
                                  "AIT-L3-２０２６-000123"])
def test_parse_refuses_malformed_numbers(text):
    with pytest.raises(ValueError):
        parse_number(text)


@pytest.mark.parametrize(("args", "kwargs"), [
    ((0, 2026, 1), {}), ((6, 2026, 1), {}), ((3, 999, 1), {}), ((3, 2026, 0), {}),
    ((3, 2026, 1_000_000), {}), ((3, 2026, 1), {"prefix": "ait"}), ((3, 2026, 1), {"prefix": "A"}),
])
def test_format_refuses_what_parse_would_refuse(args, kwargs):
    with pytest.raises(ValueError):
        format_number(*args, **kwargs)


def test_level_labels_in_english_and_chinese():
    assert level_labels(3) == ("Level 3 — Senior", "三级 / 高级工")
    assert level_labels(1) == ("Level 1 — Senior Technician", "一级 / 高级技师")
    assert sorted(LEVELS) == [1, 2, 3, 4, 5]
    with pytest.raises(ValueError):
        level_labels(7)


@pytest.mark.parametrize(("full", "masked"), [
    ("11010519491231002X", "1101**********002X"),
    ("1101 0519 4912 3100 2X", "1101**********002X"),
    ("E12345678", "E1*****78"),
    ("AB12", "A**2"),
    ("ABC", "***"),
    ("", ""),
])
def test_mask_candidate_id_hides_at_least_half(full, masked):
    assert mask_candidate_id(full) == masked
    assert masked.count("*") >= len(masked) / 2
