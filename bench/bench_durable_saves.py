"""Benchmark: what a durable acknowledged save costs on SQLite (issue 13 §16).

certify opens SQLite in WAL mode. With ``synchronous = NORMAL`` a commit is written to the WAL but not
synced: a power cut or an OS crash can roll back saves the candidate was told are saved. With
``synchronous = FULL`` (what certify uses) every commit syncs the WAL before it is acknowledged.

This script replays autosave-shaped transactions (``BEGIN IMMEDIATE``; update one answer row and the
attempt's sequence number; ``COMMIT``) against a file on the disk the data directory lives on, once
per setting, from ``--workers`` threads with a connection each (the way gunicorn's workers share the
file), and prints saves per second, the median and p99 latency of one save, and the ratio FULL/NORMAL.

Usage: ``python bench/bench_durable_saves.py [--saves 2000] [--workers 4] [--dir instance]``
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
import threading
import time
from pathlib import Path


def _connect(path: Path, synchronous: str) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA busy_timeout = 30000")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute(f"PRAGMA synchronous = {synchronous}")
    return connection


def _prepare(path: Path, attempts: int) -> None:
    connection = _connect(path, "NORMAL")
    connection.executescript("""
        CREATE TABLE attempt (id INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL);
        CREATE TABLE answer (id INTEGER PRIMARY KEY, attempt_id INTEGER NOT NULL,
                             position INTEGER NOT NULL, response TEXT, saved_dt TEXT,
                             UNIQUE (attempt_id, position));
    """)
    connection.execute("BEGIN")
    for a in range(attempts):
        connection.execute("INSERT INTO attempt (id, last_seq) VALUES (?, 0)", (a,))
        connection.executemany(
            "INSERT INTO answer (attempt_id, position, response) VALUES (?, ?, NULL)",
            [(a, p) for p in range(50)])
    connection.execute("COMMIT")
    connection.close()


def _run(path: Path, synchronous: str, saves: int, workers: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(number: int) -> None:
        connection = _connect(path, synchronous)
        mine = []
        for n in range(saves // workers):
            attempt = (number * 1000 + n) % 150
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                "UPDATE answer SET response = ?, saved_dt = datetime('now') "
                "WHERE attempt_id = ? AND position = ?",
                (f'{{"choice": "{"ABCD"[n % 4]}"}}', attempt, n % 50))
            connection.execute("UPDATE attempt SET last_seq = last_seq + 1 WHERE id = ?",
                               (attempt,))
            connection.execute("COMMIT")
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(workers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--dir", default=None, help="folder for the database file (default: a "
                        "temporary folder; use the disk the data directory lives on)")
    args = parser.parse_args()
    results = {}
    for synchronous in ("NORMAL", "FULL"):
        with tempfile.TemporaryDirectory(dir=args.dir) as folder:
            path = Path(folder) / "bench.sqlite3"
            _prepare(path, 150)
            seconds, latencies = _run(path, synchronous, args.saves, args.workers)
        latencies.sort()
        results[synchronous] = (len(latencies) / seconds, statistics.median(latencies) * 1000,
                                latencies[int(len(latencies) * 0.99) - 1] * 1000)
    print(f"{args.saves} autosave transactions from {args.workers} connections, WAL mode")
    print(f"{'synchronous':<12}{'saves/s':>10}{'median ms':>12}{'p99 ms':>10}")
    for name, (rate, median, p99) in results.items():
        print(f"{name:<12}{rate:>10.0f}{median:>12.2f}{p99:>10.2f}")
    normal, full = results["NORMAL"], results["FULL"]
    print(f"FULL / NORMAL: throughput x{full[0] / normal[0]:.2f}, median latency "
          f"x{full[1] / normal[1]:.2f}, p99 latency x{full[2] / normal[2]:.2f}")


if __name__ == "__main__":
    main()
