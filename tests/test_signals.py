"""Issue 10, finding 10: Ctrl-C and SIGTERM during an ingest with worker processes end it with one message and
the documented exit code (130, 143), no traceback from the parent or any worker, and the store intact."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e


def _corpus(path: Path, n: int = 2000) -> None:
    with path.open("w") as out:
        for i in range(n):
            out.write(json.dumps({"id": f"d{i}", "text": (
                f"Report {i}: the minister of Veldoria said on Monday that the army of Karth had attacked the "
                f"town of Lisk near the river for the {i}th time, and officials in Karth denied it.")}) + "\n")


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("select count(*) from documents").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("signum,code,message", [(signal.SIGINT, 130, "claimgraph: interrupted"),
                                                 (signal.SIGTERM, 143, "claimgraph: terminated")],
                         ids=["ctrl-c", "sigterm"])
def test_a_signal_ends_an_ingest_quietly(tmp_path, signum, code, message):
    _corpus(tmp_path / "in.jsonl")
    db = tmp_path / "t.db"
    cli = [sys.executable, "-m", "claimgraph.cli", "ingest", str(tmp_path / "in.jsonl"), "--db", str(db),
           "--workers", "2", "-q"]
    process = subprocess.Popen(cli, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while _stored(db) == 0 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert process.poll() is None, "the ingest ended before the signal"
    if signum == signal.SIGINT:
        os.killpg(process.pid, signum)  # Ctrl-C reaches the whole foreground group, workers included
    else:
        process.send_signal(signum)  # a service manager signals the main process
    out, err = process.communicate(timeout=60)
    assert process.returncode == code, err.decode()
    assert err.decode().strip() == message and b"Traceback" not in out + err
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
