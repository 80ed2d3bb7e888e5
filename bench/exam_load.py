"""Exam-day load benchmark: many candidates log in, start at the same second, autosave, submit.

    .venv/bin/python bench/exam_load.py                       # PostgreSQL, 500 candidates
    .venv/bin/python bench/exam_load.py --db sqlite --candidates 150

What it does, in one run:

1. Builds a fresh database (PostgreSQL database ``certify_bench`` on the local server, or a SQLite
   file in WAL mode) with the migrations, loads the bundled syllabus, banks and exam definitions,
   and seeds two sittings (level 4 theory and level 4 skills) with N candidates split between them.
2. Starts certify under gunicorn (sync workers, 2 × cores) exactly as deployed.
3. Every candidate logs in (a real scrypt password check), opens the start page, and waits; then all
   start at the same instant. The time until the last start answered is "all started within".
4. Each candidate autosaves one answer every ``--interval`` seconds (theory: a choice or fill-in
   item; skills: one labeling record of a practical task) for ``--duration`` seconds, with its first
   save at a random moment of the first interval (people do not all press a key in the same
   millisecond; ``--burst`` aligns them all as a worst case), then submits.
5. Measures a trivial endpoint (``/healthz``) and back-to-back autosaves with the same number of
   concurrent clients on the same server, and prints the ratio (autosave throughput / ceiling).
6. Checks that every save the server acknowledged is in the database with its latest value.

The load generator is an asyncio HTTP client (aiohttp), one cookie jar per candidate: it holds 500
open conversations in one process with little CPU, so on a 2-core machine most of the CPU is left
to the server being measured (Locust would need several processes for the same).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PASSWORD = "bench candidate password"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_META = re.compile(r'name="csrf-token" content="([^"]+)"')


# Set-up ------------------------------------------------------------------------------------------

def prepare_database(kind: str, workdir: Path) -> str:
    """Create an empty database and return its URL."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / 'bench.sqlite3'}"
    import sqlalchemy as sa

    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql('DROP DATABASE IF EXISTS "certify_bench" WITH (FORCE)')
        conn.exec_driver_sql('CREATE DATABASE "certify_bench"')
    admin.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/certify_bench"


def seed(url: str, instance: Path, candidates: int) -> dict[str, Any]:
    """Migrate, load the bundled content, create the bench sittings and candidates."""
    from datetime import timedelta

    from flask_migrate import upgrade
    from werkzeug.security import generate_password_hash

    from certify import create_app, demo
    from certify.auth.models import Role, User, UserRole
    from certify.clock import now_utc
    from certify.db import db, refresh_statistics
    from certify.exams.models import Enrolment, ExamDefinition, Sitting

    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance)})
    with app.app_context():
        upgrade()
        for loader in demo.loaders(app):
            if loader.name in ("syllabus", "accounts", "banks", "exams"):
                loader.load(lambda line: None)
        db.session.commit()
        now = now_utc()
        sittings = {}
        for component in ("theory", "skills"):
            exam = db.session.scalar(
                db.select(ExamDefinition).where(ExamDefinition.component == component,
                                                ExamDefinition.title.like("Level 4 %")))
            sitting = Sitting(exam_id=exam.id, title=f"Load benchmark: level 4 {component}",
                              opens_dt=now - timedelta(minutes=5),
                              closes_dt=now + timedelta(hours=6))
            db.session.add(sitting)
            db.session.flush()
            sittings[component] = sitting.id
        # One real scrypt hash shared by every bench account: logging in costs what it costs in
        # production, seeding does not take minutes.
        password_hash = generate_password_hash(PASSWORD)
        accounts = []
        for n in range(candidates):
            component = "theory" if n % 2 == 0 else "skills"
            user = User(email=f"bench{n:04d}@load.example.org", name=f"考生 {n:04d}",
                        candidate_id=f"B{n:08d}", password_hash=password_hash)
            db.session.add(user)
            db.session.flush()
            db.session.add(UserRole(user_id=user.id, role=Role.CANDIDATE.value))
            db.session.add(Enrolment(sitting_id=sittings[component], candidate_id=user.id))
            accounts.append({"email": user.email, "sitting": sittings[component],
                             "component": component})
        db.session.commit()
        # As `flask load-demo` and `import-bank` do: a database in use has planner statistics.
        refresh_statistics()
        db.engine.dispose()
    return {"sittings": sittings, "accounts": accounts}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(url: str, instance: Path, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, CERTIFY_DATABASE_URL=url, CERTIFY_INSTANCE_PATH=str(instance))
    command = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind",
               f"127.0.0.1:{port}", "--backlog", "4096", "--timeout", "120",
               "--log-level", "warning", "certify:create_app()"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError("gunicorn exited while starting") from None
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start in 60 s")


