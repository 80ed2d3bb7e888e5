"""The crash test's harness: certify under real gunicorn, candidates as HTTP clients, PostgreSQL
controls.

- :class:`Gunicorn` runs ``certify:create_app()`` with sync workers, as deployed. A config hook names
  each worker's PostgreSQL connections ``certify-worker-<pid>`` (libpq's ``PGAPPNAME``), so the test
  can see in ``pg_stat_activity`` which worker is running a query, and kill exactly that one.
- :class:`Browser` is one candidate's browser: stdlib ``http.client`` (no dependency), a cookie
  jar, one connection per request (gunicorn's sync workers close them anyway).
- :class:`Saver` is a candidate autosaving continuously with increasing seq numbers; a request that
  fails (connection reset, 5xx) is retried with the same body after a short backoff, like exam.js
  (which numbers its resend anew; the same seq is the harder case: it is a replay whenever the lost
  request had committed). It keeps every acknowledgement, error and retry for the test to check.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy as sa

from tests.resilience.resilience_helpers import Acks, Choice, make_save, wait_until

ROOT = Path(__file__).resolve().parents[2]
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')
WORKER_NAME = "certify-worker-"

GUNICORN_HOOKS = f'''\
import os


def post_fork(server, worker):
    # libpq reads PGAPPNAME: every connection this worker opens is named after it.
    os.environ["PGAPPNAME"] = "{WORKER_NAME}%s" % os.getpid()
'''


# The server ----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def child_pids(pid: int) -> set[int]:
    """The live child processes of ``pid`` (Linux /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid …": comm may hold spaces, so split after its closing parenthesis.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


class Gunicorn:
    """certify under gunicorn in a process group of its own, logging to ``log``."""

    def __init__(self, database_url: str, instance: Path, workers: int, folder: Path) -> None:
        self.workers = workers
        self.port = free_port()
        self.log = folder / "gunicorn.log"
        hooks = folder / "gunicorn_hooks.py"
        hooks.write_text(GUNICORN_HOOKS)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("CERTIFY_") and k != "PGAPPNAME"}
        env.update(CERTIFY_DATABASE_URL=database_url, CERTIFY_INSTANCE_PATH=str(instance),
                   CERTIFY_SECRET_KEY="crash-test-secret-key-" + "k" * 32,
                   CERTIFY_CERTIFICATE_SECRET="crash-test-certificate-secret-" + "c" * 32)
        command = [sys.executable, "-m", "gunicorn", "--workers", str(workers),
                   "--bind", f"127.0.0.1:{self.port}", "--config", str(hooks),
                   # A worker blocked on purpose must not be timed out by the master meanwhile.
                   "--timeout", "300", "--graceful-timeout", "10", "--log-level", "warning",
                   "certify:create_app()"]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float) -> None:
        """Wait until every worker is up and the app answers."""
        def ready() -> bool:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log_tail()}"
            if len(self.worker_pids()) < self.workers:
                return False
            try:
                return Browser(self.port, timeout=5).request("GET", "/healthz").status == 200
            except OSError:
                return False
        wait_until(ready, timeout, f"gunicorn answers with {self.workers} workers")

    def worker_pids(self) -> set[int]:
        return child_pids(self.process.pid)

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # quick shutdown: nothing is in flight
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# PostgreSQL controls -------------------------------------------------------------------------

class Postgres:
    """The server's administrative side, seen from the ``postgres`` database (never the one cut)."""

    def __init__(self, url: str) -> None:
        self.database = sa.make_url(url).database
        self.engine = sa.create_engine(sa.make_url(url).set(database="postgres"),
                                       isolation_level="AUTOCOMMIT")

    def run(self, sql: str, **params: Any) -> list[Any]:
        with self.engine.connect() as conn:
            result = conn.execute(sa.text(sql), {"db": self.database, **params})
            return list(result) if result.returns_rows else []

    def terminate_connections(self) -> int:
        """End every connection to the database (the app reconnects: pool_pre_ping)."""
        return len(self.run("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = :db AND pid <> pg_backend_pid()"))

    def allow_connections(self, allowed: bool) -> None:
        self.run(f'ALTER DATABASE "{self.database}" WITH ALLOW_CONNECTIONS '
                 f'{"true" if allowed else "false"}')

    def workers_waiting_on_a_lock(self, query_prefix: str) -> list[int]:
        """Pids of the gunicorn workers whose query starting with ``query_prefix`` waits on a lock."""
        rows = self.run("SELECT application_name FROM pg_stat_activity WHERE datname = :db "
                        "AND wait_event_type = 'Lock' AND application_name LIKE :name "
                        "AND query LIKE :query",
                        name=WORKER_NAME + "%", query=query_prefix + "%")
        return [int(name[len(WORKER_NAME):]) for (name,) in rows]

    def dispose(self) -> None:
        self.engine.dispose()


# Candidates ----------------------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def json(self) -> dict[str, Any]:
        return json.loads(self.text)


