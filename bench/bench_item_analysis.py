"""Benchmark the item analysis of a sitting: is it fast enough to compute on every page view?

Usage::

    python bench/bench_item_analysis.py [--candidates 300] [--runs 5]

Nothing is served from a cache: every timed run computes the analysis afresh (a first view).
Builds a throw-away SQLite database with the bundled content, one Level 4 theory sitting and one
Level 4 skills sitting of ``--candidates`` simulated, graded and marked candidates each (the demo's
own simulation), then times the analysis (database reads, scoring tables, statistics) of each
sitting ``--runs`` times and prints the median and the worst run, and the time of the items page
itself through the test client. The report pages compute it three times per view (the page and its
two charts), so without a cache a first view costs three analyses; with it, one analysis and two
look-ups (the fingerprint of the sitting's results). The page figure is a first view.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time

from certify import create_app
from certify.auth.demo import DEMO_ACCOUNTS
from certify.auth.models import Role
from certify.db import db, refresh_statistics
from certify.demo import loaders
from certify.exams.models import Sitting
from certify.grading import demo as grading_demo
from certify.grading.publication import publish_results
from certify.reports import operations as reports


def build(candidates: int) -> tuple:
    app = create_app({"INSTANCE_PATH": tempfile.mkdtemp(prefix="certify-bench-analysis-"),
                      "SECRET_KEY": "bench", "CERTIFICATE_SECRET": "bench",
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
        for loader in loaders(app):
            if loader.name in ("syllabus", "accounts", "banks", "exams"):
                loader.load(lambda _text: None)
        db.session.commit()
        admin = grading_demo._admin()
        rng = random.Random(7)
        people = grading_demo._simulated_candidates(candidates)
        sittings = []
        for component in ("theory", "skills"):
            exam = grading_demo._exam(f"Level 4 {component} exam (demo)")
            sitting = grading_demo._past_sitting(exam, f"bench {component}", 3, admin)
            abilities = {}
            for n, person in enumerate(people):
                ability = 0.3 + 0.65 * n / max(1, len(people) - 1)
                abilities[grading_demo._sit(rng, sitting, person, ability, admin).id] = ability
            db.session.flush()
            grading_demo._mark_all(rng, sitting, abilities)
            publish_results(sitting, actor=admin)
            sittings.append(sitting.id)
        db.session.commit()
        refresh_statistics()
    return app, sittings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    started = time.perf_counter()
    app, sittings = build(args.candidates)
    print(f"built {len(sittings)} sittings of {args.candidates} graded candidates in "
          f"{time.perf_counter() - started:.1f} s")
    examiner = next(a for a in DEMO_ACCOUNTS if Role.EXAMINER in a.roles)
    for sitting_id in sittings:
        times = []
        with app.app_context():
            sitting = db.session.get(Sitting, sitting_id)
            for _ in range(args.runs):
                db.session.expire_all()
                getattr(reports, "_CACHE", {}).clear()  # time the analysis, not a cache hit
                begin = time.perf_counter()
                report = reports.analyse_sitting(sitting)
                times.append(time.perf_counter() - begin)
            items = len(report.analysis.items)
            title = sitting.title
        client = app.test_client()
        client.post("/login", data={"email": examiner.email, "password": examiner.password})
        page = []
        for _ in range(args.runs):
            getattr(reports, "_CACHE", {}).clear()  # a first view: nothing computed yet
            begin = time.perf_counter()
            for url in (f"/reports/sitting/{sitting_id}/items",
                        f"/reports/sitting/{sitting_id}/chart/histogram.svg",
                        f"/reports/sitting/{sitting_id}/chart/scatter.svg"):
                assert client.get(url).status_code == 200, url
            page.append(time.perf_counter() - begin)
        with app.app_context():
            sitting = db.session.get(Sitting, sitting_id)
            reports.analyse_sitting(sitting)
            hits = []
            for _ in range(args.runs):
                begin = time.perf_counter()
                reports.analyse_sitting(sitting)  # served from the cache: only the fingerprint
                hits.append(time.perf_counter() - begin)
        median = statistics.median(times)
        print(f"{title}: {args.candidates} candidates, {items} items: analysis median "
              f"{median * 1000:.0f} ms, worst {max(times) * 1000:.0f} ms; from the cache "
              f"{statistics.median(hits) * 1000:.1f} ms; first view (page + 2 charts) median "
              f"{statistics.median(page) * 1000:.0f} ms, without the cache about "
              f"{3 * median * 1000:.0f} ms")


if __name__ == "__main__":
    main()
