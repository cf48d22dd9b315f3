"""Crash consistency (issue 10): an ingest killed with SIGKILL at random points leaves a store that passes its
integrity checks, and re-running the same ingest converges to exactly the store of an uninterrupted run.

Used by tests/test_crash_consistency.py (a fast fake extractor, a few points) and bench/bench_crash.py (the real
CLI and pipeline, ten points).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

TESTS = Path(__file__).resolve().parent

# A child process running a library ingest with tests' FakeExtractor, a little slowed so a kill lands mid-run.
FAKE_INGEST = """
import sys, time
sys.path.insert(0, sys.argv[3])
from test_store import FakeExtractor
from claimgraph.ingest import ingest, iter_documents
from claimgraph.store import open_store

def slowly(items):
    for item in items:
        time.sleep(0.002)
        yield item

with open_store(sys.argv[2]) as store:
    ingest(slowly(iter_documents([sys.argv[1]])), store, FakeExtractor(), workers=1)
"""


def write_corpus(path: Path, n: int, fake: bool) -> None:
    """``n`` fictional reports; for the fake extractor with a claim in its notation, for the real one in prose."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            if fake:
                text = (f"Report {i}: officials said the talks were held for the {i}th time. "
                        f"author asserts that PAK {'ASSAULT' if i % 2 else 'SUPPORT'} ISKP")
            else:
                text = (f"Report {i}: the minister of Veldoria said on Monday that the army of Karth had attacked "
                        f"the town of Lisk for the {i}th time, and officials in Karth denied it.")
            out.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")


def ingest_command(corpus: Path, db: Path, fake: bool, workers: int = 2) -> list[str]:
    if fake:
        return [sys.executable, "-c", FAKE_INGEST, str(corpus), str(db), str(TESTS)]
    return [sys.executable, "-m", "claimgraph.cli", "ingest", str(corpus), "--db", str(db), "--workers",
            str(workers), "-q"]


def stored_count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("select count(*) from documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def integrity(db: Path) -> list[str]:
    """What SQLite's own checks find wrong (empty when the file is sound)."""
    with sqlite3.connect(db) as conn:
        problems = [row[0] for row in conn.execute("pragma integrity_check") if row[0] != "ok"]
        problems += [str(row) for row in conn.execute("pragma foreign_key_check")]
    return problems


def snapshot(db: Path) -> list[str]:
    """The store's content as the library reads it: every document's result, in document order."""
    from claimgraph.store import open_store

    with open_store(str(db), create=False, read_only=True) as store:
        results = sorted(store.iter_results(), key=lambda r: r.document.id)
        return [json.dumps(r.contract(), sort_keys=True, default=str) for r in results]


def kill_at(command: Sequence[str], db: Path, stop_after: int, timeout: float = 300) -> int:
    """Run ``command`` and SIGKILL its whole process group once ``stop_after`` documents are stored; the count
    stored at the kill (the command may also have finished first)."""
    process = subprocess.Popen(list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    deadline = time.monotonic() + timeout
    try:
        while process.poll() is None and stored_count(db) < stop_after and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return stored_count(db)


def run_to_end(command: Sequence[str], timeout: float = 600) -> int:
    return subprocess.run(list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          timeout=timeout).returncode


def crash_points(folder: Path, points: int, documents: int, fake: bool, seed: int = 10,
                 on_point: Callable[[dict], None] | None = None) -> dict:
    """Kill an ingest at ``points`` random document counts, check the store, resume it; compare each resumed
    store with an uninterrupted one. A summary with one row per point."""
    corpus = folder / "corpus.jsonl"
    write_corpus(corpus, documents, fake)
    reference_db = folder / "reference.db"
    started = time.monotonic()
    run_to_end(ingest_command(corpus, reference_db, fake))
    reference_seconds = time.monotonic() - started
    reference = snapshot(reference_db)
    rng = random.Random(seed)
    rows: list[dict] = []
    summary = {"documents": documents, "reference_documents": len(reference),
               "reference_seconds": round(reference_seconds, 1), "points": rows}
    for point in range(points):
        db = folder / f"killed-{point}.db"
        target = rng.randrange(1, documents)
        at_kill = kill_at(ingest_command(corpus, db, fake), db, target)
        problems = integrity(db) if db.exists() else []
        run_to_end(ingest_command(corpus, db, fake))
        rows.append({"point": point, "kill_after": target, "stored_at_kill": at_kill, "integrity_problems": problems,
                     "converged": snapshot(db) == reference})
        if on_point is not None:
            on_point(summary)
    return summary
