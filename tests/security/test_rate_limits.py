"""Every rate limit, proven from the attacker's side: login failures (per account and per address,
successes free), public certificate verification (the page, its JSON and the typed number-and-code
form sharing one budget per address), wrong exam access codes and self-registration.

Each limit holds with a 429 that says what happened (``Retry-After`` set; JSON for JSON clients), no
other account or address is slowed down, and the same visitor gets in again once the limit's window
is over. Limits are configured short through ``app_factory`` (one-second windows), and the clock is
moved past a window with time-machine instead of waiting; the exam-start and registration limits are
fixed in code and only shown to hold.
tests/auth/test_accounts.py and tests/certificates/test_certificate_pages.py test the defaults.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from certify.auth.models import Role
from tests.factories import enrol, make_exam, make_sitting, make_syllabus
from tests.helpers import TEST_PASSWORD

TOO_MANY = "Too many attempts. Please wait a little and try again."
HOME, AWAY, ELSEWHERE = "192.0.2.10", "198.51.100.20", "203.0.113.30"
NUMBER = "AIT-L4-2026-{:06d}"


def limited(response, *, as_json: bool = False) -> bool:
    """Whether ``response`` is the app's 429, said the way the client asked for."""
    if response.status_code != 429:
        return False
    assert int(response.headers["Retry-After"]) >= 0
    if as_json:
        assert response.get_json() == {"error": TOO_MANY, "status": 429}
    else:
        assert response.mimetype == "text/html" and TOO_MANY in response.get_data(as_text=True)
    return True


def log_in(client, email: str, password: str = TEST_PASSWORD, address: str = HOME, **headers):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    """The clock stopped at now, moved forward only by the test: however slowly a busy machine
    runs the requests, a one-second window ends only when the test says so."""
    with time_machine.travel(datetime.now(UTC), tick=False) as traveller:
        yield traveller


def window_passes(clock: time_machine.Coordinates) -> None:
    clock.shift(1.1)


# -- login ------------------------------------------------------------------------------------------

def test_failures_for_one_account_lock_it_from_every_address_and_only_it(app_factory, make_user, clock):
    app = app_factory(LOGIN_RATE_LIMIT_PER_ACCOUNT="3 per 1 second",
                      LOGIN_RATE_LIMIT_PER_IP="100 per minute")
    victim, bystander = make_user(email="victim@example.org"), make_user(email="by@example.org")
    client = app.test_client()
    # Three guesses from three addresses, the address written three ways: one account.
    for address, email in zip((HOME, AWAY, ELSEWHERE), ("victim@example.org", "VICTIM@example.org",
                                                         "  Victim@Example.org "), strict=True):
        assert log_in(client, email, "wrong guess", address).status_code == 200
    assert limited(log_in(client, victim.email, address="192.0.2.99"))  # even the right password
    assert client.get("/dashboard").status_code == 302  # not logged in
    assert log_in(app.test_client(), bystander.email, address=HOME).status_code == 302
    window_passes(clock)
    assert log_in(client, victim.email, address=HOME).status_code == 302


def test_failures_from_one_address_lock_it_for_every_account_and_only_it(app_factory, make_user, clock):
    app = app_factory(LOGIN_RATE_LIMIT_PER_IP="3 per 1 second",
                      LOGIN_RATE_LIMIT_PER_ACCOUNT="100 per minute")
    user = make_user()
    client = app.test_client()
    for email in ("a@example.org", "b@example.org", "nobody@example.org"):  # spraying accounts
        assert log_in(client, email, "Winter2026!").status_code == 200
    assert limited(log_in(client, user.email))
    # Without PROXY_FIX, a forged X-Forwarded-For is not another address.
    assert limited(log_in(client, user.email, **{"X-Forwarded-For": AWAY}))
    assert log_in(app.test_client(), user.email, address=AWAY).status_code == 302
    window_passes(clock)
    assert log_in(client, user.email).status_code == 302


def test_successful_logins_are_free_and_failures_are_not(app_factory, make_user):
    app = app_factory(LOGIN_RATE_LIMIT_PER_IP="2 per minute",
                      LOGIN_RATE_LIMIT_PER_ACCOUNT="2 per minute")
    user = make_user()
    client = app.test_client()
    for _ in range(5):
        assert log_in(client, user.email).status_code == 302
        client.post("/logout")
    assert [log_in(client, user.email, "wrong").status_code for _ in range(2)] == [200, 200]
    assert limited(log_in(client, user.email))


def test_behind_the_proxy_each_client_address_has_its_own_budget(app_factory, make_user):
    app = app_factory(PROXY_FIX=True, LOGIN_RATE_LIMIT_PER_IP="2 per minute",
                      LOGIN_RATE_LIMIT_PER_ACCOUNT="100 per minute")
    user = make_user()
    proxy = "10.0.0.2"
    for _ in range(2):
        log_in(app.test_client(), "x@example.org", "wrong", proxy, **{"X-Forwarded-For": HOME})
    assert limited(log_in(app.test_client(), user.email, address=proxy,
                          **{"X-Forwarded-For": HOME}))
    assert log_in(app.test_client(), user.email, address=proxy,
                  **{"X-Forwarded-For": AWAY}).status_code == 302


# -- certificate verification -----------------------------------------------------------------------

