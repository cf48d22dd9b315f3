"""Shared fixtures: the real pipeline (loaded once per session), the path of ../shared, and the store backends."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from contextlib import nullcontext
from pathlib import Path
from typing import Iterator

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GOLDEN = Path(__file__).resolve().parent / "golden"

# The pipelines the tests build (and the `claimgraph` processes they start) are cached in a folder of this test
# session, not in the user's ~/.cache: the first build saves, later ones load, and nothing stays behind.
_PIPELINE_CACHE = tempfile.mkdtemp(prefix="claimgraph-test-pipelines-")
os.environ.setdefault("CLAIMGRAPH_PIPELINE_CACHE", _PIPELINE_CACHE)
atexit.register(shutil.rmtree, _PIPELINE_CACHE, True)


def shared_path(*parts: str) -> Path:
    """A path under ../shared; the calling test is skipped when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent")
    return path


@pytest.fixture(scope="session")
def golden_extractor():
    from claimgraph.extract import Extractor

    return Extractor(kb_paths=[str(GOLDEN / "statements" / "kb.yaml")])


@pytest.fixture(scope="session")
def extractor():
    from claimgraph.extract import Extractor

    return Extractor()


# ---- store backends: every store test runs on SQLite and on PostgreSQL ---------------------------------------
POSTGRES_ENV = "CLAIMGRAPH_TEST_POSTGRES"  # DSN of a throwaway PostgreSQL (.ci/run and `make postgres` start one)
BACKENDS = ("sqlite", "postgresql")


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def unavailable(reason: str) -> None:
    """Skip a test whose service or package is missing; in CI (CI=true) that is a failure instead."""
    if in_ci():
        pytest.fail(f"{reason}; CI=true, so .ci/run must provide it", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    dsn = os.environ.get(POSTGRES_ENV)
    if not dsn:
        unavailable(f"PostgreSQL tests need ${POSTGRES_ENV} (a DSN; `make postgres` starts a throwaway server "
                    f"and prints it)")
    try:
        import psycopg

        with psycopg.connect(dsn, connect_timeout=10) as conn:
            conn.execute("SELECT 1")
    except ImportError:
        unavailable("PostgreSQL tests need psycopg (pip install -e '.[postgresql]')")
    except Exception as exc:  # noqa: BLE001  (any connection failure means the same: no server to test on)
        unavailable(f"cannot connect to ${POSTGRES_ENV}={dsn}: {exc}")
    return str(dsn)


def postgres_schema(dsn: str):
    """Context manager: a fresh, empty schema in the test database, as a store URL whose search_path is it."""
    from claimgraph.store.postgres import scratch_schema

    return scratch_schema(dsn, "test")


def new_store_url(request: pytest.FixtureRequest, backend: str, tmp_path: Path, name: str = "store.db"):
    """Context manager: a URL of a fresh, empty store on ``backend``."""
    if backend == "sqlite":
        return nullcontext(str(tmp_path / name))
    return postgres_schema(request.getfixturevalue("postgres_dsn"))


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store on each backend (a file on SQLite, a schema of its own on PostgreSQL)."""
    with new_store_url(request, request.param, tmp_path) as url:
        yield url


@pytest.fixture
def store(store_url: str):
    from claimgraph.store import open_store

    with open_store(store_url) as s:
        yield s