class Browser:
    """One candidate's browser: cookies kept between requests, JSON or form bodies."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()

    def request(self, method: str, path: str, *, form: dict[str, str] | None = None,
                json_body: Any = None, headers: dict[str, str] | None = None) -> Reply:
        """Send one request.

        :raise OSError: or :class:`http.client.HTTPException` when the connection fails or the
            server closes it without an answer (a killed worker).
        """
        sent = {"Accept": "application/json" if json_body is not None else "text/html"}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json.dumps(json_body).encode()
            sent["Content-Type"] = "application/json"
        with self.lock:
            if self.cookies:
                sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            conn.close()
        for raw in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(raw)
            with self.lock:
                for name, morsel in cookie.items():
                    if morsel["max-age"] == "0":
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
        return Reply(response.status, response.headers, text)

    def log_in(self, email: str, password: str) -> None:
        page = self.request("GET", "/login")
        token = CSRF_INPUT.search(page.text).group(1)
        reply = self.request("POST", "/login", form={"csrf_token": token, "email": email,
                                                     "password": password})
        assert reply.status == 302, f"{email} could not log in: {reply.status}"

    def start(self, sitting_id: int) -> tuple[int, str]:
        """Start the sitting's attempt; return its id and the exam page's CSRF token."""
        page = self.request("GET", f"/sittings/{sitting_id}/start")
        token = CSRF_INPUT.search(page.text).group(1)
        reply = self.request("POST", f"/sittings/{sitting_id}/start",
                             form={"csrf_token": token, "access_code": ""})
        location = reply.headers.get("Location", "")
        match = re.search(r"/attempts/(\d+)/", location)
        assert reply.status == 302 and match, f"could not start: {reply.status} {location}"
        page = self.request("GET", location)
        return int(match.group(1)), CSRF_META.search(page.text).group(1)

    def state(self, attempt_id: int) -> Reply:
        return self.request("GET", f"/attempts/{attempt_id}/state",
                            headers={"Accept": "application/json"})


class Saver(threading.Thread):
    """A candidate autosaving continuously until ``stop`` is set; every save retried until the
    server acknowledges it (or ``retry_for`` seconds pass: then it counts as a failure)."""

    #: First backoff after a failed request, doubled per failure up to :attr:`MAX_BACKOFF`.
    BACKOFF = 0.05
    MAX_BACKOFF = 1.0
    #: Pause between two saves: continuous, yet leaving the CPU some air on a small machine.
    PAUSE = 0.02

    def __init__(self, browser: Browser, attempt_id: int, csrf: str, choices: list[Choice],
                 rng: random.Random, stop: threading.Event, retry_for: float) -> None:
        super().__init__(daemon=True, name=f"saver-{attempt_id}")
        self.browser = browser
        self.csrf = csrf
        self.choices = choices
        self.rng = rng
        self.stop = stop
        self.retry_for = retry_for
        self.url = f"/attempts/{attempt_id}/answers"
        self.acks = Acks(attempt_id)
        self.seq = 0
        self.last_acked_seq = 0
        self.acked_saves = 0
        self.in_flight: dict[str, Any] | None = None
        #: Failed requests by kind ("connection", "http 500" …), and (seq, kind, detail) of each.
        self.errors: Counter[str] = Counter()
        self.error_log: list[tuple[int, str, str]] = []
        #: Saves acknowledged after a retry: (seq, tries, applied flags of the acknowledgement).
        self.retried: list[tuple[int, int, list[bool]]] = []
        #: Saves never acknowledged, and answers the test did not expect (4xx, wrong replies).
        self.failures: list[tuple[int, str]] = []
        self.unexpected: list[Any] = []
        self.crash: BaseException | None = None

    @property
    def attempt_id(self) -> int:
        return self.acks.attempt_id

    def failed_requests(self) -> int:
        return sum(self.errors.values())

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.seq += 1
                self.send(make_save(self.rng, self.choices, self.seq))
                self.stop.wait(self.PAUSE)
        except BaseException as exc:  # reported by the test, which fails on it
            self.crash = exc

    def send(self, body: dict[str, Any]) -> bool:
        """Send one save until acknowledged; return whether it was."""
        deadline = time.monotonic() + self.retry_for
        backoff = self.BACKOFF
        tries = 0
        while True:
            tries += 1
            self.in_flight = body
            try:
                reply = self.browser.request("POST", self.url, json_body=body,
                                             headers={"X-CSRFToken": self.csrf})
            except (OSError, http.client.HTTPException) as exc:
                kind, detail = "connection", repr(exc)
            else:
                if reply.status == 200:
                    self._acknowledged(body, reply.json(), tries)
                    return True
                if reply.status < 500:
                    self.unexpected.append((body["seq"], reply.status, reply.text[:300]))
                    return False
                # Our own 5xx replies are JSON; a bare page is the WSGI server's (the app failed).
                is_json = reply.headers.get("Content-Type", "").startswith("application/json")
                kind = f"http {reply.status}" + ("" if is_json else " (not JSON)")
                detail = reply.text[:200]
            finally:
                self.in_flight = None
            self.errors[kind] += 1
            self.error_log.append((body["seq"], kind, detail))
            if time.monotonic() > deadline:
                self.failures.append((body["seq"], kind))
                return False
            time.sleep(backoff)  # the client's backoff, as exam.js waits before resending
            backoff = min(self.MAX_BACKOFF, backoff * 2)

    def _acknowledged(self, body: dict[str, Any], reply: dict[str, Any], tries: int) -> None:
        self.acks.record(body, reply)
        self.csrf = reply.get("csrf_token", self.csrf)
        applied = [s["applied"] for s in reply["saved"]]
        if tries > 1:
            self.retried.append((body["seq"], tries, applied))
        elif not all(applied):
            # One client numbering its saves upwards: a first try must always be the newest.
            self.unexpected.append((body["seq"], "not applied on its first try", reply))
        self.last_acked_seq = body["seq"]
        self.acked_saves += 1