#: The three public ways to ask, each (path, query, headers, answers as JSON).
VERIFY_FORMS = {
    "page": ("/verify/{n}", {}, {}, False),
    "json": ("/verify/{n}", {"format": "json"}, {}, True),
    "json by Accept": ("/verify/{n}", {}, {"Accept": "application/json"}, True),
    "typed number and code": ("/verify", {"number": "{n}", "code": "ABCD-EFGH"}, {}, False),
}


def verify(client, form: str, n: int, address: str = HOME):
    path, query, headers, _json = VERIFY_FORMS[form]
    return client.get(path.format(n=NUMBER.format(n)), headers=headers,
                      query_string={k: v.format(n=NUMBER.format(n)) for k, v in query.items()},
                      environ_base={"REMOTE_ADDR": address})


def test_verification_has_one_budget_per_address_whatever_number_or_form(app_factory, clock):
    app = app_factory(CERTIFICATE_VERIFY_RATE_LIMIT="4 per 1 second")
    client = app.test_client()
    # Enumerating numbers, one per request, through every form: one budget.
    answers = [verify(client, form, n) for n, form in enumerate(VERIFY_FORMS)]
    assert [a.status_code for a in answers] == [404, 404, 404, 302]
    for form, (_path, _query, _headers, as_json) in VERIFY_FORMS.items():
        assert limited(verify(client, form, 99), as_json=as_json), form
        assert verify(client, form, 99, address=AWAY).status_code in (302, 404), form
    window_passes(clock)
    assert [verify(client, form, 99).status_code for form in VERIFY_FORMS] == [404, 404, 404, 302]


def test_a_json_refusal_can_be_read_by_a_verifying_page_on_another_site(app_factory):
    app = app_factory(CERTIFICATE_VERIFY_RATE_LIMIT="1 per minute")
    client = app.test_client()
    assert verify(client, "json", 1).headers["Access-Control-Allow-Origin"] == "*"
    refusal = verify(client, "json", 2)
    assert limited(refusal, as_json=True)
    assert refusal.headers["Access-Control-Allow-Origin"] == "*"


# -- limits fixed in code ---------------------------------------------------------------------------

def test_wrong_access_codes_are_limited_per_candidate(app, make_user, login_as):
    sitting = make_sitting(make_exam(make_syllabus(4)), access_code="RIGHT-CODE")
    guesser, neighbour = make_user(Role.CANDIDATE), make_user(Role.CANDIDATE)
    for person in (guesser, neighbour):
        enrol(sitting, person)
    client, other = login_as(guesser), login_as(neighbour)  # same address
    url = f"/sittings/{sitting.id}/start"
    guesses = [client.post(url, data={"access_code": f"GUESS-{n}"}) for n in range(10)]
    assert {g.status_code for g in guesses} == {200}
    assert "That access code is not right" in guesses[0].get_data(as_text=True)
    assert limited(client.post(url, data={"access_code": "RIGHT-CODE"}))
    assert other.post(url, data={"access_code": "GUESS"}).status_code == 200


def test_registrations_are_limited_per_address(client):
    def register(n: int, address: str):
        return client.post("/register", environ_base={"REMOTE_ADDR": address}, data={
            "name": f"Bot {n}", "email": f"bot{n}@example.org", "candidate_id": f"E{n:07d}",
            "password": TEST_PASSWORD, "confirm": TEST_PASSWORD})

    for n in range(10):
        assert register(n, HOME).status_code == 302
        client.post("/logout")
    assert limited(register(10, HOME))
    assert register(11, AWAY).status_code == 302


# -- several workers --------------------------------------------------------------------------------

def test_with_redis_storage_every_worker_sees_the_same_failures(app_factory, make_user):
    """Behind several gunicorn workers the limit must be counted in Redis, not per process: a
    worker that never saw the failures (a new app, so a new storage connection) still refuses."""
    import uuid

    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        from tests.helpers import skip_or_fail

        skip_or_fail("no Redis answers at 127.0.0.1:6379")
    settings = {"RATELIMIT_STORAGE_URI": url, "RATELIMIT_KEY_PREFIX": f"certify-test-{uuid.uuid4()}",
                "LOGIN_RATE_LIMIT_PER_ACCOUNT": "3 per minute",
                "LOGIN_RATE_LIMIT_PER_IP": "100 per minute"}
    first = app_factory(**settings)
    user = make_user(email="shared@example.org")
    for _ in range(3):
        assert log_in(first.test_client(), user.email, "wrong guess").status_code == 200
    second = app_factory(**settings)  # another worker: its own connection to the storage
    assert limited(log_in(second.test_client(), user.email, address=AWAY))


def test_with_memory_storage_a_new_worker_starts_from_nothing(app_factory, make_user):
    """Why the README asks for Redis with several workers: the default counts per process."""
    settings = {"LOGIN_RATE_LIMIT_PER_ACCOUNT": "3 per minute",
                "LOGIN_RATE_LIMIT_PER_IP": "100 per minute"}
    first = app_factory(**settings)
    user = make_user(email="alone@example.org")
    for _ in range(3):
        assert log_in(first.test_client(), user.email, "wrong guess").status_code == 200
    assert limited(log_in(first.test_client(), user.email))
    second = app_factory(**settings)
    assert log_in(second.test_client(), user.email, address=AWAY).status_code == 302
