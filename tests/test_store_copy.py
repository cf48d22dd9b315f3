"""``claimgraph db migrate``: a store copied to another backend (and back) loses nothing and stays writable."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from claimgraph.cli import main
from claimgraph.errors import StoreError
from claimgraph.store import ClaimFilter, open_store
from claimgraph.store.copy import copy_store, count_rows, proposition_checksum
from claimgraph.store.neardup import signature

try:
    from tests.conftest import new_store_url
    from tests.test_store import make_result
except ImportError:  # tests/ is not a package
    from conftest import new_store_url  # type: ignore[no-redef]
    from test_store import make_result  # type: ignore[no-redef]

REPORTS = [
    make_result("m1", "The Afghan Taliban has been accusing Pakistan of supporting the ISKP for years, a charge that "
                "Islamabad strongly denies.", "2025-01-10",
                [("author", "asserts", "AFGTAL", "ACCUSE", "PAK"),
                 ("AFGTAL", "asserts", "PAK", "SUPPORT", "ISKP", False, "m1-s0"),
                 ("PAK", "denies", "PAK", "SUPPORT", "ISKP")]),
    make_result("m2", "The ISKP attacked a checkpoint of the Baloch Front near the border, residents told the "
                "reporters who visited on Friday.", None, [("author", "asserts", "ISKP", "ASSAULT", "PROV_1")]),
    make_result("m3", "The ISKP attacked a checkpoint of the Baloch Front near the border, residents told the "
                "reporters who visited on Friday (updated).", "2025-02-01",
                [("author", "asserts", "ISKP", "ASSAULT", "PROV_2")]),
]


def fill(url: str) -> None:
    with open_store(url) as s:
        for r in REPORTS:
            s.add_result(r, signature=signature(r.document.text))


def snapshot(url: str) -> dict:
    """What an analyst sees: the rebuilt documents, propositions, claims, search hits, counts."""
    with open_store(url, create=False) as s:
        stats = s.stats().model_dump(exclude={"path", "backend"})
        return {"results": list(s.iter_results()), "stats": stats,
                "propositions": s.propositions(limit=100), "claims": s.claims(ClaimFilter()),
                "search": [h.claim.statement_id for h in s.search("checkpoint")],
                "checksum": proposition_checksum(s), "rows": count_rows(s)}


@pytest.mark.parametrize("target_backend", ["sqlite", "postgresql"])
def test_a_copied_store_answers_like_the_original_and_stays_writable(request, tmp_path, target_backend):
    source = str(tmp_path / "source.db")
    fill(source)
    with new_store_url(request, target_backend, tmp_path, "target.db") as target:
        with open_store(source, create=False) as src, open_store(target) as dst:
            report = copy_store(src, dst)
        assert report.ok and report.rows == sum(snapshot(source)["rows"].values())
        assert snapshot(target) == snapshot(source)
        with open_store(target) as dst:  # keys continue after the copied ones
            extra = make_result("m4", statements=[("author", "asserts", "PAK", "SUPPORT", "ISKP")])
            assert dst.add_result(extra) is not None
            assert dst.stats().documents == 4
            (prop,) = [p for p in dst.propositions() if p.key == "PAK|SUPPORT|ISKP|0"]
            assert prop.statements == 3
        back = str(tmp_path / "back.db")  # and back again, from the target's backend to SQLite
        with open_store(target, create=False) as src, open_store(back) as dst:
            assert copy_store(src, dst).ok


def test_copying_into_a_store_that_is_not_empty_is_refused(store_url, tmp_path):
    source = str(tmp_path / "source.db")
    fill(source)
    fill(store_url)
    with open_store(source) as src, open_store(store_url) as dst, pytest.raises(StoreError, match="not empty"):
        copy_store(src, dst)


def test_db_migrate_command(store_url, tmp_path):
    source = tmp_path / "source.db"
    fill(str(source))
    result = CliRunner().invoke(main, ["db", "migrate", "--from", f"sqlite:///{source}", "--to", store_url, "-q",
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] and report["source_checksum"] == report["target_checksum"]
    assert {c["table"]: c["target"] for c in report["tables"]}["statements"] == 5
    stats = json.loads(CliRunner().invoke(main, ["db", "--db", store_url, "--format", "json"]).stdout)
    assert stats["documents"] == 3 and stats["schema_version"] >= 2
    again = CliRunner().invoke(main, ["db", "migrate", "--from", str(source), "--to", store_url, "-q"])
    assert again.exit_code == 6 and "not empty" in again.stderr
    missing = CliRunner().invoke(main, ["db", "migrate", "--from", str(tmp_path / "nope.db"), "--to", store_url])
    assert missing.exit_code == 6 and "no such database" in missing.stderr
