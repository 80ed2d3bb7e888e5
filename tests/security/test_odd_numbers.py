"""Numbers where an attacker or a confused user types something else: superscripts, other scripts'
digits, 5,000 digits, ids beyond a table's range. Each gets a 404 or a message, never a 500."""

from __future__ import annotations

import pytest

from certify.auth.models import Role
from certify.parsing import whole_number
from certify.tasks import get_task_type
from certify.tasks.data import TaskSpec

HUGE = "9" * 5000


@pytest.mark.parametrize("text, expected", [
    ("42", 42), ("0", 0), ("2147483647", 2**31 - 1),
    ("2147483648", None), (HUGE, None), ("²", None), ("١٢", None), ("", None), ("-3", None),
    (" 4", None), ("4.0", None), (None, None), (7, None),
])
def test_whole_number_takes_only_ascii_digits_of_a_storable_size(text, expected):
    assert whole_number(text) == expected


def test_whole_number_signed_and_bounded():
    assert whole_number("-3", signed=True) == -3
    assert whole_number("-", signed=True) is None
    assert whole_number("11", maximum=10) is None


@pytest.mark.parametrize("url", [
    "/certificates/99999999999999999999.pdf",
    "/certificates/2147483648/open-badge.jwt",
    "/attempts/99999999999999999999",
    "/sittings/9223372036854775808/start",
])
def test_an_id_beyond_any_table_is_not_found(app, make_user, login_as, url):
    response = login_as(make_user(Role.CANDIDATE)).get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("query", [
    "?sitting=²&level=²", f"?sitting={HUGE}", "?sitting=99999999999999999999&level=-1",
])
def test_the_certificate_list_ignores_a_filter_that_is_not_a_number(app, make_user, login_as,
                                                                    query):
    response = login_as(make_user(Role.ADMIN)).get("/admin/certificates/" + query)
    assert response.status_code == 200


@pytest.mark.parametrize("unit", ["L²:1", f"L{HUGE}:1", "L١:1"])
def test_the_bank_filters_by_an_odd_unit_find_nothing(app, make_user, login_as, unit):
    response = login_as(make_user(Role.EXAMINER)).get("/bank/", query_string={"unit": unit})
    assert response.status_code == 200


def test_find_unit_of_an_odd_reference_is_none(app):
    from certify.syllabus.operations import find_unit

    assert find_unit("L²:1") is None
    assert find_unit(f"L{HUGE}:1") is None


@pytest.mark.parametrize("key", ["²", HUGE, "١"])
def test_a_rating_scale_label_keyed_by_an_odd_number_is_a_problem(key):
    config = {"scale": {"min": 1, "max": 5, "labels": {key: "odd"}}}
    spec = TaskSpec(task_type="rating", config=config,
                    records=[{"id": "r1", "text": "reply"}], gold=[{"id": "r1", "rating": 3}])
    problems = get_task_type("rating").validate_task(spec)
    assert any("config.scale.labels" in p.field for p in problems), problems
