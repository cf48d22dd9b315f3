"""Issue 10, findings 12-14 on the store: read-only queries that create and need nothing writable, literal
LIKE patterns, refused huge names, and database errors that name the database without SQL or document text.

Permission cases run a subprocess as an unprivileged user: root ignores file modes, so as root the subprocess
drops to ``nobody``; as anyone else the modes apply anyway.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from claimgraph.errors import InputError, NotFoundError, StoreError
from claimgraph.store import ClaimFilter, migrations, open_store

try:
    from tests.test_store import make_result
except ImportError:  # tests/ is not a package
    from test_store import make_result  # type: ignore[no-redef]

SECRET = "The minister said the secret talks would resume in the capital on Monday after the holiday."
NOBODY = 65534


def snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {p.name: (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir()}


def filled(path: Path) -> Path:
    with open_store(path) as s:
        s.add_result(make_result("d1", SECRET, statements=[("author", "asserts", "PAK", "SUPPORT", "ISKP")]))
        s.add_result(make_result("d2", statements=[("author", "asserts", "PROV_1", "ASSAULT", "PAK")]))
    return path


@pytest.fixture
def world_readable():
    """A folder an unprivileged user can read (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="cg-ro-"))
    folder.chmod(0o755)
    yield folder
    for p in [folder, *folder.rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(folder)


def unprivileged(code: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``python -c code args`` as a user whom file modes bind (root drops to nobody with setpriv)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot drop privileges to test file modes")
        prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    env = {**os.environ, "HOME": "/tmp", "HF_HUB_OFFLINE": "1"}
    return subprocess.run([*prefix, sys.executable, "-c", code, *args], check=False, capture_output=True, text=True,
                          timeout=120, env=env, cwd="/")


QUERY = ("import sys, json; from claimgraph.store import open_store\n"
         "with open_store(sys.argv[1], read_only=True) as s:\n"
         "    print(json.dumps([s.stats().documents, len(list(s.iter_results())), len(s.search('minister'))]))")


# ---- finding 13: queries are read-only -------------------------------------------------------------
def test_a_read_only_open_creates_no_file_and_writes_nothing(tmp_path):
    path = filled(tmp_path / "q.db")
    before = snapshot(tmp_path)
    assert set(before) == {"q.db"}  # the writer closed cleanly: no -wal or -shm left
    with open_store(path, read_only=True) as store:
        assert store.stats().documents == 2
        assert len(store.claims(ClaimFilter())) == 2 and len(list(store.iter_results())) == 2
        with pytest.raises(StoreError, match="readonly database") as err:
            store.add_result(make_result("d3", statements=[("author", "asserts", "USA", "AID", "PAK")]))
    assert snapshot(tmp_path) == before
    assert "INSERT" not in str(err.value)


def test_a_read_only_open_of_a_missing_or_foreign_file_creates_nothing(tmp_path):
    with pytest.raises(StoreError, match="no such database"):
        open_store(tmp_path / "missing.db", read_only=True)
    assert not list(tmp_path.iterdir())
    foreign = tmp_path / "other.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="not a claimgraph database"):
        open_store(foreign, read_only=True)
    assert sqlite3.connect(foreign).execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]


def test_an_older_schema_is_not_migrated_by_a_read_only_open(tmp_path):
    path = filled(tmp_path / "old.db")
    con = sqlite3.connect(path)
    con.execute("UPDATE schema_version SET version = 0")
    con.commit()
    con.close()
    if migrations.LATEST > 0:
        with pytest.raises(StoreError, match="older claimgraph|not a claimgraph"):
            open_store(path, read_only=True)
    assert sqlite3.connect(path).execute("SELECT version FROM schema_version").fetchone() == (0,)


def test_a_reader_sees_what_a_running_writer_committed(tmp_path):
    path = tmp_path / "live.db"
    with open_store(path) as writer:
        writer.add_result(make_result("w1", statements=[("author", "asserts", "PAK", "SUPPORT", "ISKP")]))
        assert (tmp_path / "live.db-wal").exists()  # the writer is open: the reader must share its WAL
        with open_store(path, read_only=True) as reader:
            assert reader.stats().documents == 1
            writer.add_result(make_result("w2", statements=[("author", "asserts", "USA", "AID", "PAK")]))
            assert reader.stats().documents == 2  # each query sees the latest commit


def test_a_store_in_a_read_only_folder_can_be_queried(world_readable):
    path = filled(world_readable / "q.db")
    path.chmod(0o444)
    world_readable.chmod(0o555)
    before = snapshot(world_readable)
    done = unprivileged(QUERY, str(path))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [2, 2, 1]
    assert snapshot(world_readable) == before


def test_a_read_only_folder_while_a_writer_has_the_store_open(world_readable):
    path = world_readable / "q.db"
    with open_store(path) as writer:
        writer.add_result(make_result("w1", SECRET, statements=[("author", "asserts", "PAK", "SUPPORT", "ISKP")]))
        for p in world_readable.iterdir():
            p.chmod(0o644)
        world_readable.chmod(0o555)
        done = unprivileged(QUERY, str(path))
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == [1, 1, 1]


WRITE = ("import sys; from claimgraph.store import open_store; from claimgraph.errors import StoreError\n"
         "from claimgraph.models import Document, ExtractionResult\n"
         "try:\n"
         "    with open_store(sys.argv[1]) as s:\n"
         "        s.add_result(ExtractionResult(document=Document(id='n1', text=sys.argv[2])))\n"
         "except StoreError as exc:\n"
         "    print(exc); sys.exit(6)\n")


def test_writing_a_read_only_file_says_so_without_sql_or_text(world_readable):
    path = filled(world_readable / "q.db")
    path.chmod(0o444)
    text = "A new report that must not appear in the error message, whatever went wrong with the write."
    done = unprivileged(WRITE, str(path), text)
    assert done.returncode == 6, (done.stdout, done.stderr)
    message = done.stdout.strip()
    assert "not writable" in message and str(path) in message
    assert "INSERT" not in message and "SELECT" not in message and text[:20] not in message
    assert "Traceback" not in done.stderr


# ---- finding 12 (names: tests/test_queries.py) -----------------------------------------------------
@pytest.fixture
def store(tmp_path):
    with open_store(filled(tmp_path / "n.db"), read_only=True) as s:
        yield s


def test_a_huge_search_is_refused_cleanly(store):
    with pytest.raises(InputError, match="too long"):
        store.search("word " * 100_000)
    assert store.search("minister")


def test_database_errors_in_queries_are_store_errors(tmp_path):
    path = filled(tmp_path / "c.db")
    with open_store(path, read_only=True) as s:
        data = bytearray(path.read_bytes())
        data[4096:] = b"\xff" * (len(data) - 4096)  # every page but the schema damaged
        path.write_bytes(bytes(data))
        with pytest.raises(StoreError, match=r"c\.db: database error \(.*malformed"):
            s.stats()
        with pytest.raises(StoreError, match=r"c\.db: database error"):
            list(s.iter_results())


def test_the_cli_refuses_wildcards_and_huge_names_without_a_traceback(tmp_path):
    from click.testing import CliRunner

    from claimgraph.cli import main

    db = str(filled(tmp_path / "cli.db"))
    wildcard = CliRunner().invoke(main, ["actor", "_", "--db", db, "--format", "json", "--kb", str(tmp_path)])
    assert wildcard.exit_code == NotFoundError.exit_code and "no actor named '_'" in wildcard.stderr
    huge = CliRunner().invoke(main, ["actor", "x" * 100_000, "--db", db])
    assert huge.exit_code == NotFoundError.exit_code and "too long" in huge.stderr
    assert isinstance(huge.exception, SystemExit)