def stop_server(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


# Measuring --------------------------------------------------------------------------------------

@dataclass
class Stats:
    """Latencies and failures per endpoint name."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    windows: dict[str, tuple[float, float]] = field(default_factory=dict)

    def record(self, name: str, started: float, ok: bool, detail: str = "") -> None:
        now = time.perf_counter()
        self.latencies[name].append(now - started)
        first, last = self.windows.get(name, (started, now))
        self.windows[name] = (min(first, started), max(last, now))
        if not ok:
            self.errors[name].append(detail)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


async def timed(stats: Stats, name: str, session: aiohttp.ClientSession, method: str, url: str,
                expect: tuple[int, ...], **kwargs: Any) -> tuple[int, str, Any]:
    started = time.perf_counter()
    try:
        async with session.request(method, url, allow_redirects=False, **kwargs) as response:
            body = await response.text()
            ok = response.status in expect
            stats.record(name, started, ok, f"{response.status} {body[:120]!r}")
            return response.status, body, response.headers
    except (TimeoutError, aiohttp.ClientError) as exc:
        stats.record(name, started, False, repr(exc))
        return 0, "", {}


# Candidates -------------------------------------------------------------------------------------

@dataclass
class Candidate:
    email: str
    sitting: int
    component: str
    session: aiohttp.ClientSession
    start_token: str = ""
    csrf: str = ""
    attempt_id: int | None = None
    seq: int = 0
    #: (position, record) → (seq, value) of the newest acknowledged save.
    acked: dict[tuple[int, str], tuple[int, Any]] = field(default_factory=dict)


async def log_in(base: str, candidate: Candidate, stats: Stats) -> None:
    _status, body, _h = await timed(stats, "GET /login", candidate.session, "GET", f"{base}/login",
                                    (200,))
    token = CSRF_INPUT.search(body).group(1)
    status, _b, _h = await timed(stats, "POST /login", candidate.session, "POST", f"{base}/login",
                                 (302,), data={"csrf_token": token, "email": candidate.email,
                                               "password": PASSWORD})
    if status != 302:
        raise RuntimeError(f"{candidate.email} could not log in ({status})")
    _status, body, _h = await timed(stats, "GET start page", candidate.session, "GET",
                                    f"{base}/sittings/{candidate.sitting}/start", (200,))
    candidate.start_token = CSRF_INPUT.search(body).group(1)


async def start(base: str, candidate: Candidate, stats: Stats) -> float:
    status, _body, headers = await timed(
        stats, "POST start", candidate.session, "POST",
        f"{base}/sittings/{candidate.sitting}/start", (302,),
        data={"csrf_token": candidate.start_token, "access_code": ""})
    done = time.perf_counter()
    location = headers.get("Location", "") if status == 302 else ""
    match = re.search(r"/attempts/(\d+)/", location)
    if not match:
        raise RuntimeError(f"{candidate.email} could not start ({status})")
    candidate.attempt_id = int(match.group(1))
    _status, body, _h = await timed(stats, "GET item page", candidate.session, "GET",
                                    f"{base}{location}", (200,))
    candidate.csrf = CSRF_META.search(body).group(1)
    return done


def answer_plan(url: str, attempt_ids: list[int]) -> dict[int, list[tuple[int, str | None, list]]]:
    """Per attempt, the answers a candidate may give: (position, record, [possible values])."""
    from certify import create_app
    from certify.db import db
    from certify.exams.models import AttemptItem

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "CERTIFICATE_SECRET": "bench"})
    plan: dict[int, list] = defaultdict(list)
    with app.app_context():
        rows = db.session.scalars(db.select(AttemptItem)
                                  .where(AttemptItem.attempt_id.in_(attempt_ids)))
        for row in rows:
            version = row.version
            kind = version.item.type
            content = version.content
            options = [o["id"] for o in content.get("options", [])]
            if kind == "single":
                plan[row.attempt_id].append((row.position, None, options))
            elif kind == "multiple":
                plan[row.attempt_id].append((row.position, None,
                                             [sorted(random.sample(options, 2)) for _ in range(4)]))
            elif kind == "true_false":
                plan[row.attempt_id].append((row.position, None, [True, False]))
            elif kind == "fill_in":
                blanks = content.get("blanks", 1)
                plan[row.attempt_id].append((row.position, None, [
                    [f"answer {k}" for _ in range(blanks)] for k in range(4)]))
            elif kind == "practical":
                task = content["task"]
                labels = task.get("config", {}).get("labels") or []
                for record in task["records"][:40]:
                    values = _record_values(task["task_type"], record, labels, task["config"])
                    if values:
                        plan[row.attempt_id].append((row.position, str(record["id"]), values))
        db.engine.dispose()
    return plan


def _record_values(task_type: str, record: dict, labels: list, config: dict) -> list:
    if task_type == "classification":
        return list(labels)
    if task_type == "multilabel":
        return [[label] for label in labels] + [[]]
    if task_type == "ner":
        text = record.get("text", "")
        return [[[0, min(2, len(text)), labels[0]]], []] if text and labels else []
    if task_type == "bbox":
        return [[[10, 10, 40, 30, labels[0]]], [[50, 60, 20, 20, labels[-1]]]] if labels else []
    if task_type == "transcription":
        return ["第一次转写", "second transcription"]
    if task_type == "rating":
        scale = config.get("scale", {"min": 1, "max": 5})
        return list(range(scale["min"], scale["max"] + 1))
    if task_type == "ranking":
        ids = [c["id"] for c in record.get("candidates", [])]
        return [ids, list(reversed(ids))]
    if task_type == "rubric":
        return ["My answer, first draft.", "My answer, revised."]
    return []


async def save_once(base: str, candidate: Candidate, plan: list, stats: Stats,
                    name: str = "POST autosave") -> bool:
    position, record, values = random.choice(plan)
    value = random.choice(values)
    candidate.seq += 1
    seq = candidate.seq
    status, body, _h = await timed(
        stats, name, candidate.session, "POST", f"{base}/attempts/{candidate.attempt_id}/answers",
        (200,), json={"seq": seq, "answers": [{"position": position, "record": record,
                                                "value": value}]},
        headers={"X-CSRFToken": candidate.csrf})
    if status != 200:
        return False
    reply = json.loads(body)
    candidate.csrf = reply.get("csrf_token", candidate.csrf)
    key = (position, record or "")
    if seq > candidate.acked.get(key, (0, None))[0]:
        candidate.acked[key] = (seq, value)
    return True


async def autosave_loop(base: str, candidate: Candidate, plan: list, stats: Stats,
                        interval: float, until: float, burst: bool) -> None:
    delay = 0.0 if burst else random.uniform(0, interval)
    await asyncio.sleep(delay)
    while time.perf_counter() < until:
        next_at = time.perf_counter() + interval
        await save_once(base, candidate, plan, stats)
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))


async def submit(base: str, candidate: Candidate, stats: Stats) -> None:
    await timed(stats, "POST submit", candidate.session, "POST",
                f"{base}/attempts/{candidate.attempt_id}/submit", (200,),
                json={"reason": "candidate"}, headers={"X-CSRFToken": candidate.csrf})


async def closed_loop(seconds: float, clients: int, action) -> int:  # type: ignore[no-untyped-def]
    """Run ``action(i)`` back to back on ``clients`` concurrent clients; return requests done."""
    done = 0
    until = time.perf_counter() + seconds

    async def worker(i: int) -> None:
        nonlocal done
        while time.perf_counter() < until:
            if await action(i):
                done += 1

    await asyncio.gather(*(worker(i) for i in range(clients)))
    return done


def lost_answers(url: str, candidates: list[Candidate]) -> tuple[int, int]:
    """Count acknowledged answers missing from the database or not their newest acknowledged value.

    The server stores answers normalised (e.g. a multiple-choice answer in the order the options
    were shown); the acknowledged value is normalised the same way before comparing.
    """
    from certify import create_app
    from certify.db import db
    from certify.exams.answers import check_answer
    from certify.exams.models import AttemptItem, Response

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "CERTIFICATE_SECRET": "bench"})
    checked = lost = 0
    with app.app_context():
        rows = db.session.execute(
            db.select(Response.attempt_id, AttemptItem.position, Response.record_key,
                      Response.value, Response.seq)
            .join(AttemptItem, AttemptItem.id == Response.attempt_item_id)).all()
        stored = {(r.attempt_id, r.position, r.record_key): (r.seq, r.value) for r in rows}
        forms = {(ai.attempt_id, ai.position): ai for ai in db.session.scalars(
            db.select(AttemptItem).where(AttemptItem.attempt_id.in_(
                [c.attempt_id for c in candidates])))}
        with app.test_request_context():
            for candidate in candidates:
                for (position, record), (seq, value) in candidate.acked.items():
                    checked += 1
                    ai = forms[(candidate.attempt_id, position)]
                    expected = check_answer(ai.version.item.type, ai.version.content,
                                            ai.option_order, value, position=position,
                                            record=record or None).value
                    have = stored.get((candidate.attempt_id, position, record))
                    if have is None or have[0] != seq or have[1] != expected:
                        lost += 1
                        if lost <= 5:
                            print(f"  lost: attempt {candidate.attempt_id} position {position} "
                                  f"record {record!r}: acknowledged seq {seq} {expected!r}, "
                                  f"stored {have!r}")
        db.engine.dispose()
    return checked, lost


# The run ----------------------------------------------------------------------------------------

def report(stats: Stats, names: list[str]) -> None:
    print(f"{'endpoint':<20} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8} {'max ms':>8} {'errors':>7}")
    for name in names:
        values = stats.latencies.get(name, [])
        if not values:
            continue
        first, last = stats.windows[name]
        rate = len(values) / max(last - first, 1e-9)
        print(f"{name:<20} {len(values):>9} {rate:>8.1f} {percentile(values, 50) * 1000:>8.1f} "
              f"{percentile(values, 95) * 1000:>8.1f} {percentile(values, 99) * 1000:>8.1f} "
              f"{max(values) * 1000:>8.1f} {len(stats.errors.get(name, [])):>7}")


async def run(args: argparse.Namespace, base: str, url: str, seeded: dict) -> int:
    stats = Stats()
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    timeout = aiohttp.ClientTimeout(total=120)
    candidates = [Candidate(a["email"], a["sitting"], a["component"],
                            aiohttp.ClientSession(connector=connector, connector_owner=False,
                                                  timeout=timeout,
                                                  cookie_jar=aiohttp.CookieJar(unsafe=True)))
                  for a in seeded["accounts"]]
    try:
        print(f"logging in {len(candidates)} candidates …", flush=True)
        gate = asyncio.Semaphore(args.login_concurrency)

        async def gated_login(c: Candidate) -> None:
            async with gate:
                await log_in(base, c, stats)

        t = time.perf_counter()
        await asyncio.gather(*(gated_login(c) for c in candidates))
        print(f"  all logged in after {time.perf_counter() - t:.1f} s", flush=True)

        print("synchronised start …", flush=True)
        t0 = time.perf_counter()
        finished = await asyncio.gather(*(start(base, c, stats) for c in candidates))
        started_within = max(finished) - t0
        print(f"  all {len(candidates)} started within {started_within:.2f} s", flush=True)

        plans = answer_plan(url, [c.attempt_id for c in candidates])
        print(f"autosaving every {args.interval:g} s for {args.duration:g} s "
              f"({'aligned bursts' if args.burst else 'first save at a random moment'}) …",
              flush=True)
        until = time.perf_counter() + args.duration
        await asyncio.gather(*(autosave_loop(base, c, plans[c.attempt_id], stats, args.interval,
                                             until, args.burst) for c in candidates))

        print(f"ceiling: /healthz and back-to-back autosaves, {args.ceiling_clients} clients, "
              f"{args.ceiling_seconds:g} s each …", flush=True)
        health_session = candidates[0].session

        async def health(i: int) -> bool:
            status, _b, _h = await timed(stats, "GET /healthz", health_session, "GET",
                                         f"{base}/healthz", (200,))
            return status == 200

        healthz_done = await closed_loop(args.ceiling_seconds, args.ceiling_clients, health)
        pool = candidates[:args.ceiling_clients]

        async def saturate(i: int) -> bool:
            c = pool[i % len(pool)]
            return await save_once(base, c, plans[c.attempt_id], stats, "autosave (max)")

        saves_done = await closed_loop(args.ceiling_seconds, min(args.ceiling_clients, len(pool)),
                                       saturate)

        print("submitting …", flush=True)
        await asyncio.gather(*(submit(base, c, stats) for c in candidates))
    finally:
        for c in candidates:
            await c.session.close()
        await connector.close()

    checked, lost = lost_answers(url, candidates)
    print()
    report(stats, ["GET /login", "POST /login", "GET start page", "POST start", "GET item page",
                   "POST autosave", "POST submit", "GET /healthz", "autosave (max)"])
    healthz_rate = healthz_done / args.ceiling_seconds
    save_rate = saves_done / args.ceiling_seconds
    autosave = stats.latencies["POST autosave"]
    errors = sum(len(v) for v in stats.errors.values())
    print()
    print(f"database:                 {args.db}")
    print(f"candidates:               {len(candidates)} ({args.workers} gunicorn workers, "
          f"{os.cpu_count()} cores)")
    print(f"all started within:       {started_within:.2f} s")
    print(f"autosave p99:             {percentile(autosave, 99) * 1000:.1f} ms "
          f"over {len(autosave)} saves")
    print(f"errors:                   {errors}")
    print(f"lost answers:             {lost} of {checked} acknowledged answers checked")
    print(f"ceiling /healthz:         {healthz_rate:.0f} req/s")
    print(f"autosave max throughput:  {save_rate:.0f} req/s")
    print(f"ratio autosave/ceiling:   {save_rate / healthz_rate:.2f}")
    for name, problems in stats.errors.items():
        for problem in problems[:3]:
            print(f"  error in {name}: {problem}")
    targets_met = (percentile(autosave, 99) < 0.2 and errors == 0 and lost == 0
                   and started_within <= 10)
    print(f"targets (p99 < 200 ms, 0 errors, 0 lost, started within 10 s): "
          f"{'met' if targets_met else 'NOT met'}")
    return 0 if targets_met else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--candidates", type=int, default=None,
                        help="default 500 on PostgreSQL, 150 on SQLite")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between saves")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of autosaving")
    parser.add_argument("--burst", action="store_true",
                        help="every candidate saves at the same instant (worst case)")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--login-concurrency", type=int, default=50)
    parser.add_argument("--ceiling-clients", type=int, default=32)
    parser.add_argument("--ceiling-seconds", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    args.candidates = args.candidates or (500 if args.db == "postgresql" else 150)
    random.seed(args.seed)

    workdir = Path(tempfile.mkdtemp(prefix="certify-bench-"))
    instance = workdir / "instance"
    instance.mkdir()
    (instance / "secret_key").write_text("bench-secret-key-" + "x" * 40)
    (instance / "certificate_secret").write_text("bench-certificate-secret-" + "y" * 40)
    url = prepare_database(args.db, workdir)
    print(f"seeding {args.db} with {args.candidates} candidates …", flush=True)
    t = time.perf_counter()
    seeded = seed(url, instance, args.candidates)
    print(f"  seeded in {time.perf_counter() - t:.1f} s", flush=True)
    port = free_port()
    server = start_server(url, instance, port, args.workers)
    try:
        return asyncio.run(run(args, f"http://127.0.0.1:{port}", url, seeded))
    finally:
        stop_server(server)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
